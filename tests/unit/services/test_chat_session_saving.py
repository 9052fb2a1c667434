"""Saving a reply as it streams: on a timer, through a full disk, and never in silence."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from kimi_desktop.api import ChatRequest, ContentDelta
from kimi_desktop.domain import MessageStatus, StoredMessage
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.save_problems import HistoryNotSaved
from kimi_desktop.store import ConversationRepository, Database
from tests.loop_support import run_until

DISK_FULL = "database or disk is full"
KEY = "sk-live-" + "Zq4vR8tWm2Lp9Xc7Gs0A"


class ScriptedClient:
    """Streams what the test puts in its queue; ``None`` ends the reply."""

    credits_remaining = None

    def __init__(self, queue: asyncio.Queue[Any]) -> None:
        self._queue = queue

    async def __aenter__(self) -> ScriptedClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[Any]:
        while (item := await self._queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item


class FillingDisk:
    """Makes the repository's writes fail as on a full disk while ``full`` is set."""

    def __init__(self, repo: ConversationRepository, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        self.failed_writes = 0
        for name in ("update_streaming", "finish_message", "add_message", "rename", "set_model"):
            monkeypatch.setattr(repo, name, self._guard(getattr(repo, name)))

    def _guard(self, write: Any) -> Any:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if self.full:
                self.failed_writes += 1
                raise sqlite3.OperationalError(DISK_FULL)
            return write(*args, **kwargs)

        return guarded


class Reply:
    """A session with one conversation, whose reply the test streams by hand."""

    def __init__(self, path: Path, **session_options: Any) -> None:
        self.path = path
        self.database = Database.open(path)
        self.repo = ConversationRepository(self.database)
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.session = ChatSession(
            self.repo, lambda _id, _on_retry: ScriptedClient(self.queue), **session_options
        )
        self.problems: list[str] = []
        self.changed: list[StoredMessage] = []
        self.session.save_failed.connect(lambda _reply, text: self.problems.append(text))
        self.session.message_changed.connect(self.changed.append)
        self.conversation = self.repo.create_conversation()

    def send(self, text: str = "Tell me a story") -> StoredMessage:
        self.session.send(
            self.conversation.id, text, endpoint_id="moonshot", model="kimi-k2.5", thinking=None
        )
        return self.repo.messages(self.conversation.id)[-1]

    def stored(self, message_id: int) -> StoredMessage:
        message = self.repo.get_message(message_id)
        assert message is not None
        return message

    def finish(self, loop: asyncio.AbstractEventLoop) -> None:
        task = self.session.reply_task(self.conversation.id)
        self.queue.put_nowait(None)
        if task is not None:
            loop.run_until_complete(asyncio.wait([task], timeout=20))

    def close(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.run_until_complete(self.session.shutdown())
        self.database.close()


@pytest.fixture
def make_reply(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Any]:
    made: list[Reply] = []

    def make(**session_options: Any) -> Reply:
        reply = Reply(tmp_path / "data" / "history.sqlite3", **session_options)
        made.append(reply)
        return reply

    yield make
    for reply in made:
        if not reply.database.closed:
            reply.close(qloop)


def _stream(loop: asyncio.AbstractEventLoop, reply: Reply, *texts: str) -> None:
    for text in texts:
        reply.queue.put_nowait(ContentDelta(text))
    run_until(loop, reply.queue.empty)
    loop.run_until_complete(asyncio.sleep(0))  # the last delta is handled


def test_disk_full_mid_reply_keeps_everything_and_saves_it_when_space_returns(
    make_reply: Any, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = make_reply(save_interval=0.0, retry_interval=1000.0)
    disk = FillingDisk(chat.repo, monkeypatch)
    reply = chat.send()
    _stream(qloop, chat, "Once upon a time")
    assert chat.stored(reply.id).text == "Once upon a time"

    disk.full = True
    words = [f" word{i}" for i in range(300)]
    _stream(qloop, chat, *words)
    whole = "Once upon a time" + "".join(words)

    # The reply goes on; the text is kept in memory, and the user is told why, and where.
    assert chat.session.is_running(chat.conversation.id)
    assert chat.session.live_text(reply.id) == (whole, "")
    [problem] = chat.problems
    assert "The disk is full" in problem
    assert str(chat.path.parent) in problem
    assert "saved again automatically" in problem

    chat.finish(qloop)
    # The final save failed too: nothing says it was saved, the view gets the whole text.
    shown = chat.changed[-1]
    assert (shown.status, shown.text) == (MessageStatus.COMPLETE, whole)
    assert problem in (shown.error or "")
    assert chat.session.has_unsaved()
    assert chat.stored(reply.id).status is MessageStatus.STREAMING

    disk.full = False  # space returns
    assert chat.session.retry_unsaved()
    assert chat.problems[-1] == ""  # the notice can go
    assert chat.changed[-1].error is None
    chat.close(qloop)

    with Database.open(chat.path) as reopened:  # after a restart
        saved = ConversationRepository(reopened).get_message(reply.id)
    assert saved is not None
    assert (saved.status, saved.text) == (MessageStatus.COMPLETE, whole)


def test_quitting_after_space_returns_saves_what_was_kept(
    make_reply: Any, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = make_reply(save_interval=0.0, retry_interval=1000.0)
    disk = FillingDisk(chat.repo, monkeypatch)
    reply = chat.send()
    _stream(qloop, chat, "Saved, ")
    disk.full = True
    _stream(qloop, chat, "kept in memory, ", "and more.")
    disk.full = False  # freed, but no save has run since

    chat.close(qloop)  # quitting stops the reply: saved as stopped, with every word

    with Database.open(chat.path) as reopened:
        saved = ConversationRepository(reopened).get_message(reply.id)
    assert saved is not None
    assert (saved.status, saved.text) == (
        MessageStatus.STOPPED,
        "Saved, kept in memory, and more.",
    )


def test_quitting_on_a_full_disk_writes_the_reply_to_a_file_and_says_where(
    make_reply: Any,
    qloop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    chat = make_reply(save_interval=0.0, retry_interval=1000.0)
    disk = FillingDisk(chat.repo, monkeypatch)
    reply = chat.send()
    _stream(qloop, chat, "Saved, ")
    disk.full = True
    _stream(qloop, chat, "only in memory.")

    with caplog.at_level(logging.WARNING, logger="kimi_desktop"):
        chat.close(qloop)

    [rescued] = chat.path.parent.glob(f"kimi-desktop-unsaved-reply-{reply.id}-*.md")
    assert rescued.read_text() == "Saved, only in memory."
    assert str(rescued) in caplog.text
    with Database.open(chat.path) as reopened:  # the history has what it could take
        assert ConversationRepository(reopened).recover_interrupted() == 1
        saved = ConversationRepository(reopened).get_message(reply.id)
    assert saved is not None
    assert saved.text == "Saved, "


def test_a_quiet_server_does_not_leave_the_last_text_unsaved(
    make_reply: Any, qloop: asyncio.AbstractEventLoop
) -> None:
    chat = make_reply(save_interval=0.05)
    reply = chat.send()
    chat.queue.put_nowait(ContentDelta("First, "))
    chat.queue.put_nowait(ContentDelta("then silence."))
    run_until(qloop, chat.queue.empty)
    # The first delta is saved at once; the second within an interval, with no new text.
    run_until(qloop, lambda: chat.stored(reply.id).text == "First, then silence.")
    assert chat.stored(reply.id).status is MessageStatus.STREAMING
    chat.finish(qloop)


def test_a_save_that_updates_no_row_is_reported_and_the_end_still_saves(
    make_reply: Any, qloop: asyncio.AbstractEventLoop
) -> None:
    chat = make_reply(save_interval=0.0)
    reply = chat.send()
    _stream(qloop, chat, "Before, ")
    # Another copy of the app starts on the same folder: its start-up marks the live
    # reply interrupted (the data folder's lock now prevents this; the save must not
    # go silent if anything else does it).
    with Database.open(chat.path) as other:
        assert ConversationRepository(other).recover_interrupted() == 1
    _stream(qloop, chat, "after.")

    [problem] = chat.problems
    assert "could not be saved" in problem
    chat.finish(qloop)
    saved = chat.stored(reply.id)
    assert (saved.status, saved.text) == (MessageStatus.COMPLETE, "Before, after.")
    assert chat.problems[-1] == ""


def test_send_on_a_full_disk_says_why_nothing_happened(
    make_reply: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = make_reply()
    disk = FillingDisk(chat.repo, monkeypatch)
    disk.full = True

    with pytest.raises(HistoryNotSaved) as excinfo:
        chat.send("hello")

    assert excinfo.value.sentence.startswith("Nothing was sent: the disk is full")
    assert str(chat.path.parent) in excinfo.value.sentence
    assert chat.repo.messages(chat.conversation.id) == []
    assert not chat.session.is_running(chat.conversation.id)


def test_a_reply_that_cannot_start_takes_its_prompt_back(
    make_reply: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = make_reply()
    removed: list[list[int]] = []
    chat.session.messages_removed.connect(lambda _c, ids: removed.append(ids))
    add_message = chat.repo.add_message

    def prompt_fits_but_reply_does_not(conversation_id: int, role: str, *a: Any, **k: Any) -> Any:
        if role == "assistant":
            raise sqlite3.OperationalError(DISK_FULL)
        return add_message(conversation_id, role, *a, **k)

    monkeypatch.setattr(chat.repo, "add_message", prompt_fits_but_reply_does_not)
    with pytest.raises(HistoryNotSaved):
        chat.send("hello")
    assert chat.repo.messages(chat.conversation.id) == []
    assert len(removed) == 1


def test_unexpected_failures_are_logged_without_the_key(
    make_reply: Any, qloop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    chat = make_reply(key_of=lambda _endpoint_id: KEY)
    reply = chat.send()
    with caplog.at_level(logging.ERROR, logger="kimi_desktop"):
        chat.queue.put_nowait(RuntimeError(f"proxy refused Authorization: Bearer {KEY}"))
        task = chat.session.reply_task(chat.conversation.id)
        assert task is not None
        qloop.run_until_complete(asyncio.wait([task], timeout=20))

    assert "RuntimeError" in caplog.text
    assert "Traceback" in caplog.text
    assert KEY not in caplog.text
    assert KEY[-12:] not in caplog.text
    assert chat.stored(reply.id).status is MessageStatus.ERROR
