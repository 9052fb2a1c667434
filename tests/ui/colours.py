"""Colour measures the look tests assert with: WCAG contrast and a plain distance."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage


def luminance(colour: QColor) -> float:
    """WCAG relative luminance (sRGB channels linearised)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio, 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def distance(a: QColor, b: QColor) -> int:
    """How far apart two colours are: the sum of their channels' differences."""
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def dominant(image: QImage, rect: QRect) -> QColor:
    """The colour most pixels of ``rect`` have: a control's background."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    counts = Counter(
        image.pixel(x, y)
        for y in range(rect.top(), rect.bottom() + 1)
        for x in range(rect.left(), rect.right() + 1)
    )
    return QColor.fromRgb(counts.most_common(1)[0][0])


def inked(image: QImage, rect: QRect, background: QColor) -> QColor:
    """The colour farthest from ``background`` inside ``rect``: a control's text or icon."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = [
        image.pixelColor(x, y)
        for y in range(rect.top(), rect.bottom() + 1)
        for x in range(rect.left(), rect.right() + 1)
    ]
    return max(pixels, key=lambda colour: contrast(colour, background))
