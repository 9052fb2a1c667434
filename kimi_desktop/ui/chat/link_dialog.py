"""Asking before a link that may mislead opens: its text and its real address, side by side."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import _
from kimi_desktop.ui.chat.link_check import LinkConcern, link_needs_confirmation, shown_address

#: Link text and addresses longer than this are cut (the start of an address shows its host).
MAX_SHOWN_CHARS = 600


class LinkConfirmDialog(QDialog):
    """Shows why a link may mislead, its text and the address it really opens; Open or Cancel.

    Cancel is the default button, so Enter or Esc never opens the link.
    """

    def __init__(
        self, text: str, url: str, concern: LinkConcern, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linkConfirmDialog")
        self.setWindowTitle(_("Open this link?"))
        self.reason = QLabel(concern.sentence(), self)
        self.reason.setWordWrap(True)
        self.text_view = _ReadOnlyText(text, self)
        self.text_view.setAccessibleName(_("Link text"))
        self.address_view = _ReadOnlyText(shown_address(url), self)
        self.address_view.setAccessibleName(_("Address it opens"))
        form = QFormLayout()
        form.addRow(_("Link text:"), self.text_view)
        form.addRow(_("Opens:"), self.address_view)
        buttons = QDialogButtonBox(self)
        self.open_button = buttons.addButton(_("Open"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.open_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.cancel_button.setFocus()


class _ReadOnlyText(QPlainTextEdit):
    """Plain text that wraps anywhere (an address has no spaces) and can be selected."""

    LINES = 3

    def __init__(self, text: str, parent: QWidget) -> None:
        super().__init__(parent)
        if len(text) > MAX_SHOWN_CHARS:
            text = text[: MAX_SHOWN_CHARS - 1] + "…"
        self.setPlainText(text)
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTabChangesFocus(True)
        lines = QFontMetrics(self.font()).lineSpacing() * self.LINES
        self.setFixedHeight(lines + 2 * int(self.document().documentMargin()))


def confirm_link(parent: QWidget, text: str, url: str) -> bool:
    """Whether to open ``url`` shown as ``text``: at once for an ordinary link, after
    asking (modal, default Cancel) for one that may mislead."""
    concern = link_needs_confirmation(text, url)
    if concern is None:
        return True
    dialog = LinkConfirmDialog(text, url, concern, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
