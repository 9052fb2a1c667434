"""Formulas in a message's text: shown as images, copied as their LaTeX source."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from kimi_desktop.render.markdown import MarkdownRenderer
from kimi_desktop.render.math import formula_url
from kimi_desktop.ui.chat.math_images import OBJECT_REPLACEMENT
from kimi_desktop.ui.chat.message_parts import MessageText

IMAGE = int(QTextDocument.ResourceType.ImageResource)


def test_a_message_shows_a_formula_and_copies_its_source(qtbot) -> None:
    text = MessageText()
    qtbot.addWidget(text)
    rendered = MarkdownRenderer().render(r"The area is $\pi r^2$, as usual.")

    text.set_rich(rendered, (), "")

    assert text.document().toPlainText() == f"The area is {OBJECT_REPLACEMENT}, as usual."
    image = text.document().resource(IMAGE, QUrl(formula_url(r"\pi r^2", display=False)))
    assert image is not None
    assert not image.isNull()
    text.selectAll()
    copied = text.createMimeDataFromSelection()
    assert r"\pi r^2" in copied.text()
    assert OBJECT_REPLACEMENT not in copied.text()


def test_a_font_change_draws_the_formula_again_at_the_new_size(qtbot) -> None:
    text = MessageText()
    qtbot.addWidget(text)
    text.set_rich(MarkdownRenderer().render(r"$$\int_0^1 x\,dx$$"), (), "")
    url = QUrl(formula_url(r"\int_0^1 x\,dx", display=True))
    before = text.document().resource(IMAGE, url).height()

    font = text.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    text.setFont(font)

    assert text.document().resource(IMAGE, url).height() > before
