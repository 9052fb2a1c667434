"""The text of an attached document, read-only, as the model receives it.

A document can hold two million characters, so the text goes into a
:class:`QPlainTextEdit`, which lays out only the lines in view; a rich label
or a :class:`QTextEdit` would lay out all of it before the dialog appears.
A single line is still laid out whole (a 2,000,000-character line took 1.2 to
1.7 s), so lines longer than :data:`SHOWN_LINE` are shown cut into pieces, and
Copy joins the pieces again: what is copied is the document's own text.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QFont, QFontDatabase, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.domain import AttachedDocument
from kimi_desktop.i18n import _
from kimi_desktop.ui.composer.document_summary import document_details, kind_title, reads_as_prose

#: The dialog's share of the screen's free area.
_SCREEN_SHARE = 0.7
#: Lines longer than this are shown as several (cut after a space where there is
#: one): laying out 10,000 characters takes about 10 ms.
SHOWN_LINE = 10_000


def shown_lines(text: str) -> tuple[str, frozenset[int]]:
    """``text`` with every line longer than :data:`SHOWN_LINE` cut into pieces, and
    the numbers of the lines that go on the one before (the pieces after the first)."""
    lines = text.split("\n")
    if max(map(len, lines)) <= SHOWN_LINE:
        return text, frozenset()
    shown: list[str] = []
    continued: set[int] = set()
    for line in lines:
        while len(line) > SHOWN_LINE:
            cut = line.rfind(" ", SHOWN_LINE // 2, SHOWN_LINE) + 1 or SHOWN_LINE
            shown.append(line[:cut])
            line = line[cut:]
            continued.add(len(shown))
        shown.append(line)
    return "\n".join(shown), frozenset(continued)


class DocumentText(QPlainTextEdit):
    """A document's text, read-only; long lines shown in pieces, copied whole."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentPreviewText")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        shown, self._continued = shown_lines(text)
        self.setPlainText(shown)

    def createMimeDataFromSelection(self) -> QMimeData:
        if not self._continued:
            return super().createMimeDataFromSelection()
        cursor = self.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        block = self.document().findBlock(start)
        parts: list[str] = []
        while block.isValid() and block.position() <= end:
            if parts:
                parts.append("" if block.blockNumber() in self._continued else "\n")
            offset = block.position()
            text = block.text()
            parts.append(text[max(start - offset, 0) : min(end - offset, len(text))])
            block = block.next()
        mime = QMimeData()
        mime.setText("".join(parts))
        return mime


class DocumentPreviewDialog(QDialog):
    """A document's name, kind and length over its text: selectable, never editable.

    Prose (PDFs, office files, .txt, .md) is shown in the window's font and
    wrapped; code and data in a fixed-width font with lines kept whole.
    """

    def __init__(self, document: AttachedDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentPreview")
        self.setWindowTitle(document.name)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.document = document

        self.title = QLabel(document.name, self)
        self.title.setObjectName("documentPreviewName")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = QFont(self.title.font())
        bold.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(bold)
        details = document_details(document)
        self.details = QLabel(
            " · ".join(part for part in (kind_title(document.kind), details) if part), self
        )
        self.details.setObjectName("documentPreviewDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        muted = self.details.palette()
        muted.setColor(
            QPalette.ColorRole.WindowText, self.palette().color(QPalette.ColorRole.PlaceholderText)
        )
        self.details.setPalette(muted)

        self.text = DocumentText(document.text, self)
        # TRANSLATORS: {name} is a file name.
        self.text.setAccessibleName(_("Text of {name}").format(name=document.name))
        if reads_as_prose(document):
            self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        else:
            self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addSpacing(6)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self._fit_to_screen()
        self.text.setFocus()

    def _fit_to_screen(self) -> None:
        screen = self.screen()
        if screen is None:
            self.resize(800, 600)
            return
        free = screen.availableGeometry()
        self.resize(
            max(480, min(900, int(free.width() * _SCREEN_SHARE))),
            max(360, int(free.height() * _SCREEN_SHARE)),
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Close):
            self.reject()
            return
        super().keyPressEvent(event)


def open_document_preview(document: AttachedDocument, anchor: QWidget) -> DocumentPreviewDialog:
    """Show ``document``'s text in a dialog of ``anchor``'s window (Esc closes it)."""
    dialog = DocumentPreviewDialog(document, anchor.window())
    dialog.show()  # a new window of the app comes up in front, with the focus
    return dialog
