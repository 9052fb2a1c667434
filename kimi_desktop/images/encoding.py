"""Qt encoding helpers: pixel-format clean-up, transparency, size estimates."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColorSpace, QImage, QImageWriter, QPainter

from kimi_desktop.images.limits import PNG_QUALITY


def estimate_png_size(image: QImage) -> int:
    """About how large ``image`` is as PNG, from a sample of eight bands of rows.

    A photo saved as PNG cannot fit, and compressing it whole only to find out
    costs a quarter of a second; the sample costs an eighth of that. Bands
    spread over the height catch content that differs from top to bottom.
    """
    bands = 8
    rows = image.height() // (8 * bands)
    if rows < 4:  # small images: the full encode is cheap anyway
        return 0
    step = image.height() // bands
    sampled = sum(
        len(encode(image.copy(0, band * step, image.width(), rows), b"png", PNG_QUALITY))
        for band in range(bands)
    )
    return sampled * image.height() // (rows * bands)


_KEPT_FORMATS = frozenset(
    {
        QImage.Format.Format_RGB32,
        QImage.Format.Format_ARGB32,
        QImage.Format.Format_ARGB32_Premultiplied,
        QImage.Format.Format_Grayscale8,
        QImage.Format.Format_Indexed8,
    }
)


def eight_bit_rgb(image: QImage) -> QImage:
    """``image`` in a format that encodes to ordinary 8-bit PNG or RGB JPEG.

    Qt would otherwise write 16-bit PNGs back as 16-bit (twice the bytes for
    nothing a model can see) and CMYK JPEGs back as CMYK.
    """
    if image.format() in _KEPT_FORMATS:
        return image
    target = QImage.Format.Format_ARGB32 if image.hasAlphaChannel() else QImage.Format.Format_RGB32
    return image.convertToFormat(target)


def to_srgb(image: QImage) -> QImage:
    """``image`` in sRGB: vision models assume it and ignore embedded profiles."""
    color_space = image.colorSpace()
    srgb = QColorSpace(QColorSpace.NamedColorSpace.SRgb)
    if not color_space.isValid() or color_space == srgb:
        return image
    return image.convertedToColorSpace(srgb)


def on_white(image: QImage) -> QImage:
    """``image`` without transparency, composited on white as a viewer shows it.

    JPEG has no alpha channel; converting directly would turn transparent
    pixels black.
    """
    if not image.hasAlphaChannel():
        return image
    canvas = QImage(image.size(), QImage.Format.Format_RGB32)
    canvas.setColorSpace(image.colorSpace())
    canvas.fill(Qt.GlobalColor.white)
    painter = QPainter(canvas)
    painter.drawImage(0, 0, image)
    painter.end()
    return canvas


def encode(image: QImage, qt_format: bytes, quality: int) -> bytes:
    """``image`` written by Qt as ``qt_format`` (b"png", b"jpeg") at ``quality``."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, qt_format)
    writer.setQuality(quality)
    if not writer.write(image):  # only on out-of-memory or a missing plugin
        raise RuntimeError(f"cannot encode {qt_format.decode()}: {writer.errorString()}")
    buffer.close()
    return bytes(array.data())
