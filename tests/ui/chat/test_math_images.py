"""Formula images: registered on a document, resolved by Qt, coloured, sized, aligned, copied."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetrics,
    QImage,
    QPainter,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser

from kimi_desktop.render.markdown import MarkdownRenderer
from kimi_desktop.render.math import formula_url, typeset
from kimi_desktop.render.theme import theme_for
from kimi_desktop.ui.chat import math_images
from kimi_desktop.ui.chat.math_images import (
    MATH_SCALE,
    OBJECT_REPLACEMENT,
    TextMetrics,
    add_math_images,
    formula_image,
    html_with_formula_sources,
    refresh_math_images,
    with_formula_sources,
)

IMAGE = QTextDocument.ResourceType.ImageResource
TEXT = TextMetrics(em=20.0, x_height=10, ascent=19.0, descent=5.0)


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


@pytest.fixture
def font() -> QFont:
    font = QFont()
    font.setPixelSize(20)
    return font


def shown(document: QTextDocument, html: str, color: QColor, font: QFont, dpr: float = 1.0) -> int:
    document.setDefaultFont(font)
    count = add_math_images(document, html, color, font, dpr)
    document.setHtml(html.rstrip())
    document.setTextWidth(800)
    return count


def test_a_document_resolves_a_formula_to_an_image_of_its_size(qapp, renderer, font) -> None:
    html = renderer.render(r"so $\frac{a}{b}$ here")
    document = QTextDocument()

    assert shown(document, html, QColor("#1f2328"), font) == 1

    image = document.resource(IMAGE, QUrl(formula_url(r"\frac{a}{b}", display=False)))
    assert isinstance(image, QImage)
    assert not image.isNull()
    formula = typeset(r"\frac{a}{b}", display=False)
    assert formula is not None
    em = 20 * MATH_SCALE
    assert image.width() == pytest.approx(formula.width * em, abs=1)
    assert formula.height * em <= image.height() < 3 * em
    assert document.toPlainText() == f"so {OBJECT_REPLACEMENT} here"
    # Laid out at that size: the line is as tall as the image at least.
    assert document.size().height() >= image.height()


def test_a_widget_shows_the_formula_and_keeps_it_when_shown_again(qtbot, renderer, font) -> None:
    widget = QTextBrowser()
    qtbot.addWidget(widget)
    widget.setFont(font)
    html = renderer.render(r"$$\int_0^1 x\,dx$$")
    url = QUrl(formula_url(r"\int_0^1 x\,dx", display=True))

    add_math_images(widget.document(), html, QColor("#000000"), widget.font(), 1.0)
    widget.setHtml(html)
    widget.setHtml(html + "<p>more</p>")  # the tail of a streaming reply, set again

    image = widget.document().resource(IMAGE, url)
    assert isinstance(image, QImage)
    assert image.height() > 20
    assert widget.document().clone().resource(IMAGE, url) is not None  # measured on a clone


@pytest.mark.parametrize("dark", [False, True])
def test_the_formula_is_drawn_in_the_themes_text_colour(qapp, font, dark) -> None:
    color = QColor(theme_for(dark).palette.text)
    image = formula_image(formula_url("x+y", display=False), color.name(), TEXT, 1.0)

    assert image is not None
    painted = {
        image.pixelColor(x, y).rgb()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }
    assert painted == {color.rgb()}


def test_images_are_drawn_for_the_screens_pixel_ratio(qapp) -> None:
    address = formula_url(r"\sqrt{2}", display=False)
    plain = formula_image(address, "#000000", TEXT, 1.0)
    sharp = formula_image(address, "#000000", TEXT, 2.0)

    assert plain is not None
    assert sharp is not None
    assert sharp.devicePixelRatio() == 2.0
    assert abs(sharp.width() - 2 * plain.width()) <= 2
    assert sharp.deviceIndependentSize().toSize().width() == pytest.approx(plain.width(), abs=1)


def test_an_image_drawn_before_comes_from_the_cache(qapp) -> None:
    math_images.clear_cache()
    address = formula_url(r"\alpha^2", display=False)

    larger = TextMetrics(em=30.0, x_height=15, ascent=28.0, descent=8.0)
    first = formula_image(address, "#112233", TEXT, 1.0)
    again = formula_image(address, "#112233", TEXT, 1.0)
    other_colour = formula_image(address, "#445566", TEXT, 1.0)
    other_size = formula_image(address, "#112233", larger, 1.0)

    assert first is not None
    assert again is first
    assert other_colour is not None
    assert other_colour is not first
    assert other_size is not None
    assert other_size.height() > first.height()


def test_a_formula_that_does_not_typeset_gets_no_image(qapp, font) -> None:
    document = QTextDocument()

    assert formula_image(formula_url(r"\nope", display=False), "#000000", TEXT, 1.0) is None
    assert formula_image("https://example.com/x.png", "#000000", TEXT, 1.0) is None
    assert add_math_images(document, "<p>no formulas</p>", QColor("black"), font, 1.0) == 0


@pytest.mark.parametrize(
    ("formula", "px", "dpr"),
    [
        ("x", 48, 1.0),  # shorter than the line: the text decides its height
        ("x", 15, 2.0),
        (r"\overline{x}^{2^{2^{2}}}", 48, 1.0),  # taller above the baseline than the text
        (r"\overline{x}^{2^{2^{2}}}", 15, 1.0),
    ],
)
def test_an_inline_formula_stands_on_the_texts_baseline(qapp, renderer, formula, px, dpr) -> None:
    """The formula's x (nothing below the baseline) ends where the text's x does."""
    font = QFont()
    font.setPixelSize(px)
    html = renderer.render(f"x${formula}$")
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultStyleSheet(theme_for(False).css)  # with its 135% line height
    document.setDefaultFont(font)
    add_math_images(document, html, QColor("black"), font, dpr)
    document.setHtml(html.rstrip())
    canvas = QImage((document.size() * dpr).toSize(), QImage.Format.Format_ARGB32)
    canvas.setDevicePixelRatio(dpr)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    document.drawContents(painter)
    painter.end()
    split = round(QFontMetrics(font).horizontalAdvance("x") * dpr)

    def lowest_ink(first: int, last: int) -> int:
        return max(
            y
            for x in range(first, last)
            for y in range(canvas.height())
            if canvas.pixelColor(x, y).lightness() < 128
        )

    text_bottom = lowest_ink(0, split)
    formula_bottom = lowest_ink(split + 1, canvas.width())
    assert abs(formula_bottom - text_bottom) <= 1.5 * dpr


def test_an_inline_placement_puts_the_baseline_where_qt_centres_the_line() -> None:
    text = TextMetrics(em=20.0, x_height=10, ascent=19.0, descent=5.0)
    for ascent, descent in ((8.0, 0.5), (30.0, 2.0), (14.0, 12.0), (40.0, 30.0)):
        height, top = math_images.inline_placement(ascent, descent, text, 1.0)

        assert height == int(height)
        assert 0 <= top <= height - ascent - descent + 1e-6
        line_ascent = max(text.ascent, (height + 5) / 2)
        line_descent = max(text.descent, (height - 5) / 2)
        image_top = line_ascent - (line_ascent + line_descent - height) / 2  # above the baseline
        assert top + ascent == pytest.approx(image_top)


def test_another_font_size_draws_the_formulas_again(qapp, renderer) -> None:
    small, large = QFont(), QFont()
    small.setPixelSize(14)
    large.setPixelSize(28)
    html = renderer.render(r"$$\frac{1}{2}$$")
    document = QTextDocument()
    shown(document, html, QColor("black"), small)
    before = document.size().height()

    document.setDefaultFont(large)
    refresh_math_images(document, html, QColor("black"), large, 1.0)

    assert QFontInfo(large).pixelSize() == 28
    assert document.size().height() > 1.5 * before


def test_copying_a_selection_gives_each_formula_as_its_source(qtbot, renderer, font) -> None:
    widget = QTextBrowser()
    qtbot.addWidget(widget)
    html = renderer.render("Energy $E = mc^2$, and\n\n$$\n\\int_0^1 x\\,dx\n$$\n")
    add_math_images(widget.document(), html, QColor("black"), font, 1.0)
    widget.setHtml(html.rstrip())
    widget.selectAll()

    selected = widget.createMimeDataFromSelection()
    text = with_formula_sources(selected.text(), selected.html())

    assert OBJECT_REPLACEMENT in selected.text()
    assert text == "Energy $E = mc^2$, and\n$$\\int_0^1 x\\,dx$$"
    copied_html = html_with_formula_sources(selected.html())
    assert "kimi-math:" not in copied_html
    assert "$E = mc^2$" in copied_html


def test_a_partial_selection_pairs_each_image_with_its_formula(qtbot, renderer, font) -> None:
    widget = QTextBrowser()
    qtbot.addWidget(widget)
    html = renderer.render("$a$ then $b$ then $c$")
    add_math_images(widget.document(), html, QColor("black"), font, 1.0)
    widget.setHtml(html.rstrip())
    cursor = widget.textCursor()
    cursor.setPosition(2)
    cursor.setPosition(widget.document().characterCount() - 1, QTextCursor.MoveMode.KeepAnchor)
    widget.setTextCursor(cursor)

    selected = widget.createMimeDataFromSelection()

    assert with_formula_sources(selected.text(), selected.html()) == "then $b$ then $c$"
