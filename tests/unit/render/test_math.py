"""Typesetting formulas: SVG in the theme's colours, refusals instead of errors, bounds, cache."""

from __future__ import annotations

import builtins
import re

import pytest

from kimi_desktop.render import math
from kimi_desktop.render.theme import theme_for


def test_a_formula_typesets_to_an_svg_with_its_size_in_em() -> None:
    formula = math.typeset(r"\frac{a}{b} + \sqrt{x}", display=False)

    assert formula is not None
    assert formula.black_svg.startswith("<svg")
    assert 1 < formula.width < 6
    assert formula.ascent > 0.5
    assert formula.descent > 0.2  # the denominator hangs below the baseline
    assert formula.work > 0


def test_display_formulas_are_set_larger_than_inline_ones() -> None:
    inline = math.typeset(r"\frac{a}{b}", display=False)
    display = math.typeset(r"\frac{a}{b}", display=True)

    assert inline is not None
    assert display is not None
    assert display.height > inline.height


@pytest.mark.parametrize("dark", [False, True])
def test_the_svg_is_drawn_in_the_themes_text_colour(dark: bool) -> None:
    color = theme_for(dark).palette.text
    formula = math.typeset(r"\sqrt{\frac{a}{b}} \overline{xy}", display=True)

    assert formula is not None
    svg = formula.svg(color)
    paints = set(re.findall(r'(?:fill|stroke)="([^"]*)"', svg))
    assert color in paints
    assert "black" not in paints
    assert paints <= {color, "none"}


def test_a_colour_the_formula_names_is_kept() -> None:
    formula = math.typeset(r"x + \color{red}{y}", display=False)

    assert formula is not None
    svg = formula.svg("#e6edf3")
    assert "#e6edf3" in svg
    assert 'fill="red"' in svg


def test_only_a_hex_colour_is_written_into_the_svg() -> None:
    formula = math.typeset("x", display=False)

    assert formula is not None
    with pytest.raises(ValueError, match="colour"):
        formula.svg('red" onload="x')


@pytest.mark.parametrize(
    "latex",
    [
        r"\foo{x}",  # a command latex2mathml does not know
        r"\frac{a}{",  # unbalanced
        r"x^",  # a missing superscript
        "a & b",  # an alignment tab outside any environment
        r"\begin{matrix} a",  # an environment never ended
        "{" * 2000,  # deeper than the parser goes
        r"\newcommand{\a}{\a\a}\a",  # a macro that never ends
        "",
        "   ",
    ],
)
def test_a_formula_that_does_not_parse_is_refused_without_raising(latex: str) -> None:
    assert math.typeset(latex, display=False) is None
    assert math.typeset(latex, display=True) is None
    assert math.layout_work(latex, display=False) is None


def test_a_formula_over_the_length_bound_is_refused() -> None:
    longest = "x" * math.MAX_SOURCE_CHARS
    assert math.layout_work("y" * (math.MAX_SOURCE_CHARS + 1), display=False) is None
    # Within the length bound, a formula this long is still too much work to lay out.
    assert math.layout_work(longest, display=False) is None


def test_a_formula_over_the_work_bound_is_refused_before_any_layout(monkeypatch) -> None:
    latex = "+".join(f"x_{{{index}}}" for index in range(200))
    math.layout_work("x", display=False)  # ziamath loaded

    def no_layout(*args: object, **kwargs: object) -> None:
        raise AssertionError("laid out a formula over the bound")

    monkeypatch.setattr(math._ziamath(), "Math", no_layout)
    assert math.typeset(latex, display=True) is None


def test_nested_groups_cost_no_more_than_the_square_of_their_depth(monkeypatch) -> None:
    """ziamath 0.13 alone doubles its work per level of nested groups."""
    from ziamath.nodes.mnode import Mnode

    math.typeset("x", display=False)
    built = 0
    original = Mnode.fromelement.__func__  # type: ignore[attr-defined]

    def counting(cls: type, *args: object, **kwargs: object) -> object:
        nonlocal built
        built += 1
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Mnode, "fromelement", classmethod(counting))

    def nodes_built(depth: int) -> int:
        nonlocal built
        built = 0
        latex = "{" * depth + f"x_{depth}" + "}" * depth
        assert math.typeset(latex, display=False) is not None
        return built

    shallow, deep = nodes_built(6), nodes_built(12)
    assert deep < 5 * shallow  # doubling per level would make it 64 times


def test_typesetting_reads_no_file_whatever_the_formula_says(monkeypatch) -> None:
    math.typeset("x", display=False)  # the font ziamath ships is read once, here
    opened: list[object] = []
    real_open = builtins.open

    def recording_open(*args: object, **kwargs: object) -> object:
        opened.append(args[0] if args else kwargs.get("file"))
        return real_open(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", recording_open)
    for latex in (
        r"\input{/etc/passwd}",
        r"\include{secrets}",
        r"\includegraphics{/etc/hosts}",
        r"\text{\input{/etc/passwd}}",
        r"\style{font-family: /etc/passwd}{x}",
        r"\href{file:///etc/passwd}{x}",
        r"\mathrm{x}\mathbb{R}\mathcal{L}\text{y}",
    ):
        math.typeset(latex, display=True)
    assert opened == []


def test_an_equation_number_is_written_after_the_formula() -> None:
    tagged = math.typeset(r"E = mc^2 \tag{1}", display=True)
    plain = math.typeset(r"E = mc^2", display=True)

    assert tagged is not None
    assert plain is not None
    assert tagged.width < plain.width + 4  # not pushed out to a 6.5-inch column


def test_the_same_formula_twice_comes_from_the_cache() -> None:
    latex = r"\int_0^1 x^{17}\,dx = \frac{1}{18}"
    first = math.typeset(latex, display=True)
    hits = math.cache_info().hits

    again = math.typeset(latex, display=True)

    assert again is first
    assert math.cache_info().hits == hits + 1


def test_a_refusal_is_cached_too(monkeypatch) -> None:
    latex = r"\unknowncommand{z}"
    assert math.typeset(latex, display=False) is None
    monkeypatch.setattr(math, "_numbering_removed", lambda *_: pytest.fail("parsed again"))

    assert math.typeset(latex, display=False) is None


@pytest.mark.parametrize(
    ("latex", "display"),
    [
        (r"\frac{a}{b}", False),
        (r"a\,b \% 100/2 \#", True),
        ("x\n= y", True),
        ("中文 + ü", False),
    ],
)
def test_a_formula_address_holds_its_source(latex: str, display: bool) -> None:
    url = math.formula_url(latex, display=display)

    assert url.startswith("kimi-math:")
    assert not re.search(r'[\s"<>&]', url)
    assert math.parse_formula_url(url) == (latex, display)


@pytest.mark.parametrize(
    "url", ["https://example.com/x", "kimi-math:", "kimi-math:other/x", "file:///etc/passwd"]
)
def test_other_addresses_are_not_formulas(url: str) -> None:
    assert math.parse_formula_url(url) is None
