"""The chat view's rows: each message with its rendering, its height and its panel state.

Heights are kept for every row, measured for rows that were shown at the
current column width and estimated from the text for the others; prefix
offsets turn a scroll position into a row with a binary search.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_widget import MessageWidget, ReasoningState

if TYPE_CHECKING:
    from kimi_desktop.render import IncrementalMarkdown, MarkdownRenderer

#: Vertical space between two messages.
ROW_SPACING = 26


@dataclass(eq=False, slots=True)
class ChatRow:
    """One message of the view and everything the view remembers about it.

    ``height`` is the row's slot (the message plus :data:`ROW_SPACING`);
    ``measured_width`` is the column width it was measured at, 0 when it is
    an estimate or the message changed since.
    """

    item: MessageItem
    height: int
    measured_width: int = 0
    html: str | None = None
    code_blocks: tuple[str, ...] = ()
    markdown: IncrementalMarkdown | None = None
    reasoning: ReasoningState = field(default_factory=ReasoningState)
    reasoning_chosen: bool = False  # the user opened or closed the panel
    started_at: float | None = None  # when the reply started streaming
    widget: MessageWidget | None = None

    @classmethod
    def create(
        cls, item: MessageItem, height: int, now: float, *, thinking_expanded: bool
    ) -> ChatRow:
        """A row for ``item``; a stored reply's reasoning starts folded away."""
        row = cls(item, height, reasoning=ReasoningState(seconds=item.reasoning_seconds))
        if item.streaming:
            row.started_at = now
            if item.reasoning and not item.text:
                row.reasoning = ReasoningState(thinking_expanded, started_at=now)
        return row

    def add_deltas(
        self,
        reasoning: str,
        content: str,
        now: float,
        *,
        thinking_expanded: bool,
        renderer: MarkdownRenderer,
    ) -> None:
        """Append streamed text; the first reasoning starts the clock, the first answer
        text stops it and folds the panel (unless the user opened or closed it)."""
        item, state = self.item, self.reasoning
        if reasoning and not item.text and not item.reasoning and state.started_at is None:
            started = self.started_at if self.started_at is not None else now
            state = ReasoningState(thinking_expanded, started_at=started)
        if content:
            if not item.text and state.started_at is not None:
                expanded = state.expanded if self.reasoning_chosen else False
                state = ReasoningState(expanded, seconds=now - state.started_at)
            if self.markdown is None:
                from kimi_desktop.render import IncrementalMarkdown

                self.markdown = IncrementalMarkdown(renderer, item.text)
            self.markdown.append(content)
            self.html = None  # rendered from the open tail when next shown
        self.reasoning = state
        self.item = dataclasses.replace(
            item, text=item.text + content, reasoning=item.reasoning + reasoning
        )

    def update(self, item: MessageItem, now: float) -> None:
        """Take a new version of the message; empty text or reasoning keeps what streamed."""
        old = self.item
        merged = dataclasses.replace(
            item, text=item.text or old.text, reasoning=item.reasoning or old.reasoning
        )
        if merged.text != old.text:
            self.html = None
            if self.markdown is not None:
                self.markdown.set_text(merged.text)
        if not merged.streaming:
            if self.markdown is not None and self.html is None:
                self.html, self.code_blocks = _output(self.markdown)
            self.markdown = None
        state = self.reasoning
        if state.started_at is not None and not merged.streaming:
            state = ReasoningState(state.expanded, seconds=now - state.started_at)
        if merged.reasoning_seconds is not None and state.started_at is None:
            state = dataclasses.replace(state, seconds=merged.reasoning_seconds)
        self.reasoning = state
        self.item = merged

    def rendered(self, renderer: MarkdownRenderer) -> tuple[str, tuple[str, ...]]:
        """The reply's HTML and code blocks, rendered once and cached."""
        if self.html is None:
            if self.markdown is not None:
                self.html, self.code_blocks = _output(self.markdown)
            else:
                result = renderer.render_with_code(self.item.text)
                self.html, self.code_blocks = result.html, result.code_blocks
        return self.html, self.code_blocks

    def forget_rendering(self) -> None:
        """Drop the rendered HTML (the theme's code colours changed); rendered again when shown."""
        self.html = None
        self.markdown = None  # a streaming reply starts a new one with its next delta

    def set_reasoning_expanded(self, expanded: bool) -> None:
        """The user opened or closed the panel: that choice sticks."""
        self.reasoning = dataclasses.replace(self.reasoning, expanded=expanded)
        self.reasoning_chosen = True


def _output(markdown: IncrementalMarkdown) -> tuple[str, tuple[str, ...]]:
    return markdown.html(), tuple(markdown.code_blocks())


@dataclass(frozen=True, slots=True)
class TextMetrics:
    """What an estimate needs to know about the font."""

    line_height: int
    char_width: int


def estimate_height(item: MessageItem, width: int, metrics: TextMetrics) -> int:
    """A guess at a row's slot height, good enough for a scroll bar."""
    line = metrics.line_height
    per_line = max(16, width // max(1, metrics.char_width))
    text = item.text
    height = line + 4  # header
    if item.role == "user":
        per_line = max(12, int(per_line * 0.75))
        height += 18  # bubble padding
    if text:
        lines = len(text) // per_line + text.count("\n") + 1
        height += 8 + lines * line
        height += (text.count("```") // 2) * (line + 30)  # code block header and padding
        height += text.count("\n\n") * 8  # paragraph spacing
    if item.reasoning:
        height += 32
    if item.attachments:
        height += 104
    if item.error:
        height += 60
    height += 36  # footer
    return height + ROW_SPACING


class ChatRows:
    """The rows in display order, found by message id or by y position."""

    def __init__(self) -> None:
        self._rows: list[ChatRow] = []
        self._index: dict[int, int] | None = {}
        self._offsets: list[int] | None = [0]

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> ChatRow:
        return self._rows[index]

    def __iter__(self) -> Iterator[ChatRow]:
        return iter(self._rows)

    def __reversed__(self) -> Iterator[ChatRow]:
        return reversed(self._rows)

    def reset(self, rows: list[ChatRow]) -> None:
        self._rows = rows
        self._changed()

    def append(self, row: ChatRow) -> None:
        self._rows.append(row)
        self._changed()

    def pop(self, index: int) -> ChatRow:
        row = self._rows.pop(index)
        self._changed()
        return row

    def index_of(self, message_id: int) -> int | None:
        if self._index is None:
            self._index = {row.item.id: i for i, row in enumerate(self._rows)}
        return self._index.get(message_id)

    def find(self, message_id: int) -> ChatRow | None:
        index = self.index_of(message_id)
        return None if index is None else self._rows[index]

    def set_height(self, index: int, height: int) -> bool:
        """Record a row's height; whether it changed."""
        row = self._rows[index]
        if row.height == height:
            return False
        row.height = height
        self._offsets = None
        return True

    def heights_changed(self) -> None:
        self._offsets = None

    def offset(self, index: int) -> int:
        """The y of row ``index`` (``len(self)`` gives the total height)."""
        return self._prefix()[index]

    def total(self) -> int:
        return self._prefix()[-1]

    def row_at(self, y: int) -> int:
        """The row covering ``y``, clamped to the first and last row."""
        offsets = self._prefix()
        index = bisect.bisect_right(offsets, y) - 1
        return min(max(index, 0), max(len(self._rows) - 1, 0))

    def _prefix(self) -> list[int]:
        if self._offsets is None:
            self._offsets = [0, *itertools.accumulate(row.height for row in self._rows)]
        return self._offsets

    def _changed(self) -> None:
        self._index = None
        self._offsets = None
