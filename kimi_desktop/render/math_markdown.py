"""Where a message's formulas are: ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]`` for markdown-it.

The rules run before markdown's backslash escapes, so a formula keeps its LaTeX
exactly (``\\,`` stays ``\\,``); outside a formula ``\\$`` is still a dollar sign.
Code spans and code blocks are never read for formulas.

Each formula becomes a ``math_inline`` token (``meta["display"]``: written as
``$$…$$`` or ``\\[…\\]`` inside a paragraph) or, on lines of its own, a
``math_block``. A display formula that is not closed before its container ends
becomes ``math_block_open``: while a reply streams, that is one still arriving,
shown as source until it closes.

Single dollars follow pandoc, so that prices stay text: the opening ``$`` must
be followed by a non-space, the closing one preceded by a non-space and not
followed by a digit, and only the first ``$`` after the opening one may close it
("costs $5 and $10" has no formula). A formula holds no backtick, so
```$x`` ``` is code, not the start of a formula.

The rules are linear in the text: a closing delimiter is looked for once per
position at most (an unclosed ``\\(`` followed by a thousand more does not search
the rest of the paragraph a thousand times).
"""

from __future__ import annotations

from bisect import bisect_right

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

MATH_INLINE = "math_inline"
MATH_BLOCK = "math_block"
MATH_BLOCK_OPEN = "math_block_open"

_CLOSERS = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}
_DISPLAY = frozenset({"$$", "\\["})
_BLOCK_OPENERS = ("$$", "\\[")
# Blocks a display formula may interrupt without a blank line before it.
_INTERRUPTS = ["paragraph", "reference", "blockquote", "list"]

# Keys of the markdown-it env.
_NO_CLOSER = "kimi_math_no_closer"  # (inline source, {(closer, end): none from here on})
_STOP_LINES = "kimi_math_stop_lines"  # (block source, {closer: sorted stop lines})


def math_plugin(md: MarkdownIt) -> None:
    """Teach ``md`` the four kinds of formula."""
    md.inline.ruler.before("escape", "kimi_math_dollar", _dollar_inline)
    md.inline.ruler.before("escape", "kimi_math_bracket", _bracket_inline)
    md.block.ruler.before("fence", "kimi_math_block", _math_block, {"alt": _INTERRUPTS})


# -- inline ----------------------------------------------------------------------


def _dollar_inline(state: StateInline, silent: bool) -> bool:
    src, pos, end = state.src, state.pos, state.posMax
    if src[pos] != "$":
        return False
    if src.startswith("$$", pos, end):
        return _delimited(state, silent, "$$")
    if pos > 0 and src[pos - 1] == "$":
        return False  # the second of a "$$" that closes nothing
    if pos + 1 >= end or src[pos + 1].isspace():
        return False
    close = _unescaped(src, "$", pos + 1, end)
    if close == -1 or src[close - 1].isspace():
        return False
    if close + 1 < end and src[close + 1].isdigit():
        return False
    return _push(state, silent, "$", pos + 1, close, close + 1)


def _bracket_inline(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "\\" or src[pos + 1 : pos + 2] not in ("(", "["):
        return False
    return _delimited(state, silent, src[pos : pos + 2])


def _delimited(state: StateInline, silent: bool, opener: str) -> bool:
    """A formula from ``opener`` to the first unescaped closer after it."""
    closer = _CLOSERS[opener]
    start = state.pos + len(opener)
    close = _closer_after(state, closer, start)
    if close == -1:
        return False
    return _push(state, silent, opener, start, close, close + len(closer))


def _push(state: StateInline, silent: bool, opener: str, start: int, end: int, after: int) -> bool:
    content = state.src[start:end]
    if not content.strip() or "`" in content:
        return False
    if not silent:
        token = state.push(MATH_INLINE, "math", 0)
        token.content = content
        token.markup = opener
        token.meta = {"display": opener in _DISPLAY}
    state.pos = after
    return True


def _closer_after(state: StateInline, closer: str, start: int) -> int:
    """Where the first unescaped ``closer`` at or after ``start`` is, or -1.

    A search that found none is remembered: any later one from further on fails
    at once, which keeps a paragraph of unclosed openers linear.
    """
    cached = state.env.get(_NO_CLOSER)
    if cached is None or cached[0] is not state.src:
        cached = (state.src, {})
        state.env[_NO_CLOSER] = cached
    none_after: dict[tuple[str, int], int] = cached[1]
    key = (closer, state.posMax)  # a link's text is read with an earlier end
    if start >= none_after.get(key, state.posMax + 1):
        return -1
    found = _unescaped(state.src, closer, start, state.posMax)
    if found == -1:
        none_after[key] = min(start, none_after.get(key, start))
    return found


def _unescaped(src: str, needle: str, start: int, end: int) -> int:
    """The first ``needle`` in ``src[start:end]`` not preceded by an odd run of backslashes."""
    while (found := src.find(needle, start, end)) != -1:
        backslashes = 0
        # A closer that itself starts with a backslash (``\\)``) is escaped by one more.
        before = found - 1
        while before >= 0 and src[before] == "\\":
            backslashes += 1
            before -= 1
        if backslashes % 2 == 0:
            return found
        start = found + 1
    return -1


# -- blocks ----------------------------------------------------------------------


def _math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``$$…$$`` or ``\\[…\\]`` starting a line, closed at the end of that or a later line."""
    if state.is_code_block(start_line):
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    first = state.src[begin : state.eMarks[start_line]].rstrip()
    opener = next((o for o in _BLOCK_OPENERS if first.startswith(o)), None)
    if opener is None:
        return False
    closer = _CLOSERS[opener]
    rest = first[len(opener) :]
    if rest.endswith(closer) and rest[: -len(closer)].strip():
        last, content, kind = start_line, rest[: -len(closer)], MATH_BLOCK
    elif closer in rest:
        return False  # closed inside the line, text after it: the inline rules decide
    else:
        stop = _stop_line(state, closer, start_line)
        if stop < end_line and not _closes(state, stop, closer):
            return False  # a blank line first: no display formula spans one
        closed = stop < end_line
        last = stop if closed else end_line - 1
        lines = [rest]
        lines += [_line(state, line) for line in range(start_line + 1, last + 1)]
        if closed:
            lines[-1] = lines[-1].rstrip()[: -len(closer)]
        content = "\n".join(lines)
        kind = MATH_BLOCK if closed else MATH_BLOCK_OPEN
        if closed and not content.strip():
            return False
    if silent:
        return True
    state.line = last + 1
    token = state.push(kind, "math", 0)
    token.block = True
    token.content = content
    token.markup = opener
    token.map = [start_line, state.line]
    token.meta = {"display": True}
    return True


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _closes(state: StateBlock, line: int, closer: str) -> bool:
    return _line(state, line).rstrip().endswith(closer)


def _stop_line(state: StateBlock, closer: str, after: int) -> int:
    """The first line after ``after`` that ends with ``closer`` or is blank (only
    spaces and quote markers); the number of lines if there is none.

    Found by bisection in a list made once per parse, so that a paragraph whose
    every line opens a formula is not searched to its end once per line.
    """
    cached = state.env.get(_STOP_LINES)
    if cached is None or cached[0] is not state.src:
        cached = (state.src, {})
        state.env[_STOP_LINES] = cached
    known: dict[str, list[int]] = cached[1]
    stops = known.get(closer)
    if stops is None:
        stops = known[closer] = _stop_lines(state, closer)
    index = bisect_right(stops, after)
    return stops[index] if index < len(stops) else state.lineMax


def _stop_lines(state: StateBlock, closer: str) -> list[int]:
    """Every line of the source that ends with ``closer`` or is blank, in order."""
    stops = []
    begin = 0
    for line, end in enumerate(state.eMarks[: state.lineMax]):
        text = state.src[begin:end].rstrip()
        if text.endswith(closer) or not text.lstrip(" \t>"):
            stops.append(line)
        begin = end + 1
    return stops
