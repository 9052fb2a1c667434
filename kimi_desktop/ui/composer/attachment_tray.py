"""Images waiting to be sent: where they come from (drop, paste, dialog) and the strip.

Every source ends in :meth:`AttachmentTray.add_sources`, which first refuses
what cannot be an image, then prepares as many of the rest as the message has
room for (nothing is decoded in vain), each image and its thumbnail off the GUI
thread, and reports every refusal as a sentence naming the file — the draft
text and the other images always stay.
"""

from __future__ import annotations

import asyncio
import functools
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
    check_budget,
    check_source,
    format_size,
    image_room,
    make_thumbnail,
    prepare_image_async,
    too_many_images,
)
from kimi_desktop.services.workers import in_worker
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
        self._pending = 0  # sources being checked or prepared (the tray is busy)
        self._reserved = 0  # places kept for the images being prepared
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
        """Start attaching images; the task returns the sentences of those refused.

        What cannot be an image (a folder, an empty file, a text file, a BMP)
        is refused first and takes no place among the images a message can
        carry; the images then fill the places left, in order, and the ones
        beyond are named in one sentence.

        The tray is busy from this call on, not from the task's first step, so a
        Send pressed right after a paste waits for the image instead of leaving
        it behind.
        """
        sources = list(sources)
        task = asyncio.ensure_future(self._add(sources))
        if sources:
            self._set_pending(self._pending + len(sources))
            task.add_done_callback(lambda _: self._set_pending(self._pending - len(sources)))
        return task

    async def _add(self, sources: list[Source]) -> list[str]:
        if not sources:
            return []
        # Each source's sentence, kept in the order the files came in.
        sentences: dict[int, str] = {}
        checks = await in_worker(functools.partial(_check_all, sources))
        for index, refusal in enumerate(checks):
            if refusal is not None:
                sentences[index] = refusal
        queue = [i for i, refusal in enumerate(checks) if refusal is None]
        side = THUMB_SIDE * math.ceil(self.devicePixelRatioF())
        # Places taken by a damaged file or a duplicate go to the next images.
        while queue:
            room = image_room(len(self._attached) + self._reserved)
            if room == 0:
                break
            batch, queue = queue[:room], queue[room:]
            self._reserved += len(batch)
            try:
                results = await asyncio.gather(
                    *(_prepare(sources[i], side) for i in batch), return_exceptions=True
                )
            finally:
                self._reserved -= len(batch)
            for index, result in zip(batch, results, strict=True):
                refusal = self._attach(sources[index], result)
                if refusal is not None:
                    sentences[index] = refusal
            self._rebuild()
        refusals = [sentences[i] for i in sorted(sentences)]
        if queue:
            left_out = [sources[i] for i in queue]
            full = too_many_images(len(self._attached) + self._reserved)
            refusals.append(f"{_not_attached(left_out)} {full}")
        for sentence in refusals:
            self.rejected.emit(sentence)
        return refusals

    def _attach(self, source: Source, result: _Attached | BaseException) -> str | None:
        """Add a prepared image to the draft, or say why it was not added."""
        if isinstance(result, ImageRejected):
            return str(result)
        if isinstance(result, BaseException):
            return f"{_subject(source)} could not be attached ({type(result).__name__})."
        if any(a.image.sha256 == result.image.sha256 for a in self._attached):
            return f"{_subject(source)} is already attached."
        try:
            check_budget([*(len(i.data) for i in self.images()), len(result.image.data)])
        except ImageRejected as exc:
            return f"{_not_attached([source])} {exc}"
        self._attached.append(result)
        return None

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


def _check_all(sources: Sequence[Source]) -> list[str | None]:
    """For each source, why it cannot be an image, or ``None`` (blocking: a small read each)."""
    refusals: list[str | None] = []
    for source in sources:
        try:
            check_source(source, name=_name_of(source))
        except ImageRejected as exc:
            refusals.append(str(exc))
        else:
            refusals.append(None)
    return refusals


async def _prepare(source: Source, thumb_side: int) -> _Attached:
    """The prepared image and its thumbnail, both made in worker threads."""
    image = await prepare_image_async(source, name=_name_of(source))
    thumbnail = await in_worker(functools.partial(make_thumbnail, image.data, thumb_side))
    return _Attached(image, thumbnail)


def _name_of(source: Source) -> str | None:
    return Path(source).name if isinstance(source, str) else None


def _subject(source: Source) -> str:
    name = _name_of(source)
    return f"\u201c{name}\u201d" if name else "The pasted image"


def _not_attached(sources: Sequence[Source]) -> str:
    """ "“a.png” was not attached." — opens the sentence of a refusal about several images.

    Names up to three, then counts the rest: "“a.png”, “b.png”, “c.png” and 2
    more were not attached."
    """
    if len(sources) == 1:
        return f"{_subject(sources[0])} was not attached."
    names = [_name_of(s) for s in sources]
    if not all(names):
        return f"These {len(sources)} images were not attached."
    quoted = [f"\u201c{n}\u201d" for n in names]
    if len(quoted) <= 3:
        return f"{', '.join(quoted[:-1])} and {quoted[-1]} were not attached."
    return f"{', '.join(quoted[:3])} and {len(quoted) - 3} more were not attached."
