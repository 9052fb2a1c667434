"""Small line icons for the chat's buttons, drawn so no icon theme is needed."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

_SIZE = 16
_SCALE = 3  # drawn large enough for 200 to 300 % displays
_cache: dict[tuple[str, int], QIcon] = {}


def line_icon(name: str, color: QColor) -> QIcon:
    """The icon ``name`` ("copy", "check", "edit", "delete", "regenerate", "arrow-down")
    in ``color``."""
    key = (name, color.rgba())
    icon = _cache.get(key)
    if icon is None:
        icon = QIcon(_draw(name, color))
        _cache[key] = icon
    return icon


def _draw(name: str, color: QColor) -> QPixmap:
    pixmap = QPixmap(_SIZE * _SCALE, _SIZE * _SCALE)
    pixmap.fill(Qt.GlobalColor.transparent)
    pixmap.setDevicePixelRatio(_SCALE)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(color, 1.3)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    _PAINTERS[name](painter)
    painter.end()
    return pixmap


def _copy(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(5.5, 5.5, 8, 8), 1.8, 1.8)
    path = QPainterPath()
    path.moveTo(3.5, 10.5)
    path.lineTo(3.5, 4.3)
    path.quadTo(3.5, 2.5, 5.3, 2.5)
    path.lineTo(10.5, 2.5)
    p.drawPath(path)


def _check(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(3.5, 8.5)
    path.lineTo(6.5, 11.5)
    path.lineTo(12.5, 4.5)
    p.drawPath(path)


def _edit(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(3, 13)
    path.lineTo(3.6, 10.2)
    path.lineTo(10.6, 3.2)
    path.lineTo(12.8, 5.4)
    path.lineTo(5.8, 12.4)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(9.2, 4.6), QPointF(11.4, 6.8))


def _delete(p: QPainter) -> None:
    p.drawLine(QPointF(2.5, 4.5), QPointF(13.5, 4.5))
    path = QPainterPath()
    path.moveTo(6, 4.5)
    path.lineTo(6, 2.8)
    path.lineTo(10, 2.8)
    path.lineTo(10, 4.5)
    path.moveTo(4, 4.5)
    path.lineTo(4.7, 13.5)
    path.lineTo(11.3, 13.5)
    path.lineTo(12, 4.5)
    p.drawPath(path)
    p.drawLine(QPointF(6.8, 7), QPointF(6.8, 11))
    p.drawLine(QPointF(9.2, 7), QPointF(9.2, 11))


def _regenerate(p: QPainter) -> None:
    centre, radius = QPointF(8, 8.3), 5.0
    path = QPainterPath()
    start = -40.0
    path.arcMoveTo(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius), start)
    path.arcTo(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius), start, 300)
    p.drawPath(path)
    angle = math.radians(start + 300)
    tip = QPointF(centre.x() + radius * math.cos(angle), centre.y() - radius * math.sin(angle))
    head = QPainterPath()
    head.moveTo(tip.x() - 2.8, tip.y() - 0.6)
    head.lineTo(tip.x(), tip.y())
    head.lineTo(tip.x() - 0.4, tip.y() - 2.9)
    p.drawPath(head)


def _arrow_down(p: QPainter) -> None:
    p.drawLine(QPointF(8, 3), QPointF(8, 13))
    path = QPainterPath()
    path.moveTo(3.8, 8.8)
    path.lineTo(8, 13)
    path.lineTo(12.2, 8.8)
    p.drawPath(path)


_PAINTERS = {
    "copy": _copy,
    "check": _check,
    "edit": _edit,
    "delete": _delete,
    "regenerate": _regenerate,
    "arrow-down": _arrow_down,
}
