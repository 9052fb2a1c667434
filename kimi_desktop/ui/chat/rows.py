"""The chat view's rows: each message with its rendering, its height and its panel state.

Heights are kept for every row, measured for rows that were shown at the
current column width and estimated from the text for the others; prefix
offsets turn a scroll position into a row with a binary search.

A message is rendered a segment at a time (:mod:`kimi_desktop.render.segments`),
as the view shows them: a streaming reply's segments one after the other as
they are completed, a stored one's as the view asks for them. Only the last
segment of a streaming reply is rendered incrementally; a complete segment's
HTML is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kimi_desktop.domain import MessageAction
from kimi_desktop.render.segments import (
    AUTO_CHARS,
    SEGMENT_BUDGET,
    GrowingSegment,
    Segment,
    segment_at,
)
from kimi_desktop.ui.chat.items import MessageItem

if TYPE_CHECKING:
    from kimi_desktop.render import IncrementalMarkdown, MarkdownRenderer
    from kimi_desktop.ui.chat.message_widget import MessageWidget, ReasoningState

#: Vertical space between two messages.
ROW_SPACING = 26

#: The height of the "Show all" button under a long message, for estimates.
SHOW_ALL_HEIGHT = 34

#: A document chip's width and the space between chips, for estimates (the chip
#: shows a name elided to 180 px beside its icon).
DOCUMENT_CHIP_WIDTH = 200
DOCUMENT_CHIP_SPACING = 8


@dataclass(frozen=True, slots=True)
class Part:
    """A complete segment of a message, ready to show: HTML for a reply, plain text
    for a prompt, and the message's code blocks up to the end of this segment."""

    segment: Segment
    content: str
    code_blocks: tuple[str, ...]


Shown = tuple[str, tuple[str, ...]]  # what a widget is given for one segment


def _folded_reasoning() -> ReasoningState:
    """A closed reasoning panel; the message widgets load with the first row."""
    from kimi_desktop.ui.chat.message_widget import ReasoningState

    return ReasoningState()


@dataclass(eq=False, slots=True)
class ChatRow:
    """One message of the view and everything the view remembers about it.

    ``height`` is the row's slot (the message plus :data:`ROW_SPACING`);
    ``measured_width`` is the column width it was measured at, 0 when it is
    an estimate or the message changed since. ``highlight_until`` belongs to
    the row, not its widget, so a widget reused for the row shows it too.
    """

    item: MessageItem
    height: int
    measured_width: int = 0
    reasoning: ReasoningState = field(default_factory=_folded_reasoning)
    reasoning_chosen: bool = False  # the user opened or closed the panel
    started_at: float | None = None  # when the reply started streaming
    widget: MessageWidget | None = None
    expanded: bool = False  # the user asked for all of a long message
    bounds: list[Segment] = field(default_factory=list)  # complete segments, in order
    parts: list[Part] = field(default_factory=list)  # the first of them, rendered
    live: IncrementalMarkdown | None = None  # the growing segment of a streaming reply
    live_segment: Segment | None = None  # where it starts, and as far as it was fed
    growing: GrowingSegment | None = None  # where the growing segment will end
    highlight_until: float | None = None  # shown highlighted until then (the view's clock)

    @classmethod
    def create(
        cls, item: MessageItem, height: int, now: float, *, thinking_expanded: bool
    ) -> ChatRow:
        """A row for ``item``; a stored reply's reasoning starts folded away."""
        from kimi_desktop.ui.chat.message_widget import ReasoningState

        row = cls(item, height, reasoning=ReasoningState(seconds=item.reasoning_seconds))
        if item.streaming:
            row.started_at = now
            if item.reasoning and not item.text:
                row.reasoning = ReasoningState(thinking_expanded, started_at=now)
        return row

    def add_deltas(
        self, reasoning: str, content: str, now: float, *, thinking_expanded: bool
    ) -> None:
        """Append streamed text; the first reasoning starts the clock, the first answer
        text stops it and folds the panel (unless the user opened or closed it)."""
        from kimi_desktop.ui.chat.message_widget import ReasoningState

        item, state = self.item, self.reasoning
        if reasoning and not item.text and not item.reasoning and state.started_at is None:
            started = self.started_at if self.started_at is not None else now
            state = ReasoningState(thinking_expanded, started_at=started)
        if content and not item.text and state.started_at is not None:
            expanded = state.expanded if self.reasoning_chosen else False
            state = ReasoningState(expanded, seconds=now - state.started_at)
        text = item.text + content if content else item.text
        self.item = dataclasses.replace(item, text=text, reasoning=item.reasoning + reasoning)
        self.reasoning = state

    def update(self, item: MessageItem, now: float) -> None:
        """Take a new version of the message; empty text or reasoning keeps what streamed."""
        from kimi_desktop.ui.chat.message_widget import ReasoningState

        old = self.item
        merged = dataclasses.replace(
            item, text=item.text or old.text, reasoning=item.reasoning or old.reasoning
        )
        self.item = merged
        resumed = merged.streaming and not old.streaming  # a reply being continued
        if resumed or (merged.text != old.text and not merged.text.startswith(old.text)):
            # A continued reply's last segment grows again: its end was final before.
            self.forget_rendering()
        if resumed:
            self.started_at = now
        state = self.reasoning
        if state.started_at is not None and not merged.streaming:
            state = ReasoningState(state.expanded, seconds=now - state.started_at)
        if merged.reasoning_seconds is not None and state.started_at is None:
            state = dataclasses.replace(state, seconds=merged.reasoning_seconds)
        self.reasoning = state

    # -- rendering, a segment at a time ----------------------------------------------
    #
    # ``bounds`` are the segments known to be complete (a streaming reply's text
    # outgrew them), ``parts`` the first of them rendered, in order; the one after
    # the complete segments of a streaming reply grows, rendered by ``live``.

    def shown(self, count: int, renderer: MarkdownRenderer | None) -> list[Shown]:
        """What a widget shows of the first ``count`` segments: fewer if there are
        fewer (while the reply streams, the growing one is the last)."""
        result: list[Shown] = []
        for index in range(count):
            part = self.part(index, renderer)
            if part is not None:
                result.append((part.content, part.code_blocks))
                continue
            start = self._start(index)
            growing = self.item.streaming and start is not None and start < len(self.item.text)
            if growing and start is not None and self._may_show(start):
                assert renderer is not None
                result.append(self._growing(index, renderer))
            break
        return result

    def segments_wanted(self, shown: int) -> bool:
        """Whether a widget showing the first ``shown`` segments should show another."""
        start = self._start(shown)
        return start is not None and start < len(self.item.text) and self._may_show(start)

    def hidden_chars(self) -> int:
        """How much of the text is shown only on request ("Show all")."""
        text = self.item.text
        if self.expanded or len(text) <= AUTO_CHARS:
            return 0
        index = 0
        while (start := self._start(index)) is not None and self._may_show(start):
            index += 1
        return 0 if start is None else max(0, len(text) - start)

    def part(self, index: int, renderer: MarkdownRenderer | None) -> Part | None:
        """The ``index``-th segment rendered (and kept), if it is complete."""
        while len(self.parts) <= index:
            segment = self._bound(len(self.parts))
            if segment is None:
                return None
            self.parts.append(self._render(segment, renderer))
        return self.parts[index]

    def forget_rendering(self) -> None:
        """Drop everything rendered (the text was replaced, or the theme's code colours
        changed); rendered again when shown."""
        self.bounds.clear()
        self.parts.clear()
        self.live = self.live_segment = None
        self.growing = None

    def _bound(self, index: int) -> Segment | None:
        """The ``index``-th segment, if it is complete."""
        text = self.item.text
        while len(self.bounds) <= index:
            start, fence = self._after(self.bounds)
            if start >= len(text):
                return None
            if self.item.streaming:
                growing = self.growing
                if growing is None or growing.start != start:
                    growing = self.growing = GrowingSegment(start, fence)
                found = growing.complete(text)  # (reads only the lines added since)
                if found is None:
                    return None  # it may still grow
                segment = found
            else:
                segment = segment_at(text, start, fence)
            self.growing = None
            self.bounds.append(segment)
        return self.bounds[index]

    def _start(self, index: int) -> int | None:
        """Where the ``index``-th segment starts, if the ones before it are complete."""
        if index == 0:
            return 0
        before = self._bound(index - 1)
        return None if before is None else before.end

    def _render(self, segment: Segment, renderer: MarkdownRenderer | None) -> Part:
        text = self.item.text
        if self.item.role == "user":
            return Part(segment, text[segment.start : segment.end], ())
        assert renderer is not None
        codes = self.parts[-1].code_blocks if self.parts else ()
        live, fed = self.live, self.live_segment
        self.live = self.live_segment = None
        if live is not None and fed is not None and fed.start == segment.start:
            self._feed(live, fed, segment)  # it was streamed in: render only the rest
            return Part(segment, live.html(), codes + tuple(live.code_blocks()))
        result = renderer.render_with_code(segment.source(text), first_code_index=len(codes))
        return Part(segment, result.html, codes + result.code_blocks)

    def _growing(self, index: int, renderer: MarkdownRenderer) -> Shown:
        """The ``index``-th segment of a streaming reply, the one still growing (the
        ones before it are rendered)."""
        from kimi_desktop.render import IncrementalMarkdown

        text = self.item.text
        start, fence = self._after(self.bounds[:index])
        codes = self.parts[-1].code_blocks if self.parts else ()
        live, fed = self.live, self.live_segment
        if live is None or fed is None or fed.start != start:
            live = IncrementalMarkdown(renderer, fence, first_code_index=len(codes))
            fed = Segment(start, start, fence)
        segment = Segment(start, len(text), fence)
        self._feed(live, fed, segment)
        self.live, self.live_segment = live, segment
        # An open code block is shown plain and highlighted once it closes.
        return live.html(streaming=True), codes + tuple(live.code_blocks())

    def _feed(self, live: IncrementalMarkdown, fed: Segment, segment: Segment) -> None:
        """Bring ``live``, fed with ``fed``, to ``segment`` (which starts where it does)."""
        text = self.item.text
        if segment.end > fed.end:
            live.append(text[fed.end : segment.end])
        elif segment.end < fed.end:  # the text outgrew it, and it ends a little earlier
            live.set_text(segment.source(text))

    @staticmethod
    def _after(segments: list[Segment]) -> tuple[int, str]:
        if not segments:
            return 0, ""
        return segments[-1].end, segments[-1].fence_after

    def _may_show(self, start: int) -> bool:
        return start < AUTO_CHARS or self.expanded

    def set_reasoning_expanded(self, expanded: bool) -> None:
        """The user opened or closed the panel: that choice sticks."""
        self.reasoning = dataclasses.replace(self.reasoning, expanded=expanded)
        self.reasoning_chosen = True


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
    if len(text) > AUTO_CHARS:  # the rest is shown on request, with "Show all" above it
        text = text[: AUTO_CHARS + SEGMENT_BUDGET // 2]
        height += SHOW_ALL_HEIGHT
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
    if item.documents:
        # Two lines per chip (name, then pages and tokens), as many chips a row as fit;
        # the details line widens a chip in a larger font.
        chip = max(DOCUMENT_CHIP_WIDTH, 26 * metrics.char_width) + DOCUMENT_CHIP_SPACING
        per_row = max(1, (width + DOCUMENT_CHIP_SPACING) // chip)
        rows = -(-len(item.documents) // per_row)
        height += 6 + rows * (2 * line + 14) + (rows - 1) * DOCUMENT_CHIP_SPACING
    if item.web_searches and item.role == "assistant":
        height += 6 + max(14, int(line * 0.9))  # "Searched the web", in a smaller font
    if item.error or item.error_action is MessageAction.LARGER_BUDGET:
        height += 60
    height += 36  # footer
    return height + ROW_SPACING


class ChatRows:
    """The rows in display order, found by message id or by y position.

    Row offsets come from a Fenwick tree of the heights: a row measured while
    scrolling changes its height in O(log n), where a list of prefix sums had
    to be summed again over every row (2,000 of them in a long conversation,
    several times a frame).
    """

    def __init__(self) -> None:
        self._rows: list[ChatRow] = []
        self._index: dict[int, int] | None = {}
        self._tree: list[int] | None = None  # 1-based Fenwick tree of the heights

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
        delta = height - row.height
        row.height = height
        tree = self._tree
        if tree is not None:
            position, size = index + 1, len(tree) - 1
            while position <= size:
                tree[position] += delta
                position += position & -position
        return True

    def heights_changed(self) -> None:
        """Rows' heights were set directly: sum them again when next asked."""
        self._tree = None

    def offset(self, index: int) -> int:
        """The y of row ``index`` (``len(self)`` gives the total height)."""
        tree = self._fenwick()
        total, position = 0, index
        while position > 0:
            total += tree[position]
            position &= position - 1
        return total

    def total(self) -> int:
        return self.offset(len(self._rows))

    def row_at(self, y: int) -> int:
        """The row covering ``y``, clamped to the first and last row."""
        tree = self._fenwick()
        size = len(tree) - 1
        # The most rows whose heights add up to no more than y: the row after them covers y.
        position, remaining = 0, y
        step = 1 << size.bit_length() if size else 0
        while step:
            after = position + step
            if after <= size and tree[after] <= remaining:
                position = after
                remaining -= tree[after]
            step >>= 1
        return min(position, max(size - 1, 0))

    def _fenwick(self) -> list[int]:
        tree = self._tree
        if tree is None:
            size = len(self._rows)
            tree = [0, *(row.height for row in self._rows)]
            for position in range(1, size + 1):
                parent = position + (position & -position)
                if parent <= size:
                    tree[parent] += tree[position]
            self._tree = tree
        return tree

    def _changed(self) -> None:
        self._index = None
        self._tree = None
