"""Conversations with every kind of content, for the export and import tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray
from PySide6.QtGui import QColor, QImage

from kimi_desktop.domain import (
    AttachedDocument,
    Message,
    MessageStatus,
    NewAttachment,
    ToolCall,
    Usage,
)
from kimi_desktop.store import ConversationRepository

SEARCH_ARGUMENTS = '{\n    "search_result": {\n        "search_id": "s-1"\n    }\n}'
DOCUMENT = AttachedDocument(
    name="notes.md", kind="text", text="# Notes\n```js\nlet a = 1\n```\n", lines=4, tokens=12
)


def png_bytes(width: int = 8, height: int = 6, color: str = "#2f6feb") -> bytes:
    """A real PNG, made by Qt."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(array.data())


def search_turns() -> tuple[Message, ...]:
    """One web search round: the assistant's call and the tool's answer."""
    call = ToolCall(
        id="call-1", name="$web_search", arguments=SEARCH_ARGUMENTS, type="builtin_function"
    )
    return (
        Message(role="assistant", text="", reasoning="Look it up.", tool_calls=(call,)),
        Message(role="tool", text=SEARCH_ARGUMENTS, tool_call_id="call-1", name="$web_search"),
    )


def full_conversation(repo: ConversationRepository, title: str = "Screenshot → code") -> int:
    """A conversation using every stored field: images (one used twice), a document,
    reasoning, usage, web search turns, a stopped reply with an error fix."""
    conversation = repo.create_conversation(
        title,
        endpoint_id="moonshot-cn",
        model="kimi-k2.5",
        system_prompt="Answer with a single HTML file.",
        max_tokens=8192,
        web_search=True,
    )
    repo.set_pinned(conversation.id, True)
    blue, red = png_bytes(), png_bytes(5, 5, "#bf3989")
    repo.add_message(
        conversation.id,
        "user",
        "Make this UI\nin React",
        attachments=[
            NewAttachment("image/png", blue, 8, 6, "screenshot.png"),
            NewAttachment("image/png", red, 5, 5, ""),
        ],
        documents=[DOCUMENT],
    )
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.finish_message(
        reply.id,
        status=MessageStatus.COMPLETE,
        text="Here it is:\n\n```jsx\nexport default () => <div/>\n```",
        reasoning="The user wants </details> a component.",
        reasoning_seconds=6.25,
        usage=Usage(prompt_tokens=1200, completion_tokens=300, cached_tokens=1024),
        reasoning_field="reasoning_content",
        web_searches=2,
        tool_turns=search_turns(),
    )
    repo.add_message(
        conversation.id,
        "user",
        "Again, the same picture",
        attachments=[NewAttachment("image/png", blue, 8, 6, "screenshot.png")],
    )
    stopped = repo.add_message(
        conversation.id, "assistant", "", status=MessageStatus.STREAMING, model="kimi-k2.5"
    )
    repo.finish_message(
        stopped.id,
        status=MessageStatus.INTERRUPTED,
        text="Half an answer",
        reasoning="",
        error="The output budget ran out.",
        error_fix="larger_budget",
    )
    return conversation.id


def plain_conversation(repo: ConversationRepository, title: str, *texts: str) -> int:
    """A conversation of prompts each answered "ok"."""
    conversation = repo.create_conversation(title, endpoint_id="demo", model="kimi-k2.5")
    for text in texts:
        repo.add_message(conversation.id, "user", text)
        repo.add_message(conversation.id, "assistant", f"ok: {text}", model="kimi-k2.5")
    return conversation.id


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def keys_in(value: Any) -> set[str]:
    """Every key of every object in a parsed JSON document."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_in(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_in(item)}
    return set()
