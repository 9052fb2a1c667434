"""The JSON export format, version 2, and writing it.

One conversation::

    {"format": "kimi-desktop", "version": 2, "conversation": {CONVERSATION}}

Every conversation ("Export all")::

    {"format": "kimi-desktop", "version": 2, "conversations": [{CONVERSATION}, ...]}

A CONVERSATION holds ``title``, ``created_at``, ``updated_at`` (Unix seconds),
``pinned``, ``system_prompt``, ``endpoint_id``, ``model``, ``max_tokens`` (null:
the app's default), ``web_search``, ``leaf`` (the index in ``messages`` of the
last message of the branch shown; null: the last message) and ``messages``:
every version of every message, in the order written. A message holds
``parent`` (the index of the message it follows, always an earlier one; null
for a first message; messages sharing a parent are versions of each other),
``role`` ("user", "assistant", "system"), ``created_at``, ``model``, ``status``
("complete", "stopped", "interrupted", "error"), ``text``, ``reasoning``,
``reasoning_seconds``, ``reasoning_field``, ``usage`` (null or
``prompt_tokens``, ``completion_tokens``, ``cached_tokens``), ``error``,
``error_fix``, ``web_searches``, ``tool_turns`` (the web search rounds, in the
shape :mod:`kimi_desktop.store.tool_turns` documents for one turn),
``attachments`` (``name``, ``mime``, ``width``, ``height``, ``size``,
``sha256`` of the bytes, ``data``: the bytes in base64) and ``documents``
(``name``, ``kind``, ``pages``, ``lines``, ``tokens``, ``text``).

There are no ids and no export time: what the file says is only the
conversation, so exporting an imported conversation gives the same bytes.
Messages are written one per line, each by the C encoder, so a long history
writes fast and a person can still find their way in the file. A reader must
not rely on the layout: any valid JSON of this shape is the same export.

A field added later without changing what the others mean keeps the version
(readers ignore fields they do not know); anything else bumps :data:`VERSION`.
Version 1 had no ``parent`` or ``leaf``: its messages are one branch, in order.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any, Final, TextIO

from kimi_desktop.domain import Message
from kimi_desktop.domain.export_format import PortableConversation, PortableMessage

FORMAT: Final = "kimi-desktop"
VERSION: Final = 2


def write_conversation_file(stream: TextIO, conversation: PortableConversation) -> None:
    """Write a one-conversation export to ``stream``."""
    stream.write(_header() + ', "conversation": ')
    write_conversation(stream, conversation)
    stream.write("}\n")


def write_archive_file(stream: TextIO, conversations: Iterable[PortableConversation]) -> int:
    """Write an archive of ``conversations`` to ``stream``, one at a time (only one is
    held in memory when ``conversations`` is lazy); returns how many were written."""
    stream.write(_header() + ', "conversations": [')
    count = 0
    for conversation in conversations:
        stream.write(",\n" if count else "\n")
        write_conversation(stream, conversation)
        count += 1
    stream.write("\n]}\n" if count else "]}\n")
    return count


def write_conversation(stream: TextIO, conversation: PortableConversation) -> None:
    """One CONVERSATION object: its fields on one line, then a message per line."""
    fields = _dumps(conversation_fields(conversation))
    stream.write(fields[:-1] + ', "messages": [')
    for index, message in enumerate(conversation.messages):
        stream.write(",\n" if index else "\n")
        stream.write(_dumps(message_object(message, conversation.parent_of(index))))
    stream.write("\n]}" if conversation.messages else "]}")


def conversation_fields(conversation: PortableConversation) -> dict[str, Any]:
    """A CONVERSATION's fields but its messages."""
    return {
        "title": conversation.title,
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
        "pinned": conversation.pinned,
        "system_prompt": conversation.system_prompt,
        "endpoint_id": conversation.endpoint_id,
        "model": conversation.model,
        "max_tokens": conversation.max_tokens,
        "web_search": conversation.web_search,
        "leaf": conversation.leaf,
    }


def message_object(message: PortableMessage, parent: int | None) -> dict[str, Any]:
    """One message, after the message at index ``parent`` (``None``: a first message)."""
    usage = message.usage
    return {
        "parent": parent,
        "role": message.role,
        "created_at": message.created_at,
        "model": message.model,
        "status": message.status.value,
        "text": message.text,
        "reasoning": message.reasoning,
        "reasoning_seconds": message.reasoning_seconds,
        "reasoning_field": message.reasoning_field,
        "usage": None
        if usage is None
        else {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "cached_tokens": usage.cached_tokens,
        },
        "error": message.error,
        "error_fix": message.error_fix,
        "web_searches": message.web_searches,
        "tool_turns": [turn_object(turn) for turn in message.tool_turns],
        "attachments": [
            {
                "name": image.attachment.name,
                "mime": image.attachment.mime,
                "width": image.attachment.width,
                "height": image.attachment.height,
                "size": image.attachment.size,
                "sha256": image.attachment.sha256,
                "data": base64.b64encode(image.data).decode("ascii"),
            }
            for image in message.images
        ],
        "documents": [
            {
                "name": document.name,
                "kind": document.kind,
                "pages": document.pages,
                "lines": document.lines,
                "tokens": document.tokens,
                "text": document.text,
            }
            for document in message.documents
        ],
    }


def turn_object(turn: Message) -> dict[str, Any]:
    """One web search round's turn (the assistant's calls, or a tool's answer)."""
    return {
        "role": turn.role,
        "text": turn.text,
        "reasoning": turn.reasoning,
        "reasoning_field": turn.reasoning_field,
        "tool_calls": [
            {"id": call.id, "type": call.type, "name": call.name, "arguments": call.arguments}
            for call in turn.tool_calls
        ],
        "tool_call_id": turn.tool_call_id,
        "name": turn.name,
    }


def _header() -> str:
    return _dumps({"format": FORMAT, "version": VERSION})[:-1]


def _dumps(value: Any) -> str:
    # allow_nan=False: NaN and Infinity are not JSON, and no stored value is either.
    return json.dumps(value, ensure_ascii=False, allow_nan=False)
