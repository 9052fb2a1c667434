"""Images waiting to be sent: where they come from (drop, paste, dialog) and the strip.

Every source ends in :meth:`AttachmentTray.add_sources`, which checks the count
first (nothing is decoded in vain), prepares each image and its thumbnail off
the GUI thread, and reports any refusal as one sentence naming the file — the
draft text and the other images always stay.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QMimeData, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPainter, QPaintEvent, QPalette, QPen, QPixmap
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


def mime_has_images(mime: QMimeData) -> bool:
    """Whether a drag or paste could carry images (checked cheaply, before any decoding)."""
    return bool(
        any(url.isLocalFile() for url in mime.urls())
        or mime.hasImage()
        or any(mime.hasFormat(kind) for kind in _RAW_FORMATS)
    )


@dataclass(frozen=True, slots=True, eq=False)
class _Attached:
    """One image of the draft with its thumbnail (compared by identity)."""

    image: PreparedImage
    thumbnail: QImage


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
        self._attached: list[_Attached] = []
        self._pending = 0
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 4)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.setVisible(False)

    # -- state -------------------------------------------------------------------

    def images(self) -> list[PreparedImage]:
        return [a.image for a in self._attached]

    def is_busy(self) -> bool:
        return self._pending > 0

    def new_attachments(self) -> list[NewAttachment]:
        """The images as the store keeps them."""
        return [NewAttachment(i.mime, i.data, i.width, i.height, i.name) for i in self.images()]

    def clear(self) -> None:
        self._attached.clear()
        self._rebuild()

    def remove(self, index: int) -> None:
        if 0 <= index < len(self._attached):
            del self._attached[index]
            self._rebuild()

    # -- adding ------------------------------------------------------------------

    def add_sources(self, sources: Sequence[Source]) -> asyncio.Task[list[str]]:
        """Start preparing images to attach; the task returns the sentences of those refused.

        The tray is busy from this call on, not from the task's first step, so a
        Send pressed right after a paste waits for the image instead of leaving
        it behind.
        """
        sources = list(sources)
        refusal: str | None = None
        if sources:
            try:
                check_batch(len(self._attached) + self._pending, len(sources))
            except ImageRejected as exc:
                refusal = f"{_not_attached(sources)} {exc}"
        if refusal is not None:
            self.rejected.emit(refusal)
            sources = []
        task = asyncio.ensure_future(self._add(sources, refusal))
        if sources:
            self._set_pending(self._pending + len(sources))
            task.add_done_callback(lambda _: self._set_pending(self._pending - len(sources)))
        return task

    async def _add(self, sources: list[Source], refusal: str | None) -> list[str]:
        if not sources:
            return [refusal] if refusal else []
        side = THUMB_SIDE * math.ceil(self.devicePixelRatioF())
        results = await asyncio.gather(
            *(_prepare(s, side) for s in sources), return_exceptions=True
        )
        refusals: list[str] = []
        for source, result in zip(sources, results, strict=True):
            if isinstance(result, ImageRejected):
                refusals.append(str(result))
            elif isinstance(result, BaseException):
                refusals.append(
                    f"{_subject(source)} could not be attached ({type(result).__name__})."
                )
            elif any(a.image.sha256 == result.image.sha256 for a in self._attached):
                refusals.append(f"{_subject(source)} is already attached.")
            else:
                try:
                    check_budget([*(len(i.data) for i in self.images()), len(result.image.data)])
                except ImageRejected as exc:
                    refusals.append(f"{_not_attached([source])} {exc}")
                    continue
                self._attached.append(result)
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
                widget.hide()
                widget.deleteLater()
        for index, attached in enumerate(self._attached):
            cell = self._cell(attached)
            self._layout.insertWidget(index, cell)
            cell.show()  # at once, not on the layout's queued show
        self.setVisible(bool(self._attached))
        self.changed.emit()

    def _cell(self, attached: _Attached) -> QWidget:
        image = attached.image
        size = format_size(len(image.data))
        label = image.name or "pasted image"
        cell = QWidget(self)
        cell.setObjectName("attachmentCell")
        button = QToolButton(cell)
        button.setObjectName("attachmentThumbnail")
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setIcon(QIcon(_square(attached.thumbnail, math.ceil(self.devicePixelRatioF()))))
        button.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        shown_name = button.fontMetrics().elidedText(
            label, Qt.TextElideMode.ElideMiddle, THUMB_SIDE + 20
        )
        button.setText(f"{shown_name}\n{size}")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        dimensions = f"{image.width} \N{MULTIPLICATION SIGN} {image.height}"
        button.setToolTip(f"{label} — {dimensions}, {size}. Click to preview.")
        button.setAccessibleName(f"Attached image {label}, {size}")
        button.clicked.connect(lambda: self.preview_requested.emit(image))
        remove = _RemoveBadge(label, cell)
        remove.clicked.connect(lambda: self._remove(attached))
        # The badge overlaps the thumbnail's top-right corner, as in chat apps.
        overhang = _RemoveBadge.SIDE // 2
        button.ensurePolished()  # the style sheet's border counts in the size
        hint = button.sizeHint().expandedTo(QSize(THUMB_SIDE + 28, 0))
        button.setGeometry(0, overhang, hint.width(), hint.height())
        cell.setFixedSize(hint.width() + overhang, hint.height() + overhang)
        remove.move(cell.width() - _RemoveBadge.SIDE, 0)
        remove.raise_()
        return cell

    def _remove(self, attached: _Attached) -> None:
        if attached in self._attached:
            self._attached.remove(attached)
            self._rebuild()


class _RemoveBadge(QToolButton):
    """The round "×" on a thumbnail's corner that removes the image from the draft."""

    SIDE = 18

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentRemove")
        self.setText("\N{MULTIPLICATION SIGN}")
        self.setToolTip(f"Remove {label}")
        self.setAccessibleName(f"Remove {label}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedSize(self.SIDE, self.SIDE)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        ink.setAlphaF(0.9 if self.underMouse() or self.hasFocus() else 0.65)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        painter.drawEllipse(self.rect().adjusted(1, 1, -1, -1))
        pen = QPen(self.palette().color(QPalette.ColorRole.Window), 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        inset = self.SIDE * 0.34
        box = QRectF(self.rect()).adjusted(inset, inset, -inset, -inset)
        painter.drawLine(box.topLeft(), box.bottomRight())
        painter.drawLine(box.topRight(), box.bottomLeft())
        painter.end()


def _square(thumbnail: QImage, ratio: int) -> QPixmap:
    """``thumbnail`` centred on a transparent square, so every cell has the same shape."""
    side = THUMB_SIDE * ratio
    canvas = QPixmap(side, side)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.drawImage((side - thumbnail.width()) // 2, (side - thumbnail.height()) // 2, thumbnail)
    painter.end()
    canvas.setDevicePixelRatio(ratio)
    return canvas


async def _prepare(source: Source, thumb_side: int) -> _Attached:
    """The prepared image and its thumbnail, both made in worker threads."""
    image = await prepare_image_async(source, name=_name_of(source))
    thumbnail = await asyncio.to_thread(make_thumbnail, image.data, thumb_side)
    return _Attached(image, thumbnail)


def _name_of(source: Source) -> str | None:
    return Path(source).name if isinstance(source, str) else None


def _subject(source: Source) -> str:
    name = _name_of(source)
    return f"\u201c{name}\u201d" if name else "The pasted image"


def _not_attached(sources: Sequence[Source]) -> str:
    """ "“a.png” was not attached." — opens the sentence of a refusal about a whole batch."""
    if len(sources) == 1:
        return f"{_subject(sources[0])} was not attached."
    names = [_name_of(s) for s in sources]
    if len(sources) <= 3 and all(names):
        listed = ", ".join(f"\u201c{n}\u201d" for n in names[:-1])
        return f"{listed} and \u201c{names[-1]}\u201d were not attached."
    return f"These {len(sources)} images were not attached."
