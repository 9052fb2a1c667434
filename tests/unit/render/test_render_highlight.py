"""CodeHighlighter: as few spans as keep the rendering the same, with the same text and colours."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest
from pygments import highlight  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]

from kimi_desktop.render.highlight import CodeHighlighter, _inline_formatter
from kimi_desktop.render.theme import theme_for

SAMPLE = (
    Path(__file__)
    .resolve()
    .parents[3]
    .joinpath("kimi_desktop/render/markdown.py")
    .read_text()[:6000]
)

SPAN = re.compile(r'<span style="([^"]*)">|</span>|([^<]+)')


def pygments_html(code: str, style: str) -> str:
    """What pygments' own formatter writes (as this module did before): a span per token
    and line."""
    lexer = get_lexer_by_name("python", stripnl=False, ensurenl=False)
    return str(highlight(code, lexer, _inline_formatter(style))).removesuffix("\n")


def styled_chars(html: str) -> list[tuple[str, str]]:
    """Each character of ``html``'s text with the declarations of its span (``""`` for none)."""
    chars: list[tuple[str, str]] = []
    stack = [""]
    for match in SPAN.finditer(html):
        if match.group(1) is not None:
            stack.append(match.group(1))
        elif match.group(0) == "</span>":
            stack.pop()
        else:
            chars.extend((char, stack[-1]) for char in html_module.unescape(match.group(2)))
    return chars


def colour(declarations: str, plain: str) -> str:
    """The colour ``declarations`` give text, 6-digit lower case; ``plain`` when none."""
    found = re.search(r"color: #(\w+)", declarations)
    if not found:
        return plain
    value = found.group(1).lower()
    return "#" + (value if len(value) == 6 else "".join(c * 2 for c in value))


@pytest.mark.parametrize("dark", [False, True])
def test_fewer_spans_same_text_and_colours(dark: bool) -> None:
    theme = theme_for(dark)
    before = pygments_html(SAMPLE, theme.pygments_style)
    after = CodeHighlighter(theme.pygments_style).to_html(SAMPLE, "python")

    assert after.count("<span") < 0.7 * before.count("<span")
    old, new = styled_chars(before), styled_chars(after)
    assert "".join(c for c, _ in new) == "".join(c for c, _ in old)
    plain = theme.palette.text.lower()
    for (char, was), (_, now) in zip(old, new, strict=True):
        if char.isspace():
            continue  # a space or line end paints nothing in any colour
        assert colour(now, plain) == colour(was, plain), char
        assert ("bold" in now, "italic" in now) == ("bold" in was, "italic" in was), char


def test_same_style_neighbours_share_a_span_and_plain_text_has_none() -> None:
    html = CodeHighlighter("github-dark").to_html('x = "a"  "b"\n"""one\ntwo"""\n', "python")

    assert html == (
        'x <span style="color: #FF7B72; font-weight: bold">=</span> '
        '<span style="color: #A5D6FF">"a"  "b"\n"""one\ntwo"""</span>'
    )


def test_whitespace_never_turns_bold() -> None:
    html = CodeHighlighter("github-dark").to_html("a not  in b\n", "python")

    assert html == (
        'a <span style="color: #FF7B72; font-weight: bold">not</span>  '
        '<span style="color: #FF7B72; font-weight: bold">in</span> b'
    )
