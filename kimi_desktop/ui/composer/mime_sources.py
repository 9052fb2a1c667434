"""What a drag or a paste carries that could become attachments: local files or image data.

Local files of any kind are taken here; whether each is an image or a document,
or neither, is for the draft's images and documents to find out.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QMimeData
from PySide6.QtGui import QImage

from kimi_desktop.services.attachments import Source

_RAW_FORMATS = ("image/png", "image/jpeg", "image/webp", "image/gif")


def sources_from_mime(mime: QMimeData) -> list[Source]:
    """Local files (dragged or copied) or raw image data, in that order of preference."""
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    if files:
        return list(files)
    # Encoded bytes first: they are the original file (a copied PNG stays the
    # same PNG), where a QImage would be re-encoded.
    for kind in _RAW_FORMATS:
        if mime.hasFormat(kind):
            data = bytes(mime.data(kind).data())
            if data:
                return [data]
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            data_array = QByteArray()
            buffer = QBuffer(data_array)
            buffer.open(QBuffer.OpenModeFlag.WriteOnly)
            # WORKAROUND: PySide6 6.11's stubs want bytes for the format; the binding takes str.
            image.save(buffer, "PNG")  # type: ignore[call-overload]
            return [bytes(data_array.data())]
    return []


def mime_has_attachments(mime: QMimeData) -> bool:
    """Whether a drag or paste could carry images or documents: local files or image
    data (checked cheaply, before any file is opened)."""
    return bool(
        any(url.isLocalFile() for url in mime.urls())
        or mime.hasImage()
        or any(mime.hasFormat(kind) for kind in _RAW_FORMATS)
    )
