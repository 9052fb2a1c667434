"""Formulas in markdown: the four delimiters, prices, escapes, code, failures, streaming."""

from __future__ import annotations

import html
import itertools
import re

import pytest

from kimi_desktop.render import math, math_markdown
from kimi_desktop.render.incremental import IncrementalMarkdown
from kimi_desktop.render.markdown import MarkdownRenderer
from kimi_desktop.render.segments import SEGMENT_BUDGET, segments

_IMG = re.compile(r'<img src="([^"]*)" alt="([^"]*)"( align="middle")? />')

MATH_REPLY = r"""The mass–energy relation $E = mc^2$ is famous; so is \(e^{i\pi} + 1 = 0\).

Integrate with a thin space before $dx$:

$$
\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}
$$

In a sentence, $$\sum_{k=1}^{n} k = \frac{n(n+1)}{2}$$ still counts, and so does
\[ a^2 + b^2 = c^2 \]

It costs $5 and $10, or \$20 with `$x$` in code.

```
$$ not math $$
```

A broken one: $\notacommand{x}$, then one still open:

$$
\frac{a}{b"""


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def formulas(html_text: str) -> list[tuple[str, bool, bool]]:
    """(LaTeX, display, inline placement) of every formula image in ``html_text``."""
    found = []
    for src, alt, middle in _IMG.findall(html_text):
        parsed = math.parse_formula_url(html.unescape(src))
        assert parsed is not None
        latex, display = parsed
        assert html.unescape(alt.replace("&#10;", "\n")) == latex
        found.append((latex, display, bool(middle)))
    return found


# -- the four delimiters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"A $x^2$ here.", [("x^2", False, True)]),
        (r"A \(x^2\) here.", [("x^2", False, True)]),
        ("$$x^2$$", [("x^2", True, False)]),
        ("$$\nx^2\n$$", [("x^2", True, False)]),
        (r"\[x^2\]", [("x^2", True, False)]),
        ("\\[\nx^2\n\\]", [("x^2", True, False)]),
        (r"A $$x^2$$ here.", [("x^2", True, True)]),
        (r"A \[x^2\] here.", [("x^2", True, True)]),
    ],
)
def test_each_delimiter_makes_a_formula(renderer, text, expected) -> None:
    assert formulas(renderer.render(text)) == expected


def test_a_display_formula_on_its_own_lines_is_centred(renderer) -> None:
    rendered = renderer.render("Where\n$$\nx = 1\n$$\nholds.")

    assert "<p>Where</p>" in rendered
    assert re.search(
        r'<p align="center"><img src="kimi-math:display/[^"]*" alt="x = 1" />', rendered
    )
    assert "<p>holds.</p>" in rendered


def test_an_inline_formula_sits_in_the_middle_of_the_line(renderer) -> None:
    assert ' align="middle" />' in renderer.render("so $a+b$ is")


# -- prices, escapes, code --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and $10.",
        "From $5 to $10, or $15.",
        "Plans: $5/$10 a month",
        "Between $ 5 and 10 $ dollars",
        "US$5 and US$10",
        r"Escaped \$x\$ stays text",
        "Alone: $",
        "Empty: $$ $$ and \\(\\)",
    ],
)
def test_dollars_that_are_not_formulas_stay_text(renderer, text) -> None:
    rendered = renderer.render(text)

    assert "<img" not in rendered
    assert "<code" not in rendered
    assert "$" in rendered or "(" in rendered


def test_escaped_dollars_show_as_dollars(renderer) -> None:
    assert renderer.render(r"\$5 and \$10") == "<p>$5 and $10</p>\n"


def test_a_price_before_a_formula_stays_a_price(renderer) -> None:
    rendered = renderer.render("Pay $5 for $x$ items")

    assert rendered.startswith("<p>Pay $5 for <img")
    assert formulas(rendered) == [("x", False, True)]


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        (r"$a\,b$", r"a\,b"),
        (r"$\{x \mid x > 0\}$", r"\{x \mid x > 0\}"),
        (r"$a\;b\!c\:d$", r"a\;b\!c\:d"),
        (r"$\$5 + \%3 + \#1 + \_x$", r"\$5 + \%3 + \#1 + \_x"),
        ("$$\n\\begin{aligned} a &= b \\\\\n c &= d \\end{aligned}\n$$", None),
        (r"\(\left[ x \right]\)", r"\left[ x \right]"),
    ],
)
def test_a_formula_keeps_its_backslashes(renderer, text, latex) -> None:
    found = formulas(renderer.render(text))

    assert len(found) == 1
    if latex is None:
        assert "\\\\\n" in found[0][0]
    else:
        assert found[0][0] == latex


def test_code_spans_and_blocks_are_never_formulas(renderer) -> None:
    text = "Use `$x$` and `\\(y\\)`.\n\n```\n$$\nz\n$$\n```\n\n    $$w$$\n"
    rendered = renderer.render(text)

    assert "<img" not in rendered
    assert "<code>$x$</code>" in rendered
    assert "<code>\\(y\\)</code>" in rendered
    assert "$$\nz\n$$" in rendered
    assert "$$w$$" in rendered


def test_a_formula_never_swallows_a_code_span(renderer) -> None:
    rendered = renderer.render("It is $5 and `code$` here")

    assert "<img" not in rendered
    assert "<code>code$</code>" in rendered


# -- failures, bounds ---------------------------------------------------------------


def test_an_inline_formula_that_fails_shows_its_source_as_code(renderer) -> None:
    rendered = renderer.render(r"A $\notacommand{x} < y$ here.")

    assert rendered == "<p>A <code>\\notacommand{x} &lt; y</code> here.</p>\n"


def test_a_display_formula_that_fails_shows_its_source_as_a_code_block(renderer) -> None:
    result = renderer.render_with_code("$$\n\\frac{a}{\n$$")

    assert "<img" not in result.html
    assert 'class="codelang">latex<' in result.html
    assert result.code_blocks == ("\\frac{a}{",)


def test_formulas_past_the_work_budget_show_as_code(renderer, monkeypatch) -> None:
    work = math.layout_work("x^2", display=False)
    assert work is not None
    monkeypatch.setattr(math, "RENDER_WORK", 2 * work)
    text = "$x^2$ $x^2$ $x^2$ and $y$"

    rendered = renderer.render(text)

    assert [latex for latex, _, _ in formulas(rendered)] == ["x^2", "x^2"]
    assert rendered.count("<code>") == 2  # the third x^2, and y after it


def test_a_formula_that_streams_in_uses_the_budget_as_a_whole_rendering(
    renderer, monkeypatch
) -> None:
    work = math.layout_work("x^2", display=True)
    assert work is not None
    monkeypatch.setattr(math, "RENDER_WORK", 3 * work)
    text = "".join(f"Step {n}:\n\n$$x^2$$\n\n" for n in range(6))
    incremental = IncrementalMarkdown(renderer)

    for character in text:
        incremental.append(character)
        incremental.html()

    assert incremental.html() == renderer.render(text)
    assert len(formulas(incremental.html())) == 3


def test_a_multi_line_formula_has_no_newline_in_its_tag(renderer) -> None:
    rendered = renderer.render("$$\na\n= b\n$$")

    tag = re.search(r"<img[^>]*>", rendered)
    assert tag is not None
    assert "\n" not in tag.group(0)
    assert "a&#10;= b" in tag.group(0)


def test_unclosed_openers_are_searched_for_their_closers_once(renderer, monkeypatch) -> None:
    scanned = 0
    unescaped = math_markdown._unescaped

    def counting(src: str, needle: str, start: int, end: int) -> int:
        nonlocal scanned
        found = unescaped(src, needle, start, end)
        scanned += (end if found == -1 else found) - start
        return found

    monkeypatch.setattr(math_markdown, "_unescaped", counting)
    text = "\\( \\[ $$ " * 3000

    renderer.render(text)

    assert scanned < 4 * len(text)


def test_lines_that_open_formulas_are_scanned_once(renderer, monkeypatch) -> None:
    scans = 0
    stop_lines = math_markdown._stop_lines

    def counting(state, closer):
        nonlocal scans
        scans += 1
        return stop_lines(state, closer)

    monkeypatch.setattr(math_markdown, "_stop_lines", counting)
    text = "$$a\n" * 3000 + "\n" + "\\[b\n" * 3000

    renderer.render(text)

    assert scans == 2  # once for $$, once for \[, not once per line


# -- streaming ------------------------------------------------------------------------


def test_a_streamed_reply_with_formulas_matches_a_full_render_at_every_step(renderer) -> None:
    incremental = IncrementalMarkdown(renderer)

    for end in range(1, len(MATH_REPLY) + 1):
        incremental.append(MATH_REPLY[end - 1])
        assert incremental.html() == renderer.render(MATH_REPLY[:end]), repr(MATH_REPLY[:end])


def test_an_unclosed_display_formula_shows_as_source_until_it_closes(renderer) -> None:
    text = "Here:\n\n$$\n\\frac{a}{b} + c\n$$\n\nAfter."
    start = text.index("$$")
    close = text.index("$$", start + 2) + 2
    incremental = IncrementalMarkdown(renderer)
    states = []

    for end in range(1, len(text) + 1):
        incremental.append(text[end - 1])
        shown = incremental.html()
        if end > start + 1:
            states.append("image" if "<img" in shown else "source")
        if start + 2 <= end < close:
            assert "<img" not in shown
            assert 'class="codelang">latex<' in shown  # the source so far, as code
            assert text[start + 3 : end].strip("\n") in html.unescape(re.sub("<[^>]*>", "", shown))

    assert states[-1] == "image"
    flips = sum(1 for a, b in itertools.pairwise(states) if a != b)
    assert flips == 1  # source, then the formula: never back


def test_an_inline_formula_shows_as_text_until_its_dollar_closes(renderer) -> None:
    text = r"So $\alpha\,\beta$ holds"
    incremental = IncrementalMarkdown(renderer)
    close = text.index("$", text.index("$") + 1)

    for end in range(1, len(text) + 1):
        incremental.append(text[end - 1])
        has_image = "<img" in incremental.html()
        assert has_image == (end > close)


def test_a_display_formula_is_never_cut_between_segments() -> None:
    formula = "$$\n" + "\n".join(f"x_{n} + " for n in range(40)) + "y\n$$\n"
    text = "word " * (SEGMENT_BUDGET // 5 - 60) + "\n" + formula + "\nafter\n" * 400

    for part in segments(text):
        source = text[part.start : part.end]
        assert source.count("$$") % 2 == 0, source[-200:]
