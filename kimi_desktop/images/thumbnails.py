"""Small previews of attached images, and file sizes as people read them.

Both are safe off the GUI thread: thumbnails are ``QImage`` (never ``QPixmap``);
the view converts them when it paints.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from kimi_desktop.i18n import ngettext
from kimi_desktop.images.formats import sniff
from kimi_desktop.images.limits import KB, MAX_PIXELS


def make_thumbnail(data: bytes, max_side: int) -> QImage:
    """Decode ``data`` so that its longer side is at most ``max_side`` pixels.

    Meant for images that went through :func:`~kimi_desktop.images.prepare_image`
    (the attachment strip, the conversation view). Pass ``max_side`` in device
    pixels (logical size times the device pixel ratio) for a sharp result on HiDPI
    screens. Never enlarges. EXIF orientation is applied; an animation gives its
    first frame. Returns a null ``QImage`` when ``data`` is not a readable image
    in an accepted format, so the caller can show a placeholder.
    """
    if max_side < 1:
        raise ValueError(f"max_side must be positive, not {max_side}")
    image_format = sniff(data)
    if image_format is None:
        return QImage()
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, image_format.qt_name)
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > MAX_PIXELS:
        return QImage()
    scaled = fit_within(size, max_side)
    if scaled != size:
        # Lets the JPEG decoder skip detail it would throw away; other formats
        # are decoded whole and scaled smoothly by Qt.
        reader.setScaledSize(scaled)
    image = reader.read()
    buffer.close()
    if image.isNull():
        return QImage()
    if image.width() > max_side or image.height() > max_side:  # Qt ignored the hint
        oriented = fit_within(image.size(), max_side)
        image = image.scaled(
            oriented,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    # The formats QPainter draws fastest.
    target = (
        QImage.Format.Format_ARGB32_Premultiplied
        if image.hasAlphaChannel()
        else QImage.Format.Format_RGB32
    )
    return image if image.format() == target else image.convertToFormat(target)


def fit_within(size: QSize, max_side: int) -> QSize:
    """``size`` scaled down, aspect ratio kept, so neither side exceeds ``max_side``."""
    width, height = size.width(), size.height()
    longest = max(width, height)
    if longest <= max_side:
        return QSize(width, height)
    factor = max_side / longest
    return QSize(max(1, round(width * factor)), max(1, round(height * factor)))


_UNITS = ("KB", "MB", "GB", "TB")


def format_size(n_bytes: int) -> str:
    """A byte count as a person reads it: "512 bytes", "820 KB", "1.4 MB", "103 MB".

    Binary multiples (1 KB = 1024 bytes) so that the limits in
    :mod:`kimi_desktop.images.limits` read as round numbers. One decimal below
    10, whole numbers above.
    """
    if n_bytes < KB:
        return ngettext("{n} byte", "{n} bytes", n_bytes).format(n=n_bytes)
    value = float(n_bytes)
    for unit in _UNITS:
        value /= 1024
        text = f"{value:.1f}" if value < 9.95 else f"{value:.0f}"
        if float(text) < 1024 or unit == _UNITS[-1]:
            return f"{text.removesuffix('.0')} {unit}"
    raise AssertionError("unreachable")
