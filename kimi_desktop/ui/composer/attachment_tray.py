"""The ``attachmentStrip``: thumbnails of the draft's images, each removable and previewable.

It draws what :class:`~kimi_desktop.services.attachments.DraftImages` holds;
checking and preparing the images is that service's job.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPainter, QPaintEvent, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.images import PreparedImage, format_size
from kimi_desktop.services.attachments import DraftImage, DraftImages, Source
from kimi_desktop.ui.plain_text import plain_tooltip

THUMB_SIDE = 56


class AttachmentTray(QWidget):
    """The ``attachmentStrip``: thumbnails of the draft's images, each removable.

    Signals:
        preview_requested(PreparedImage)

    ``rejected``, ``busy_changed`` and ``changed`` are the service's own signals
    (see :class:`DraftImages`), reachable here as attributes for the composer.
    """

    preview_requested = Signal(object)

    def __init__(self, images: DraftImages | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentStrip")
        self.setAccessibleName(_("Attached images"))
        self.draft = images if images is not None else DraftImages(self)
        self.changed = self.draft.changed
        self.rejected = self.draft.rejected
        self.busy_changed = self.draft.busy_changed
        self.draft.changed.connect(self._rebuild)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 4)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.setVisible(False)

    def images(self) -> list[PreparedImage]:
        return self.draft.images()

    def is_busy(self) -> bool:
        return self.draft.is_busy()

    def clear(self) -> None:
        self.draft.clear()

    def remove(self, index: int) -> None:
        self.draft.remove(index)

    def add_sources(self, sources: Sequence[Source]) -> asyncio.Task[list[str]]:
        """Attach images (see :meth:`DraftImages.add_sources`), thumbnails sized for this screen."""
        side = THUMB_SIDE * math.ceil(self.devicePixelRatioF())
        return self.draft.add_sources(sources, thumb_side=side)

    # -- drawing -----------------------------------------------------------------

    def _rebuild(self) -> None:
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        entries = self.draft.entries()
        for index, attached in enumerate(entries):
            cell = self._cell(attached)
            self._layout.insertWidget(index, cell)
            cell.show()  # at once, not on the layout's queued show
        self.setVisible(bool(entries))

    def _cell(self, attached: DraftImage) -> QWidget:
        image = attached.image
        size = format_size(len(image.data))
        # TRANSLATORS: the name of an image pasted without a file name.
        label = image.name or _("pasted image")
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
        button.setToolTip(
            plain_tooltip(
                _("{name} — {width} × {height}, {size}. Click to preview.").format(
                    name=label, width=image.width, height=image.height, size=size
                )
            )
        )
        button.setAccessibleName(_("Attached image {name}, {size}").format(name=label, size=size))
        button.clicked.connect(lambda: self.preview_requested.emit(image))
        remove = _RemoveBadge(label, cell)
        remove.clicked.connect(lambda: self.draft.remove(attached))
        # The badge overlaps the thumbnail's top-right corner, as in chat apps.
        overhang = _RemoveBadge.SIDE // 2
        button.ensurePolished()  # the style sheet's border counts in the size
        hint = button.sizeHint().expandedTo(QSize(THUMB_SIDE + 28, 0))
        button.setGeometry(0, overhang, hint.width(), hint.height())
        cell.setFixedSize(hint.width() + overhang, hint.height() + overhang)
        remove.move(cell.width() - _RemoveBadge.SIDE, 0)
        remove.raise_()
        return cell


class _RemoveBadge(QToolButton):
    """The round "×" on a thumbnail's corner that removes the image from the draft."""

    SIDE = 18

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentRemove")
        self.setText("\N{MULTIPLICATION SIGN}")
        # TRANSLATORS: {name} is an attached image's file name.
        self.setToolTip(plain_tooltip(_("Remove {name}").format(name=label)))
        self.setAccessibleName(_("Remove {name}").format(name=label))
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
