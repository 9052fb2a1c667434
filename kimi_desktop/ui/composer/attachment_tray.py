"""The ``attachmentStrip``: the draft's images as thumbnails and its documents as chips.

It draws what :class:`~kimi_desktop.services.attachments.DraftImages` and
:class:`~kimi_desktop.services.draft_documents.DraftDocuments` hold; checking,
preparing and reading the files is their job. Every item can be removed; an
image can be previewed, and so can a document once its text is read.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QToolButton, QWidget

from kimi_desktop.domain import AttachedDocument
from kimi_desktop.i18n import _
from kimi_desktop.images import format_size
from kimi_desktop.services.attachments import DraftImage, DraftImages, Source
from kimi_desktop.services.draft_documents import DraftDocuments
from kimi_desktop.ui.composer.document_chips import DocumentChip, RemoveButton
from kimi_desktop.ui.flow_layout import FlowLayout
from kimi_desktop.ui.plain_text import plain_tooltip

if TYPE_CHECKING:  # the image processing loads with the first image
    from kimi_desktop.images import PreparedImage

THUMB_SIDE = 56


class AttachmentTray(QWidget):
    """The ``attachmentStrip``: thumbnails of the draft's images, then its documents' chips.

    Without ``documents`` the draft takes images only.

    Signals:
        preview_requested(PreparedImage): an image's thumbnail was clicked.
        changed(): images or documents were added, read or removed.
        rejected(str sentence): an image or a document could not be attached, and why.
        busy_changed(bool): images are being prepared or documents read (Send waits).
    """

    preview_requested = Signal(object)
    changed = Signal()
    rejected = Signal(str)
    busy_changed = Signal(bool)

    def __init__(
        self,
        images: DraftImages | None = None,
        parent: QWidget | None = None,
        *,
        documents: DraftDocuments | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentStrip")
        self.setAccessibleName(_("Attachments"))
        self.draft = images if images is not None else DraftImages(self)
        self.documents = documents
        self._busy = False
        self._layout = FlowLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 4)
        sources: list[DraftImages | DraftDocuments] = [self.draft]
        if documents is not None:
            sources.append(documents)
        for source in sources:
            source.changed.connect(self._rebuild)
            source.changed.connect(self.changed)
            source.rejected.connect(self.rejected)
            source.busy_changed.connect(self._on_source_busy_changed)
        self.setVisible(False)

    def images(self) -> list[PreparedImage]:
        return self.draft.images()

    def attached_documents(self) -> tuple[AttachedDocument, ...]:
        """The documents that are read, as the message carries them."""
        return self.documents.documents() if self.documents is not None else ()

    def images_busy(self) -> bool:
        return self.draft.is_busy()

    def documents_busy(self) -> bool:
        return self.documents is not None and self.documents.is_busy()

    def is_busy(self) -> bool:
        return self.images_busy() or self.documents_busy()

    def clear(self) -> None:
        self.draft.clear()
        if self.documents is not None:
            self.documents.clear()

    def remove(self, index: int) -> None:
        """Remove the image at ``index``."""
        self.draft.remove(index)

    def add_sources(self, sources: Sequence[Source]) -> asyncio.Task[list[str]]:
        """Attach images (see :meth:`DraftImages.add_sources`), thumbnails sized for this screen."""
        side = THUMB_SIDE * math.ceil(self.devicePixelRatioF())
        return self.draft.add_sources(sources, thumb_side=side)

    def add_documents(self, sources: Sequence[Source]) -> asyncio.Task[list[str]]:
        """Attach documents (see :meth:`DraftDocuments.add_sources`)."""
        assert self.documents is not None
        return self.documents.add_sources(sources)

    def document_chips(self) -> list[DocumentChip]:
        """The documents' chips, in the draft's order."""
        return [chip for chip in self.findChildren(DocumentChip) if not chip.isHidden()]

    def _on_source_busy_changed(self, _busy: bool) -> None:
        busy = self.is_busy()
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    # -- drawing -----------------------------------------------------------------

    def _rebuild(self) -> None:
        while (item := self._layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        cells: list[QWidget] = [self._cell(attached) for attached in self.draft.entries()]
        if self.documents is not None:
            for index, entry in enumerate(self.documents.entries()):
                chip = DocumentChip(entry.name, entry.document, removable=True, parent=self)
                chip.remove_requested.connect(lambda i=index: self._remove_document(i))
                cells.append(chip)
        for cell in cells:
            self._layout.addWidget(cell)
            cell.show()  # at once, not on the layout's queued show
        self._layout.invalidate()
        self.setVisible(bool(cells))

    def _remove_document(self, index: int) -> None:
        if self.documents is not None:
            self.documents.remove(index)

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
        remove = RemoveButton(label, cell)
        remove.clicked.connect(lambda: self.draft.remove(attached))
        # The badge overlaps the thumbnail's top-right corner, as in chat apps.
        overhang = RemoveButton.SIDE // 2
        button.ensurePolished()  # the style sheet's border counts in the size
        hint = button.sizeHint().expandedTo(QSize(THUMB_SIDE + 28, 0))
        button.setGeometry(0, overhang, hint.width(), hint.height())
        cell.setFixedSize(hint.width() + overhang, hint.height() + overhang)
        remove.move(cell.width() - RemoveButton.SIDE, 0)
        remove.raise_()
        return cell


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
