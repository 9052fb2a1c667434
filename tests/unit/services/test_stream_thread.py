"""Replies read on a thread of their own: batches to the window, Stop, and a quit that
leaves no thread behind."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from kimi_desktop.api import Endpoint, KimiClient
from kimi_desktop.domain import MessageStatus
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.stream_thread import Inbox, ReplyThread
from kimi_desktop.store import ConversationRepository, Database
from tests.fakes import FakeKimiServer, Gate, openai_stream
from tests.loop_support import run_until

MODEL = "kimi-k2.5"


def reply_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kimi-reply"]


# -- the inbox ------------------------------------------------------------------------------


def test_items_put_on_a_thread_arrive_on_the_loop_in_order_in_few_batches(qloop) -> None:
    batches: list[tuple[list[int], bool]] = []
    inbox: Inbox[int] = Inbox(
        qloop, lambda items: batches.append((items, threading.current_thread() is main))
    )
    main = threading.current_thread()

    def produce() -> None:
        for start in range(0, 3000, 10):
            inbox.put_all(list(range(start, start + 10)))

    producer = threading.Thread(target=produce)
    producer.start()
    run_until(qloop, lambda: sum(len(items) for items, _ in batches) == 3000)
    producer.join()

    assert [item for items, _ in batches for item in items] == list(range(3000))
    assert all(on_main for _, on_main in batches)  # delivered on the loop's own thread
    assert len(batches) < 300  # coalesced: never one delivery per put


def test_a_closed_inbox_drops_what_comes_later(qloop) -> None:
    delivered: list[str] = []
    inbox: Inbox[str] = Inbox(qloop, delivered.extend)
    inbox.put("kept")
    inbox.deliver()
    inbox.close()
    inbox.put("late")
    qloop.run_until_complete(asyncio.sleep(0.05))

    assert delivered == ["kept"]


# -- the thread -----------------------------------------------------------------------------


def test_the_work_runs_on_another_thread_and_its_value_comes_back(qloop) -> None:
    async def work() -> tuple[str, bool]:
        await asyncio.sleep(0)
        return threading.current_thread().name, threading.current_thread() is main

    main = threading.current_thread()

    async def run() -> Any:
        thread = ReplyThread(work())
        thread.start()
        value = await thread.result
        await thread.ended
        return value, thread.join(1)

    (name, on_main), joined = qloop.run_until_complete(run())
    assert (name, on_main, joined) == ("kimi-reply", False, True)


def test_an_error_in_the_work_is_raised_on_the_loop(qloop) -> None:
    async def work() -> None:
        raise ValueError("broken")

    async def run() -> None:
        thread = ReplyThread(work())
        thread.start()
        await thread.result

    with pytest.raises(ValueError, match="broken"):
        qloop.run_until_complete(run())


def test_cancel_stops_the_work_where_it_waits(qloop) -> None:
    cleaned = threading.Event()

    async def work() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            cleaned.set()

    async def run() -> bool:
        thread = ReplyThread(work())
        thread.start()
        await asyncio.sleep(0.05)
        thread.cancel()
        with pytest.raises(asyncio.CancelledError):
            await thread.result
        await thread.ended
        return thread.join(1)

    assert qloop.run_until_complete(run())
    assert cleaned.is_set()  # unwound on its own loop, "finally" included


# -- ChatSession over the loopback server ----------------------------------------------------


class Chat:
    def __init__(self, server: FakeKimiServer, path: Path) -> None:
        endpoint = Endpoint("moonshot", "Moonshot", server.base_url)
        self.repo = ConversationRepository(Database.open(path))
        self.session = ChatSession(
            self.repo,
            lambda _id, on_retry: KimiClient(endpoint, server.api_key, on_retry=on_retry),
        )
        self.conversation = self.repo.create_conversation()
        self.arrived: list[tuple[str, bool]] = []
        self.session.content_received.connect(
            lambda _id, text: self.arrived.append((text, threading.current_thread() is main))
        )
        main = threading.current_thread()

    def send(self) -> None:
        self.session.send(self.conversation.id, "go", endpoint_id="moonshot", model=MODEL)

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.arrived)


def test_a_reply_is_read_on_a_thread_and_announced_on_the_window_thread(tmp_path, qloop) -> None:
    with FakeKimiServer("moonshot") as server:
        pieces = [f"token {i} " for i in range(400)]
        server.enqueue(openai_stream([], pieces))
        chat = Chat(server, tmp_path / "h.sqlite3")
        seen_threads: list[int] = []
        chat.session.content_received.connect(lambda *_: seen_threads.append(len(reply_threads())))

        chat.send()
        qloop.run_until_complete(chat.session.reply_task(chat.conversation.id))

        assert chat.text == "".join(pieces)
        assert all(on_main for _, on_main in chat.arrived)
        assert max(seen_threads) == 1  # the reading happened on the reply thread
        assert len(chat.arrived) < len(pieces) / 4  # in batches, not a signal per token
        reply = chat.repo.messages(chat.conversation.id)[-1]
        assert (reply.status, reply.text) == (MessageStatus.COMPLETE, "".join(pieces))
        qloop.run_until_complete(chat.session.shutdown())
        assert reply_threads() == []


def test_stop_keeps_what_was_shown_and_the_thread_ends(tmp_path, qloop) -> None:
    gate = Gate()
    with FakeKimiServer("moonshot") as server:
        server.enqueue(openai_stream([], ["Half ", "way", " there"]).stalled(gate, after_events=2))
        chat = Chat(server, tmp_path / "h.sqlite3")
        chat.send()
        run_until(qloop, lambda: chat.text == "Half ")
        assert len(reply_threads()) == 1

        chat.session.stop(chat.conversation.id)
        task = chat.session.reply_task(chat.conversation.id)
        if task is not None:
            qloop.run_until_complete(asyncio.wait([task]))
        reply = chat.repo.messages(chat.conversation.id)[-1]
        assert (reply.status, reply.text) == (MessageStatus.STOPPED, "Half ")
        run_until(qloop, lambda: reply_threads() == [])  # it closed its connection and ended
        gate.open()


def test_quitting_mid_reply_saves_it_stopped_and_joins_the_thread(tmp_path, qloop) -> None:
    gate = Gate()
    with FakeKimiServer("moonshot") as server:
        server.enqueue(openai_stream([], ["Some ", "text", " more"]).stalled(gate, after_events=2))
        chat = Chat(server, tmp_path / "h.sqlite3")
        chat.send()
        run_until(qloop, lambda: chat.text == "Some ")

        qloop.run_until_complete(chat.session.shutdown())

        assert reply_threads() == []
        reply = chat.repo.messages(chat.conversation.id)[-1]
        assert (reply.status, reply.text) == (MessageStatus.STOPPED, "Some ")
        gate.open()
