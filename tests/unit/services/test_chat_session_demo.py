"""ChatSession end to end over the offline demo transport (no sockets)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from kimi_desktop.api import KimiClient
from kimi_desktop.api.demo import DEMO_ENDPOINT
from kimi_desktop.api.demo_transport import DemoTransport
from kimi_desktop.domain import MessageStatus, NewAttachment
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database


def _session(tmp_path: Path) -> tuple[ChatSession, ConversationRepository]:
    repo = ConversationRepository(Database.open(tmp_path / "h.sqlite3"))
    session = ChatSession(
        repo, lambda _id, on_retry: KimiClient(DEMO_ENDPOINT, "", transport=DemoTransport(0))
    )
    return session, repo


def test_reply_streams_into_signals_and_store(tmp_path, qloop) -> None:
    session, repo = _session(tmp_path)
    conversation = repo.create_conversation()
    reasoning, content = [], []
    session.reasoning_received.connect(lambda _id, text: reasoning.append(text))
    session.content_received.connect(lambda _id, text: content.append(text))

    session.send(
        conversation.id, "show me a table", endpoint_id="demo", model="kimi-k2.5", thinking=None
    )
    qloop.run_until_complete(session.reply_task(conversation.id))

    messages = repo.messages(conversation.id)
    assert [m.role for m in messages] == ["user", "assistant"]
    reply = messages[1]
    assert reply.status is MessageStatus.COMPLETE
    assert reply.text == "".join(content)
    assert "| Model |" in reply.text
    assert reply.reasoning == "".join(reasoning)
    assert reply.reasoning
    assert reply.usage is not None
    assert reply.usage.cached_tokens == 16
    assert repo.get_conversation(conversation.id).title == "show me a table"


def test_stop_keeps_partial_text_marked_stopped(tmp_path, qloop) -> None:
    session, repo = _session(tmp_path)
    conversation = repo.create_conversation()
    session.content_received.connect(lambda *_: session.stop(conversation.id))

    session.send(
        conversation.id, "code please", endpoint_id="demo", model="kimi-k2.5", thinking=None
    )
    task = session.reply_task(conversation.id)
    qloop.run_until_complete(asyncio.wait([task]))

    reply = repo.messages(conversation.id)[-1]
    assert reply.status is MessageStatus.STOPPED
    assert reply.text  # the first delta arrived before the stop and is kept
    assert not session.is_running(conversation.id)


def test_quota_error_is_stored_with_a_sentence(tmp_path, qloop) -> None:
    session, repo = _session(tmp_path)
    conversation = repo.create_conversation()

    session.send(conversation.id, "error", endpoint_id="demo", model="kimi-k2.5", thinking=None)
    qloop.run_until_complete(asyncio.wait([session.reply_task(conversation.id)]))

    reply = repo.messages(conversation.id)[-1]
    assert reply.status is MessageStatus.ERROR
    assert "balance" in (reply.error or "")
    assert reply.error_fix == "settings"  # kept for the button after a restart too


def _burst_transport(pieces: list[tuple[str, str]]) -> httpx.MockTransport:
    """A reply whose every SSE event is already there when the first is read."""
    chunks = [{"choices": [{"index": 0, "delta": {field: text}}]} for field, text in pieces] + [
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    ]
    body = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
    return httpx.MockTransport(
        lambda _request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=body.encode()
        )
    )


def test_a_burst_of_deltas_is_announced_in_order_in_few_signals(tmp_path, qloop) -> None:
    pieces = (
        [("reasoning_content", f"r{i} ") for i in range(300)]
        + [("content", f"c{i} ") for i in range(600)]
        + [("reasoning_content", "again ")]  # interleaved thinking comes back
        + [("content", "end")]
    )
    repo = ConversationRepository(Database.open(tmp_path / "h.sqlite3"))
    session = ChatSession(
        repo,
        lambda _id, on_retry: KimiClient(DEMO_ENDPOINT, "", transport=_burst_transport(pieces)),
    )
    conversation = repo.create_conversation()
    log: list[tuple[str, str]] = []
    session.reasoning_received.connect(lambda _id, text: log.append(("reasoning", text)))
    session.content_received.connect(lambda _id, text: log.append(("content", text)))
    session.message_changed.connect(lambda message: log.append(("final", message.status)))

    session.send(conversation.id, "go", endpoint_id="demo", model="kimi-k2.5", thinking=None)
    qloop.run_until_complete(session.reply_task(conversation.id))

    assert log[-1] == ("final", MessageStatus.COMPLETE)  # after every delta
    deltas = log[:-1]
    assert len(deltas) < len(pieces) / 10
    runs = [
        kind for index, (kind, _) in enumerate(deltas) if index == 0 or deltas[index - 1][0] != kind
    ]
    assert runs == ["reasoning", "content", "reasoning", "content"]
    sent = "".join(text for _, text in pieces)
    assert "".join(text for _, text in deltas) == sent
    reply = repo.messages(conversation.id)[-1]
    assert reply.text == "".join(t for f, t in pieces if f == "content")


def test_a_model_known_blind_gets_the_dialogue_without_its_images(tmp_path, qloop) -> None:
    bodies: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return _burst_transport([("content", "ok")]).handle_request(request)

    repo = ConversationRepository(Database.open(tmp_path / "h.sqlite3"))
    session = ChatSession(
        repo,
        lambda _id, on_retry: KimiClient(DEMO_ENDPOINT, "", transport=httpx.MockTransport(answer)),
        sees_images=lambda _endpoint, model: model != "blind-model",
    )
    conversation = repo.create_conversation()
    screenshot = NewAttachment("image/png", b"\x89PNG fake bytes", 2, 2, "shot.png")
    for model in ("kimi-k2.5", "blind-model"):
        session.send(
            conversation.id,
            f"question for {model}",
            endpoint_id="demo",
            model=model,
            thinking=None,
            attachments=(screenshot,) if model == "kimi-k2.5" else (),
        )
        qloop.run_until_complete(session.reply_task(conversation.id))

    def image_parts(body: dict) -> int:
        return sum(
            part.get("type") == "image_url"
            for message in body["messages"]
            if isinstance(message["content"], list)
            for part in message["content"]
        )

    assert image_parts(bodies[0]) == 1
    assert image_parts(bodies[1]) == 0
    assert bodies[1]["messages"][0]["content"] == "question for kimi-k2.5"  # the words stay
