"""A reply's stream read on a thread of its own, handed to the window in batches.

Reading a reply as fast as the socket gives it means thousands of small events
a second, each one a network read, an SSE frame and a JSON document to decode.
On the window's event loop that work came in long turns and the window missed
frames; here it runs on a :class:`ReplyThread`, a thread with an asyncio loop
of its own, so the window's thread only takes what arrived, in one batch per
turn of its loop.

- The client is built on the window's thread (opening it reads settings and
  the keyring) but used only on the reply thread, where it is entered, read
  and closed: its connections never see another loop.
- :class:`Inbox` carries what the thread reads to the window's loop. Items
  pile up while the window is busy, and one call scheduled with
  ``call_soon_threadsafe`` takes all of them: a window turn handles one batch,
  never a backlog of one callback per event.
- :meth:`ReplyThread.cancel` is thread-safe; the reading task is cancelled on
  its own loop, so the HTTP response is closed where it was opened.
- The thread touches no Qt object: it only fills the inbox and settles an
  asyncio future on the window's loop through ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Generic, TypeVar

_T = TypeVar("_T")
_Item = TypeVar("_Item")

#: The least time between two deliveries from a thread (seconds). Every delivery is a
#: turn of the window's loop and a hand-over of the interpreter's lock; a socket that
#: delivers an event at a time would otherwise cost the window one turn per event.
#: Items not taken within it mean the window is busy (laying out text, say): the
#: thread then waits for it instead of taking the interpreter's lock from it every
#: few ms, which stretched that work to twice its length; the socket keeps what arrives.
INTERVAL = 0.008
#: The longest a thread waits so (seconds): a window that never comes back must not
#: stop the reading for good.
MOST_PATIENCE = 0.25


class Inbox(Generic[_Item]):
    """Items put on one thread, taken in batches on the loop that owns the inbox.

    ``deliver(items)`` runs on that loop with everything put since the last
    delivery: at once when the inbox was quiet, then at most every
    :data:`INTERVAL` while items keep coming. After :meth:`close`, puts are
    dropped: the reply has ended.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, deliver: Callable[[list[_Item]], None]
    ) -> None:
        self._loop = loop
        self._deliver = deliver
        self._lock = threading.Lock()
        self._items: list[_Item] = []
        self._scheduled = False  # a delivery is due: at once, or when the interval ends
        self._closed = False
        self._threadsafe = True
        self._since = 0.0  # when the items waiting now began to wait
        self._taken = threading.Event()  # set whenever the window takes items
        self._pause: asyncio.TimerHandle | None = None

    def same_thread(self) -> None:
        """Items are put on the owning loop's own thread: each batch is delivered as
        soon as the loop has a turn, as a task suspending would let it."""
        self._threadsafe = False

    def put(self, item: _Item) -> None:
        self.put_all((item,))

    def put_all(self, items: Sequence[_Item]) -> None:
        """Add items; from another thread, wait first while earlier ones have waited
        longer than :data:`INTERVAL` (the window is busy)."""
        with self._lock:
            if self._closed or not items:
                return
            if not self._items:
                self._since = time.monotonic()
            self._items.extend(items)
            busy = self._threadsafe and time.monotonic() - self._since > INTERVAL
            if busy:
                self._taken.clear()
            if not self._scheduled:
                self._scheduled = True
                schedule = (
                    self._loop.call_soon_threadsafe if self._threadsafe else self._loop.call_soon
                )
                with contextlib.suppress(RuntimeError):  # the window's loop is closed
                    schedule(self.deliver)
        if busy:
            self._taken.wait(MOST_PATIENCE)

    def take(self) -> list[_Item]:
        """Everything put since the last take."""
        with self._lock:
            items, self._items = self._items, []
            self._taken.set()
        return items

    def deliver(self) -> None:
        """Hand everything put so far to ``deliver`` (on the owning loop); from a thread,
        the next delivery waits until :data:`INTERVAL` has passed."""
        items = self.take()
        if self._threadsafe and items and not self._closed:
            if self._pause is None:
                self._pause = self._loop.call_later(INTERVAL, self._resume)
        else:
            with self._lock:
                self._scheduled = False
        if items:
            self._deliver(items)

    def close(self) -> None:
        """Drop what is put from now on."""
        with self._lock:
            self._closed = True
            self._items = []
            self._taken.set()  # a thread waiting to put more goes on (to find it closed)
        if self._pause is not None:
            self._pause.cancel()
            self._pause = None

    def _resume(self) -> None:
        """The interval after a delivery is over: deliver what came meanwhile, or let
        the next item be delivered at once."""
        self._pause = None
        with self._lock:
            waiting = bool(self._items)
            if not waiting:
                self._scheduled = False
        if waiting:
            self.deliver()


class ReplyThread(Generic[_T]):
    """Runs one coroutine on a new thread with its own asyncio loop.

    :attr:`result` is an asyncio future on the starting loop that settles like
    the coroutine: its value, its exception, or cancelled. :attr:`ended` is
    set on that loop once the thread has let go of everything (its loop closed),
    for a quit that waits for it.
    """

    def __init__(self, work: Coroutine[Any, Any, _T], *, name: str = "kimi-reply") -> None:
        self._work: Coroutine[Any, Any, _T] | None = work
        # WORKAROUND: get_event_loop, not get_running_loop: qasync >= 0.24.2 counts its loop
        # as running only inside run_forever() (see services/workers.py).
        self._home = asyncio.get_event_loop()
        self.result: asyncio.Future[_T] = self._home.create_future()
        self.ended: asyncio.Future[None] = self._home.create_future()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[_T] | None = None
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Stop the work (from any thread): it raises ``CancelledError`` where it is."""
        with self._lock:
            self._cancelled = True
            loop, task = self._loop, self._task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # its loop closed already: the work is over
                loop.call_soon_threadsafe(task.cancel)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; whether it did."""
        if self._thread.ident is None:
            return True  # never started
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        work, self._work = self._work, None
        assert work is not None
        # A plain selector loop, made directly: asyncio.new_event_loop() would follow
        # the application's (qasync) policy and hand out a Qt loop.
        loop = asyncio.SelectorEventLoop()
        try:
            task = loop.create_task(work)
            with self._lock:
                self._loop, self._task = loop, task
                cancelled = self._cancelled
            if cancelled:
                task.cancel()
            outcome: Callable[[asyncio.Future[Any]], None]
            try:
                value = loop.run_until_complete(task)
            except asyncio.CancelledError:
                outcome = _cancel
            except BaseException as exc:  # handed to the window's loop, never lost here
                outcome = functools.partial(_fail, exc)
            else:
                outcome = functools.partial(_succeed, value)
            # Name resolution may have started the loop's executor: its threads end here too.
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            with self._lock:
                self._loop = self._task = None
            loop.close()
        self._settle(self.result, outcome)
        self._settle(self.ended, functools.partial(_succeed, None))

    def _settle(
        self, future: asyncio.Future[Any], outcome: Callable[[asyncio.Future[Any]], None]
    ) -> None:
        """Settle ``future`` on the window's loop, unless it is settled already (cancelled)."""

        def settle() -> None:
            if not future.done():
                outcome(future)

        with contextlib.suppress(RuntimeError):  # the window's loop is closed: nobody waits
            self._home.call_soon_threadsafe(settle)


def _cancel(future: asyncio.Future[Any]) -> None:
    future.cancel()


def _fail(exc: BaseException, future: asyncio.Future[Any]) -> None:
    future.set_exception(exc)


def _succeed(value: Any, future: asyncio.Future[Any]) -> None:
    future.set_result(value)
