"""Cutting a long message into segments that are each cheap enough to lay out at once.

Qt lays out a document on the GUI thread in one go; a 5 MB reply stalled the
window for seconds every time it was shown, and even a 60 KB one for 300 ms.
A message is therefore shown a segment at a time, each its own document: the
first, :func:`first_segment`, at once, and the others (:func:`next_segment`)
one per event-loop turn, by themselves up to :data:`AUTO_CHARS` and past that
only when the user asks for all of it.

A segment's size is measured in characters, those inside a fenced code block
counting :data:`CODE_WEIGHT` times (highlighted code costs Qt several times
what prose does), and those of quoted lines more the deeper they are quoted
(Qt lays a quote's content out again for each table around it). Segments end,
by preference, at a blank line followed by an unindented line (where a
top-level block starts), else at the end of a line;
a line longer than a whole segment is cut inside. A segment that starts inside
a fenced code block is rendered after that block's opening line again, so its
code is still code. A display formula written over several lines
(``$$``/``\\[`` to ``$$``/``\\]``) is never cut at its line ends: each half
would show as source.

A segment of a growing text does not move once the text outgrew it: it
depends only on the characters before its end and the line it stops in. So a
streaming reply's segments are final one after the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEGMENT_BUDGET = 24_000
"""The cost of a segment: rendering and laying it out takes Qt about 100 ms."""

AUTO_CHARS = 200_000
"""Segments that start before this character are shown without asking."""

CODE_WEIGHT = 2
"""What a character inside a fenced code block costs, against 1 for prose."""

#: What a character of a line quoted 0, 1, 2, 3, 4 or more times deep costs
#: (measured: laying out text inside four quotes takes ten times as long).
QUOTE_WEIGHTS = (1, 1, 2, 5, 10)

_MAX_WEIGHT = max(CODE_WEIGHT, *QUOTE_WEIGHTS)
_SPACE_SEARCH = 256  # how far back a cut inside a line looks for a space
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})([^\n]*)")
_QUOTE_MARKERS = re.compile(r"[ \t]*>[ \t>]*")
_FORMULA_CLOSERS = {"$$": "$$", "\\[": "\\]"}  # display formulas on lines of their own


@dataclass(frozen=True, slots=True)
class Segment:
    """``text[start:end]``, read as if after ``fence``, the opening line (with its
    newline) of the fenced code block it starts inside, if any; ``fence_after`` is
    the same at its end, the next segment's ``fence``."""

    start: int
    end: int
    fence: str = ""
    fence_after: str = ""

    def source(self, text: str) -> str:
        """The markdown to render for this segment of ``text``."""
        return self.fence + text[self.start : self.end]


def first_segment(text: str, budget: int = SEGMENT_BUDGET) -> Segment:
    """The part of ``text`` shown at once."""
    return segment_at(text, 0, "", budget)


def next_segment(text: str, previous: Segment, budget: int = SEGMENT_BUDGET) -> Segment | None:
    """The segment after ``previous``, or ``None`` if it was the last."""
    if previous.end >= len(text):
        return None
    return segment_at(text, previous.end, previous.fence_after, budget)


def segments(text: str) -> list[Segment]:
    """Every segment of ``text``, in order (for tests and tools: the view takes them lazily)."""
    found = [first_segment(text)]
    while (following := next_segment(text, found[-1])) is not None:
        found.append(following)
    return found


def segment_at(text: str, start: int, fence: str = "", budget: int = SEGMENT_BUDGET) -> Segment:
    """The segment of ``text`` that starts at ``start`` (a segment boundary), inside
    the fenced code block opened by ``fence``, if any."""
    size = len(text)
    if (size - start) * _MAX_WEIGHT <= budget:
        return Segment(start, size, fence)  # the last: no segment reads its fence_after
    found = GrowingSegment(start, fence, budget).complete(text)
    return found if found is not None else Segment(start, size, fence)


class GrowingSegment:
    """The segment that starts at ``start`` of a text that keeps growing (a streaming
    reply): :meth:`complete` says where it ends once the text outgrew it, reading
    only the lines added since it was last asked."""

    def __init__(self, start: int, fence: str = "", budget: int = SEGMENT_BUDGET) -> None:
        self.start = start
        self._opened = fence
        self._budget = budget
        self._position = start  # the first line not read yet
        self._cost = 0
        self._fence = fence
        self._formula = ""  # the closer of the display formula open after the lines read
        self._between_blocks: tuple[int, str] | None = None  # after a blank line, before a block
        self._line_end: tuple[int, str] | None = None

    def complete(self, text: str) -> Segment | None:
        """The segment, if ``text`` (the text so far) outgrew it; else ``None``."""
        size = len(text)
        while self._position < size:
            position = self._position
            newline = text.find("\n", position)
            end = size if newline == -1 else newline + 1
            weight = CODE_WEIGHT if self._fence else _quote_weight(text, position, end)
            if self._cost + (end - position) * weight > self._budget:
                room = (self._budget - self._cost) // weight
                return _cut(
                    text,
                    self.start,
                    self._opened,
                    position,
                    room,
                    self._fence,
                    self._between_blocks,
                    self._line_end,
                )
            if end == size:
                return None  # the last line: it may grow, and what follows it is unknown
            opened = self._fence
            self._fence = _after_line(text, position, end, self._fence)
            if not opened and not self._fence:
                self._formula = _formula_after_line(text[position:end], self._formula)
            self._cost += (end - position) * weight
            self._position = end
            if not self._formula:
                self._line_end = (end, self._fence)
            if not self._fence and not text[position:end].strip() and not text[end].isspace():
                self._between_blocks = (end, self._fence)
        return None


def _cut(
    text: str,
    start: int,
    opened: str,
    line_start: int,
    room: int,
    fence: str,
    between_blocks: tuple[int, str] | None,
    line_end: tuple[int, str] | None,
) -> Segment:
    """Where a segment that cannot take the line at ``line_start`` ends."""
    if between_blocks is not None and between_blocks[0] - start >= (line_start - start) // 2:
        return Segment(start, between_blocks[0], opened, between_blocks[1])
    if line_end is not None:
        return Segment(start, line_end[0], opened, line_end[1])
    # A single line longer than the whole segment: cut inside it, after a space if one is near.
    cut = line_start + max(1, room)
    space = text.rfind(" ", max(line_start + 1, cut - _SPACE_SEARCH), cut)
    if space != -1:
        cut = space + 1
    return Segment(start, cut, opened, fence)


def _quote_weight(text: str, start: int, end: int) -> int:
    """What a character of the line ``text[start:end]`` costs, by how deep it is quoted."""
    markers = _QUOTE_MARKERS.match(text, start, end)
    if markers is None:
        return 1
    depth = markers.group(0).count(">")
    return QUOTE_WEIGHTS[min(depth, len(QUOTE_WEIGHTS) - 1)]


def _formula_after_line(line: str, closer: str) -> str:
    """The closer of the display formula open after ``line``, given the one open before it.

    As the renderer reads them: a formula ends at a line ending with its closer,
    and never spans a blank line.
    """
    stripped = line.strip()
    if closer:
        return "" if not stripped or stripped.endswith(closer) else closer
    for opener, ending in _FORMULA_CLOSERS.items():
        if stripped.startswith(opener):
            rest = stripped[len(opener) :]
            return "" if ending in rest else ending
    return ""


def _after_line(text: str, start: int, end: int, fence: str) -> str:
    """The open fence after the line ``text[start:end]``, given the one open before it."""
    match = _FENCE.match(text, start, end)
    if match is None:
        return fence
    marker, rest = match.group(1), match.group(2)
    if not fence:
        if marker[0] == "`" and "`" in rest:
            return ""  # not a fence: an info string may not hold a backtick
        opener = text[start:end]
        return opener if opener.endswith("\n") else opener + "\n"
    opening = _FENCE.match(fence)
    assert opening is not None
    closes = marker[0] == opening.group(1)[0] and len(marker) >= len(opening.group(1))
    return "" if closes and not rest.strip() else fence
