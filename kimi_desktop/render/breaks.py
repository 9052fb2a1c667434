"""Break opportunities in long unbreakable runs, for Qt's text layout.

Qt wraps a line with no break opportunity (a hex dump, a minified file, a
megabyte with no space) in time that grows with the square of its length: it
measures the rest of the "word" again for every line it makes. A streamed
1 MB line froze the window for over a minute. A zero-width space every
:data:`RUN_STEP` characters of a run longer than :data:`RUN_MIN` makes that
linear, and looks the same: Qt wraps there instead of at an arbitrary
character.

The breaks go into what is shown only, never into the stored text or the code
a Copy link gives; :func:`strip_breaks` takes them out of shown text again.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
"""ZERO WIDTH SPACE: a break opportunity that draws nothing."""

RUN_MIN = 64
"""Runs of at least this many characters without a break opportunity get some."""

RUN_STEP = 16
"""Characters between two inserted break opportunities."""

_PLAIN_RUN = re.compile(rf"[^\s{ZWSP}]{{{RUN_MIN},}}")

# A run in rendered HTML: characters that are not whitespace, with any tags
# inside (highlighted code puts every token in a span). It starts after
# whitespace, after a tag or at the start, so never inside a tag: the only
# attributes the renderer writes are quoted, and text never holds a raw ``"``
# (it is escaped as ``&quot;``), so a ``"`` ends a run.
_HTML_RUN = re.compile(rf'(?<![^\s>])(?:<[^>]*>|[^\s<>"{ZWSP}]){{{RUN_MIN},}}')
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&[#\w]+;)")


def break_long_runs(text: str) -> str:
    """``text`` with a zero-width space every :data:`RUN_STEP` characters of each long run."""
    if len(text) < RUN_MIN:
        return text
    return _PLAIN_RUN.sub(_break_plain, text)


def break_long_runs_html(html: str) -> str:
    """The same for rendered HTML: only text is broken, never a tag or an entity."""
    if len(html) < RUN_MIN:
        return html
    return _HTML_RUN.sub(_break_html, html)


def strip_breaks(text: str) -> str:
    """Shown text without the break opportunities inserted here (or any other ZWSP)."""
    return text.replace(ZWSP, "")


def _break_plain(match: re.Match[str]) -> str:
    run = match.group(0)
    return ZWSP.join(run[i : i + RUN_STEP] for i in range(0, len(run), RUN_STEP))


def _break_html(match: re.Match[str]) -> str:
    pieces = _TAG_OR_ENTITY.split(match.group(0))
    out: list[str] = []
    count = 0  # visible characters since the last break
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag (shows nothing) or an entity (shows one character)
            if piece[0] == "&":
                if count >= RUN_STEP:
                    out.append(ZWSP)
                    count = 0
                count += 1
            out.append(piece)
            continue
        position = 0
        while position < len(piece):
            if count >= RUN_STEP:
                out.append(ZWSP)
                count = 0
            take = piece[position : position + RUN_STEP - count]
            out.append(take)
            count += len(take)
            position += len(take)
    return "".join(out)
