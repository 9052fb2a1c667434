"""Reasoning written inline as ``<think>…</think>`` at the start of the answer text.

Self-hosted Kimi (llama.cpp, vLLM without a reasoning parser, Ollama) may put
the model's reasoning in ``content`` between these tags instead of in a
reasoning field. Answer text that begins, after whitespace, with ``<think>`` is
reasoning up to ``</think>``; whitespace right after ``</think>`` is not answer
text. Text that only mentions ``<think>`` later is answer text, and text that
starts like the tag but is not it comes out unchanged.

Tags may be split across chunks anywhere, so the splitter holds back the few
characters that could still turn out to be a tag, and nothing else.
"""

from __future__ import annotations

import enum

from kimi_desktop.domain import ContentDelta, ReasoningDelta

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"

InlineEvent = ReasoningDelta | ContentDelta


class _Phase(enum.Enum):
    START = enum.auto()  # nothing but whitespace (or a piece of "<think>") seen yet
    THINKING = enum.auto()  # inside <think>, waiting for </think>
    AFTER_THINKING = enum.auto()  # </think> seen, skipping the whitespace after it
    ANSWER = enum.auto()  # plain answer text from here on


class ThinkTagSplitter:
    """Turns a stream of answer-text pieces into reasoning and answer deltas.

    Feed every piece of ``content`` in order, then call :meth:`finish` once the
    stream has ended to release what was held back.
    """

    def __init__(self) -> None:
        self._phase = _Phase.START
        self._held = ""

    def feed(self, text: str) -> list[InlineEvent]:
        """The deltas ``text`` completes; may be empty while a tag could still be forming."""
        if not text:
            return []
        if self._phase is _Phase.ANSWER:
            return [ContentDelta(text)]
        self._held += text
        events: list[InlineEvent] = []
        while self._held:
            phase = self._phase
            events += self._step()
            if self._phase is phase:  # nothing more to decide until more text arrives
                break
        return events

    def finish(self) -> list[InlineEvent]:
        """What was held back when the stream ends: a tag that never completed is text."""
        held, self._held = self._held, ""
        if not held:
            return []
        if self._phase is _Phase.THINKING:
            return [ReasoningDelta(held)]
        if self._phase is _Phase.START:
            self._phase = _Phase.ANSWER
            return [ContentDelta(held)]
        return []  # AFTER_THINKING holds only whitespace, which is not answer text

    def _step(self) -> list[InlineEvent]:
        if self._phase is _Phase.START:
            return self._step_start()
        if self._phase is _Phase.THINKING:
            return self._step_thinking()
        if self._phase is _Phase.AFTER_THINKING:
            return self._step_after_thinking()
        held, self._held = self._held, ""
        return [ContentDelta(held)]

    def _step_start(self) -> list[InlineEvent]:
        start = self._held.lstrip()
        if not start or (len(start) < len(OPEN_TAG) and OPEN_TAG.startswith(start)):
            return []  # whitespace, or a tag still arriving: wait for more
        if start.startswith(OPEN_TAG):
            self._phase = _Phase.THINKING
            self._held = start[len(OPEN_TAG) :]
            return []
        self._phase = _Phase.ANSWER  # not the tag: everything held is answer text, unchanged
        held, self._held = self._held, ""
        return [ContentDelta(held)]

    def _step_thinking(self) -> list[InlineEvent]:
        end = self._held.find(CLOSE_TAG)
        if end >= 0:
            reasoning = self._held[:end]
            self._held = self._held[end + len(CLOSE_TAG) :]
            self._phase = _Phase.AFTER_THINKING
            return [ReasoningDelta(reasoning)] if reasoning else []
        keep = _tag_prefix_at_end(self._held, CLOSE_TAG)
        reasoning = self._held[: len(self._held) - keep]
        self._held = self._held[len(reasoning) :]
        return [ReasoningDelta(reasoning)] if reasoning else []

    def _step_after_thinking(self) -> list[InlineEvent]:
        answer = self._held.lstrip()
        if not answer:
            self._held = ""
            return []
        self._phase = _Phase.ANSWER
        self._held = ""
        return [ContentDelta(answer)]


def _tag_prefix_at_end(text: str, tag: str) -> int:
    """The length of the longest end of ``text`` that is a proper beginning of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0
