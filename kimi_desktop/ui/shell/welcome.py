"""First run: paste a key for a provider, or try the offline demo."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import N_, _
from kimi_desktop.ui.icons import set_icon
from kimi_desktop.ui.shell.elided import ElidingComboBox

KEYRING_NOTE = N_("The key is kept in your system's keyring, never in a file.")


class WelcomePage(QWidget):
    """Shown instead of the chat while the active endpoint has no key.

    Signals:
        key_submitted(str endpoint_id, str key)
        demo_requested()
        settings_requested()
    """

    key_submitted = Signal(str, str)
    demo_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        card = QFrame(self)
        card.setObjectName("welcomeCard")
        card.setMaximumWidth(520)

        title = QLabel(_("Welcome to Kimi Desktop"), card)
        title.setObjectName("welcomeTitle")
        title.setWordWrap(True)  # on two lines in a narrow window, never wider than it
        intro = QLabel(
            _(
                "Chat with Kimi K2 and K2.5: live reasoning, code you can copy, and "
                "screenshots turned into UI code. Paste an API key to start."
            ),
            card,
        )
        intro.setWordWrap(True)
        self.storage_note = QLabel(_(KEYRING_NOTE), card)
        self.storage_note.setObjectName("welcomeStorageNote")
        self.storage_note.setWordWrap(True)

        self.provider = ElidingComboBox(card, min_chars=12, max_width=16_777_215)
        self.provider.setAccessibleName(_("Provider"))
        self.provider.setToolTip(_("Which provider your key is for"))
        self.key_edit = QLineEdit(card)
        self.key_edit.setObjectName("welcomeApiKey")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        # TRANSLATORS: how an API key begins, as a hint in the empty key field; keep as is.
        self.key_edit.setPlaceholderText(_("sk-…"))
        self.key_edit.setAccessibleName(_("API key"))
        self.key_edit.returnPressed.connect(self._on_submit)
        self.message = QLabel(card)
        self.message.setWordWrap(True)
        self.message.setObjectName("welcomeMessage")

        start = QPushButton(_("Start chatting"), card)
        start.setObjectName("welcomeStart")
        start.setDefault(True)
        start.setAccessibleName(_("Save key and start chatting"))
        start.clicked.connect(self._on_submit)
        demo = QPushButton(_("Try the offline demo"), card)
        demo.setObjectName("welcomeDemo")
        demo.setToolTip(_("Explore every feature with canned replies — no key, no network"))
        demo.setAccessibleName(_("Try the offline demo"))
        demo.clicked.connect(self.demo_requested)
        more = QPushButton(_("More settings…"), card)
        more.setObjectName("welcomeMoreSettings")
        more.setFlat(True)
        set_icon(more, "settings")
        more.setAccessibleName(_("Open settings"))
        more.clicked.connect(self.settings_requested)

        form = QFormLayout()
        form.addRow(_("Provider"), self.provider)
        form.addRow(_("API key"), self.key_edit)
        # Two short rows rather than one long one, so the card (and the window)
        # can be narrow.
        buttons = QHBoxLayout()
        buttons.addWidget(demo)
        buttons.addStretch(1)
        buttons.addWidget(start)
        links = QHBoxLayout()
        links.addWidget(more)
        links.addStretch(1)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 22, 24, 18)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(intro)
        inner.addWidget(self.storage_note)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addLayout(buttons)
        inner.addLayout(links)
        # Centred by stretches, not an alignment flag: an aligned item gets its
        # size hint, which ignores height-for-width, so the card would not grow
        # when a longer note about key storage arrives after it was shown.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 10)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def set_providers(self, providers: Sequence[tuple[str, str]], active: str | None) -> None:
        """``(endpoint id, name)`` pairs of endpoints that take a key."""
        self.provider.clear()
        for endpoint_id, name in providers:
            self.provider.addItem(name, endpoint_id)
        self.provider.setCurrentIndex(max(self.provider.findData(active), 0))

    def set_key_storage(self, in_keyring: bool, explanation: str) -> None:
        """Say truthfully where a pasted key will be kept."""
        self.storage_note.setText(_(KEYRING_NOTE) if in_keyring else explanation)

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    def _on_submit(self) -> None:
        key = self.key_edit.text().strip()
        if not key:
            self.show_message(_("Paste your API key first — or try the offline demo."))
            return
        self.key_edit.clear()
        self.key_submitted.emit(self.provider.currentData(), key)
