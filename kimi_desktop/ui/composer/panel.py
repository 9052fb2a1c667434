"""Where the prompt is written: a growing text box with Send / Stop beside it.

Files dropped, pasted or attached go to the draft's images or its documents
(:func:`~kimi_desktop.services.draft_documents.split_sources` decides which),
and show in one strip above the box. Under them, the token meter shows how
large the prompt is against the model's context (when the window hands the panel a
:class:`~kimi_desktop.services.token_meter.TokenMeter`, the panel tells it the
draft as it changes).

A very large paste (or one with a very long line) is not put in the box: Qt
lays a line of a million characters out in minutes, on the GUI thread. It is
held beside the box as "pasted text" instead, and sent after what is typed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.domain import Draft, ImageData
from kimi_desktop.i18n import N_, _
from kimi_desktop.images import format_size
from kimi_desktop.services.attachments import DraftImages, Source
from kimi_desktop.services.draft_documents import DraftDocuments, split_sources
from kimi_desktop.services.token_meter import TokenMeter
from kimi_desktop.ui.composer.attachment_tray import AttachmentTray
from kimi_desktop.ui.composer.mime_sources import mime_has_attachments, sources_from_mime
from kimi_desktop.ui.composer.token_meter import TokenMeterLabel
from kimi_desktop.ui.icons import set_icon

if TYPE_CHECKING:
    from kimi_desktop.ui.composer.image_preview import DropOverlay

_MIN_LINES, _MAX_LINES = 2, 10
#: Send, Stop and attach are round buttons this many pixels across.
ROUND_BUTTON = 34
BUSY_NOTICE = N_("The images are still being prepared; send again once they appear.")
READING_NOTICE = N_("The documents are still being read; send again once they are ready.")
# TRANSLATORS: a chip in the composer holding a large paste; {size} is like "1.0 MB".
_PASTED = N_("Pasted text ({size})")
_PASTED_TIP = N_("Too large to edit here; it is sent after what you type.")
_REMOVE_PASTED = N_("Remove pasted text")
_ENTER_SENDS = N_("Message Kimi…  (Enter to send, Shift+Enter for a new line)")
_CTRL_ENTER_SENDS = N_("Message Kimi…  (Ctrl+Enter to send)")

#: Text longer than this is held beside the box rather than put in it.
PASTE_LIMIT = 100_000
#: ... and so is text with a line longer than this (the box's cost grows with
#: the square of a line's length: about 35 ms for 20,000 characters).
LINE_LIMIT = 20_000
#: Between what is typed and each pasted text, when they are sent together.
_SEPARATOR = "\n\n"


def too_large_to_edit(text: str) -> bool:
    """Whether ``text`` would stall the box: too long, or with a too long line."""
    if len(text) > PASTE_LIMIT:
        return True
    return len(text) > LINE_LIMIT and max(map(len, text.split("\n"))) > LINE_LIMIT


class PromptEdit(QPlainTextEdit):
    """Plain-text prompt box: Enter sends, Shift+Enter breaks the line (or Ctrl+Enter sends).

    Signals:
        submitted(): the user asked to send.
        attachments_received(list sources): files or image data were pasted or
            dropped on the text.
        attachments_dragged(bool over): files or images are dragged over the box,
            or no longer.
        large_text_received(str text): text too large to edit here was pasted or
            dropped (:func:`too_large_to_edit`); it is not inserted.
    """

    submitted = Signal()
    attachments_received = Signal(list)
    attachments_dragged = Signal(bool)
    large_text_received = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAccessibleName(_("Message"))
        self.setPlaceholderText(_(_ENTER_SENDS))
        self.setTabChangesFocus(True)
        self.enter_sends = True
        self.document().contentsChanged.connect(self._fit_height)
        self._fit_height()

    def set_enter_sends(self, enter_sends: bool) -> None:
        """Enter sends (Shift+Enter breaks), or Ctrl+Enter sends (Enter breaks)."""
        self.enter_sends = enter_sends
        self.setPlaceholderText(_(_ENTER_SENDS) if enter_sends else _(_CTRL_ENTER_SENDS))

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return mime_has_attachments(source) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Pasted or dropped files and images become attachments; text is inserted as usual."""
        sources = sources_from_mime(source) if mime_has_attachments(source) else []
        if sources:
            self.attachments_received.emit(sources)
        elif source.hasText() and too_large_to_edit(text := source.text()):
            self.large_text_received.emit(text)
        else:
            super().insertFromMimeData(source)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        super().dragEnterEvent(event)
        if event.isAccepted() and mime_has_attachments(event.mimeData()):
            self.attachments_dragged.emit(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.attachments_dragged.emit(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.attachments_dragged.emit(False)
        super().dropEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers()
            ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
            shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
            if (self.enter_sends and not shift) or (not self.enter_sends and ctrl):
                self.submitted.emit()
                return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Another font, or a style sheet's padding, needs another height for the same lines.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_height()  # polished now: the style sheet's padding is known

    def _fit_height(self) -> None:
        lines = max(_MIN_LINES, min(_MAX_LINES, self.document().blockCount()))
        wrapped = max(lines, min(_MAX_LINES, int(self.document().size().height())))
        line_height = self.fontMetrics().lineSpacing()
        margins = self.contentsMargins().top() + self.contentsMargins().bottom()
        self.setFixedHeight(
            int(wrapped * line_height + margins + 2 * self.document().documentMargin())
        )


class PastedText(QFrame):
    """A chip for text too large to edit in the box: its size and a remove button.

    Signals:
        remove_requested()
    """

    remove_requested = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pastedText")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = text
        label = QLabel(_(_PASTED).format(size=format_size(len(text))), self)
        label.setToolTip(_(_PASTED_TIP))
        self.setAccessibleName(label.text())
        remove = QToolButton(self)
        remove.setObjectName("pastedTextRemove")
        set_icon(remove, "x", size=14)
        remove.setAutoRaise(True)
        remove.setToolTip(_(_REMOVE_PASTED))
        remove.setAccessibleName(_(_REMOVE_PASTED))
        remove.clicked.connect(self.remove_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        layout.addWidget(label)
        layout.addWidget(remove)


class ComposerPanel(QWidget):
    """The prompt box, the attach button, Send and Stop, an inline notice line,
    and the token meter (``token_meter``) under them.

    Text too large to edit in the box is held as :class:`PastedText` chips and
    sent after what is typed, each after a blank line. Given a ``meter``, the
    panel tells it the draft (text and images) whenever either changes. Given
    ``documents``, files that are documents are read into them; without, every
    file is taken for an image.

    Signals:
        send_requested(Draft): the text as typed (and pasted), the attached images
            and the documents read.
        stop_requested()
        attach_requested()
    """

    send_requested = Signal(object)
    stop_requested = Signal()
    attach_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        images: DraftImages | None = None,
        documents: DraftDocuments | None = None,
        meter: TokenMeter | None = None,
    ) -> None:
        super().__init__(parent)
        self._meter = meter
        self._rejections: list[str] = []
        self._attach_tasks: set[asyncio.Task[list[str]]] = set()
        self.edit = PromptEdit(self)
        self.edit.submitted.connect(self._on_submit)
        self.notice = QLabel(self)
        self.notice.setObjectName("composerNotice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.notice.setAccessibleName(_("Notice"))
        self.notice_action = QPushButton(self)
        self.notice_action.setObjectName("composerNoticeAction")
        self.notice_action.setVisible(False)
        self.notice_action.clicked.connect(self._on_notice_action_clicked)
        self._notice_callback: Callable[[], None] | None = None
        self.tray = AttachmentTray(images, self, documents=documents)
        self.tray.rejected.connect(self._on_tray_rejected)
        self.tray.busy_changed.connect(self._on_tray_busy_changed)
        self.edit.attachments_received.connect(self.attach)
        self.edit.large_text_received.connect(self._on_edit_large_text_received)
        self._pasted: list[PastedText] = []
        self.pasted_row = QWidget(self)
        self.pasted_row.setObjectName("pastedTextRow")
        pasted = QHBoxLayout(self.pasted_row)
        pasted.setContentsMargins(0, 0, 0, 0)
        pasted.addStretch(1)
        self.pasted_row.setVisible(False)
        self._drop_overlay: DropOverlay | None = None  # made on the first drag
        self.edit.attachments_dragged.connect(self._on_edit_attachments_dragged)
        self.token_meter = TokenMeterLabel(meter, self)
        if meter is not None:
            self.edit.textChanged.connect(self._tell_meter)
            self.tray.changed.connect(self._tell_meter)

        self.attach_button = QToolButton(self)
        self.attach_button.setObjectName("attachButton")
        set_icon(self.attach_button, "paperclip", size=18)
        self.attach_button.setFixedSize(ROUND_BUTTON, ROUND_BUTTON)
        self.attach_button.setToolTip(_("Attach images or documents (or drop / paste them)"))
        self.attach_button.setAccessibleName(_("Attach images or documents"))
        self.attach_button.clicked.connect(self.attach_requested)
        # Send and Stop take turns in one place: an arrow on the accent colour, and
        # a solid square while a reply streams. Their icons take the text colour
        # the style sheet gives them.
        self.send_button = self._round_button("sendButton")
        set_icon(self.send_button, "arrow-up", size=18)
        self.send_button.setToolTip(_("Send (Enter)"))
        # TRANSLATORS: the button that sends the message (a verb).
        self.send_button.setAccessibleName(_("Send"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self._on_submit)
        self.stop_button = self._round_button("stopButton")
        set_icon(self.stop_button, "square", size=14, filled=True)
        self.stop_button.setToolTip(_("Stop the reply (Esc)"))
        self.stop_button.setAccessibleName(_("Stop"))
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self.stop_requested)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.edit, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 10)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.notice_action)
        layout.addLayout(notice_row)
        layout.addWidget(self.tray)
        layout.addWidget(self.pasted_row)
        layout.addLayout(row)
        layout.addWidget(self.token_meter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.edit.installEventFilter(self)

    def _round_button(self, name: str) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setFixedSize(ROUND_BUTTON, ROUND_BUTTON)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def set_font_point_size(self, points: int) -> None:
        """Write the prompt in this font size (the conversation's, from the preferences)."""
        font = QFont(self.edit.font())
        font.setPointSize(points)
        # On the box and its viewport, which draws the text: under an application
        # style sheet a font set on a parent does not reach a child that was
        # already polished (the style sheet is set before the window is built).
        for widget in (self.edit, self.edit.viewport()):
            if widget.font().pointSize() != points:
                widget.setFont(font)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key_event = event
            assert isinstance(key_event, QKeyEvent)
            if key_event.key() == Qt.Key.Key_Escape and self.stop_button.isVisible():
                self.stop_requested.emit()
                return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        """The draft's text: what is typed, then each pasted text held beside the box."""
        typed = self.edit.toPlainText()
        parts = [typed] if typed else []
        return _SEPARATOR.join(parts + [chip.text for chip in self._pasted])

    def set_text(self, text: str) -> None:
        """Replace the draft's text; text too large to edit is held beside the box."""
        self._clear_pasted()
        if too_large_to_edit(text):
            self.edit.clear()
            self._hold(text)
            return
        self.edit.setPlainText(text)
        cursor = self.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.edit.setTextCursor(cursor)

    def clear(self) -> None:
        self.edit.clear()
        self._clear_pasted()

    def pasted_texts(self) -> list[str]:
        """The texts held beside the box, in the order they were pasted."""
        return [chip.text for chip in self._pasted]

    def _on_edit_large_text_received(self, text: str) -> None:
        self._hold(text)

    def _hold(self, text: str) -> None:
        chip = PastedText(text, self.pasted_row)
        chip.remove_requested.connect(lambda: self._remove_pasted(chip))
        layout = self.pasted_row.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(len(self._pasted), chip)
        self._pasted.append(chip)
        chip.show()  # now: the row may be shown already
        self.pasted_row.setVisible(True)
        self._tell_meter()

    def _remove_pasted(self, chip: PastedText) -> None:
        if chip in self._pasted:
            self._pasted.remove(chip)
            chip.hide()
            chip.deleteLater()
        self.pasted_row.setVisible(bool(self._pasted))
        self.edit.setFocus()
        self._tell_meter()

    def _clear_pasted(self) -> None:
        for chip in list(self._pasted):
            self._remove_pasted(chip)

    def _tell_meter(self) -> None:
        """The draft changed: the meter measures it again (after a pause in typing)."""
        if self._meter is not None:
            images = [ImageData(a.mime, a.data) for a in self.tray.draft.attachments()]
            self._meter.set_draft(self.text(), images)

    def set_running(self, running: bool) -> None:
        """While a reply streams, Stop replaces Send; typing the next prompt stays possible."""
        self.stop_button.setVisible(running)
        self.send_button.setVisible(not running)

    def show_notice(
        self,
        text: str,
        *,
        error: bool = True,
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        """An inline message next to the composer (empty hides it), maybe with a button."""
        self._rejections = []
        self.notice.setProperty("error", error)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self.notice.style().unpolish(self.notice)
        self.notice.style().polish(self.notice)
        self._notice_callback = action[1] if action and text else None
        self.notice_action.setText(action[0] if action else "")
        self.notice_action.setVisible(self._notice_callback is not None)

    def attach(self, sources: list[Source]) -> asyncio.Task[list[str]]:
        """Attach files or raw image data: documents are read, the rest taken for
        images; refusals show as a notice. The task's result is the refusals,
        the images' first."""
        self.show_notice("")
        if self.tray.documents is not None:
            images, documents = split_sources(sources)
        else:
            images, documents = list(sources), []
        # Both start now, not in the task: Send must wait for them from this call on.
        started = [self.tray.add_sources(images)] if images or not documents else []
        if documents:
            started.append(self.tray.add_documents(documents))
        task = asyncio.ensure_future(_refusals(started))
        self._attach_tasks.add(task)
        task.add_done_callback(self._attach_tasks.discard)
        return task

    async def wait_attached(self) -> None:
        """Wait until every file being prepared or read is attached or refused."""
        while self._attach_tasks:
            await asyncio.gather(*self._attach_tasks, return_exceptions=True)

    def _on_tray_busy_changed(self, busy: bool) -> None:
        if not busy and self.notice.text() in (_(BUSY_NOTICE), _(READING_NOTICE)):
            self.show_notice("")

    @property
    def drop_overlay(self) -> DropOverlay:
        """The "drop to attach" cover over the composer, made on the first drag."""
        if self._drop_overlay is None:
            from kimi_desktop.ui.composer.image_preview import DropOverlay

            self._drop_overlay = DropOverlay(self)
        return self._drop_overlay

    def _on_edit_attachments_dragged(self, over: bool) -> None:
        if over:
            self.drop_overlay.show_over(self)
        elif self._drop_overlay is not None:
            self._drop_overlay.hide()

    def _on_tray_rejected(self, sentence: str) -> None:
        rejections = [*self._rejections, sentence]
        self.show_notice("\n".join(rejections))
        self._rejections = rejections

    def _on_notice_action_clicked(self) -> None:
        callback = self._notice_callback
        self.show_notice("")
        if callback is not None:
            callback()

    def _on_submit(self) -> None:
        if self.stop_button.isVisible():
            return
        # Sending now would leave those files behind.
        if self.tray.documents_busy():
            self.show_notice(_(READING_NOTICE), error=False)
            return
        if self.tray.images_busy():
            self.show_notice(_(BUSY_NOTICE), error=False)
            return
        self.send_requested.emit(
            Draft(self.text(), self.tray.draft.attachments(), self.tray.attached_documents())
        )

    def clear_draft(self) -> None:
        """Empty the text, the pasted texts, the images and the documents once the
        draft was sent."""
        self.clear()
        self.tray.clear()


async def _refusals(tasks: list[asyncio.Task[list[str]]]) -> list[str]:
    """The sentences of every file the tasks refused, in the tasks' order."""
    results = await asyncio.gather(*tasks)
    return [sentence for refusals in results for sentence in refusals]
