"""Themes, and how the rendered HTML comes out in a real QTextDocument."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from pygments.styles import get_style_by_name
from pygments.token import Keyword
from PySide6.QtGui import QTextBlockFormat, QTextDocument, QTextFormat, QTextFragment
from render_samples import SHORT_SAMPLES

from kimi_desktop.render.markdown import MarkdownRenderer
from kimi_desktop.render.theme import Theme, theme_for

SAMPLE = """\
## Heading

A paragraph with a [link](https://example.com) and `inline code`.
Here are the options:
- first
- second

```python
def main():
    return 1
```

| Name | Value |
|------|------:|
| a    | 1     |

- [x] done
- [ ] to do

> quoted text

![chart](https://example.com/chart.png)
"""


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def test_theme_for_returns_the_light_and_the_dark_theme() -> None:
    light, dark = theme_for(False), theme_for(True)

    assert (light.name, light.dark) == ("light", False)
    assert (dark.name, dark.dark) == ("dark", True)
    assert light.palette != dark.palette
    assert theme_for(True) is dark


@pytest.mark.parametrize("dark", [False, True])
def test_palette_colours_are_hex_and_styles_exist(dark: bool) -> None:
    theme = theme_for(dark)

    for field in dataclasses.fields(theme.palette):
        assert re.fullmatch(r"#[0-9a-f]{6}", getattr(theme.palette, field.name)), field.name
    get_style_by_name(theme.pygments_style)  # raises if pygments lacks it
    assert "table.codeblock" in theme.css
    assert ".k {" not in theme.css  # code colours are inline: token rules slow Qt's HTML import


def fragments(doc: QTextDocument) -> Iterator[QTextFragment]:
    block = doc.begin()
    while block.isValid():
        for position in block:
            fragment = position.fragment()
            if fragment.isValid():
                yield fragment
        block = block.next()


def fragment_with(doc: QTextDocument, text: str) -> QTextFragment:
    for fragment in fragments(doc):
        if text in fragment.text():
            return fragment
    raise AssertionError(f"no fragment contains {text!r}")


def load(theme: Theme, html: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultStyleSheet(theme.css)
    doc.setHtml(html)
    doc.setTextWidth(600)
    return doc


def colour(fragment: QTextFragment) -> str:
    return fragment.charFormat().foreground().color().name()


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("dark", [False, True])
def test_qt_applies_the_theme_colours(dark: bool) -> None:
    theme = theme_for(dark)
    palette = theme.palette
    doc = load(theme, MarkdownRenderer(theme.pygments_style).render(SAMPLE))

    assert colour(fragment_with(doc, "A paragraph with a")) == palette.text
    assert colour(fragment_with(doc, "first")) == palette.text
    link = fragment_with(doc, "link")
    assert link.charFormat().anchorHref() == "https://example.com"
    assert colour(link) == palette.link
    inline = fragment_with(doc, "inline code")
    assert inline.charFormat().background().color().name() == palette.inline_code_background
    assert colour(fragment_with(doc, "quoted text")) == palette.muted_text
    keyword = get_style_by_name(theme.pygments_style).style_for_token(Keyword)["color"]
    assert colour(fragment_with(doc, "def")) == f"#{keyword}".lower()


@pytest.mark.usefixtures("qapp")
def test_qt_builds_code_blocks_tables_and_task_lists(renderer: MarkdownRenderer) -> None:
    theme = theme_for(False)
    doc = load(theme, renderer.render(SAMPLE))

    tables = [frame for frame in doc.rootFrame().childFrames() if hasattr(frame, "cellAt")]
    code, grid, quote = tables
    body = code.cellAt(1, 0).format().toTableCellFormat()
    assert body.background().color().name() == theme.palette.code_background
    assert code.cellAt(0, 1).firstCursorPosition().block().text() == "Save as…\xa0\xa0\xa0Copy"
    cell = grid.cellAt(1, 1).format().toTableCellFormat()
    assert cell.leftBorder() > 0
    assert cell.rightBorder() > 0
    assert quote.cellAt(0, 0).format().toTableCellFormat().leftBorder() == 3

    markers = {}
    block = doc.begin()
    while block.isValid():
        markers[block.text()] = block.blockFormat().marker()
        block = block.next()
    assert markers["done"] == QTextBlockFormat.MarkerType.Checked
    assert markers["to do"] == QTextBlockFormat.MarkerType.Unchecked
    assert all(not fragment.charFormat().isImageFormat() for fragment in fragments(doc)), (
        "an image would be fetched"
    )
    assert fragment_with(doc, "chart").charFormat().anchorHref() == (
        "https://example.com/chart.png"
    )
    assert fragment_with(doc, "chart").charFormat().objectType() == QTextFormat.ObjectTypes.NoObject


@pytest.mark.usefixtures("qapp")
def test_every_sample_loads_into_qt_without_images(renderer: MarkdownRenderer) -> None:
    for text in SHORT_SAMPLES.values():
        doc = load(theme_for(True), renderer.render(text))
        assert doc.characterCount() > 1
        assert not any(f.charFormat().isImageFormat() for f in fragments(doc))
