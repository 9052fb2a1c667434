"""A search snippet as one line of runs, plain or matched, cut to a width around the match.

The store marks each match in a snippet with STX and ETX
(:data:`~kimi_desktop.ui.plain_text.SNIPPET_MATCH_START` and ``_END``). Here
the marks become run boundaries and are never shown: whitespace and other
control characters become single spaces, so a snippet is one line.

A snippet is about 64 characters cut around its first match, and the sidebar
is often narrower: cutting only at the right would hide a match that starts
late. :func:`fit_runs` keeps the first match in view with a little text before
it, and cuts the start with an ellipsis when needed, as search results in
mail and chat apps do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Final, NamedTuple

from kimi_desktop.ui.plain_text import ELLIPSIS, SNIPPET_MATCH_END, SNIPPET_MATCH_START

#: Before the first match, keep at most this share of the width for the text
#: leading up to it (when the whole does not fit).
LEAD_SHARE: Final = 0.3

# Runs of whitespace and control characters (the marks excepted) become one space.
_SPACES: Final = re.compile("[\\s\x00\x01\x04-\x1f\x7f-\x9f]+")


class Run(NamedTuple):
    """A piece of a snippet's line: its text, and whether it is a match."""

    text: str
    match: bool


Measure = Callable[[str, bool], float]
"""The width a run's text takes when drawn (matches may be drawn bold)."""


def snippet_runs(snippet: str) -> list[Run]:
    """``snippet`` as runs on one line: the marks become boundaries, never text."""
    runs: list[Run] = []
    match = False
    start = 0
    for index, ch in enumerate(snippet):
        if ch in (SNIPPET_MATCH_START, SNIPPET_MATCH_END):
            _append(runs, snippet[start:index], match)
            match = ch == SNIPPET_MATCH_START
            start = index + 1
    _append(runs, snippet[start:], match)
    if runs and not runs[0].text.strip():
        runs.pop(0)
    if runs:
        runs[0] = Run(runs[0].text.lstrip(), runs[0].match)
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].match)
    return [run for run in runs if run.text]


def _append(runs: list[Run], text: str, match: bool) -> None:
    text = _SPACES.sub(" ", text)
    if not text:
        return
    if runs and runs[-1].match == match:
        runs[-1] = Run(runs[-1].text + text, match)
    else:
        runs.append(Run(text, match))


def plain_text(runs: Sequence[Run]) -> str:
    """The runs' text, for screen readers and comparisons."""
    return "".join(run.text for run in runs)


def fit_runs(runs: Sequence[Run], width: float, measure: Measure) -> list[Run]:
    """``runs`` cut to ``width``: the first match stays in view with some text before
    it, an ellipsis (a plain run) marking each cut. Cuts fall between characters,
    never inside one with its combining marks."""
    if sum(measure(run.text, run.match) for run in runs) <= width:
        return list(runs)
    first = next((i for i, run in enumerate(runs) if run.match), None)
    ellipsis = measure(ELLIPSIS, False)
    if first is not None and first > 0:
        lead = "".join(run.text for run in runs[:first])
        rest = list(runs[first:])
        rest_width = sum(measure(run.text, run.match) for run in rest)
        # How much of the lead may stay: what the match and what follows leave,
        # but no more than a share of the width when they do not fit.
        room = width - min(rest_width, width * (1 - LEAD_SHARE))
        if measure(lead, False) > room:
            kept = _tail_fitting(lead, room - ellipsis, measure)
            # Start at a word when the kept text has one ("…the needle", not
            # "…tion the needle"); text without spaces (Chinese) starts anywhere.
            space = kept.find(" ")
            if 0 <= space < len(kept) - 1:
                kept = kept[space + 1 :]
            runs = [Run(ELLIPSIS + kept, False), *rest]
    return _head_fitting(runs, width, measure, ellipsis)


def _tail_fitting(text: str, width: float, measure: Measure) -> str:
    """The longest end of ``text`` that fits ``width``, starting at a character."""
    # Widths grow with length: bisect on the start offset.
    low, high = 0, len(text)  # text[high:] ("") always fits
    while low < high:
        middle = (low + high) // 2
        if measure(text[middle:], False) <= width:
            high = middle
        else:
            low = middle + 1
    return text[_cluster_end(text, high) :].lstrip()


def _head_fitting(
    runs: Sequence[Run], width: float, measure: Measure, ellipsis: float
) -> list[Run]:
    """The runs cut at the right to fit ``width`` with an ellipsis after the cut."""
    if sum(measure(run.text, run.match) for run in runs) <= width:
        return list(runs)
    fitted: list[Run] = []
    used = 0.0
    for run in runs:
        run_width = measure(run.text, run.match)
        if used + run_width + ellipsis <= width:
            fitted.append(run)
            used += run_width
            continue
        # Cut inside this run: the longest start that fits before the ellipsis.
        low, high = 0, len(run.text)
        while low < high:
            middle = (low + high + 1) // 2
            if used + measure(run.text[:middle], run.match) + ellipsis <= width:
                low = middle
            else:
                high = middle - 1
        end = _cluster_start(run.text, low)
        if end:
            fitted.append(Run(run.text[:end].rstrip(), run.match))
        fitted.append(Run(ELLIPSIS, False))
        break
    return fitted


def _cluster_start(text: str, offset: int) -> int:
    """``offset`` moved back past combining marks to the character they belong to."""
    while 0 < offset < len(text) and unicodedata.category(text[offset])[0] == "M":
        offset -= 1
    return offset


def _cluster_end(text: str, offset: int) -> int:
    """``offset`` moved on past combining marks, to the start of the next character."""
    while 0 < offset < len(text) and unicodedata.category(text[offset])[0] == "M":
        offset += 1
    return offset
