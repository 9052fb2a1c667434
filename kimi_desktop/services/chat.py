"""``ChatSession``: sends prompts, streams replies, and saves them as they grow.

One asyncio task per reply, so Stop is ``task.cancel()``. The assistant row is
created ``streaming`` before the first byte, saved at the first text and then
about once a second — when text arrives, and by a timer when the server goes
quiet — and ends ``complete``, ``stopped``, ``interrupted`` or ``error``. After
a crash the store's recovery marks it ``interrupted``, so at most about a
second of text is ever lost.

Every request carries an output budget (:mod:`~kimi_desktop.services.budget`).
A reply the budget cut short (``finish_reason: "length"``) is never shown as
finished: it ends ``interrupted`` with ``error_fix = "larger_budget"``, whether
or not answer text arrived. A reply that stopped short can be continued in
place (:meth:`ChatSession.continue_reply`, Moonshot's partial mode): its row
goes back to ``streaming``, and the continuation is appended and saved like
any reply.

A save that fails (a full disk, a read-only folder, a row changed by another
program) never stops the reply and never loses its text: the text stays in
memory, ``save_failed`` says why in words, and the save is tried again every
:data:`SAVE_RETRY_INTERVAL` and at :meth:`ChatSession.shutdown`. What the user
was shown is only reported saved once it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Coroutine, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from kimi_desktop.api import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ChatRequest,
    ContentDelta,
    Finish,
    Message,
    NetworkError,
    QuotaError,
    RateLimitError,
    ReasoningDelta,
    Usage,
    WebSearch,
    describe,
)
from kimi_desktop.api.errors import ACCESS_TERMINATED, CONTEXT_TOO_LONG, OVER_TOKENS_PER_MINUTE
from kimi_desktop.domain import (
    AttachedDocument,
    MessageAction,
    MessageStatus,
    NewAttachment,
    StoredMessage,
    ThinkingFields,
    redact,
)
from kimi_desktop.i18n import N_, _
from kimi_desktop.services.assistants import request_temperature
from kimi_desktop.services.budget import DEFAULT_BUDGET, OutputBudget
from kimi_desktop.services.request_history import answer_of, build_history
from kimi_desktop.services.save_problems import (
    HistoryNotSaved,
    reply_not_saved,
    retry_helps,
    writing,
)
from kimi_desktop.services.stream_thread import Inbox, ReplyThread
from kimi_desktop.services.titles import title_from_prompt
from kimi_desktop.store import STORAGE_ERRORS, ConversationRepository
from kimi_desktop.store.branches import SHOWN_LEAF, ShownLeaf

if TYPE_CHECKING:
    from kimi_desktop.api import KimiClient

_log = logging.getLogger(__name__)

#: How often a streaming reply is written to disk: the most a crash can lose.
SAVE_INTERVAL = 1.0
#: How often a save that failed (a full disk) is tried again, in seconds.
SAVE_RETRY_INTERVAL = 5.0
#: Longest stretch of stream handling before the GUI gets a turn, when a reply is read
#: on the GUI's own loop (seconds).
YIELD_AFTER = 0.004
#: How long quitting waits for the threads reading replies to close their connections.
THREAD_EXIT_WAIT = 5.0

#: ``open_client(endpoint_id, on_retry)``: a client for the endpoint with its key.
#: Raises :class:`ApiError` (e.g. no key configured) with a sentence for the user.
ClientOpener = Callable[[str, Callable[[int, float, ApiError], None]], "KimiClient"]
#: ``sees_images(endpoint_id, model)``: False when the model is known not to take images.
ImageSight = Callable[[str, str], bool]

#: Said on a reply the endpoint would not continue (it refused the trailing partial turn).
CANNOT_CONTINUE = N_("This endpoint cannot continue a reply; regenerate instead.")
#: Statuses of a reply that ended short and can be continued.
CONTINUABLE = frozenset({MessageStatus.STOPPED, MessageStatus.INTERRUPTED})
#: The ``error_fix`` of a failure no button helps with: its sentence says what to do
#: (contact the provider's support, shorten the conversation). ``None`` stays what rows
#: written before fixes were stored read as: Retry.
NO_FIX = ""
#: Errors no button fixes: trying the same request again fails the same way, and the
#: key is not what is wrong (``api/errors.py`` words what to do instead).
_UNFIXABLE = frozenset({ACCESS_TERMINATED, CONTEXT_TOO_LONG, OVER_TOKENS_PER_MINUTE})


class ChatSession(QObject):
    """Runs the replies of every conversation; the window shows one of them.

    Signals:
        message_added(StoredMessage): a user or assistant row was created.
        message_changed(StoredMessage): a row reached its final state, or went back
            to ``streaming`` to be continued.
        messages_removed(int conversation_id, list[int] message ids): rows deleted.
        reasoning_received(int message_id, str delta): reasoning text arrived.
        content_received(int message_id, str delta): answer text arrived.
        web_searched(int message_id, int searches): the reply searched the web once more;
            ``searches`` is how many times so far (stored as the row's ``web_searches``).
        reply_running_changed(int conversation_id, bool running)
        retry_scheduled(StoredMessage reply, str sentence): the reply waits before a retry.
        save_failed(StoredMessage reply, str sentence): the reply's text could not be
            saved; it is kept in memory (and in the view) and saved again automatically.
            The sentence says why, where and what to do. An empty sentence: the reply
            has been saved since, the notice can go.
        conversation_changed(int conversation_id): title or settings changed.
        credits_changed(str endpoint_id, float credits): balance reported by the endpoint.
        branch_changed(int conversation_id): the conversation shows another branch than
            the signals so far said (read its messages again).

    Answering again (:meth:`regenerate`) and editing a prompt (:meth:`edit_prompt`)
    keep what was there as an earlier version: the new reply or prompt is written
    beside it, and the rows no longer shown are announced by ``messages_removed``.

    Commands that write the history (:meth:`send`, :meth:`regenerate`,
    :meth:`edit_prompt`, :meth:`continue_reply`, :meth:`delete_message`) raise
    :class:`HistoryNotSaved` with a sentence when it cannot be written; nothing was
    done then.

    Commands that ask for a reply take ``thinking`` (how the request switches
    reasoning; ``None``: the server's default) and ``budget`` (the conversation's
    output budget and the model's context, see :class:`OutputBudget`) and
    ``web_search`` (whether the model may search the web; ``None``: as the
    conversation says, ``Conversation.web_search``).

    Documents sent with a prompt are stored with it and go out with every later
    request as their own context blocks (:mod:`.request_history`); a reply that
    searched the web keeps the rounds' turns, so every re-send is what the model saw.
    """

    message_added = Signal(object)
    message_changed = Signal(object)
    messages_removed = Signal(int, list)
    reasoning_received = Signal(int, str)
    content_received = Signal(int, str)
    web_searched = Signal(int, int)
    reply_running_changed = Signal(int, bool)
    retry_scheduled = Signal(object, str)
    save_failed = Signal(object, str)
    conversation_changed = Signal(int)
    credits_changed = Signal(str, float)
    branch_changed = Signal(int)

    def __init__(
        self,
        repository: ConversationRepository,
        open_client: ClientOpener,
        *,
        sees_images: ImageSight = lambda _endpoint_id, _model: True,
        key_of: Callable[[str], str | None] = lambda _endpoint_id: None,
        clock: Callable[[], float] = time.monotonic,
        save_interval: float = SAVE_INTERVAL,
        retry_interval: float = SAVE_RETRY_INTERVAL,
        parent: QObject | None = None,
    ) -> None:
        """``key_of(endpoint_id)`` gives the endpoint's key, to take out of what is logged."""
        super().__init__(parent)
        self._repo = repository
        self._open_client = open_client
        self._sees_images = sees_images
        self._key_of = key_of
        self._clock = clock
        self._save_interval = save_interval
        self._retry_interval = retry_interval
        self._tasks: dict[int, asyncio.Task[None]] = {}
        # Streaming replies by message id: their text is ahead of the saved row.
        self._live: dict[int, _LiveReply] = {}
        # Finished replies whose final save failed, by message id: saved again later.
        self._unsaved: dict[int, _FinalState] = {}
        self._retry_timer: asyncio.TimerHandle | None = None
        self._shutting_down = False
        # Threads reading replies (see _stream); a quit waits until each has ended.
        self._threads: set[ReplyThread[float | None]] = set()

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
        live.deltas.flush()  # announced now, to views that already show the reply
        return live.state.text, live.state.reasoning

    def live_searches(self, message_id: int) -> int | None:
        """How many times a streaming reply has searched the web so far, else ``None``."""
        live = self._live.get(message_id)
        return None if live is None else live.state.searches

    def has_unsaved(self) -> bool:
        """Whether a reply's text is held in memory because saving it failed."""
        return bool(self._unsaved) or any(live.state.failing for live in self._live.values())

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
        thinking: ThinkingFields | None = None,
        budget: OutputBudget = DEFAULT_BUDGET,
        attachments: Sequence[NewAttachment] = (),
        documents: Sequence[AttachedDocument] = (),
        web_search: bool | None = None,
    ) -> StoredMessage:
        """Store the user's prompt (with its images and documents) after the last message
        shown and start streaming the reply."""
        if self.is_running(conversation_id):
            raise RuntimeError("a reply is already streaming in this conversation")
        return self._send(
            conversation_id,
            text,
            _Reply(endpoint_id, model, thinking, budget, web_search),
            attachments=attachments,
            documents=documents,
        )

    def _send(
        self,
        conversation_id: int,
        text: str,
        reply: _Reply,
        *,
        attachments: Sequence[NewAttachment],
        documents: Sequence[AttachedDocument],
        parent_id: int | ShownLeaf | None = SHOWN_LEAF,
        replaced: Sequence[StoredMessage] = (),
    ) -> StoredMessage:
        """Store a prompt after ``parent_id`` and answer it; ``replaced`` are the messages
        shown from where it goes (an edited prompt and what followed it), which stay
        as an earlier version."""
        with writing(self._repo, sending=True):
            conversation = self._repo.get_conversation(conversation_id)
            if conversation is not None and not conversation.title:
                self._repo.rename(conversation_id, title_from_prompt(text))
            self._repo.set_model(conversation_id, reply.endpoint_id, reply.model)
            message = self._repo.add_message(
                conversation_id,
                "user",
                text,
                attachments=attachments,
                documents=documents,
                parent_id=parent_id,
            )
        # After the message: it made this the most recent chat, first in the list.
        self.conversation_changed.emit(conversation_id)
        if replaced:
            self.messages_removed.emit(conversation_id, [m.id for m in replaced])
        self.message_added.emit(message)
        try:
            self._start_reply(conversation_id, reply)
        except HistoryNotSaved:
            # Take the prompt back, so sending again does not ask twice.
            try:
                self._repo.delete_message(message.id)
                if replaced:  # the branch it would have replaced is shown again
                    self._repo.select_branch(conversation_id, replaced[-1].id)
            except STORAGE_ERRORS:
                _log.warning("a prompt without its reply stays in the history")
            else:
                self.messages_removed.emit(conversation_id, [message.id])
                if replaced:
                    self.branch_changed.emit(conversation_id)
            raise
        return message

    def regenerate(
        self,
        conversation_id: int,
        *,
        endpoint_id: str,
        model: str,
        thinking: ThinkingFields | None = None,
        budget: OutputBudget = DEFAULT_BUDGET,
        web_search: bool | None = None,
    ) -> None:
        """Answer the last prompt shown again, as a new version of its answer.

        The earlier answer stays, one version before the new one; a failed one that
        got nothing (``error``, no text) is dropped instead of kept.
        """
        messages = self._repo.messages(conversation_id)
        last_user = next((m for m in reversed(messages) if m.role == "user"), None)
        if last_user is None or self.is_running(conversation_id):
            return
        after = [m for m in messages if m.id > last_user.id]
        failed = [m.id for m in after if m.status is MessageStatus.ERROR and not m.text]
        if failed:
            with writing(self._repo, sending=True):
                for message_id in failed:
                    self._repo.delete_message(message_id)
            self.messages_removed.emit(conversation_id, failed)
        self._start_reply(
            conversation_id,
            _Reply(endpoint_id, model, thinking, budget, web_search),
            parent_id=last_user.id,
            replaced=[m.id for m in after if m.id not in failed],
        )

    def edit_prompt(
        self,
        conversation_id: int,
        message_id: int,
        text: str,
        *,
        endpoint_id: str,
        model: str,
        thinking: ThinkingFields | None = None,
        budget: OutputBudget = DEFAULT_BUDGET,
        attachments: Sequence[NewAttachment] = (),
        documents: Sequence[AttachedDocument] = (),
        web_search: bool | None = None,
    ) -> None:
        """Send ``text`` as a new version of the prompt ``message_id`` (any prompt shown):
        a new branch from the message before it, answered at once.

        The prompt and what followed it stay as the earlier version. The new one
        keeps the prompt's images and documents; ``attachments`` and ``documents``
        are those attached while editing.
        """
        messages = self._repo.messages(conversation_id)
        index = next(
            (i for i, m in enumerate(messages) if m.id == message_id and m.role == "user"), None
        )
        if index is None or self.is_running(conversation_id):
            return
        prompt = messages[index]
        kept = [
            NewAttachment(a.mime, self._repo.blob(a.sha256) or b"", a.width, a.height, a.name)
            for a in prompt.attachments
        ]
        self._send(
            conversation_id,
            text,
            _Reply(endpoint_id, model, thinking, budget, web_search),
            attachments=[*kept, *attachments],
            documents=[*prompt.documents, *documents],
            parent_id=prompt.parent_id,
            replaced=messages[index:],
        )

    def continue_reply(
        self,
        conversation_id: int,
        message_id: int,
        *,
        endpoint_id: str,
        model: str,
        thinking: ThinkingFields | None = None,
        budget: OutputBudget = DEFAULT_BUDGET,
        web_search: bool | None = None,
    ) -> None:
        """Ask the model to go on with the last reply, which stopped short; the
        continuation is appended to the same message.

        The request is the dialogue up to that reply plus the reply itself as a
        trailing assistant turn marked ``partial`` (with its reasoning), which
        Moonshot continues rather than answers (platform.kimi.ai/docs/api/partial);
        the stream then holds only the continuation. A reply with no answer text
        yet (cut while thinking) has nothing to continue from: it is regenerated.
        Only a stopped or interrupted reply, the conversation's last message, is
        continued; anything else is left alone.
        """
        if self.is_running(conversation_id):
            return
        messages = self._repo.messages(conversation_id)
        reply = messages[-1] if messages else None
        if reply is None or reply.id != message_id or reply.role != "assistant":
            return
        if reply.status not in CONTINUABLE:
            return
        pending = self._unsaved.get(reply.id)
        if pending is not None:  # its final state is only in memory: saved first
            raise HistoryNotSaved(pending.problem)
        if not reply.text:  # (a new version of the answer: this one stays as the earlier)
            self.regenerate(
                conversation_id,
                endpoint_id=endpoint_id,
                model=model,
                thinking=thinking,
                budget=budget,
                web_search=web_search,
            )
            return
        # A reply that searched goes on after its rounds' turns, from its answer so far.
        turns = self._repo.tool_turns(conversation_id).get(reply.id, ())
        answer, reasoning = answer_of(reply, turns)
        continued = Message(
            "assistant",
            answer,
            reasoning=reasoning or None,
            partial=True,
            reasoning_field=reply.reasoning_field or "reasoning_content",
        )
        prompt = self._prompt(
            conversation_id, endpoint_id, model, before=reply.id, after=[*turns, continued]
        )
        request = self._request(
            conversation_id, model, prompt.messages, thinking, budget, web_search
        )
        with writing(self._repo, sending=True):
            resumed = self._repo.resume_streaming(reply.id)
        self.message_changed.emit(resumed)
        ask = _Ask(request, prompt.inline, earlier=reply, earlier_turns=tuple(turns))
        self._run(conversation_id, resumed, endpoint_id, ask)

    def delete_message(self, conversation_id: int, message_id: int) -> None:
        """Delete one message; what followed it stays, after the message before it.

        Not while a reply streams in the conversation: the reply's history would
        change under it. Deleting one of several versions shows the branch of the
        newest version left (``branch_changed``).
        """
        if self.is_running(conversation_id):
            return
        deleted = self._repo.get_message(message_id)
        with writing(self._repo):
            self._repo.delete_message(message_id)
        self._unsaved.pop(message_id, None)
        self.messages_removed.emit(conversation_id, [message_id])
        if deleted is not None and deleted.versions:
            self.branch_changed.emit(conversation_id)

    def stop(self, conversation_id: int) -> None:
        """Stop the streaming reply; what arrived is kept and marked stopped."""
        task = self._tasks.get(conversation_id)
        if task is not None:
            task.cancel()

    async def shutdown(self) -> None:
        """Stop every reply, wait until each has saved its final state, and try once
        more to save replies whose save failed.

        Never raises: quitting must always work. A reply that still cannot be saved
        is written to a text file as a last resort, and the log says where.
        """
        self._shutting_down = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._join_threads()
        if self._retry_timer is not None:
            self._retry_timer.cancel()
            self._retry_timer = None
        try:
            self.retry_unsaved()
        except Exception:  # a defect must not stop the quit
            _log.error("saving replies at exit failed:\n%s", self._safe_trace(None))
        for final in list(self._unsaved.values()):
            _rescue(final, self._repo.path.parent)

    async def _join_threads(self) -> None:
        """Wait until every reply thread has ended (each was told to stop with its task):
        none may outlive the app. One that hangs is left to end with the process."""
        threads = list(self._threads)
        for thread in threads:
            thread.cancel()
        if threads:
            await asyncio.wait([thread.ended for thread in threads], timeout=THREAD_EXIT_WAIT)
        for thread in threads:
            if not thread.join(timeout=0.1):
                _log.warning("a reply thread did not end within %s s", THREAD_EXIT_WAIT)

    def retry_unsaved(self) -> bool:
        """Save again every reply whose save failed; True when nothing is left unsaved.

        Runs by itself every :data:`SAVE_RETRY_INTERVAL` while something is
        unsaved, and at :meth:`shutdown`.
        """
        for final in list(self._unsaved.values()):
            self._save_final(final)
        for live in list(self._live.values()):
            if live.state.failing:
                self._save_live(live)
        return not self.has_unsaved()

    # -- the reply task ----------------------------------------------------------

    def _start_reply(
        self,
        conversation_id: int,
        options: _Reply,
        *,
        parent_id: int | ShownLeaf = SHOWN_LEAF,
        replaced: Sequence[int] = (),
    ) -> None:
        """Answer the dialogue up to ``parent_id`` (by default the last message shown);
        ``replaced`` are the messages shown after it, kept as an earlier version."""
        endpoint_id, model = options.endpoint_id, options.model
        before = None if isinstance(parent_id, ShownLeaf) else parent_id + 1
        prompt = self._prompt(conversation_id, endpoint_id, model, before=before)
        request = self._request(
            conversation_id,
            model,
            prompt.messages,
            options.thinking,
            options.budget,
            options.web_search,
        )
        with writing(self._repo, sending=True):
            reply = self._repo.add_message(
                conversation_id,
                "assistant",
                "",
                status=MessageStatus.STREAMING,
                model=model,
                parent_id=parent_id,
            )
        if replaced:
            self.messages_removed.emit(conversation_id, list(replaced))
        self.message_added.emit(reply)
        self._run(conversation_id, reply, endpoint_id, _Ask(request, prompt.inline))

    def _request(
        self,
        conversation_id: int,
        model: str,
        history: list[Message],
        thinking: ThinkingFields | None,
        budget: OutputBudget,
        web_search: bool | None,
    ) -> ChatRequest:
        """The request for a reply: always with an output budget that fits the prompt."""
        thinking = thinking if thinking is not None else ThinkingFields()
        conversation = self._repo.get_conversation(conversation_id)
        if web_search is None:
            web_search = conversation.web_search if conversation is not None else False
        wanted = conversation.temperature if conversation is not None else None
        return ChatRequest(
            model=model,
            messages=history,
            # Only for models that take one: K2.5 and later reject a non-default value.
            temperature=request_temperature(model, wanted),
            max_tokens=budget.tokens_for(history),
            thinking=thinking.thinking,
            thinking_switch=thinking.switch,
            reasoning_effort=thinking.effort,
            web_search=web_search,
        )

    def _run(self, conversation_id: int, reply: StoredMessage, endpoint_id: str, ask: _Ask) -> None:
        """Start the reply's task."""
        task = asyncio.ensure_future(self._stream(reply, endpoint_id, ask))
        self._tasks[conversation_id] = task
        self.reply_running_changed.emit(conversation_id, True)
        task.add_done_callback(lambda _task: self._on_task_done(conversation_id, task))

    def _on_task_done(self, conversation_id: int, task: asyncio.Task[None]) -> None:
        if self._tasks.get(conversation_id) is task:
            del self._tasks[conversation_id]
        if not task.cancelled() and task.exception() is not None:
            # Nothing may vanish inside the task: a defect there is logged, never lost.
            _log.error("a reply task failed:\n%s", self._safe_trace(task.exception()))
        self.reply_running_changed.emit(conversation_id, False)

    def _prompt(
        self,
        conversation_id: int,
        endpoint_id: str,
        model: str,
        *,
        before: int | None = None,
        after: Sequence[Message] = (),
    ) -> _Prompt:
        """The dialogue to send (see :mod:`.request_history`), then ``after``.

        ``before``: only the messages older than that one (a reply being continued).
        A model known not to see images gets none: the conversation can go on with
        it after a model that did.
        """
        conversation = self._repo.get_conversation(conversation_id)
        stored = self._repo.messages(conversation_id)
        turns = self._repo.tool_turns(conversation_id)
        with_images = self._sees_images(endpoint_id, model)

        def build(inline_documents: bool) -> list[Message]:
            history = build_history(
                stored,
                blob=self._repo.blob,
                system_prompt=conversation.system_prompt if conversation is not None else "",
                tool_turns=turns,
                with_images=with_images,
                inline_documents=inline_documents,
                before=before,
            )
            return [*history, *after]

        documents = any(m.documents for m in stored if before is None or m.id < before)
        return _Prompt(build(False), (lambda: build(True)) if documents else None)

    async def _stream(self, reply: StoredMessage, endpoint_id: str, ask: _Ask) -> None:
        """Stream one reply into its row; ``ask.earlier`` is the reply being continued,
        whose text, reasoning, searches and usage the continuation adds to.

        A :class:`KimiClient` is read on a :class:`ReplyThread` and what it reads
        arrives here in batches (:meth:`_take`); any other client (a test's
        scripted one, whose queue belongs to this loop) is read on this loop.
        Either way this task owns the reply: Stop cancels it, and saving stays here.
        """
        request, earlier = ask.request, ask.earlier
        reply_state = _ReplyState(self._clock, self._save_interval, self._retry_interval)
        if earlier is not None:
            reply_state.start_from(earlier.text, earlier.reasoning, earlier.reasoning_seconds)
            reply_state.searches = earlier.web_searches
        status, error = MessageStatus.COMPLETE, None
        fix: str | None = None
        deltas = _DeltaBatch(
            reply_state,
            lambda text: self.reasoning_received.emit(reply.id, text),
            lambda text: self.content_received.emit(reply.id, text),
        )
        live = _LiveReply(reply, reply_state, deltas)
        self._live[reply.id] = live
        inbox: Inbox[object] = Inbox(
            asyncio.get_event_loop(), lambda items: self._take(live, items)
        )
        thread: ReplyThread[float | None] | None = None

        def on_retry(attempt: int, delay: float, exc: ApiError) -> None:
            inbox.put(_Retrying(delay, exc))  # on the reply thread, if it reads

        try:
            client = self._open_client(endpoint_id, on_retry)
            if ask.inline is not None and client.endpoint.protocol == "anthropic":
                # That format cannot place a system message mid-conversation.
                request = dataclasses.replace(request, messages=ask.inline())
            try:
                if self._threaded(client):
                    thread = self._start_thread(_read_batches(client, request, inbox))
                    credits = await thread.result
                else:
                    inbox.same_thread()
                    credits = await _read_here(client, request, inbox)
            finally:
                inbox.deliver()  # what arrived counts, however the stream ended
            # A Stop pressed while that last batch was shown counts: it is raised here.
            await asyncio.sleep(0)
            if credits is not None:
                self.credits_changed.emit(endpoint_id, credits)
        except asyncio.CancelledError:
            status = MessageStatus.STOPPED
        except ApiError as exc:
            status = MessageStatus.INTERRUPTED if reply_state.has_output else MessageStatus.ERROR
            error, fix = describe(exc), _fix_for(exc)
            if earlier is not None and not reply_state.grew and _refused_partial(exc):
                error, fix = _(CANNOT_CONTINUE), MessageAction.REGENERATE
        except Exception as exc:  # a defect must not leave the row "streaming" forever
            # The exception's text may quote the key (an httpx or keyring message).
            _log.error(
                "reply %s failed unexpectedly:\n%s", reply.id, self._safe_trace(exc, endpoint_id)
            )
            status = MessageStatus.INTERRUPTED if reply_state.has_output else MessageStatus.ERROR
            error = describe(exc)
            if reply_state.has_output:
                kept = _("What arrived is kept.")
                error = f"{error} {kept}"
            fix = MessageAction.RETRY
        finally:
            if thread is not None:
                thread.cancel()  # stopped, or failed here: the thread stops reading too
            reply_state.cancel_timer()
        # Nothing that arrives after the end counts: a stopped reply is what was shown
        # when it was stopped.
        inbox.close()
        deltas.flush()
        del self._live[reply.id]
        usage, finish = reply_state.usage, reply_state.finish
        if status is MessageStatus.COMPLETE and finish is not None and finish.reason == "length":
            # The output budget ran out: never a finished reply, even with no answer at
            # all (a thinking model spends the budget on reasoning first).
            status, fix = MessageStatus.INTERRUPTED, MessageAction.LARGER_BUDGET
        self._finish(reply, reply_state, _Ending(status, error, fix, usage, finish), ask)

    def _start_thread(self, work: Coroutine[Any, Any, float | None]) -> ReplyThread[float | None]:
        """Start a reply thread, known to :meth:`shutdown` until it has ended."""
        thread = ReplyThread(work)
        self._threads.add(thread)

        def forget(_ended: asyncio.Future[None]) -> None:
            self._threads.discard(thread)

        thread.ended.add_done_callback(forget)
        thread.start()
        return thread

    @staticmethod
    def _threaded(client: object) -> bool:
        """Whether a client is read on a thread of its own: ours are, built for it."""
        from kimi_desktop.api import KimiClient

        return isinstance(client, KimiClient)

    def _take(self, live: _LiveReply, items: list[object]) -> None:
        """What the reply's stream brought since the last batch: counted, announced in
        runs, and saved when a save is due (or by a timer, if the server goes quiet)."""
        state, deltas = live.state, live.deltas
        for item in items:
            if type(item) is ContentDelta:  # nearly every item: a run of answer text
                deltas.add_content(item.text)
            elif isinstance(item, ContentDelta):
                deltas.add(item.text, reasoning=False)
            elif isinstance(item, ReasoningDelta):
                deltas.add(item.text, reasoning=True)
            elif isinstance(item, WebSearch):
                deltas.flush()  # the round's text is shown before its search
                state.add_search()
                self.web_searched.emit(live.reply.id, state.searches)
            elif isinstance(item, Usage):
                state.usage = item
            elif isinstance(item, Finish):
                state.finish = item
            elif isinstance(item, _Retrying):
                deltas.flush()
                self.retry_scheduled.emit(live.reply, retry_notice(item.error, item.delay))
        deltas.flush()
        if self._live.get(live.reply.id) is not live:
            return  # the reply has ended; its final save writes everything
        if state.save_due():
            self._save_live(live)
        else:
            self._arm_save_timer(live)

    def _finish(self, reply: StoredMessage, state: _ReplyState, ending: _Ending, ask: _Ask) -> None:
        """Save the reply's final state; a continuation's usage and search turns add to
        the reply's."""
        earlier = ask.earlier
        usage = ending.usage
        finish = ending.finish
        reasoning_field = finish.reasoning_field if finish is not None else None
        turns = (*ask.earlier_turns, *(finish.tool_turns if finish is not None else ()))
        if earlier is not None:
            usage = _added(earlier.usage, usage)
            reasoning_field = reasoning_field or earlier.reasoning_field
        final = _FinalState(
            reply=reply,
            status=ending.status,
            text=state.text,
            reasoning=state.reasoning,
            reasoning_seconds=state.reasoning_seconds(),
            usage=usage,
            error=ending.error,
            error_fix=ending.fix,
            problem=state.problem,
            reasoning_field=reasoning_field,
            web_searches=state.searches,
            tool_turns=turns,
        )
        self._save_final(final)

    # -- saving ------------------------------------------------------------------

    def _save_live(self, live: _LiveReply) -> None:
        """Save a streaming reply's text so far; a failure keeps it in memory and says so."""
        state = live.state
        if state.blocked:
            return  # the row is no longer ours to update; the final save writes it
        state.attempted()
        try:
            self._repo.update_streaming(
                live.reply.id, state.text, state.reasoning, web_searches=state.searches
            )
        except Exception as exc:  # storage errors, and a defect: the reply goes on either way
            state.failing = retry_helps(exc, self._repo.path)
            state.blocked = not state.failing
            self._report(live.reply, state, exc)
            if state.failing:
                self._arm_save_timer(live)
            return
        state.saved()
        state.cancel_timer()  # nothing left for it to save
        if state.problem:
            state.problem = ""
            self.save_failed.emit(live.reply, "")

    def _arm_save_timer(self, live: _LiveReply) -> None:
        """Save later what is not saved yet, even if the server sends nothing more."""
        state = live.state
        if not state.unsaved or state.blocked or state.timer is not None:
            return

        def on_timeout() -> None:
            state.timer = None
            if self._live.get(live.reply.id) is live and state.unsaved:
                self._save_live(live)

        state.timer = asyncio.get_running_loop().call_later(state.wait(), on_timeout)

    def _save_final(self, final: _FinalState) -> None:
        """Write a reply's final state, or keep it in memory and say why."""
        reply = final.reply
        try:
            saved = self._repo.finish_message(
                reply.id,
                status=final.status,
                text=final.text,
                reasoning=final.reasoning,
                reasoning_seconds=final.reasoning_seconds,
                usage=final.usage,
                error=final.error,
                error_fix=final.error_fix,
                reasoning_field=final.reasoning_field,
                web_searches=final.web_searches,
                tool_turns=final.tool_turns,
            )
        except Exception as exc:  # storage errors, and a defect: the text must not vanish
            previous = final.problem
            self._report(reply, final, exc)
            if retry_helps(exc, self._repo.path):
                self._unsaved[reply.id] = final
                self._arm_retry()
            else:
                self._unsaved.pop(reply.id, None)
            if not final.shown or final.problem != previous:
                final.shown = True
                # The view shows the final state as it is in memory, with why it is unsaved.
                self.message_changed.emit(final.in_memory())
            return
        self._unsaved.pop(reply.id, None)
        self.message_changed.emit(saved)
        if final.problem:
            final.problem = ""
            self.save_failed.emit(saved, "")

    def _report(
        self, reply: StoredMessage, holder: _ReplyState | _FinalState, exc: Exception
    ) -> None:
        """Say, once per distinct reason, why a reply is not saved (``holder.problem``)."""
        if not isinstance(exc, STORAGE_ERRORS):
            _log.error("saving reply %s failed:\n%s", reply.id, self._safe_trace(exc))
        sentence = reply_not_saved(exc, self._repo.path, read_only=not self._repo.writable)
        if sentence != holder.problem:
            _log.warning("reply %s is not saved: %s", reply.id, type(exc).__name__)
            holder.problem = sentence
            self.save_failed.emit(reply, sentence)

    def _arm_retry(self) -> None:
        if self._retry_timer is not None or not self._unsaved or self._shutting_down:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (shutting down): shutdown() tries once more itself

        def on_timeout() -> None:
            self._retry_timer = None
            self.retry_unsaved()
            self._arm_retry()

        self._retry_timer = loop.call_later(self._retry_interval, on_timeout)

    def _safe_trace(self, exc: BaseException | None, endpoint_id: str | None = None) -> str:
        """A traceback for the log, with the endpoint's key (and anything like a key) removed."""
        text = "".join(
            traceback.format_exception(exc) if exc is not None else traceback.format_exc()
        )
        key = None
        if endpoint_id is not None:
            try:
                key = self._key_of(endpoint_id)
            except Exception:  # the keyring failing here must not hide the first failure
                key = None
        return redact(text, key)


class _DeltaBatch:
    """Streamed text on its way to the reply's state and the signals: one signal per
    run of deltas, not per token.

    A batch from the stream holds hundreds of tokens, and a signal per token
    costs as much as parsing it. Deltas are joined and announced when
    reasoning gives way to answer text or back, and at the end of each batch.
    """

    def __init__(
        self,
        state: _ReplyState,
        reasoning: Callable[[str], None],
        content: Callable[[str], None],
    ) -> None:
        self._state = state
        self._announce = {True: reasoning, False: content}
        self._texts: list[str] = []
        self._reasoning = False

    def add(self, text: str, *, reasoning: bool) -> None:
        if self._texts and reasoning != self._reasoning:
            self.flush()
        self._reasoning = reasoning
        self._texts.append(text)

    def add_content(self, text: str) -> None:
        """``add(text, reasoning=False)``, for the thousands of answer deltas a reply is."""
        if self._reasoning:
            self.add(text, reasoning=False)
        else:
            self._texts.append(text)

    def flush(self) -> None:
        if not self._texts:
            return
        text = "".join(self._texts)
        self._texts.clear()
        if self._reasoning:
            self._state.add_reasoning(text)
        else:
            self._state.add_content(text)
        self._announce[self._reasoning](text)


class _ReplyState:
    """Text accumulated by one reply, whether it is saved, and the clocks that go with it."""

    def __init__(self, clock: Callable[[], float], interval: float, retry_interval: float) -> None:
        self._clock = clock
        self._interval = interval
        self._retry_interval = retry_interval
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._started = clock()
        self._reasoning_ended: float | None = None
        self._earlier_seconds: float | None = None  # thought before a continuation
        self._thinking = False  # reasoning arrived in this stream
        self.searches = 0
        """Web searches the reply ran (with those before a continuation)."""
        self.grew = False
        """Text or reasoning arrived in this stream (not only before a continuation)."""
        self._last_save: float | None = None  # the first delta is saved at once
        self.unsaved = False
        """Text arrived since the last save that worked."""
        self.failing = False
        """The last save failed in a way a retry can fix (a full disk)."""
        self.blocked = False
        """The row can no longer be updated while streaming (changed elsewhere)."""
        self.problem = ""
        """The sentence last said about why the reply is not saved."""
        self.timer: asyncio.TimerHandle | None = None
        self.usage: Usage | None = None
        """The token counts the stream reported, if it did."""
        self.finish: Finish | None = None
        """How the stream said it ended, if it did."""

    @property
    def text(self) -> str:
        return "".join(self._content)

    @property
    def reasoning(self) -> str:
        return "".join(self._reasoning)

    @property
    def has_output(self) -> bool:
        return bool(self._content or self._reasoning)

    def start_from(self, text: str, reasoning: str, reasoning_seconds: float | None) -> None:
        """Continue a reply: what it held before counts as already saved."""
        self._content = [text] if text else []
        self._reasoning = [reasoning] if reasoning else []
        self._earlier_seconds = reasoning_seconds

    def add_reasoning(self, text: str) -> None:
        self._reasoning.append(text)
        self._thinking = self.grew = True
        self.unsaved = True

    def add_content(self, text: str) -> None:
        if self._thinking and self._reasoning_ended is None:
            self._reasoning_ended = self._clock()
        self._content.append(text)
        self.grew = True
        self.unsaved = True

    def add_search(self) -> None:
        self.searches += 1
        self.grew = True
        self.unsaved = True

    def reasoning_seconds(self) -> float | None:
        if not self._thinking:
            return self._earlier_seconds if self._reasoning else None
        spent = (self._reasoning_ended or self._clock()) - self._started
        return spent + (self._earlier_seconds or 0.0)

    def wait(self) -> float:
        """Seconds until the next save is due."""
        interval = self._retry_interval if self.failing else self._interval
        if self._last_save is None:
            return 0.0
        return max(0.0, interval - (self._clock() - self._last_save))

    def save_due(self) -> bool:
        """Whether unsaved text should be saved now (at once, the first time)."""
        return self.unsaved and not self.blocked and self.wait() <= 0.0

    def attempted(self) -> None:
        self._last_save = self._clock()

    def saved(self) -> None:
        self.unsaved = False
        self.failing = False

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


@dataclass
class _LiveReply:
    """A reply while it streams: its row, its text so far, its deltas on their way out."""

    reply: StoredMessage
    state: _ReplyState
    deltas: _DeltaBatch


@dataclass(frozen=True)
class _Retrying:
    """The client waits ``delay`` seconds before trying the request again, after ``error``."""

    delay: float
    error: ApiError


async def _read_batches(
    client: KimiClient, request: ChatRequest, inbox: Inbox[object]
) -> float | None:
    """Read a reply on its thread: each batch of events goes to the inbox as it
    arrives. Returns the credits the endpoint reported, if any."""
    async with client, aclosing(client.stream_chat_batches(request)) as batches:
        async for batch in batches:
            inbox.put_all(batch)
        return client.credits_remaining


async def _read_here(
    client: KimiClient, request: ChatRequest, inbox: Inbox[object]
) -> float | None:
    """Read a reply on the window's loop, event by event, letting Qt paint and take
    input between bursts. Returns the credits the endpoint reported, if any."""
    async with client, aclosing(client.stream_chat(request)) as events:
        turn_started = time.perf_counter()
        async for event in events:
            inbox.put(event)
            if time.perf_counter() - turn_started > YIELD_AFTER:
                # Events already buffered never suspend the loop by themselves.
                await asyncio.sleep(0)
                turn_started = time.perf_counter()
        return client.credits_remaining


@dataclass(frozen=True)
class _Ending:
    """How a reply's stream ended: its status, the error and the fix to offer, the
    usage reported and the ``Finish`` event, if those came."""

    status: MessageStatus
    error: str | None
    fix: str | None
    usage: Usage | None
    finish: Finish | None


@dataclass
class _FinalState:
    """A reply's final state, kept in memory until it is saved."""

    reply: StoredMessage
    status: MessageStatus
    text: str
    reasoning: str
    reasoning_seconds: float | None
    usage: Usage | None
    error: str | None
    error_fix: str | None
    problem: str = ""
    """Why it is not saved yet (a sentence), or empty."""
    reasoning_field: str | None = None
    web_searches: int = 0
    tool_turns: tuple[Message, ...] = ()
    shown: bool = False
    """The view was given this unsaved final state."""

    def in_memory(self) -> StoredMessage:
        """The reply as shown while unsaved: its own error (if any), then why it is unsaved."""
        error = "\n".join(part for part in (self.error, self.problem) if part) or None
        return dataclasses.replace(
            self.reply,
            status=self.status,
            text=self.text,
            reasoning=self.reasoning,
            reasoning_seconds=self.reasoning_seconds,
            usage=self.usage,
            error=error,
            error_fix=self.error_fix,
            reasoning_field=self.reasoning_field,
            web_searches=self.web_searches,
        )


@dataclass(frozen=True)
class _Reply:
    """How to ask for a reply: the endpoint and model, how the request switches
    reasoning, its output budget, and web search (``None``: as the conversation says)."""

    endpoint_id: str
    model: str
    thinking: ThinkingFields | None
    budget: OutputBudget
    web_search: bool | None


@dataclass(frozen=True)
class _Prompt:
    """The dialogue a request sends, and how to build it for the Anthropic format
    (``None`` when it is the same there: no documents to put inline)."""

    messages: list[Message]
    inline: Callable[[], list[Message]] | None = None


@dataclass(frozen=True)
class _Ask:
    """What one reply's task sends: the request, its messages for the Anthropic
    format (see :class:`_Prompt`), and the reply it continues with that reply's
    search turns (``earlier``, ``earlier_turns``)."""

    request: ChatRequest
    inline: Callable[[], list[Message]] | None = None
    earlier: StoredMessage | None = None
    earlier_turns: tuple[Message, ...] = ()


def _fix_for(error: ApiError) -> str:
    """The button that helps with a failed request: none where the sentence says what
    to do instead, Settings for the key or the balance, else Retry."""
    if error.code in _UNFIXABLE:
        return NO_FIX
    if isinstance(error, AuthenticationError | QuotaError):
        return MessageAction.SETTINGS
    return MessageAction.RETRY


def _refused_partial(error: ApiError) -> bool:
    """Whether the endpoint refused the request itself (400): continuing a reply
    adds only the trailing partial turn, so that is what it did not take."""
    return isinstance(error, BadRequestError) and error.status == 400


def _added(before: Usage | None, after: Usage | None) -> Usage | None:
    """The token counts of a reply and its continuation, together."""
    if before is None or after is None:
        return after or before
    return Usage(
        prompt_tokens=before.prompt_tokens + after.prompt_tokens,
        completion_tokens=before.completion_tokens + after.completion_tokens,
        cached_tokens=before.cached_tokens + after.cached_tokens,
    )


def _rescue(final: _FinalState, data_dir: Path) -> None:
    """The last resort at exit for a reply that could not be saved: a private text file.

    Tried in the data folder, then the temporary folder (often another disk),
    then the home folder; the log says where it went.
    """
    name = f"kimi-desktop-unsaved-reply-{final.reply.id}-{time.strftime('%Y%m%d-%H%M%S')}.md"
    body = final.text if not final.reasoning else f"{final.reasoning}\n\n---\n\n{final.text}"
    for folder in (data_dir, Path(tempfile.gettempdir()), Path.home()):
        path = folder / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as stream:
                stream.write(body)
        except OSError:  # that disk is full too: no empty file left behind
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        _log.error(
            "reply %s could not be saved in the history; its text is in %s", final.reply.id, path
        )
        return
    _log.error("reply %s could not be saved anywhere; its text is lost", final.reply.id)


def retry_notice(error: ApiError, delay: float) -> str:
    """The status line while a request waits to be tried again."""
    if isinstance(error, RateLimitError):
        text = _("The endpoint is busy (rate limit or overload) — retrying in {seconds} s…")
    elif isinstance(error, NetworkError):
        text = _("The endpoint could not be reached — retrying in {seconds} s…")
    else:
        text = _("The provider had a server error — retrying in {seconds} s…")
    return text.format(seconds=max(1, round(delay)))
