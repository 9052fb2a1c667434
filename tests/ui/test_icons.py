"""The bundled icons: every one loads, takes the palette's colours, and follows a theme change."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QImage, QPalette
from PySide6.QtWidgets import QToolButton

from kimi_desktop.ui.icons import ICON_NAMES, icon, icon_pixmap, set_icon, svg_source
from kimi_desktop.ui.icons.binding import _ThemedIcon
from kimi_desktop.ui.icons.files import icon_file

LUCIDE = Path(str(files("kimi_desktop.ui.icons").joinpath("lucide")))
INK_LIGHT, INK_DARK = QColor("#1f2328"), QColor("#e6e7ea")


def palette(ink: QColor, *, disabled: QColor | None = None) -> QPalette:
    result = QPalette()
    for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text):
        result.setColor(role, ink)
        if disabled is not None:
            result.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    result.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    result.setColor(QPalette.ColorRole.Window, QColor("#808080"))
    return result


def inked(image: QImage) -> list[QColor]:
    """The colours of the pixels the icon draws fully (its strokes' cores)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return [
        colour
        for y in range(image.height())
        for x in range(image.width())
        if (colour := image.pixelColor(x, y)).alpha() == 255
    ]


def close(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 2


def test_the_bundle_is_the_list_and_carries_its_licence() -> None:
    svgs = sorted(path.stem for path in LUCIDE.glob("*.svg"))
    assert svgs == sorted(ICON_NAMES)
    licence = (LUCIDE / "LICENSE").read_text()
    assert "ISC License" in licence
    assert "Lucide" in licence
    total = sum(path.stat().st_size for path in LUCIDE.glob("*.svg"))
    assert total < 20_000  # a few icons, not the whole set
    for name in ICON_NAMES:
        assert b"currentColor" in svg_source(name), name  # so they can be tinted


def test_an_unknown_name_is_refused(qapp) -> None:
    with pytest.raises(KeyError):
        icon("no-such-icon")


@pytest.mark.parametrize("name", ICON_NAMES)
@pytest.mark.parametrize("ink", [INK_LIGHT, INK_DARK], ids=["light", "dark"])
def test_every_icon_draws_in_the_palettes_colour(qapp, name: str, ink: QColor) -> None:
    loaded = icon(name, size=24, palette=palette(ink))  # Lucide's own grid: 2-pixel strokes
    assert not loaded.isNull()
    pixels = inked(loaded.pixmap(QSize(24, 24)).toImage())
    assert len(pixels) > 10, "the icon draws something"
    assert all(close(pixel, ink) for pixel in pixels)


def test_disabled_and_checked_take_their_own_colours(qapp) -> None:
    grey, white = QColor("#a3aab3"), QColor("#ffffff")
    loaded = icon(
        "brain",
        size=24,
        palette=palette(INK_LIGHT, disabled=grey),
        checked_role=QPalette.ColorRole.HighlightedText,
    )
    size = QSize(24, 24)

    def ink(mode: QIcon.Mode, state: QIcon.State) -> QColor:
        return inked(loaded.pixmap(size, mode, state).toImage())[0]

    assert close(ink(QIcon.Mode.Normal, QIcon.State.Off), INK_LIGHT)
    assert close(ink(QIcon.Mode.Disabled, QIcon.State.Off), grey)
    assert close(ink(QIcon.Mode.Normal, QIcon.State.On), white)
    assert close(ink(QIcon.Mode.Disabled, QIcon.State.On), grey)


def test_without_a_disabled_colour_a_disabled_icon_is_still_fainter(qapp) -> None:
    loaded = icon("x", size=24, palette=palette(INK_LIGHT))
    faded = inked(loaded.pixmap(QSize(24, 24), QIcon.Mode.Disabled).toImage())[0]
    assert not close(faded, INK_LIGHT)


def test_drawn_for_the_screens_pixel_ratio_and_sharp_at_twice_it(qapp) -> None:
    ratio = QGuiApplication.primaryScreen().devicePixelRatio()
    loaded = icon("settings")
    assert QSize(round(16 * ratio), round(16 * ratio)) in loaded.availableSizes()
    sharp = icon_pixmap("settings", INK_LIGHT, 16, 2.0)
    assert sharp.devicePixelRatio() == 2.0
    assert sharp.size() == QSize(32, 32)  # drawn at 32 pixels, not 16 scaled up


def test_filled_fills_the_shape(qapp) -> None:
    outline = icon_pixmap("square", INK_LIGHT, 24).toImage()
    solid = icon_pixmap("square", INK_LIGHT, 24, filled=True).toImage()
    assert outline.pixelColor(12, 12).alpha() == 0
    assert close(solid.pixelColor(12, 12), INK_LIGHT)
    assert solid.pixelColor(12, 12).alpha() == 255


def test_a_bound_icon_follows_its_buttons_palette(qtbot) -> None:
    button = QToolButton()
    qtbot.addWidget(button)
    button.setPalette(palette(INK_LIGHT))
    set_icon(button, "refresh-cw", size=24)
    assert button.iconSize() == QSize(24, 24)
    assert inked(button.icon().pixmap(24, 24).toImage()) == []  # blank until shown
    button.show()
    qtbot.waitExposed(button)
    assert all(close(p, INK_LIGHT) for p in inked(button.icon().pixmap(24, 24).toImage()))

    button.setPalette(palette(INK_DARK))  # what a theme switch does to every widget
    assert all(close(p, INK_DARK) for p in inked(button.icon().pixmap(24, 24).toImage()))

    set_icon(button, "x", size=24)  # another icon for the same button replaces the first
    assert all(close(p, INK_DARK) for p in inked(button.icon().pixmap(24, 24).toImage()))
    assert len(button.findChildren(_ThemedIcon)) == 1  # one binding, not one per call


def test_an_action_needs_the_widget_that_shows_it(qapp) -> None:
    with pytest.raises(TypeError):
        set_icon(QAction(), "search")


def test_style_sheet_files_are_tinted_copies(qapp) -> None:
    path = Path(icon_file("chevron-down", QColor("#6e7781")))
    assert path.name == "chevron-down-6e7781.svg"
    text = path.read_text()
    assert "#6e7781" in text
    assert "currentColor" not in text
    assert icon_file("chevron-down", QColor("#6e7781")) == path.as_posix()
