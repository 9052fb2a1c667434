"""The endpoint form's API key: a masked field, and where keys go, said before they are typed.

With a working keyring that is one sentence. Without one, the user chooses
between keeping keys for this session only and a file only their account can
read (the ``store_keys_in_file`` preference, with its risk stated), and is told
what to install or do so the keyring works.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import N_, _
from kimi_desktop.services.key_storage import first_sentence
from kimi_desktop.settings.secrets import KeyringStatus

#: What the empty key field says where a key is stored, by where it is.
_STORED = {
    "keyring": N_("A key is stored in the system keyring (type to replace it)"),
    "file": N_("A key is stored in the key file (type to replace it)"),
    "session": N_("A key is kept for this session only (type to replace it)"),
}


def key_placeholder(location: str | None, *, removed: bool, key_required: bool) -> str:
    """What the empty key field says about the endpoint's key."""
    if removed:
        return _("No key: the stored key is removed when you click OK")
    stored = _STORED.get(location or "")
    if stored:
        return _(stored)
    if key_required:
        return _("No key stored: paste your API key")
    return _("No key (optional for this endpoint)")


def keyring_fix(status: KeyringStatus) -> str:
    """The sentence that says how to get a working keyring."""
    if status.reason == "locked":
        return _("Unlock it (for example in your password manager) and open Settings again.")
    if status.reason == "off":
        return _(
            "Remove that setting (keyringrc.cfg or PYTHON_KEYRING_BACKEND) and restart "
            "Kimi Desktop to use the system keyring."
        )
    if status.reason == "error":
        return _("Check that it is running and unlocked, then open Settings again.")
    if sys.platform.startswith("linux"):
        return _(
            "To keep keys safely, install and unlock GNOME Keyring (the gnome-keyring "
            "package) or KWallet, then restart Kimi Desktop."
        )
    return _("To keep keys safely, set up the system keyring, then restart Kimi Desktop.")


class KeyField(QWidget):
    """The masked key field with "Show" and "Remove key" beside it.

    A stored key is never put into the field; its placeholder says whether
    there is one (see :func:`key_placeholder`). "Remove key" is for the form to
    act on.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("endpointApiKey")
        self.edit.setAccessibleName(_("API key"))
        self.edit.setToolTip(_("Kept in the system keyring, never in a settings file"))
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_button = QToolButton(self)
        self.show_button.setObjectName("showKeyButton")
        # TRANSLATORS: a toggle button that shows the API key typed in the field.
        self.show_button.setText(_("Show"))
        self.show_button.setCheckable(True)
        self.show_button.setToolTip(_("Show or hide the key"))
        self.show_button.setAccessibleName(_("Show the API key"))
        self.show_button.toggled.connect(self._on_show_button_toggled)
        metrics = self.show_button.fontMetrics()
        self.show_button.setMinimumWidth(
            max(metrics.horizontalAdvance(text) for text in (_("Show"), _("Hide"))) + 16
        )
        self.remove_button = QToolButton(self)
        self.remove_button.setObjectName("removeKeyButton")
        self.remove_button.setText(_("Remove key"))
        self.remove_button.setToolTip(
            _("Forget this endpoint's key: it is deleted from where it is stored when you click OK")
        )
        self.remove_button.setAccessibleName(_("Remove the stored API key"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.show_button)
        row.addWidget(self.remove_button)

    def _on_show_button_toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        # TRANSLATORS: the toggle button beside the API key: hide or show the key typed.
        self.show_button.setText(_("Hide") if shown else _("Show"))


class KeyStorageNote(QWidget):
    """The note under the key field, and the session-or-file choice when there is no keyring.

    Signals:
        choice_changed(bool in_file): the user picked the key file (True) or
            this session only (False).
    """

    choice_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setObjectName("keyStorageNote")
        self.label.setAccessibleName(_("Where keys are kept"))
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.session_choice = QRadioButton(
            _("Use keys for this session only; nothing is written to disk"), self
        )
        self.session_choice.setObjectName("keyStorageSessionOnly")
        self.session_choice.setToolTip(_("Keys typed now are forgotten when the app quits"))
        self.session_choice.setAccessibleName(_("Use keys for this session only"))
        self.file_choice = QRadioButton(
            _("Save keys unencrypted in a file only your user account can read"), self
        )
        self.file_choice.setObjectName("keyStorageFile")
        self.file_choice.setToolTip(
            _(
                "Anyone with access to your account or your backups can read the keys in it. "
                "The same as “Store API keys in a file” under Preferences."
            )
        )
        self.file_choice.setAccessibleName(_("Save keys in a private file"))
        self._group = QButtonGroup(self)
        self._group.addButton(self.session_choice)
        self._group.addButton(self.file_choice)
        self.file_choice.toggled.connect(self._on_file_choice_toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.session_choice)
        layout.addWidget(self.file_choice)
        self._showing = False

    def show_status(self, status: KeyringStatus, *, in_file: bool) -> None:
        """Say where keys go given the keyring ``status`` and the file opt-in."""
        self._showing = True
        if status.available:
            self.label.setText(
                _(
                    "Keys are kept in the system keyring ({backend}), never in a settings file."
                ).format(backend=status.backend)
            )
        else:
            # TRANSLATORS: {problem} says why there is no keyring, {fix} how to get one;
            # the choices between keeping keys for this session or in a file follow.
            self.label.setText(
                _("{problem} {fix} Until then:").format(
                    problem=first_sentence(status.message), fix=keyring_fix(status)
                )
            )
            (self.file_choice if in_file else self.session_choice).setChecked(True)
        self.session_choice.setVisible(not status.available)
        self.file_choice.setVisible(not status.available)
        self._showing = False

    def _on_file_choice_toggled(self, checked: bool) -> None:
        if not self._showing:
            self.choice_changed.emit(checked)
