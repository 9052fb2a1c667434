"""The composer's look: Send and Stop are icon buttons in one place, and the prompt
is written in the conversation's font size."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from kimi_desktop.ui.composer.panel import ComposerPanel
from kimi_desktop.ui.shell.style import theme_colours
from tests.ui.colours import contrast, dominant, inked


@pytest.fixture
def composer(qtbot) -> ComposerPanel:
    panel = ComposerPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 140)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_stop_takes_sends_place_as_a_clear_icon(composer, themed, qtbot, dark: bool) -> None:
    themed(dark)
    send, stop = composer.send_button, composer.stop_button
    composer.layout().activate()  # laid out again in the theme's metrics
    place = send.geometry()
    for button, name in ((send, "Send"), (stop, "Stop")):
        assert button.text() == ""  # an icon, named for screen readers and tooltips
        assert button.accessibleName() == name
        assert button.toolTip()

    def look(button) -> tuple[QColor, QColor]:
        image: QImage = composer.grab().toImage()
        rect = button.geometry().adjusted(8, 8, -8, -8)
        background = dominant(image, rect)
        return background, inked(image, rect, background)

    colours = theme_colours(dark)
    background, arrow = look(send)
    assert contrast(background, QColor(colours["accent"])) < 1.1  # on the accent colour
    assert contrast(arrow, background) >= 4.5

    composer.set_running(True)
    qtbot.waitUntil(lambda: stop.isVisible() and not send.isVisible())
    composer.layout().activate()
    assert stop.geometry() == place  # where Send was, not elsewhere
    background, square = look(stop)
    assert contrast(square, background) >= 4.5
    center = stop.geometry().center()
    image = composer.grab().toImage()
    assert contrast(image.pixelColor(center), square) < 1.1  # a filled square, not an outline

    composer.set_running(False)
    qtbot.waitUntil(lambda: send.isVisible() and not stop.isVisible())


def test_the_prompt_follows_the_font_size_preference(composer, qtbot) -> None:
    edit = composer.edit
    composer.set_font_point_size(10)
    small = edit.height()
    assert edit.font().pointSize() == 10

    composer.set_font_point_size(18)
    assert edit.font().pointSize() == 18
    qtbot.waitUntil(lambda: edit.height() > small)  # two lines of the larger font still show
    lines = edit.viewport().height() / edit.fontMetrics().lineSpacing()
    assert lines >= 2

    composer.set_text("a long prompt\n" * 3)
    assert edit.font().pointSize() == 18  # typing keeps the size


def test_the_attach_and_remove_buttons_are_icons(composer) -> None:
    assert composer.attach_button.text() == ""
    assert not composer.attach_button.icon().isNull()
    assert composer.attach_button.accessibleName()
    composer.set_text("x" * 200_000)  # held beside the box as a chip with a remove button
    (chip,) = composer._pasted
    (remove,) = [b for b in chip.findChildren(type(composer.attach_button))]
    assert remove.text() == ""
    assert not remove.icon().isNull()
    assert remove.accessibleName() == "Remove pasted text"


def test_the_font_size_reaches_the_text_when_the_style_came_first(themed, qtbot) -> None:
    """The app sets its style sheet before building the window, so the prompt box is
    polished before the preference's size arrives: the text must still be drawn in it."""
    themed(False)
    panel = ComposerPanel()
    qtbot.addWidget(panel)
    panel.set_font_point_size(18)  # as the window does while it is being built
    panel.resize(600, 160)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_text("Wide text")
    edit = panel.edit
    drawn = edit.viewport().fontMetrics().horizontalAdvance("Wide text")
    assert edit.viewport().font().pointSize() == 18
    assert drawn == edit.fontMetrics().horizontalAdvance("Wide text")
