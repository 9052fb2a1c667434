"""Documents as chips: a page icon, the file's name and how long it is.

The same chip shows a document in the composer's strip (removable, maybe still
being read) and under a sent message (read, kept). A click, Enter or Space on a
read document opens :class:`~.document_preview.DocumentPreviewDialog`.

Everything is drawn from the chip's palette (``PlaceholderText`` for the
muted line), so a chip reads well in either theme and in the chat view, whose
palette the message style sets. The app's style sheet stops palettes and fonts
from passing from a widget to its children, so a chip hands its own to its
parts, and a strip to its chips.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.domain import AttachedDocument
from kimi_desktop.i18n import _
from kimi_desktop.ui.composer.document_preview import open_document_preview
from kimi_desktop.ui.composer.document_summary import document_details, kind_badge
from kimi_desktop.ui.flow_layout import FlowLayout
from kimi_desktop.ui.icons import icon
from kimi_desktop.ui.plain_text import plain_tooltip

__all__ = ["NAME_WIDTH", "DocumentChip", "DocumentIcon", "DocumentStrip", "RemoveButton"]

#: The widest a chip's file name is drawn before it is elided in the middle.
NAME_WIDTH = 180
_ICON_SIZE = QSize(26, 32)
_SPIN_MS = 80  # one step of the "reading" spinner
_SPIN_STEP = 30  # degrees per step


class DocumentIcon(QWidget):
    """A page with a folded corner and the document's kind on a band; while the
    document is read, a turning arc instead of the band."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(_ICON_SIZE)
        self.badge = ""
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(_SPIN_MS)
        self._timer.timeout.connect(self._turn)

    @property
    def spinning(self) -> bool:
        return self._timer.isActive()

    def set_reading(self, reading: bool) -> None:
        if reading and not self._timer.isActive():
            self._timer.start()
        elif not reading:
            self._timer.stop()
        self.update()

    def _turn(self) -> None:
        self._angle = (self._angle + _SPIN_STEP) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ink = palette.color(QPalette.ColorRole.PlaceholderText)
        page = QRectF(self.rect()).adjusted(2.5, 0.5, -2.5, -0.5)
        fold = 7.0
        outline = QPainterPath()
        outline.moveTo(page.left(), page.top())
        outline.lineTo(page.right() - fold, page.top())
        outline.lineTo(page.right(), page.top() + fold)
        outline.lineTo(page.right(), page.bottom())
        outline.lineTo(page.left(), page.bottom())
        outline.closeSubpath()
        painter.setPen(QPen(ink, 1.2))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawPath(outline)
        corner = QPainterPath()
        corner.moveTo(page.right() - fold, page.top())
        corner.lineTo(page.right() - fold, page.top() + fold)
        corner.lineTo(page.right(), page.top() + fold)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(corner)
        if self._timer.isActive():
            self._paint_spinner(painter, page, palette.color(QPalette.ColorRole.Highlight))
        else:
            self._paint_badge(painter, page, palette)
        painter.end()

    def _paint_spinner(self, painter: QPainter, page: QRectF, colour: QColor) -> None:
        side = 12.0
        centre = page.center()
        box = QRectF(centre.x() - side / 2, centre.y() - side / 2 + 2, side, side)
        pen = QPen(colour, 2.0)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(box, -self._angle * 16, 270 * 16)

    def _paint_badge(self, painter: QPainter, page: QRectF, palette: QPalette) -> None:
        if not self.badge:
            return
        band = QRectF(page.left() - 2, page.bottom() - 13, page.width() + 4, 10)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(band, 2, 2)
        font = QFont(self.font())
        font.setPixelSize(7)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, self.badge)


class DocumentChip(QFrame):
    """One document: its icon, its name elided in the middle, its length or "Reading…".

    Focusable; a click, Enter or Space opens the preview of a document that is
    read (``document`` set). ``removable`` adds a remove button (Delete and Backspace
    do the same).

    Signals:
        remove_requested()
    """

    remove_requested = Signal()

    def __init__(
        self,
        name: str,
        document: AttachedDocument | None,
        *,
        removable: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("documentChip")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.name = name
        self.document = document
        self.icon = DocumentIcon(self)
        self.icon.badge = kind_badge(name, document.kind if document else "text")
        self.name_label = QLabel(self)
        self.name_label.setObjectName("documentName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label = QLabel(self)
        self.details_label.setObjectName("documentDetails")
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        texts = QVBoxLayout()
        texts.setContentsMargins(0, 0, 0, 0)
        texts.setSpacing(0)
        texts.addWidget(self.name_label)
        texts.addWidget(self.details_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 5, 6 if removable else 10, 5)
        row.setSpacing(8)
        row.addWidget(self.icon)
        row.addLayout(texts)
        self.remove_button: QToolButton | None = None
        if removable:
            self.remove_button = RemoveButton(name, self)
            self.remove_button.setObjectName("documentRemove")
            self.remove_button.clicked.connect(self.remove_requested)
            row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        self._colour_parts()
        self._size_parts()

    @property
    def reading(self) -> bool:
        return self.document is None

    def details(self) -> str:
        """The chip's second line, as shown."""
        return self.details_label.text()

    def _show(self) -> None:
        metrics = self.name_label.fontMetrics()
        self.name_label.setText(
            metrics.elidedText(self.name, Qt.TextElideMode.ElideMiddle, NAME_WIDTH)
        )
        document = self.document
        # TRANSLATORS: shown on a document's chip while its text is being read.
        details = _("Reading…") if document is None else document_details(document)
        self.details_label.setText(details)
        self.icon.set_reading(document is None)
        self.setCursor(
            Qt.CursorShape.ArrowCursor if document is None else Qt.CursorShape.PointingHandCursor
        )
        if document is None:
            # TRANSLATORS: {name} is a file name; its text is still being read.
            self.setAccessibleName(_("Document {name}, reading").format(name=self.name))
            tip = _("{name} — reading its text…").format(name=self.name)
        else:
            # TRANSLATORS: {name} is a file name, {details} like "12 pages · ≈ 8,400 tokens".
            self.setAccessibleName(
                _("Document {name}, {details}").format(name=self.name, details=details)
            )
            self.setAccessibleDescription(_("Press Enter to preview its text"))
            tip = _("{name} — {details}. Click to preview.").format(name=self.name, details=details)
        self.setToolTip(plain_tooltip(tip))

    def _colour_parts(self) -> None:
        palette = self.palette()
        for part in (self.icon, self.name_label, self.remove_button):
            if part is not None:
                part.setPalette(palette)
        muted = QPalette(palette)
        muted.setColor(
            QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
        )
        self.details_label.setPalette(muted)

    def _size_parts(self) -> None:
        font = self.font()
        self.name_label.setFont(font)
        self.icon.setFont(font)
        small = QFont(font)
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.88)
        self.details_label.setFont(small)
        self._show()  # the elided name depends on the font

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        kind = event.type()
        if kind in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colour_parts()
        elif kind in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._size_parts()

    def preview(self) -> None:
        """Open the document's text, once it is read."""
        if self.document is not None:
            open_document_preview(self.document, self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.preview()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.preview()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.remove_button:
            self.remove_requested.emit()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ground = palette.color(QPalette.ColorRole.Button)
        border = palette.color(QPalette.ColorRole.Mid)
        if self.hasFocus():
            border = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(border, 1.5 if self.hasFocus() else 1.0))
        painter.setBrush(ground)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.75, 0.75, -0.75, -0.75), 8, 8)
        painter.end()


class RemoveButton(QToolButton):
    """A small round button with a cross that removes an attachment from the draft.

    A disc in the palette's text colour with Lucide's ``x`` on it in the window's
    colour: it reads on a chip and on an image thumbnail in both themes. The
    window's colour is the application's: the style sheet makes a tool button's
    own background (and so its palette's window colour) transparent.
    """

    SIDE = 18
    _CROSS = 12

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentRemove")
        # TRANSLATORS: {name} is an attached file's name.
        self.setToolTip(plain_tooltip(_("Remove {name}").format(name=label)))
        self.setAccessibleName(_("Remove {name}").format(name=label))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFixedSize(self.SIDE, self.SIDE)
        self.setIconSize(QSize(self._CROSS, self._CROSS))
        self._draw_cross()

    def _draw_cross(self) -> None:
        window = QGuiApplication.palette()
        self.setIcon(icon("x", QPalette.ColorRole.Window, self._CROSS, palette=window))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.StyleChange,
        ):
            self._draw_cross()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        ink.setAlphaF(0.9 if self.underMouse() or self.hasFocus() else 0.65)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        painter.drawEllipse(self.rect().adjusted(1, 1, -1, -1))
        cross = QRect(QPoint(0, 0), self.iconSize())
        cross.moveCenter(self.rect().center())
        self.icon().paint(painter, cross)
        painter.end()


class DocumentStrip(QWidget):
    """The documents sent with a message, as chips that cannot be removed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageDocuments")
        self.setAccessibleName(_("Attached documents"))
        self._layout = FlowLayout(self)
        self._shown: tuple[AttachedDocument, ...] = ()

    def set_colours(self, palette: QPalette) -> None:
        """Draw the strip and its chips with ``palette``."""
        self.setPalette(palette)
        for chip in self.chips():
            chip.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            for chip in self.chips():
                chip.setFont(self.font())

    def set_documents(self, documents: tuple[AttachedDocument, ...], *, right: bool) -> None:
        self._layout.right = right
        if documents == self._shown:
            self._layout.invalidate()
            return
        self._shown = documents
        for chip in self.chips():
            chip.hide()
            chip.deleteLater()
        while self._layout.takeAt(0) is not None:
            pass
        for document in documents:
            chip = DocumentChip(document.name, document, parent=self)
            chip.setPalette(self.palette())
            chip.setFont(self.font())
            self._layout.addWidget(chip)
            chip.show()  # now, so the message measures it
        self._layout.invalidate()

    def chips(self) -> list[DocumentChip]:
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        return [c for c in self.findChildren(DocumentChip, options=direct) if not c.isHidden()]
