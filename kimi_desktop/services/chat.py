"""``ChatSession``: sends prompts, streams replies, and saves them as they grow.

One asyncio task per reply, so Stop is ``task.cancel()``. The assistant row is
created ``streaming`` before the first byte, saved about once a second while
text arrives, and ends ``complete``, ``stopped``, ``interrupted`` or ``error`` —
after a crash the store's recovery marks it ``interrupted``, so at most about a
second of text is ever lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kimi_desktop.api import (
    ApiError,
    AuthenticationError,
    ChatRequest,
    ContentDelta,
    Finish,
    ImageData,
    Message,
    NetworkError,
    QuotaError,
    RateLimitError,
    ReasoningDelta,
    Usage,
    describe,
)
from kimi_desktop.domain import MessageStatus, NewAttachment, StoredMessage
from kimi_desktop.images.limits import MAX_REQUEST_IMAGE_BYTES
from kimi_desktop.store import ConversationRepository

if TYPE_CHECKING:
    from kimi_desktop.api import KimiClient

_log = logging.getLogger(__name__)

#: How often a streaming reply is written to disk: the most a crash can lose.
SAVE_INTERVAL = 1.0
#: Longest stretch of stream handling before the GUI gets a turn (seconds).
YIELD_AFTER = 0.004
_TITLE_LENGTH = 60

#: ``open_client(endpoint_id, on_retry)``: a client for the endpoint with its key.
#: Raises :class:`ApiError` (e.g. no key configured) with a sentence for the user.
ClientOpener = Callable[[str, Callable[[int, float, ApiError], None]], "KimiClient"]
#: ``sees_images(endpoint_id, model)``: False when the model is known not to take images.
ImageSight = Callable[[str, str], bool]


class ChatSession(QObject):
    """Runs the replies of every conversation; the window shows one of them.

    Signals:
        message_added(StoredMessage): a user or assistant row was created.
        message_changed(StoredMessage): a row reached its final state.
        messages_removed(int conversation_id, list[int] message ids): rows deleted.
        reasoning_received(int message_id, str delta): reasoning text arrived.
        content_received(int message_id, str delta): answer text arrived.
        reply_running_changed(int conversation_id, bool running)
        retry_scheduled(StoredMessage reply, str sentence): the reply waits before a retry.
        conversation_changed(int conversation_id): title or settings changed.
        credits_changed(str endpoint_id, float credits): balance reported by the endpoint.
    """

    message_added = Signal(object)
    message_changed = Signal(object)
    messages_removed = Signal(int, list)
    reasoning_received = Signal(int, str)
    content_received = Signal(int, str)
    reply_running_changed = Signal(int, bool)
    retry_scheduled = Signal(object, str)
    conversation_changed = Signal(int)
    credits_changed = Signal(str, float)

    def __init__(
        self,
        repository: ConversationRepository,
        open_client: ClientOpener,
        *,
        sees_images: ImageSight = lambda _endpoint_id, _model: True,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._repo = repository
        self._open_client = open_client
        self._sees_images = sees_images
        self._clock = clock
        self._tasks: dict[int, asyncio.Task[None]] = {}
        # Streaming replies by message id: their text is ahead of the saved row.
        self._live: dict[int, tuple[_ReplyState, _DeltaBatch]] = {}

    # -- queries -----------------------------------------------------------------

    def is_running(self, conversation_id: int) -> bool:
        """Whether a reply is streaming in this conversation."""
        task = self._tasks.get(conversation_id)
        return task is not None and not task.done()

    def live_text(self, message_id: int) -> tuple[str, str] | None:
        """``(text, reasoning)`` a streaming reply has announced so far, else ``None``.

        The saved row lags by up to :data:`SAVE_INTERVAL`; a view that opens the
        conversation mid-reply starts from this, and the deltas that follow
        continue it without a gap.
        """
        live = self._live.get(message_id)
        if live is None:
            return None
        state, deltas = live
        deltas.flush()  # announced now, to views that already show the reply
        return state.text, state.reasoning

    def reply_task(self, conversation_id: int) -> asyncio.Task[None] | None:
        """The task streaming this conversation's reply, if one runs (await it to wait)."""
        task = self._tasks.get(conversation_id)
        return task if task is not None and not task.done() else None

    # -- commands ----------------------------------------------------------------

    def send(
        self,
        conversation_id: int,
        text: str,
        *,
        endpoint_id: str,
        model: str,
        thinking: bool | None,
        attachments: Sequence[NewAttachment] = (),
    ) -> StoredMessage:
        """Store the user's prompt and start streaming the reply."""
        if self.is_running(conversation_id):
            raise RuntimeError("a reply is already streaming in this conversation")
        conversation = self._repo.get_conversation(conversation_id)
        if conversation is not None and not conversation.title:
            self._repo.rename(conversation_id, _title_from(text))
        self._repo.set_model(conversation_id, endpoint_id, model)
        message = self._repo.add_message(conversation_id, "user", text, attachments=attachments)
        # After the message: it made this the most recent chat, first in the list.
        self.conversation_changed.emit(conversation_id)
        self.message_added.emit(message)
        self._start_reply(conversation_id, endpoint_id, model, thinking)
        return message

    def regenerate(
        self, conversation_id: int, *, endpoint_id: str, model: str, thinking: bool | None
    ) -> None:
        """Drop the last answer (and anything after the last prompt), answer again."""
        messages = self._repo.messages(conversation_id)
        last_user = next((m for m in reversed(messages) if m.role == "user"), None)
        if last_user is None or self.is_running(conversation_id):
            return
        after = [m.id for m in messages if m.id > last_user.id]
        if after:
            self._repo.delete_messages_from(conversation_id, after[0])
            self.messages_removed.emit(conversation_id, after)
        self._start_reply(conversation_id, endpoint_id, model, thinking)

    def edit_last_prompt(
        self,
        conversation_id: int,
        text: str,
        *,
        endpoint_id: str,
        model: str,
        thinking: bool | None,
        added: Sequence[NewAttachment] = (),
    ) -> None:
        """Replace the last prompt (dropping what followed it) and send it again.

        The prompt keeps its images; ``added`` are images attached while editing.
        """
        messages = self._repo.messages(conversation_id)
        last_user = next((m for m in reversed(messages) if m.role == "user"), None)
        if last_user is None or self.is_running(conversation_id):
            return
        removed = [m.id for m in messages if m.id >= last_user.id]
        attachments = [
            NewAttachment(a.mime, self._repo.blob(a.sha256) or b"", a.width, a.height, a.name)
            for a in last_user.attachments
        ]
        attachments += added
        self._repo.delete_messages_from(conversation_id, last_user.id)
        self.messages_removed.emit(conversation_id, removed)
        self.send(
            conversation_id,
            text,
            endpoint_id=endpoint_id,
            model=model,
            thinking=thinking,
            attachments=attachments,
        )

    def delete_message(self, conversation_id: int, message_id: int) -> None:
        """Delete one message (not while its own reply is streaming)."""
        self._repo.delete_message(message_id)
        self.messages_removed.emit(conversation_id, [message_id])

    def stop(self, conversation_id: int) -> None:
        """Stop the streaming reply; what arrived is kept and marked stopped."""
        task = self._tasks.get(conversation_id)
        if task is not None:
            task.cancel()

    async def shutdown(self) -> None:
        """Stop every reply and wait until each has saved its final state."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- the reply task ----------------------------------------------------------

    def _start_reply(
        self, conversation_id: int, endpoint_id: str, model: str, thinking: bool | None
    ) -> None:
        history = self._history(conversation_id, with_images=self._sees_images(endpoint_id, model))
        request = ChatRequest(model=model, messages=history, thinking=thinking)
        reply = self._repo.add_message(
            conversation_id, "assistant", "", status=MessageStatus.STREAMING, model=model
        )
        self.message_added.emit(reply)
        task = asyncio.ensure_future(self._stream(reply, endpoint_id, request))
        self._tasks[conversation_id] = task
        self.reply_running_changed.emit(conversation_id, True)
        task.add_done_callback(lambda _: self._on_task_done(conversation_id, task))

    def _on_task_done(self, conversation_id: int, task: asyncio.Task[None]) -> None:
        if self._tasks.get(conversation_id) is task:
            del self._tasks[conversation_id]
        self.reply_running_changed.emit(conversation_id, False)

    def _history(self, conversation_id: int, *, with_images: bool = True) -> list[Message]:
        """The dialogue to send: failed replies left out, images within the request budget.

        Images are re-sent with the turns that carried them, newest first; once
        the request's image budget is spent, older turns go without theirs (the
        model already answered about them) so the request stays under the
        provider's body limit. A model known not to see images gets none: the
        conversation can go on with it after a model that did.
        """
        conversation = self._repo.get_conversation(conversation_id)
        turns = [
            m
            for m in self._repo.messages(conversation_id)
            if m.role != "assistant" or m.text  # failed or empty replies are no dialogue
        ]
        budget = MAX_REQUEST_IMAGE_BYTES
        history: list[Message] = []
        for stored in reversed(turns):
            images: list[ImageData] = []
            for attachment in stored.attachments if with_images else ():
                data = self._repo.blob(attachment.sha256)
                if data is not None and len(data) <= budget:
                    budget -= len(data)
                    images.append(ImageData(attachment.mime, data))
            history.append(
                Message(stored.role, stored.text, tuple(images), stored.reasoning or None)
            )
        history.reverse()
        if conversation is not None and conversation.system_prompt.strip():
            history.insert(0, Message("system", conversation.system_prompt))
        return history

    async def _stream(self, reply: StoredMessage, endpoint_id: str, request: ChatRequest) -> None:
        reply_state = _ReplyState(self._clock)
        status, error, usage = MessageStatus.COMPLETE, None, None
        failure: ApiError | None = None
        deltas = _DeltaBatch(
            lambda text: self.reasoning_received.emit(reply.id, text),
            lambda text: self.content_received.emit(reply.id, text),
        )

        self._live[reply.id] = (reply_state, deltas)

        def on_retry(attempt: int, delay: float, exc: ApiError) -> None:
            self.retry_scheduled.emit(reply, retry_notice(exc, delay))

        try:
            client = self._open_client(endpoint_id, on_retry)
            async with client, aclosing(client.stream_chat(request)) as events:
                turn_started = time.perf_counter()
                async for event in events:
                    if isinstance(event, ReasoningDelta):
                        reply_state.add_reasoning(event.text)
                        deltas.add(event.text, reasoning=True)
                    elif isinstance(event, ContentDelta):
                        reply_state.add_content(event.text)
                        deltas.add(event.text, reasoning=False)
                    elif isinstance(event, Usage):
                        usage = event
                    elif isinstance(event, Finish) and event.reason == "length":
                        error = "The reply hit the length limit and may be cut short."
                    if reply_state.save_due():
                        self._repo.update_streaming(
                            reply.id, reply_state.text, reply_state.reasoning
                        )
                    if time.perf_counter() - turn_started > YIELD_AFTER:
                        # Events already buffered never suspend the loop by themselves;
                        # let Qt paint and handle input between bursts.
                        await asyncio.sleep(0)
                        turn_started = time.perf_counter()
                if client.credits_remaining is not None:
                    self.credits_changed.emit(endpoint_id, client.credits_remaining)
        except asyncio.CancelledError:
            status = MessageStatus.STOPPED
        except ApiError as exc:
            status = MessageStatus.INTERRUPTED if reply_state.has_output else MessageStatus.ERROR
            error, failure = describe(exc), exc
        except Exception as exc:  # a defect must not leave the row "streaming" forever
            _log.exception("reply %s failed unexpectedly", reply.id)
            status = MessageStatus.INTERRUPTED if reply_state.has_output else MessageStatus.ERROR
            error = describe(exc) + (" What arrived is kept." if reply_state.has_output else "")
            failure = ApiError(error)
        deltas.flush()  # what arrived is shown before the reply's final state
        del self._live[reply.id]
        self._finish(reply, reply_state, status, error, usage, failure)

    def _finish(
        self,
        reply: StoredMessage,
        state: _ReplyState,
        status: MessageStatus,
        error: str | None,
        usage: Usage | None,
        exc: ApiError | None,
    ) -> None:
        fix = None
        if exc is not None:
            fix = "settings" if isinstance(exc, AuthenticationError | QuotaError) else "retry"
        final = self._repo.finish_message(
            reply.id,
            status=status,
            text=state.text,
            reasoning=state.reasoning,
            reasoning_seconds=state.reasoning_seconds(),
            usage=usage,
            error=error,
            error_fix=fix,
        )
        if final is not None:
            self.message_changed.emit(final)


class _DeltaBatch:
    """Streamed text on its way to the signals: one signal per run of deltas, not per token.

    A reply read from a full socket buffer yields hundreds of tokens without the
    task suspending, and a signal per token costs as much as parsing it. Deltas
    are joined and announced as soon as the task suspends (``call_soon`` runs
    then), when reasoning gives way to answer text or back, and at the end.
    """

    def __init__(self, reasoning: Callable[[str], None], content: Callable[[str], None]) -> None:
        self._announce = {True: reasoning, False: content}
        self._texts: list[str] = []
        self._reasoning = False
        self._scheduled = False

    def add(self, text: str, *, reasoning: bool) -> None:
        if self._texts and reasoning != self._reasoning:
            self.flush()
        self._reasoning = reasoning
        self._texts.append(text)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._scheduled = False
        if self._texts:
            text = "".join(self._texts)
            self._texts.clear()
            self._announce[self._reasoning](text)


class _ReplyState:
    """Text accumulated by one reply and the clocks that go with it."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._started = clock()
        self._reasoning_ended: float | None = None
        self._last_save: float | None = None  # the first delta is saved at once

    @property
    def text(self) -> str:
        return "".join(self._content)

    @property
    def reasoning(self) -> str:
        return "".join(self._reasoning)

    @property
    def has_output(self) -> bool:
        return bool(self._content or self._reasoning)

    def add_reasoning(self, text: str) -> None:
        self._reasoning.append(text)

    def add_content(self, text: str) -> None:
        if self._reasoning and self._reasoning_ended is None:
            self._reasoning_ended = self._clock()
        self._content.append(text)

    def reasoning_seconds(self) -> float | None:
        if not self._reasoning:
            return None
        return (self._reasoning_ended or self._clock()) - self._started

    def save_due(self) -> bool:
        now = self._clock()
        if self._last_save is None or now - self._last_save >= SAVE_INTERVAL:
            self._last_save = now
            return True
        return False


def retry_notice(error: ApiError, delay: float) -> str:
    """The status line while a request waits to be tried again."""
    if isinstance(error, RateLimitError):
        why = "The endpoint is busy (rate limit or overload)"
    elif isinstance(error, NetworkError):
        why = "The endpoint could not be reached"
    else:
        why = "The provider had a server error"
    return f"{why} — retrying in {max(1, round(delay))} s…"


def _title_from(prompt: str) -> str:
    line = next((ln.strip() for ln in prompt.splitlines() if ln.strip()), "")
    if not line:
        return "Image"
    return line if len(line) <= _TITLE_LENGTH else line[: _TITLE_LENGTH - 1].rstrip() + "…"
