"""An attachment's remove button: Lucide's cross, not a typed ×, on a disc in the
text colour, in the window's colour in either theme under the app's style sheet."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from kimi_desktop.ui.composer.document_chips import RemoveButton
from kimi_desktop.ui.shell.style import apply_style


def lightness_at(button: RemoveButton, x: int, y: int) -> int:
    """The lightness of the button's pixel at (x, y), over the window's colour."""
    ground = QApplication.palette().color(QPalette.ColorRole.Window)
    image = QImage(button.size() * 2, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(2)
    image.fill(ground)
    button.render(image)
    return image.pixelColor(x * 2, y * 2).lightness()


def cross_and_disc(button: RemoveButton) -> tuple[int, int]:
    """Lightness where the cross's strokes meet, and on the disc beside them."""
    centre = button.rect().center()
    return lightness_at(button, centre.x(), centre.y()), lightness_at(button, centre.x(), 3)


@pytest.mark.usefixtures("restore_style")
def test_the_button_shows_a_cross_icon_in_either_theme(qapp, qtbot) -> None:
    apply_style(qapp, False)
    host = QWidget()
    qtbot.addWidget(host)
    button = RemoveButton("notes.md", host)
    host.show()
    qtbot.waitExposed(host)
    assert button.text() == ""
    assert not button.icon().isNull()
    assert button.accessibleName() == "Remove notes.md"
    assert button.toolTip()
    cross, disc = cross_and_disc(button)  # a light cross on a dark disc
    assert cross > 180
    assert disc < 120

    apply_style(qapp, True)  # a dark cross on a light disc
    cross, disc = cross_and_disc(button)
    assert cross < 90
    assert disc > 150
