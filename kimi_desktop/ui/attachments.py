"""Images waiting to be sent: where they come from (drop, paste, dialog) and the strip.

Every source ends in :meth:`AttachmentTray.add_sources`, which checks the count
first (nothing is decoded in vain), prepares each image off the GUI thread,
and reports any refusal as one sentence per file — the draft text and the
other images always stay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from kimi_desktop.images import (
    ImageRejected,
    PreparedImage,
    check_batch,
    check_budget,
    format_size,
    make_thumbnail,
    prepare_image_async,
)
from kimi_desktop.store import NewAttachment

THUMB_SIDE = 56
Source = str | bytes


def sources_from_mime(mime: QMimeData) -> list[Source]:
    """Local files (dragged or copied) or raw image data, in that order of preference."""
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    if files:
        return list(files)
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            data = QByteArray()
            buffer = QBuffer(data)
            buffer.open(QBuffer.OpenModeFlag.WriteOnly)
            # WORKAROUND: PySide6 6.11's stubs want bytes for the format; the binding takes str.
            image.save(buffer, "PNG")  # type: ignore[call-overload]
            return [bytes(data.data())]
    for kind in ("image/png", "image/jpeg", "image/webp", "image/gif"):
        if mime.hasFormat(kind):
            return [bytes(mime.data(kind).data())]
    return []


def mime_has_images(mime: QMimeData) -> bool:
    """Whether a drag or paste could carry images (checked cheaply, before any decoding)."""
    return bool(
        any(url.isLocalFile() for url in mime.urls())
        or mime.hasImage()
        or any(mime.hasFormat(f"image/{kind}") for kind in ("png", "jpeg", "webp", "gif"))
    )


class AttachmentTray(QWidget):
    """The ``attachmentStrip``: thumbnails of the draft's images, each removable.

    Signals:
        changed(): images were added or removed.
        rejected(str sentence): a file could not be attached, and why.
        preview_requested(PreparedImage)
        busy_changed(bool): images are being prepared (Send waits for them).
    """

    changed = Signal()
    rejected = Signal(str)
    preview_requested = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentStrip")
        self.setAccessibleName("Attached images")
        self._images: list[PreparedImage] = []
        self._pending = 0
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 4)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.setVisible(False)

    # -- state -------------------------------------------------------------------

    def images(self) -> list[PreparedImage]:
        return list(self._images)

    def is_busy(self) -> bool:
        return self._pending > 0

    def new_attachments(self) -> list[NewAttachment]:
        """The images as the store keeps them."""
        return [NewAttachment(i.mime, i.data, i.width, i.height, i.name) for i in self._images]

    def clear(self) -> None:
        self._images.clear()
        self._rebuild()

    def remove(self, index: int) -> None:
        if 0 <= index < len(self._images):
            del self._images[index]
            self._rebuild()

    # -- adding ------------------------------------------------------------------

    async def add_sources(self, sources: Sequence[Source]) -> list[str]:
        """Prepare and attach images; returns the sentences of those refused."""
        if not sources:
            return []
        try:
            check_batch(len(self._images) + self._pending, len(sources))
        except ImageRejected as exc:
            self.rejected.emit(str(exc))
            return [str(exc)]
        self._set_pending(self._pending + len(sources))
        refusals: list[str] = []
        try:
            results = await asyncio.gather(
                *(prepare_image_async(s, name=_name_of(s)) for s in sources),
                return_exceptions=True,
            )
        finally:
            self._set_pending(self._pending - len(sources))
        for result in results:
            if isinstance(result, ImageRejected):
                refusals.append(str(result))
            elif isinstance(result, BaseException):
                refusals.append(f"The image could not be attached ({type(result).__name__}).")
            else:
                try:
                    check_budget([*(len(i.data) for i in self._images), len(result.data)])
                except ImageRejected as exc:
                    refusals.append(str(exc))
                    continue
                self._images.append(result)
        self._rebuild()
        for sentence in refusals:
            self.rejected.emit(sentence)
        return refusals

    def _set_pending(self, pending: int) -> None:
        was_busy = self._pending > 0
        self._pending = pending
        if was_busy != (pending > 0):
            self.busy_changed.emit(pending > 0)

    # -- drawing -----------------------------------------------------------------

    def _rebuild(self) -> None:
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for index, image in enumerate(self._images):
            self._layout.insertWidget(index, self._thumb(index, image))
        self.setVisible(bool(self._images))
        self.changed.emit()

    def _thumb(self, index: int, image: PreparedImage) -> QWidget:
        cell = QWidget(self)
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        size = format_size(len(image.data))
        label = image.name or "image"
        button = QToolButton(cell)
        button.setObjectName("attachmentThumbnail")
        button.setIcon(QIcon(QPixmap.fromImage(make_thumbnail(image.data, THUMB_SIDE))))
        button.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        button.setText(size)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setToolTip(f"{label} — {image.width}×{image.height}, {size}. Click to preview.")
        button.setAccessibleName(f"Attached image {label}, {size}")
        button.clicked.connect(lambda: self.preview_requested.emit(image))
        remove = QToolButton(cell)
        remove.setObjectName("attachmentRemove")
        remove.setText("×")
        remove.setAutoRaise(True)
        remove.setToolTip(f"Remove {label}")
        remove.setAccessibleName(f"Remove {label}")
        remove.clicked.connect(lambda: self.remove(self._images.index(image)))
        row.addWidget(button)
        row.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        return cell


def _name_of(source: Source) -> str | None:
    return Path(source).name if isinstance(source, str) else None
