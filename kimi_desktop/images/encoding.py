"""Qt encoding helpers: pixel-format clean-up, transparency, size estimates."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QColorSpace, QImage, QImageWriter, QPainter, QPixelFormat

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


def sendable_as_is(image: QImage) -> bool:
    """Whether the file ``image`` was decoded from can go out without a re-encode.

    Only 8-bit (or fewer) channels in RGB, grey or a palette, in sRGB or with no
    colour space at all: 16-bit and CMYK files are converted, and images with a
    colour profile are converted to sRGB, which vision models assume.
    """
    pixel = image.pixelFormat()
    if pixel.colorModel() == QPixelFormat.ColorModel.CMYK:
        return False
    channels = (pixel.redSize(), pixel.greenSize(), pixel.blueSize(), pixel.alphaSize())
    if max(channels) > 8:
        return False
    return near_srgb(image.colorSpace())


_SRGB = QColorSpace(QColorSpace.NamedColorSpace.SRgb)
# Primaries, white and greys: converting any of them from a space that passes
# moves no channel by more than _SRGB_TOLERANCE levels of 255.
_SRGB_PROBES = tuple(
    QColor(*rgb)
    for rgb in (
        (255, 0, 0),
        (0, 255, 0),
        (0, 0, 255),
        (255, 255, 255),
        (64, 64, 64),
        (128, 128, 128),
        (192, 192, 192),
    )
)
_SRGB_TOLERANCE = 3


def near_srgb(space: QColorSpace) -> bool:
    """Whether pixels in ``space`` look the same read as sRGB (or ``space`` is unset).

    A PNG with only ``gAMA`` 1/2.2, as many tools write, is sRGB to within a
    level or two; converting it would change nothing a model can see.
    """
    if not space.isValid() or space == _SRGB:
        return True
    transform = space.transformationToColorSpace(_SRGB)
    for probe in _SRGB_PROBES:
        mapped = transform.map(probe)  # out-of-gamut colours come back as ExtendedRgb
        channels = zip(
            (probe.redF(), probe.greenF(), probe.blueF()),
            (mapped.redF(), mapped.greenF(), mapped.blueF()),
            strict=True,
        )
        if any(abs(a - b) * 255 > _SRGB_TOLERANCE for a, b in channels):
            return False
    return True


def to_srgb(image: QImage) -> QImage:
    """``image`` in sRGB: vision models assume it and ignore embedded profiles."""
    color_space = image.colorSpace()
    if not color_space.isValid() or color_space == _SRGB:
        return image
    return image.convertedToColorSpace(_SRGB)


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
    """``image`` written by Qt as ``qt_format`` (b"png", b"jpeg") at ``quality``.

    Without the text the source file carried: Qt keeps PNG text chunks and JPEG
    comments on the decoded image and would write them back out.
    """
    if image.textKeys():
        image = without_text(image)
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, qt_format)
    writer.setQuality(quality)
    if not writer.write(image):  # only on out-of-memory or a missing plugin
        raise RuntimeError(f"cannot encode {qt_format.decode()}: {writer.errorString()}")
    buffer.close()
    return bytes(array.data())


def without_text(image: QImage) -> QImage:
    """A copy of ``image``'s pixels, colour table and colour space, and nothing else.

    ``QImage`` can set text but never remove it, and every conversion copies it.
    """
    pixels = QImage(
        image.constBits(), image.width(), image.height(), image.bytesPerLine(), image.format()
    )
    pixels.setColorTable(image.colorTable())
    pixels.setColorSpace(image.colorSpace())
    return pixels.copy()  # owns its pixels: the view above borrows ``image``'s
