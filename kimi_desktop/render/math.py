"""LaTeX formulas typeset as SVG, in pure Python, for rendered markdown to show.

The typesetting is ziamath's: latex2mathml reads the LaTeX, and ziamath lays
the MathML out with the STIX Two Math font it ships. It is imported with the
first formula, never before: the import takes about 160 ms and 25 MB (it reads
the font).

A formula is model output, so it is measured before any layout is done, and one
that does not fit is refused (the renderer then shows its source as code):

- at most :data:`MAX_SOURCE_CHARS` characters;
- at most :data:`MAX_WORK` units of layout work (:func:`layout_work`), 0.05 to
  0.25 ms each on two cores: ziamath spends about 0.1 ms per node and per
  character, so 2,000 plain letters would take a second;
- a command latex2mathml does not know comes back as its own text
  (``<mi>\\foo</mi>``), as does a stray ``&``: such a formula failed to parse,
  rather than being drawn with its backslashes.

Nothing a formula says makes ziamath read a file or run anything: latex2mathml
only converts text, and the only font files opened are those ziamath ships
(chosen here, never by the formula). ``\\color`` still colours its part; the
rest is drawn in the colour :meth:`Formula.svg` is given.

Typesetting is deterministic, so results and refusals are cached, shared by the
renderer (which must know whether a formula parses) and the window (which draws
it): the second time a formula is asked for costs a dictionary lookup.
"""

from __future__ import annotations

import functools
import re
import threading
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

MAX_SOURCE_CHARS = 2_000
"""Longer formulas are shown as their source."""

MAX_WORK = 1_500
"""The most layout work (:func:`layout_work`) one formula may take: 0.1 to 0.3 s.

Common formulas take 10 to 300; ``x = a_0 + \\cfrac{1}{a_1 + \\cfrac{1}{a_2}}``
about 100, a ten-line ``aligned`` block of fractions about 1,300."""

RENDER_WORK = 6_000
"""The most layout work the formulas of one rendered piece of a message (a segment)
may take together: 0.3 to 1 s once, for a message that is mostly formulas. The
formulas past it show as source, so a reply of a thousand formulas cannot stall
the window for minutes. A long derivation of 40 common formulas takes about 3,000."""

FORMULA_SCHEME = "kimi-math"
"""The URL scheme of the images that stand for formulas in rendered HTML."""

REFERENCE_SIZE = 20.0
"""The font size, in px, formulas are typeset at; their sizes are given in em."""

CACHE_SIZE = 1024
"""How many formulas (typeset, or refused) each cache keeps."""

_DEFAULT_PAINT = re.compile(r'(fill|stroke)="black"')  # ziamath's colour unless told otherwise
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_MARGIN = 0.05  # em of room around the ink, so that antialiased edges are not cut off
# A backslash is a command latex2mathml did not know; an ``&`` that starts no
# entity, an alignment tab outside any environment.
_UNPARSED = re.compile(r"\\|&(?!#x?[0-9a-fA-F]+;|[a-zA-Z]+;)")
_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_NUMBERING = re.compile(r"\\(?:label\{[^{}]*\}|nonumber\b|notag\b)")

_lock = threading.Lock()  # ziamath keeps state in its modules (fonts, glyph caches)


@dataclass(frozen=True, slots=True)
class Formula:
    """A typeset formula: its SVG, drawn in black, its size in em and its layout work.

    The baseline of the text around an inline formula runs ``ascent`` below the
    top of the SVG (``descent`` above its bottom); the sizes include a little
    room around the ink.
    """

    latex: str
    display: bool
    black_svg: str
    width: float
    ascent: float
    descent: float
    work: int

    @property
    def height(self) -> float:
        return self.ascent + self.descent

    def svg(self, color: str) -> str:
        """The SVG, with what the formula does not colour itself in ``color`` (``#rrggbb``)."""
        if not _COLOR.fullmatch(color):
            raise ValueError(f"not a #rrggbb colour: {color!r}")
        return _DEFAULT_PAINT.sub(lambda match: f'{match.group(1)}="{color}"', self.black_svg)


@dataclass(frozen=True, slots=True)
class _Parsed:
    mathml: str
    work: int


def layout_work(latex: str, *, display: bool) -> int | None:
    """How much work laying ``latex`` out takes (see :data:`MAX_WORK`), or ``None`` if
    it is not a formula that can be typeset: it does not parse, or is over the bounds."""
    parsed = _parsed(latex.strip(), display)
    return None if parsed is None else parsed.work


def typeset(latex: str, *, display: bool) -> Formula | None:
    """``latex`` typeset (``display``: as a block, else in the smaller text style), or
    ``None`` if it does not parse or is over the bounds. Never raises for any text."""
    return _typeset(latex.strip(), display)


def cache_info() -> Any:
    """Hits and misses of the typeset formulas (``functools.lru_cache`` statistics)."""
    return _typeset.cache_info()


def formula_url(latex: str, *, display: bool) -> str:
    """The address of the image that shows ``latex``; the source is in the address itself."""
    return _formula_url(latex.strip(), display)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _formula_url(latex: str, display: bool) -> str:
    kind = "display" if display else "inline"
    return f"{FORMULA_SCHEME}:{kind}/{quote(latex, safe='')}"


def parse_formula_url(url: str) -> tuple[str, bool] | None:
    """(LaTeX, display) of a :func:`formula_url`, or ``None`` for any other address."""
    prefix = f"{FORMULA_SCHEME}:"
    if not url.startswith(prefix):
        return None
    kind, slash, encoded = url[len(prefix) :].partition("/")
    if not slash or kind not in ("inline", "display"):
        return None
    return unquote(encoded), kind == "display"


@functools.lru_cache(maxsize=CACHE_SIZE)
def _parsed(latex: str, display: bool) -> _Parsed | None:
    if not latex or len(latex) > MAX_SOURCE_CHARS:
        return None
    try:
        with _lock:
            _ziamath()
            from ziamath.tex import tex2mml

            mathml = tex2mml(_numbering_removed(latex), inline=not display)
        if _UNPARSED.search(mathml):
            return None
        work = _work(ET.fromstring(mathml))
    except Exception:  # whatever the parser trips over, it is not a formula
        return None
    return _Parsed(mathml, work) if work <= MAX_WORK else None


@functools.lru_cache(maxsize=CACHE_SIZE)
def _typeset(latex: str, display: bool) -> Formula | None:
    parsed = _parsed(latex, display)
    if parsed is None:
        return None
    size = REFERENCE_SIZE
    margin = _MARGIN * size
    try:
        with _lock:
            math = _ziamath().Math(parsed.mathml, size=size, margin=margin)
            svg = math.svg()
    except Exception:  # a layout ziamath cannot do: shown as source, never as an error
        return None
    box = math.node.bbox
    return Formula(
        latex=latex,
        display=display,
        black_svg=svg,
        width=(box.xmax - box.xmin + 2 * margin) / size,
        ascent=(box.ymax + margin) / size,
        descent=(margin - box.ymin) / size,
        work=parsed.work,
    )


def _numbering_removed(latex: str) -> str:
    """``latex`` with its equation number written after it, and labels dropped: ziamath
    sets a ``\\tag`` at the right of a 6.5-inch column, far wider than a chat bubble."""
    return _NUMBERING.sub("", _TAG.sub(r"\\qquad(\1)", latex))


def _work(element: ET.Element, groups: int = 0) -> int:
    """The layout work of ``element`` inside ``groups`` ``<mrow>`` elements: one unit per
    node and per character, for each time it is laid out. Each enclosing group lays
    its contents out once more, to measure them (see :func:`_measuring_once`)."""
    inner = groups + (element.tag.rpartition("}")[2] == "mrow")
    own = (1 + len(element.text or "")) * (1 + groups)
    return own + sum(_work(child, inner) for child in element)


@functools.cache
def _ziamath() -> Any:
    """ziamath, imported and set up on first use."""
    with warnings.catch_warnings():
        # WORKAROUND: ziamath 0.13 and ziafont 0.11 find their fonts with
        # importlib.resources.path(), deprecated since Python 3.11: a
        # DeprecationWarning at import. No upstream report found (cdelker/ziamath).
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath
    from ziamath.config import config
    from ziamath.nodes.mrow import Mrow

    # SVG 1.1 paths rather than SVG 2 <symbol>/<use href>, which QtSvg may not draw.
    config.svg2 = False
    config.numbering.autonumber = False
    Mrow._get_height_nostretch = _measuring_once(Mrow._get_height_nostretch)  # type: ignore[method-assign]
    return ziamath


def _measuring_once(
    measure: Callable[..., tuple[float, float]],
) -> Callable[..., tuple[float, float]]:
    """ziamath's measure of a group without its stretchy operators, done once per group.

    WORKAROUND: ziamath 0.13 measures each ``<mrow>`` by laying its children out
    an extra time, and does so again inside that measuring layout, so the work
    doubles with every level of nested groups: ``{{{{{{{{{{x}}}}}}}}}}`` (21
    characters) took 0.5 s, and a few more levels would take hours. Inside a
    measuring layout (``nostretch``) stretchy operators are left out of every
    size, so the height measured for their sake is never read there: skipping it
    measures each group once, and the work no longer doubles per level. 61 test
    formulas, inline and display, come out the same but one: fences nested four
    deep, each with an exponent, whose outer fences grow less tall (as in LaTeX).
    No upstream report found (cdelker/ziamath).
    """

    def measure_once(self: Any, line: Any, **kwargs: Any) -> tuple[float, float]:
        if kwargs.get("nostretch"):
            return 0.0, 0.0
        return measure(self, line, **kwargs)

    return measure_once
