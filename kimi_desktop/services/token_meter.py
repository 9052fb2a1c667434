"""``TokenMeter``: how large the next request's prompt is, against the model's context.

The composer shows it before anything is sent. On Moonshot's endpoints the
provider counts (its ``estimate-token-count``, reached through an injected
:data:`Estimator`); elsewhere, and whenever counting fails, the count is the
local estimate of :mod:`.token_estimate` (its typical rule), marked as one.

Typing is debounced (:data:`DEBOUNCE_MS`), at most one count is asked for at a
time, and an answer for inputs that have changed since is dropped. Counts are
kept per part (the history, the draft's text, the draft's images, each of the
draft's documents), so typing sends only the draft's text again, never the
history, the images or a long document.

A document is measured as the context block it is sent as (a system message of
its own, :func:`~kimi_desktop.services.document_context.document_block`), and
estimated locally by the same rule as everything else, so the meter and the
document's chip agree.

The reply's budget in each :class:`~.token_reading.TokenReading` is the one
sending will ask for, by the rule of
:func:`~kimi_desktop.services.budget.output_budget` (the conversation's budget,
capped at what the context leaves after the prompt, never below
:data:`~kimi_desktop.services.budget.MIN_MAX_TOKENS`). Sending counts the prompt
by the same rule made cautious (:data:`~kimi_desktop.services.budget.CAUTIOUS`,
plus a margin), and every count is a sum over the messages, so each part's
share is worked out once, when the part changes: a pause in typing never walks
the history or a document again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from kimi_desktop.api import ApiError
from kimi_desktop.domain import ImageData, Message, has_visible_text
from kimi_desktop.services.budget import (
    CAUTIOUS,
    SAFETY_MARGIN_TOKENS,
    capped_budget,
    requested_budget,
)
from kimi_desktop.services.token_estimate import IMAGE_TOKENS, TYPICAL
from kimi_desktop.services.token_reading import TokenReading

__all__ = ["DEBOUNCE_MS", "Estimator", "TokenMeter"]

_log = logging.getLogger(__name__)

#: ``estimate(model, messages)``: the provider's count of a prompt, in tokens.
Estimator = Callable[[str, Sequence[Message]], Awaitable[int]]

#: How long typing must pause before the prompt is measured again, in milliseconds.
DEBOUNCE_MS = 400
#: How many counted parts are remembered (histories, draft texts, image sets,
#: documents) besides those of the draft's documents, which are always kept.
_REMEMBERED = 16
#: The text the draft's images are counted with: their cost is the count with
#: them minus the count of this text alone (the provider refuses empty content).
_PROBE = "."

_Key = tuple[str, Hashable]


@dataclass(frozen=True, slots=True)
class _Sizes:
    """One document's size, worked out once: the meter's estimate and its share of
    the estimate sending caps the reply's budget with (a system message of its own)."""

    estimate: int
    share: int

    @classmethod
    def of(cls, block: str) -> _Sizes:
        return cls(TYPICAL.turn(block), CAUTIOUS.turn(block))


class TokenMeter(QObject):
    """Measures the prompt the next Send would make: the history plus the draft.

    Feed it with :meth:`set_estimator` (the endpoint's counter, ``None`` to
    estimate locally), :meth:`set_model`, :meth:`set_history` and
    :meth:`set_draft` (text, images and documents); it answers through
    ``reading_changed``. After a count fails it estimates locally until the
    endpoint, the model or the history changes, so a provider that cannot
    count is not asked at every pause; an endpoint that says it cannot count at
    all is not asked again.

    Signals:
        reading_changed(object): the new :class:`TokenReading`, or ``None`` when
            there is nothing to measure (no history and an empty draft without
            documents).
    """

    reading_changed = Signal(object)

    def __init__(self, *, delay_ms: int = DEBOUNCE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self._estimate: Estimator | None = None
        self._model = ""
        self._context: int | None = None
        self._budget: int | None = None
        self._history: tuple[Message, ...] = ()
        self._history_estimate = 0
        self._history_share = 0
        self._history_images = 0
        self._text = ""
        self._images: tuple[ImageData, ...] = ()
        self._turn_share: tuple[tuple[str, tuple[ImageData, ...]], int] | None = None
        self._documents: tuple[str, ...] = ()
        self._document_sizes: dict[str, _Sizes] = {}
        self._counts: OrderedDict[_Key, int] = OrderedDict()
        self._generation = 0  # bumped by every change of what is measured
        self._epoch = 0  # bumped when counts stop being valid (endpoint, model)
        self._failed = False
        self._cannot_count = False  # the endpoint has no tokenizer: never ask it again
        self._stale = True  # what is shown belongs to another endpoint, model or history
        self._again = False
        self._task: asyncio.Task[None] | None = None
        self._reading: TokenReading | None = None

    # -- inputs --------------------------------------------------------------------

    @property
    def reading(self) -> TokenReading | None:
        """What was last announced."""
        return self._reading

    def set_estimator(self, estimate: Estimator | None) -> None:
        """The endpoint's counter, or ``None`` where only a local estimate is possible."""
        if estimate is self._estimate:
            return
        self._estimate = estimate
        self._cannot_count = False
        self._forget_counts()
        self._changed()

    def set_model(self, model: str, context: int | None, budget: int | None) -> None:
        """The model the draft goes to, its context length and the conversation's
        output budget (``None``: the default), as sending is given them."""
        if (model, context, budget) == (self._model, self._context, self._budget):
            return
        self._context, self._budget = context, budget
        if model != self._model:
            self._model = model
            self._forget_counts()
            self._changed()
        elif self._reading is not None:  # the same count, seen against other limits
            self._announce(self._reading_of(self._reading.tokens, exact=self._reading.exact))

    def set_history(self, messages: Sequence[Message], image_count: int = 0) -> None:
        """The conversation as it would be sent before the draft (system prompt included).

        ``messages`` may leave out the images of earlier prompts (their bytes are
        not read again just to count them); ``image_count`` says how many there
        are, and each is counted at the most an image can cost, so the reading
        stays an estimate ("≈") while the history holds images.
        """
        history = tuple(messages)
        if (history, image_count) == (self._history, self._history_images):
            return
        self._history, self._history_images = history, image_count
        images = image_count * IMAGE_TOKENS
        self._history_estimate = TYPICAL.messages(history) + images
        self._history_share = CAUTIOUS.messages(history) + images
        self._failed = False
        self._stale = True
        self._changed()

    def set_draft(
        self, text: str, images: Sequence[ImageData] = (), documents: Sequence[str] = ()
    ) -> None:
        """The draft's text (pasted texts included), its images and its documents.

        Each document is given as the context block it is sent as
        (:func:`~kimi_desktop.services.document_context.document_block`); pass
        the same strings again while the documents stay the same, so nothing
        about them is worked out twice.
        """
        blocks = tuple(documents)
        if (text, tuple(images), blocks) == (self._text, self._images, self._documents):
            return
        self._text, self._images = text, tuple(images)
        if blocks != self._documents:
            known = self._document_sizes
            self._document_sizes = {
                block: known.get(block) or _Sizes.of(block) for block in dict.fromkeys(blocks)
            }
            self._documents = blocks
        self._changed()

    def flush(self) -> None:
        """Measure now instead of after the pause (the timer calls this; so may tests)."""
        self._timer.stop()
        self._measure()

    def close(self) -> None:
        """Stop measuring: the window that shows the meter is closing."""
        self._timer.stop()
        self._cancel()

    # -- measuring -----------------------------------------------------------------

    def _changed(self) -> None:
        self._generation += 1
        if self._is_empty():
            self._timer.stop()
            self._announce(None)
        else:
            self._timer.start()

    def _is_empty(self) -> bool:
        return (
            not self._history
            and not self._images
            and not self._documents
            and not has_visible_text(self._text)
        )

    def _forget_counts(self) -> None:
        self._counts.clear()
        self._epoch += 1
        self._failed = False
        self._stale = True
        self._cancel()

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None  # it unwinds by itself; its answer is no longer wanted

    def _measure(self) -> None:
        if self._is_empty():
            self._announce(None)
            return
        if self._estimate is None or self._failed or self._cannot_count:
            self._announce(self._local())
            return
        counted = self._counted(self._counts)
        if counted is not None:
            self._announce(self._exact(counted))
            return
        if self._reading is None or self._stale:
            self._announce(self._local())  # until the provider answers
        if self._task is not None:
            self._again = True  # the running count measures again when it ends
            return
        self._task = asyncio.ensure_future(self._count_exactly(self._estimate))

    async def _count_exactly(self, estimate: Estimator) -> None:
        me = asyncio.current_task()
        epoch = self._epoch
        try:
            while True:
                self._again = False
                generation = self._generation
                found: dict[_Key, int] = {}
                try:
                    for key, messages in self._parts():
                        if generation != self._generation:
                            break  # no use counting what is no longer the prompt
                        found[key] = await self._count(estimate, key, messages)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # any failure: estimate locally, quietly
                    _log.debug("the endpoint could not count tokens: %s", type(exc).__name__)
                    if epoch == self._epoch:
                        self._failed = True
                        if isinstance(exc, ApiError) and exc.code == "no_token_count":
                            self._cannot_count = True
                        self._announce(None if self._is_empty() else self._local())
                    return
                if epoch != self._epoch:
                    return
                if generation == self._generation:
                    counted = self._counted(found)
                    if counted is not None:
                        self._announce(self._exact(counted))
                    return
                if not self._again:
                    return  # the inputs changed; the pause after them asks again
        finally:
            if self._task is me:
                self._task = None

    async def _count(self, estimate: Estimator, key: _Key, messages: list[Message]) -> int:
        known = self._counts.get(key)
        if known is not None:
            self._counts.move_to_end(key)
            return known
        epoch = self._epoch
        tokens = await estimate(self._model, messages)
        if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens < 0:
            raise ValueError("not a token count")
        if epoch == self._epoch:
            self._counts[key] = tokens
            while len(self._counts) > _REMEMBERED + len(self._document_sizes):
                self._counts.popitem(last=False)
        return tokens

    def _parts(self) -> list[tuple[_Key, list[Message]]]:
        """What is counted apart, each part only when it changes."""
        parts: list[tuple[_Key, list[Message]]] = []
        if self._history:
            parts.append((("history", self._history), list(self._history)))
        if self._text:
            parts.append((("text", self._text), [Message("user", self._text)]))
        if self._images:
            parts.append((("images", self._images), [Message("user", _PROBE, self._images)]))
            parts.append((("text", _PROBE), [Message("user", _PROBE)]))
        for block in self._document_sizes:  # as sent: a system message of its own
            parts.append((("document", block), [Message("system", block)]))
        return parts

    def _counted(self, counts: Mapping[_Key, int]) -> int | None:
        """The prompt's tokens from counted parts, ``None`` while a part is not counted."""
        keys = [key for key, _messages in self._parts()]
        if any(key not in counts for key in keys):
            return None
        total = 0
        if self._history:
            total += counts[("history", self._history)]
        if self._text:
            total += counts[("text", self._text)]
        if self._images:
            total += max(0, counts[("images", self._images)] - counts[("text", _PROBE)])
        total += sum(counts[("document", block)] for block in self._documents)
        return total + self._history_images * IMAGE_TOKENS

    def _local(self) -> TokenReading:
        draft = TYPICAL.turn(self._text, len(self._images)) if self._text or self._images else 0
        documents = sum(self._document_sizes[block].estimate for block in self._documents)
        return self._reading_of(self._history_estimate + draft + documents, exact=False)

    def _exact(self, tokens: int) -> TokenReading:
        """A count the endpoint made, unless it had to leave the history's images out."""
        return self._reading_of(tokens, exact=not self._history_images)

    def _reading_of(self, tokens: int, *, exact: bool) -> TokenReading:
        """``tokens`` with the budget sending would ask for on these inputs."""
        wanted = requested_budget(self._budget)  # the conversation's, uncapped
        budget = wanted
        if self._context is not None and self._context > 0:
            budget = capped_budget(self._budget, self._context, self._prompt_estimate())
        return TokenReading(tokens, self._context, budget, exact, wanted)

    def _prompt_estimate(self) -> int:
        """What sending estimates the prompt at (``estimate_prompt_tokens``): history,
        documents (system messages before the prompt) and the prompt itself."""
        total = SAFETY_MARGIN_TOKENS + self._history_share
        total += sum(self._document_sizes[block].share for block in self._documents)
        if self._text or self._images:
            turn = (self._text, self._images)
            if self._turn_share is None or self._turn_share[0] != turn:
                self._turn_share = (turn, CAUTIOUS.turn(self._text, len(self._images)))
            total += self._turn_share[1]
        return total

    def _announce(self, reading: TokenReading | None) -> None:
        if reading is None or reading.exact or self._estimate is None or self._failed:
            self._stale = False  # what is shown is the best answer there will be
        if reading != self._reading:
            self._reading = reading
            self.reading_changed.emit(reading)
