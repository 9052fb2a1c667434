"""Render a bundled SVG icon in palette colours, as a cached QIcon."""

from __future__ import annotations

import atexit
import math
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

#: Every bundled icon, by its Lucide name (``lucide/<name>.svg``).
ICON_NAMES = (
    "arrow-down",
    "arrow-up",
    "brain",
    "check",
    "chevron-down",
    "chevron-left",
    "chevron-right",
    "chevron-up",
    "circle-alert",
    "circle-check",
    "circle-x",
    "copy",
    "download",
    "ellipsis",
    "eye",
    "file-text",
    "globe",
    "info",
    "paperclip",
    "pencil",
    "play",
    "plus",
    "refresh-cw",
    "rotate-ccw",
    "scroll-text",
    "search",
    "settings",
    "sparkles",
    "square",
    "square-pen",
    "trash-2",
    "triangle-alert",
    "upload",
    "x",
)

#: The bundled SVG files, beside this module in the package as in the bundle.
_LUCIDE = Path(__file__).with_name("lucide")

#: A disabled icon whose palette gives no disabled colour of its own is this
#: much of the way from its colour to the window's.
_DISABLED_FADE = 0.55

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup
_cache: dict[tuple[object, ...], QIcon] = {}
# Emptied before Qt's own exit handler (registered earlier, so run later) takes the
# application down: a pixmap outliving it can crash the interpreter's exit.
atexit.register(_cache.clear)


@cache
def svg_source(name: str) -> bytes:
    """The icon's SVG as bundled; ``KeyError`` for a name not in :data:`ICON_NAMES`."""
    if name not in ICON_NAMES:
        raise KeyError(name)
    return (_LUCIDE / f"{name}.svg").read_bytes()


def icon(
    name: str,
    role: QPalette.ColorRole = _Role.ButtonText,
    size: int = 16,
    *,
    palette: QPalette | None = None,
    checked_role: QPalette.ColorRole | None = None,
    filled: bool = False,
) -> QIcon:
    """The icon ``name`` drawn in ``palette``'s ``role`` colour (the application's
    palette by default), ``size`` pixels square at every pixel ratio in use.

    Disabled, it takes the palette's disabled colour for ``role``. A checkable
    button's checked state takes ``checked_role`` when given (white on an accent
    background, say). ``filled`` paints the shape's inside too (a solid square
    for Stop). Icons are cached by their colours, so switching the theme back
    and forth renders nothing twice.
    """
    palette = palette if palette is not None else QGuiApplication.palette()
    normal = palette.color(_Group.Active, role)
    disabled = _disabled_colour(palette, role)
    checked = palette.color(_Group.Active, checked_role) if checked_role is not None else None
    scales = _scales()
    key = (
        name,
        size,
        filled,
        normal.rgba(),
        disabled.rgba(),
        checked.rgba() if checked else None,
        scales,
    )
    found = _cache.get(key)
    if found is not None:
        return found
    result = QIcon()
    states = [(QIcon.State.Off, normal)]
    if checked is not None:
        states.append((QIcon.State.On, checked))
    for scale in scales:
        for state, colour in states:
            pixmap = icon_pixmap(name, colour, size, scale, filled=filled)
            result.addPixmap(pixmap, QIcon.Mode.Normal, state)
            result.addPixmap(pixmap, QIcon.Mode.Active, state)
            result.addPixmap(pixmap, QIcon.Mode.Selected, state)
            faded = icon_pixmap(name, disabled, size, scale, filled=filled)
            result.addPixmap(faded, QIcon.Mode.Disabled, state)
    _cache[key] = result
    return result


def coloured_icon(name: str, colour: QColor, size: int = 16) -> QIcon:
    """The icon ``name`` in one given ``colour`` (faded when disabled), for widgets
    that choose their colours themselves rather than take them from a palette.

    Like :func:`icon`, cached and rendered for every pixel ratio in use; the caller
    asks again with the new colour when its theme changes.
    """
    scales = _scales()
    key = ("coloured", name, size, colour.rgba(), scales)
    found = _cache.get(key)
    if found is not None:
        return found
    faded = QColor(colour)
    faded.setAlphaF(colour.alphaF() * (1 - _DISABLED_FADE))
    result = QIcon()
    for scale in scales:
        pixmap = icon_pixmap(name, colour, size, scale)
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Active, QIcon.Mode.Selected):
            result.addPixmap(pixmap, mode)
        result.addPixmap(icon_pixmap(name, faded, size, scale), QIcon.Mode.Disabled)
    _cache[key] = result
    return result


def icon_pixmap(
    name: str, colour: QColor, size: int, scale: float = 1.0, *, filled: bool = False
) -> QPixmap:
    """One rendering of the icon: ``size`` logical pixels at pixel ratio ``scale``."""
    pixels = max(1, math.ceil(size * scale))
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(_tinted(name, colour, filled=filled)))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setOpacity(colour.alphaF())
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(scale)
    return pixmap


def _tinted(name: str, colour: QColor, *, filled: bool) -> bytes:
    """The SVG with ``currentColor`` (and, when ``filled``, the root's fill) in ``colour``."""
    rgb = colour.name(QColor.NameFormat.HexRgb).encode("ascii")
    svg = svg_source(name).replace(b"currentColor", rgb)
    if filled:
        svg = svg.replace(b'fill="none"', b'fill="' + rgb + b'"', 1)
    return svg


def _disabled_colour(palette: QPalette, role: QPalette.ColorRole) -> QColor:
    normal = palette.color(_Group.Active, role)
    disabled = palette.color(_Group.Disabled, role)
    if disabled.rgba() != normal.rgba():
        return disabled
    background = palette.color(_Group.Active, _Role.Window)
    return _mix(normal, background, _DISABLED_FADE)


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
        a.alphaF(),
    )


def _scales() -> tuple[float, ...]:
    """The pixel ratios to render: those of the screens (a widget moved to a screen
    of another ratio has its icon drawn again)."""
    ratios = {1.0}
    if isinstance(QGuiApplication.instance(), QGuiApplication):
        ratios = {screen.devicePixelRatio() for screen in QGuiApplication.screens()} or ratios
    return tuple(sorted(ratios))
