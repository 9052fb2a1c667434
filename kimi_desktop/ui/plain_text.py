"""Text from people, models and providers, shown in tooltips as the characters it is.

Qt renders a tooltip as rich text whenever ``Qt.mightBeRichText`` guesses it
is (a tag near the start is enough), so a conversation titled ``<img src=…>``
or a reply quoting ``<b>`` would be drawn as markup. Every tooltip that can
carry such text goes through :func:`plain_tooltip`, or :func:`marked_tooltip`
for a search snippet: the text is capped in length and lines, and unless it is
a short line Qt reads as plain anyway, escaped and wrapped in a paragraph that
keeps its spaces and line breaks, so Qt shows exactly the characters. The
paragraph also lets a long tooltip wrap instead of running off the screen.
"""

from __future__ import annotations

import html
import re
from typing import Final

from PySide6.QtGui import Qt

#: A tooltip shows at most this many characters, then an ellipsis.
MAX_TOOLTIP_CHARS: Final = 500
#: ... and at most this many lines.
MAX_TOOLTIP_LINES: Final = 12
#: A plain line up to this long stays as it is (Qt shows it on one line, unwrapped).
_SHORT_LINE: Final = 80
ELLIPSIS: Final = "…"

# How the store marks a match in a search snippet (store/search.py MATCH_START
# and MATCH_END; the ui may not import the store).
SNIPPET_MATCH_START: Final = "\x02"
SNIPPET_MATCH_END: Final = "\x03"

# Control characters (Unicode category Cc) but line feed and tab; and runs of
# whitespace or controls, which one_line() turns into one space.
_CONTROLS: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES: Final = re.compile("[\\s\x00-\x1f\x7f-\x9f]+")


def plain_tooltip(text: str, *, limit: int = MAX_TOOLTIP_CHARS) -> str:
    """``text`` as a tooltip that Qt shows literally; ``""`` (no tooltip) for no text."""
    shown, _cut = _capped(_printable(text, limit), limit)
    if not shown.strip():
        return ""
    if len(shown) <= _SHORT_LINE and "\n" not in shown and not Qt.mightBeRichText(shown):
        return shown
    return _paragraph(html.escape(shown, quote=False))


def marked_tooltip(snippet: str, *, limit: int = MAX_TOOLTIP_CHARS) -> str:
    """A search snippet as a tooltip: the text shown literally, the matches in bold."""
    parts: list[str] = []
    room = limit
    bold = False
    for chunk in _split_marks(snippet):
        if chunk in (SNIPPET_MATCH_START, SNIPPET_MATCH_END):
            if (chunk == SNIPPET_MATCH_START) != bold:
                parts.append("<b>" if not bold else "</b>")
                bold = not bold
            continue
        shown, cut = _capped(_printable(chunk, room), room)
        parts.append(html.escape(shown, quote=False))
        room -= len(shown)
        if cut:
            break
    if bold:
        parts.append("</b>")
    body = "".join(parts)
    return _paragraph(body) if body.strip() else ""


def one_line(text: str, *, limit: int) -> str:
    """``text`` on one line (runs of whitespace and controls become one space), capped.

    For labels that elide: a list row, a window title. Eliding still needs the
    characters that fit, never all ten thousand of a pasted title.
    """
    # Whitespace only shrinks: a slice is enough, however long the text.
    flat = _SPACES.sub(" ", text[: limit * 4]).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + ELLIPSIS


def _paragraph(body: str) -> str:
    # An explicit paragraph makes Qt read the tooltip as rich text, whatever it holds.
    return f"<p style='white-space:pre-wrap'>{body}</p>"


def _split_marks(snippet: str) -> list[str]:
    chunks: list[str] = []
    start = 0
    for index, ch in enumerate(snippet):
        if ch in (SNIPPET_MATCH_START, SNIPPET_MATCH_END):
            chunks += [snippet[start:index], ch]
            start = index + 1
    chunks.append(snippet[start:])
    return [chunk for chunk in chunks if chunk]


def _printable(text: str, limit: int) -> str:
    """The start of ``text`` without control characters other than line breaks and tabs."""
    return _CONTROLS.sub("", text[: limit * 4])


def _capped(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut to ``limit`` characters and :data:`MAX_TOOLTIP_LINES` lines; cut or not."""
    lines = text.split("\n")
    if len(lines) > MAX_TOOLTIP_LINES:
        text = "\n".join(lines[:MAX_TOOLTIP_LINES])
    elif len(text) <= limit:
        return text, False
    if len(text) >= limit:
        text = text[: max(0, limit - 1)]
    return text.rstrip() + ELLIPSIS, True
