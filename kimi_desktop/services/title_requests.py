"""A conversation's title asked of the model, once its first answer is complete.

The request is small on purpose: the first prompt and the first answer, cut
short, a fixed instruction, a tiny output budget, no web search, sent through
the same client as any reply but tried once only (a title is not worth a
wait). Reasoning is switched off the way the model allows
(:func:`~kimi_desktop.services.thinking.thinking_fields`): never for a model
that always thinks, which Moonshot would refuse. When the conversation's model
cannot stop thinking, a model of the same endpoint that can is asked instead,
the cheapest listed; when the endpoint has none, the conversation's own model
is asked with room to think first, since reasoning tokens count against the
output budget.

Any failure (no key, an error, an answer that is not a title) leaves the
title the first prompt gave. A title that is no longer that one is never
replaced: the service asks a ``may_retitle`` callable before asking the model
and again before renaming, as someone may rename the chat meanwhile. The
preference ``generate_titles`` turns all of this off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QObject, Signal

from kimi_desktop.api import ApiError, ChatRequest, ContentDelta, Finish, Message, ModelInfo
from kimi_desktop.api.retry import RetryPolicy
from kimi_desktop.domain import (
    REASONING_EFFORTS,
    Conversation,
    MessageStatus,
    StoredMessage,
    ThinkingFields,
    ThinkingMode,
    ThinkingSwitch,
    redact,
)
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice
from kimi_desktop.services.endpoints import DEMO_PROFILE, EndpointService, ModelListing
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.save_problems import HistoryNotSaved
from kimi_desktop.services.thinking import EFFORT_WHEN_OFF, thinking_fields
from kimi_desktop.services.titles import (
    LONGEST_TITLE_ANSWER,
    title_from_answer,
    title_is_from_prompt,
)
from kimi_desktop.services.workers import BackgroundTasks
from kimi_desktop.settings.known_models import is_legacy, known_model, known_prices, thinking_mode

if TYPE_CHECKING:
    from kimi_desktop.api import KimiClient

_log = logging.getLogger(__name__)

#: What the model is told; the conversation follows as one user message.
TITLE_INSTRUCTION: Final = (
    "Write a title for the conversation below: at most six words, in the language "
    "of the user's message. Reply with the title only, without quotes, final "
    "punctuation or any explanation."
)
#: Output budget with thinking off: a title of six words, in any language.
TITLE_MAX_TOKENS: Final = 48
#: Output budget for a model that thinks anyway: reasoning tokens count against
#: ``max_tokens``, so a tiny budget would end in reasoning with no title. 512 is
#: what kimi-cli allows its title requests (SESSION_TITLE_MAX_COMPLETION_TOKENS
#: in src/kimi_cli/web/api/sessions.py).
REASONING_TITLE_MAX_TOKENS: Final = 512
#: How much of the first prompt and of the first answer is sent (characters);
#: kimi-cli sends 300 of each for the same purpose.
EXCERPT_CHARS: Final = 300
#: Seconds a title request may take; it is never retried.
TITLE_TIMEOUT: Final = 20.0

#: ``may_retitle(conversation, first prompt)``: whether a generated title may
#: replace the conversation's title (see :func:`title_is_from_prompt`).
MayRetitle = Callable[[Conversation, str], bool]


@dataclass(frozen=True, slots=True)
class TitleModel:
    """The model a title is asked of, how the request switches its reasoning, and
    the output budget (``reasons``: the model thinks all the same)."""

    model: str
    thinking: ThinkingFields
    max_tokens: int
    reasons: bool


def title_model(current: str, offered: Sequence[ModelInfo], switch: ThinkingSwitch) -> TitleModel:
    """The model to ask for a title: ``current`` when its thinking can be off, else
    the cheapest of ``offered`` (the endpoint's models) whose thinking can, else
    ``current`` with room to think."""
    listed = {info.id: info for info in offered}
    known = known_model(current)
    info = listed.get(current) or (replace(known, id=current) if known else ModelInfo(current))
    chosen = _settings_for(info, switch)
    if not chosen.reasons:
        return chosen
    quiet = [m for m in offered if not _settings_for(m, switch).reasons]
    if not quiet:
        return chosen
    return _settings_for(min(quiet, key=_cost), switch)


def title_request(model: TitleModel, prompt: str, answer: str) -> ChatRequest:
    """The request asking ``model`` for a title of the exchange ``prompt`` → ``answer``."""
    asked = prompt.strip()[:EXCERPT_CHARS] or "(an image)"
    answered = answer.strip()[:EXCERPT_CHARS]
    return ChatRequest(
        model=model.model,
        messages=[
            Message("system", TITLE_INSTRUCTION),
            Message("user", f"User: {asked}\n\nAssistant: {answered}"),
        ],
        max_tokens=model.max_tokens,
        thinking=model.thinking.thinking,
        thinking_switch=model.thinking.switch,
        reasoning_effort=model.thinking.effort,
        web_search=False,
    )


async def ask_title(client: KimiClient, request: ChatRequest) -> str | None:
    """The title the model answers ``request`` with, or ``None`` when its answer is
    not one (too long, empty, or cut by the budget). Raises :class:`ApiError`."""
    parts: list[str] = []
    size = 0
    finish: Finish | None = None
    async with aclosing(client.stream_chat(request)) as events:
        async for event in events:
            if isinstance(event, ContentDelta):
                parts.append(event.text)
                size += len(event.text)
                if size > LONGEST_TITLE_ANSWER:
                    return None  # an essay, not a title: no need to read on
            elif isinstance(event, Finish):
                finish = event
    if finish is not None and finish.reason == "length":
        return None  # cut off: maybe half a title
    return title_from_answer("".join(parts))


class TitleGenerator(QObject):
    """Retitles a conversation with the model's title once its first answer is complete.

    It follows ``chat.message_changed`` by itself; nothing needs to call it.
    ``may_retitle`` says whether a conversation's title may still be replaced
    (by default: while it is the one its first prompt gave).

    Signals:
        title_generated(int conversation_id, str title): the conversation was
            renamed with the model's title (the sidebar hears of it from the
            history service).
    """

    title_generated = Signal(int, str)

    def __init__(
        self,
        *,
        chat: ChatSession,
        history: HistoryService,
        endpoints: EndpointService,
        may_retitle: MayRetitle = title_is_from_prompt,
        tasks: BackgroundTasks | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._history = history
        self._endpoints = endpoints
        self._may_retitle = may_retitle
        self._tasks = tasks if tasks is not None else BackgroundTasks()
        self._running: dict[int, asyncio.Future[None]] = {}
        # Conversations whose first answer was seen in this run: asked once at most.
        self._seen: set[int] = set()
        chat.message_changed.connect(self._on_chat_message_changed)

    def task(self, conversation_id: int) -> asyncio.Future[None] | None:
        """The request for this conversation's title while it runs (await it to wait)."""
        return self._running.get(conversation_id)

    def close(self) -> list[asyncio.Future[None]]:
        """Cancel the title requests still running; returns them."""
        tasks = [task for task in self._running.values() if not task.done()]
        for task in tasks:
            task.cancel()
        return tasks

    def _on_chat_message_changed(self, reply: StoredMessage) -> None:
        if reply.role != "assistant" or reply.status is not MessageStatus.COMPLETE:
            return
        if reply.conversation_id in self._seen or not self._endpoints.preferences.generate_titles:
            return
        messages = self._history.messages(reply.conversation_id)
        first_reply = next((m for m in messages if m.role == "assistant"), None)
        prompt = next((m for m in messages if m.role == "user"), None)
        self._seen.add(reply.conversation_id)
        if first_reply is None or first_reply.id != reply.id or prompt is None:
            return  # a later answer: the title was settled after the first
        conversation = self._history.conversation(reply.conversation_id)
        if conversation is None or not self._may_retitle(conversation, prompt.text):
            return
        endpoint_id = conversation.endpoint_id or self._endpoints.active_id
        model = reply.model or conversation.model
        if not model or endpoint_id == DEMO_PROFILE.id:
            return  # the offline demo has canned replies, not titles
        task = self._tasks.start(
            self._retitle(conversation, endpoint_id, model, prompt.text, reply.text)
        )
        self._running[conversation.id] = task
        task.add_done_callback(lambda _task: self._running.pop(conversation.id, None))

    async def _retitle(
        self, conversation: Conversation, endpoint_id: str, model: str, prompt: str, answer: str
    ) -> None:
        title = await self._generated(endpoint_id, model, prompt, answer)
        if title is None:
            return  # the first prompt's title stays
        current = self._history.conversation(conversation.id)
        if (
            current is None
            or current.title != conversation.title  # renamed while the model was asked
            or not self._may_retitle(current, prompt)
            or title == current.title
        ):
            return
        try:
            self._history.rename(conversation.id, title)
        except HistoryNotSaved:
            _log.warning("a generated title could not be saved; the first words stay")
            return
        self.title_generated.emit(conversation.id, title)

    async def _generated(
        self, endpoint_id: str, model: str, prompt: str, answer: str
    ) -> str | None:
        """The model's title, or ``None`` when it cannot give one (said in the log only)."""
        profile = self._endpoints.profile(endpoint_id)
        if profile is None:
            return None
        key = self._endpoints.key(endpoint_id) or ""  # known already: the answer just came
        if profile.key_required and not key:
            return None
        offered = self._endpoints.models(endpoint_id)
        if self._endpoints.model_listing(endpoint_id) not in (
            ModelListing.LISTED,
            ModelListing.NOT_LISTED,  # the provider's documented models
        ):
            offered = []  # the built-in table's guesses: not known to be served here
        asked = title_model(model, offered, profile.thinking_switch)
        request = title_request(asked, prompt, answer)
        from kimi_desktop.api import KimiClient  # brings in httpx: not before it is needed

        client = KimiClient(
            profile.endpoint,
            key,
            transport=self._endpoints.transport_for(profile),
            retry=RetryPolicy(max_attempts=1),
            timeout=TITLE_TIMEOUT,
        )
        try:
            async with client:
                return await ask_title(client, request)
        except ApiError as exc:
            _log.info("no title from the model (%s)", type(exc).__name__)
        except Exception as exc:  # a defect must not reach the chat: the first words stay
            _log.error("asking for a title failed: %s", redact(repr(exc), key))
        return None


def _settings_for(info: ModelInfo, switch: ThinkingSwitch) -> TitleModel:
    """How a title request to ``info`` is made: thinking off where it can be, the
    least effort where effort is the knob."""
    mode = thinking_mode(info)
    choice = ModelChoice(info.id, thinking=False, effort=REASONING_EFFORTS[0])
    fields = thinking_fields(mode, switch, choice)
    off = fields.thinking is False or fields.effort == EFFORT_WHEN_OFF
    quiet = mode is ThinkingMode.NONE or off
    budget = TITLE_MAX_TOKENS if quiet else REASONING_TITLE_MAX_TOKENS
    return TitleModel(info.id, fields, budget, reasons=not quiet)


def _cost(info: ModelInfo) -> tuple[bool, bool, float]:
    """Sorts current models before retired ones, then known prices, lowest first."""
    prices = known_prices(info.id)
    price = prices.input_per_mtok + prices.output_per_mtok if prices is not None else 0.0
    return is_legacy(info.id), prices is None, price
