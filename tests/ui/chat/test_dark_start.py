"""An app that starts in the dark theme draws the chat in dark colours, as one switched live does.

The colours are read from what is painted (a grab), not from the palettes: the
palettes reported the right colours while the chat area was painted white.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QLabel

from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.shell.style import apply_style, is_dark
from tests.fakes import openai_stream
from tests.ui.app_driver import finish, send
from tests.ui.colours import contrast, distance

REPLY = "Here is a plain answer with enough words to paint a line of text across the view."


@pytest.fixture
def light_app_style(qapp) -> Iterator[None]:
    """The app's look as a fresh start has it, put back afterwards."""
    apply_style(qapp, False)
    yield
    apply_style(qapp, is_dark("system"))


def home_with_theme(tmp_path: Path, theme: str) -> Path:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "preferences.json").write_text(json.dumps({"theme": theme}))
    return home


def colours(image: QImage, area: QRect) -> Counter[int]:
    found: Counter[int] = Counter()
    for y in range(area.top(), area.bottom() + 1, 2):
        for x in range(area.left(), area.right() + 1, 2):
            found[image.pixel(x, y)] += 1
    return found


@pytest.mark.usefixtures("light_app_style")
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_chat_is_painted_in_the_theme_the_app_starts_in(
    server, make_app, qloop, qtbot, tmp_path, theme
) -> None:
    parts = make_app(server, home=home_with_theme(tmp_path, theme))
    qtbot.waitExposed(parts.window)
    view = parts.window.chat_view
    style = MessageStyle.for_dark(theme == "dark")
    assert view.is_dark() is (theme == "dark")

    server.enqueue(openai_stream([], [REPLY]))
    finish(qloop, parts, send(parts, "Say something"))
    reply_id = view.message_ids()[-1]
    qtbot.waitUntil(lambda: REPLY in view.message_widget(reply_id).plain_text())

    # The colours the view and its viewport hold...
    for widget in (view, view.viewport()):
        assert widget.palette().color(QPalette.ColorRole.Window) == style.background

    # ... and those painted: the chat area's background...
    image = view.viewport().grab().toImage()
    margin = QRect(2, 2, 20, view.viewport().height() - 4)  # beside the messages
    (background, _count), *_ = colours(image, margin).most_common(1)
    assert distance(QColor(background), style.background) < 6

    # ... and the reply's text, and the "Kimi" above it, on it.
    widget = view.message_widget(reply_id)
    text = widget.text_widget()
    area = QRect(text.mapTo(view.viewport(), QPoint(0, 0)), text.size())
    painted = colours(image, area)
    (ground, _count), *_ = painted.most_common(1)
    assert distance(QColor(ground), style.background) < 6
    ink = max((QColor(c) for c in painted), key=lambda c: contrast(c, style.background))
    assert contrast(ink, style.background) > 7
    assert distance(ink, style.text) < 60

    author = widget.findChild(QLabel, "messageAuthor")
    assert author.text() == "Kimi"
    area = QRect(author.mapTo(view.viewport(), QPoint(0, 0)), author.size())
    ink = max(
        (QColor(c) for c in colours(image, area)), key=lambda c: contrast(c, style.background)
    )
    assert contrast(ink, style.background) > 7
