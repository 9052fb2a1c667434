"""Streaming markdown: re-render only the open tail of a message as text arrives.

Re-parsing a whole reply for every token costs time proportional to the reply,
per token (about 9 s of CPU for an 8.5 KB reply). :class:`IncrementalMarkdown`
instead freezes top-level blocks once no later text can change them, keeps their
HTML, and re-parses only the text after the last frozen block.

When is a block final? markdown-it reads blocks top to bottom. A top-level
block B starting on line ``s`` seals everything before it when either

- the block just before B is a heading, a thematic break, a closed code fence
  or a closed display formula and ends where B begins: none of those can take
  in later lines; or
- line ``s - 1`` is blank. Past a blank line an earlier block continues only
  if line ``s`` is indented into it (a list item, indented code) or is another
  item of its list. Indentation is fixed once a character follows it, but a
  marker is not: ``2`` may still become ``2.``. So a list before B counts as
  closed only once line ``s`` is complete, or starts with a character no list
  marker starts with.

Both also mean B starts in the same parser context as at the top of a document,
so parsing from ``s`` onwards gives the same tokens as parsing from the start.
Anything else (a list right after a line of text, a setext underline, a table
whose delimiter row is still arriving, an open fence or display formula) stays
in the tail.

Formulas are typeset within a budget of work per message, counted in order:
the frozen blocks' count is carried into the tail's, so a streamed message
typesets the formulas a whole rendering would.

While a code fence is open its code is shown plain; the flush that shows its
closing line highlights it, about 3 ms for a typical block on top of that
flush's other work. :meth:`IncrementalMarkdown.lex_ahead` lets the view
highlight it earlier, in a turn of its own, as soon as the closing line has
arrived but is not shown yet: rendering then finds the code cached.

Link reference definitions are the one thing that reaches backwards: a
definition arriving later turns earlier ``[text]`` into a link. When the
references seen so far differ from those the frozen blocks were rendered with,
the whole message is rendered again (rare in model output, and still correct).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it.token import Token

from kimi_desktop.render.markdown import OPEN_FENCE, Env, MarkdownRenderer
from kimi_desktop.render.math_markdown import MATH_BLOCK

_SEALING_BLOCKS = frozenset({"heading_open", "hr", "fence", MATH_BLOCK})
_LISTS = frozenset({"bullet_list_open", "ordered_list_open"})
_LIST_MARKER_STARTS = frozenset("-+*0123456789")
# The opening line of a code fence at a line's first column: its marker, and an info
# string without backticks.
_FENCE_OPENING = re.compile(r"^(`{3,}|~{3,})[^`\n]*\n", re.MULTILINE)

References = dict[str, tuple[str, str]]


class IncrementalMarkdown:
    """The rendered HTML of one message whose text grows as it streams in.

    ``append`` and ``set_text`` only record text; the work happens lazily in
    :meth:`html` or :meth:`code_blocks`, so several deltas between two repaints
    cost one render. For any text, and however it was split into deltas,
    ``html()`` equals ``MarkdownRenderer().render(text)``.

    Pass the view's shared ``renderer``: it keeps lexers and recently highlighted
    code, which every message being rendered benefits from. Copy links are
    numbered from ``first_code_index`` (for a segment after others, say).
    """

    def __init__(
        self,
        renderer: MarkdownRenderer | None = None,
        text: str = "",
        *,
        first_code_index: int = 0,
    ) -> None:
        self._renderer = renderer if renderer is not None else MarkdownRenderer()
        self._first_code = first_code_index
        self._text = ""
        self._pending_cr = False
        self._parsed_chars = 0
        self._tail_streaming = False  # the tail's open fences are rendered plain
        self._open_fence = ""  # the markup of the tail's last open fence ("" if none)
        self._lexed_ahead = (-1, -1)  # (text, upcoming) lengths last lexed ahead
        self._reset()
        if text:
            self.set_text(text)

    @property
    def text(self) -> str:
        """The text so far, with line endings normalised to ``\\n``."""
        return self._text

    @property
    def parsed_chars(self) -> int:
        """How many characters of source were handed to the parser so far, in total.

        A measure of work that does not depend on the machine: streaming a
        message costs about (number of renders) x (tail length), not x (length).
        """
        return self._parsed_chars

    def append(self, delta: str) -> None:
        """Add ``delta`` to the end of the text."""
        if not delta:
            return
        if self._pending_cr and delta.startswith("\n"):
            delta = delta[1:]  # the second half of a \r\n split across deltas
        self._pending_cr = delta.endswith("\r")
        if not delta:
            return
        self._text += _normalize_newlines(delta)
        self._dirty = True

    def set_text(self, text: str) -> None:
        """Replace the text; cheap when ``text`` extends the current text."""
        normalized = _normalize_newlines(text)
        if normalized == self._text:
            return
        if not normalized.startswith(self._text):
            self._reset()
        self._text = normalized
        self._pending_cr = text.endswith("\r")
        self._dirty = True

    def html(self, *, streaming: bool = False) -> str:
        """The HTML of the whole text so far.

        ``streaming``: the text is still growing, so a code fence not closed yet
        is shown plain, to be highlighted once it closes (lexing it again at
        every flush costs time in proportion to the block). Without it the HTML
        is exactly ``MarkdownRenderer().render(text)``, open fences included.
        """
        if streaming != self._tail_streaming:
            self._tail_streaming = streaming
            self._dirty = True
        self._refresh()
        return self._stable_html + self._tail_html

    def lex_ahead(self, upcoming: str) -> bool:
        """Highlight the next code block ``upcoming`` text (not appended yet) closes:
        the open one if it closes there, else the next one to open and close there.
        Whether a block was lexed (call again for the next one).

        Only the highlighter's cache is filled: a later :meth:`html` showing the
        closing line finds the block highlighted already. One block a call, so the
        caller can give each its own turn (a backlog of several held one for 9 ms).
        Costs next to nothing unless a line of ``upcoming`` looks like a fence's
        closing line.
        """
        if self._pending_cr and upcoming.startswith("\n"):
            upcoming = upcoming[1:]
        text_length, done = self._lexed_ahead
        begin = done if text_length == len(self._text) else 0
        if begin == 0 and self._open_fence:
            end = _closing_line_end(upcoming, self._open_fence, 0)
            if end is None:
                return False
            shown = self._text[self._stable_end :]
            source = shown + _normalize_newlines(upcoming[:end])
            env: Env = {"references": dict(self._stable_refs)}
        else:
            found = _next_fence(upcoming, begin)
            if found is None:
                return False
            start, end = found
            source = _normalize_newlines(upcoming[start:end])
            env = {}
        self._lexed_ahead = (len(self._text), end)
        tokens = self._renderer.parse(source, env)
        self._parsed_chars += len(source)
        _mark_open_fences(tokens, source)
        self._renderer.highlight_closed_fences(tokens)
        return True

    def code_blocks(self) -> list[str]:
        """The raw code of each code block so far, indexed like the ``copy:N`` links."""
        self._refresh()
        return [*self._stable_codes, *self._tail_codes]

    def _reset(self) -> None:
        self._stable_end = 0
        self._stable_html = ""
        self._stable_codes: list[str] = []
        self._stable_math_work = 0  # the work of the formulas typeset in the frozen blocks
        self._stable_refs: dict[str, Any] = {}  # references defined in the frozen text
        self._rendered_with: References = {}  # references the frozen HTML was made with
        self._tail_html = ""
        self._tail_codes: tuple[str, ...] = ()
        self._dirty = True

    def _refresh(self) -> None:
        if not self._dirty:
            return
        tail = self._text[self._stable_end :]
        env: Env = {"references": dict(self._stable_refs)}
        tokens = self._renderer.parse(tail, env)
        self._parsed_chars += len(tail)
        seen = _references(env)
        if self._stable_end and seen != self._rendered_with:
            # A reference defined, redefined or undone since the frozen blocks
            # were rendered: their links may be different now.
            self._reset()
            self._refresh()
            return
        split = _find_split(tail, tokens)
        if split is not None:
            index, offset = split
            self._freeze(tokens[:index], tail[:offset], env)
            self._stable_end += offset
            self._rendered_with = seen
            tokens = tokens[index:]
        self._open_fence = ""
        if self._tail_streaming:
            # (Their lines count from the tail's start.)
            self._open_fence = _mark_open_fences(tokens, tail)
        rendered = self._renderer.render_tokens(
            tokens,
            env,
            first_code_index=self._first_code + len(self._stable_codes),
            math_work=self._stable_math_work,
        )
        self._tail_html = rendered.html
        self._tail_codes = rendered.code_blocks
        self._dirty = False

    def _freeze(self, tokens: Sequence[Token], source: str, env: Env) -> None:
        rendered = self._renderer.render_tokens(
            tokens,
            env,
            first_code_index=self._first_code + len(self._stable_codes),
            math_work=self._stable_math_work,
        )
        self._stable_html += rendered.html
        self._stable_math_work = rendered.math_work
        self._stable_codes.extend(rendered.code_blocks)
        if env.get("references"):
            # Which of the references are defined in the frozen part? Only those
            # may seed later parses: one in the tail may still be arriving.
            chunk_env: Env = {"references": dict(self._stable_refs)}
            self._renderer.parse(source, chunk_env)
            self._parsed_chars += len(source)
            self._stable_refs = chunk_env["references"]


def _find_split(tail: str, tokens: Sequence[Token]) -> tuple[int, int] | None:
    """Where the final part of ``tail`` ends: (token index, character offset), if anywhere."""
    blocks = [
        i
        for i, token in enumerate(tokens)
        if token.level == 0 and token.nesting >= 0 and token.block and token.map
    ]
    line_starts = _line_starts(tail)
    for k in range(len(blocks) - 1, 0, -1):
        index = blocks[k]
        start = _block_line(tokens[index])
        if start <= 0 or start >= len(line_starts):
            continue
        previous = tokens[blocks[k - 1]]
        if _seals(previous, start) or _closed_by_blank_line(previous, tail, line_starts, start):
            return index, line_starts[start]
    return None


def _mark_open_fences(tokens: Sequence[Token], source: str) -> str:
    """Mark the fences of ``source`` that reach its end without their closing line;
    the markup of the last of them (``""``: none is open).

    Only the last lines can be open: a fence runs to the end of its container,
    so an unclosed one ends where the text does. A line that closes it holds
    nothing but at least as many of the fence's own characters (after any
    quote markers); guessing wrong either way only changes how it looks while
    it streams.
    """
    lines = source.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the text ends with a line break: no line after it
    open_markup = ""
    for token in tokens:
        if token.type != "fence" or token.map is None or token.map[1] < len(lines):
            continue
        last = token.map[1] - 1
        marker = token.markup
        if not (last > token.map[0] and _closes(lines[last], marker)):
            token.meta[OPEN_FENCE] = True
            open_markup = marker
    return open_markup


def _closes(line: str, marker: str) -> bool:
    """Whether ``line`` can close a fence opened with ``marker``: nothing but at least as
    many of the fence's own characters, after any quote markers."""
    line = line.strip().lstrip(">").strip()
    return line.startswith(marker) and not line.strip(marker[:1])


def _closing_line_end(text: str, marker: str, begin: int) -> int | None:
    """Where the first line of ``text`` from ``begin`` that could close a fence opened
    with ``marker`` ends (:func:`_closes`), if one does."""
    found = text.find(marker, begin)
    while found != -1:
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        end = len(text) if end == -1 else end + 1
        if start >= begin and _closes(text[start:end], marker):
            return end
        found = text.find(marker, end)
    return None


def _next_fence(text: str, begin: int) -> tuple[int, int] | None:
    """(start, end) of the next whole code fence in ``text`` from ``begin`` that starts
    a line at its first column (such a fence is a top-level block, parsed the same
    alone as in its text), if its closing line is there."""
    match = _FENCE_OPENING.search(text, begin)
    if match is None:
        return None
    end = _closing_line_end(text, match.group(1), match.end())
    return None if end is None else (match.start(), end)


def _block_line(token: Token) -> int:
    assert token.map is not None
    return token.map[0]


def _seals(token: Token, next_start: int) -> bool:
    """Whether ``token`` is a block nothing can change, and it ends at ``next_start``."""
    return token.type in _SEALING_BLOCKS and token.map is not None and token.map[1] == next_start


def _closed_by_blank_line(previous: Token, tail: str, line_starts: list[int], line: int) -> bool:
    before = tail[line_starts[line - 1] : line_starts[line] - 1]
    if before.strip(" \t"):
        return False
    if previous.type not in _LISTS:
        return True
    end = tail.find("\n", line_starts[line])
    if end != -1:
        return True
    first = tail[line_starts[line] :].lstrip(" \t")[:1]
    return first not in _LIST_MARKER_STARTS


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _references(env: Env) -> References:
    refs = env.get("references") or {}
    return {label: (ref.get("href", ""), ref.get("title", "")) for label, ref in refs.items()}


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
