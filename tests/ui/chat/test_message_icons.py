"""The chat's button icons come from the bundled Lucide set, in the colour asked for."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage

from kimi_desktop.ui.chat.message_icons import line_icon
from kimi_desktop.ui.icons import icon_pixmap

NAMES = {
    "copy": "copy",
    "check": "check",
    "edit": "pencil",
    "delete": "trash-2",
    "regenerate": "refresh-cw",
    "arrow-down": "arrow-down",
    "chevron-left": "chevron-left",
    "chevron-right": "chevron-right",
}


def strokes(image: QImage, at_least: int = 160) -> list[QColor]:
    """The pixels the icon draws at ``at_least`` alpha (its strokes' cores)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return [
        c
        for y in range(image.height())
        for x in range(image.width())
        if (c := image.pixelColor(x, y)).alpha() >= at_least
    ]


def close(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 3


@pytest.mark.parametrize(("name", "lucide"), NAMES.items())
@pytest.mark.parametrize("ink", [QColor("#59636e"), QColor("#9198a1")], ids=["light", "dark"])
def test_each_name_is_its_lucide_icon_in_the_colour(qapp, name: str, lucide: str, ink) -> None:
    shown = line_icon(name, ink).pixmap(QSize(16, 16), 1.0).toImage()
    assert shown == icon_pixmap(lucide, ink, 16).toImage()
    pixels = strokes(shown)
    assert len(pixels) >= 6  # a chevron is two short strokes
    assert all(close(p, ink) for p in pixels)


def test_another_colour_is_another_icon_and_disabled_is_fainter(qapp) -> None:
    light, dark = QColor("#59636e"), QColor("#e6e7ea")
    assert line_icon("copy", light).cacheKey() != line_icon("copy", dark).cacheKey()
    assert line_icon("copy", light).cacheKey() == line_icon("copy", light).cacheKey()
    faded = line_icon("copy", light).pixmap(QSize(16, 16), 1.0, QIcon.Mode.Disabled).toImage()
    assert strokes(faded, at_least=1) != []  # drawn,
    assert strokes(faded, at_least=160) == []  # but never at full strength


def test_an_unknown_name_is_refused(qapp) -> None:
    with pytest.raises(KeyError):
        line_icon("no-such-icon", QColor("#000000"))
