"""Which version of a message is shown, and the buttons that show another.

A reply answered again, or a prompt edited, has versions: the messages that
follow the same message. The view-model carries the message's place among
them (:class:`VersionedItem`); the switcher under the message shows it and
asks for the previous or next version through the message's own action
signal, so the window handles it like any other message button.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from kimi_desktop.domain import MessageAction, StoredMessage
from kimi_desktop.i18n import _
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_icons import line_icon
from kimi_desktop.ui.chat.message_parts import ActionButton
from kimi_desktop.ui.chat.message_style import MessageStyle


@dataclass(frozen=True, slots=True)
class VersionedItem(MessageItem):
    """A message that has versions: ``version`` is its place among them (from 1),
    ``versions`` how many there are."""

    version: int = 0
    versions: int = 0


def with_versions(item: MessageItem, message: StoredMessage) -> MessageItem:
    """``item`` with the place of ``message`` among its versions, if it has any."""
    if not message.versions:
        return item
    values = {field.name: getattr(item, field.name) for field in dataclasses.fields(item)}
    return VersionedItem(**values, version=message.version, versions=len(message.versions))


def version_of(item: MessageItem) -> tuple[int, int]:
    """``(version, versions)`` of a message shown; ``(0, 0)`` when it has one version."""
    if isinstance(item, VersionedItem):
        return item.version, item.versions
    return 0, 0


class VersionSwitcher(QWidget):
    """The version shown ("2/3") and how many there are, with buttons for the
    previous and the next (each reachable with Tab, with a tooltip).

    Signals:
        action_requested(MessageAction): ``PREVIOUS_VERSION`` or ``NEXT_VERSION``.
    """

    action_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionSwitcher")
        self._previous = ActionButton(
            MessageAction.PREVIOUS_VERSION, "chevron-left", _("Previous version"), self
        )
        self._next = ActionButton(
            MessageAction.NEXT_VERSION, "chevron-right", _("Next version"), self
        )
        self._label = QLabel(self)
        self._label.setObjectName("versionLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._previous)
        layout.addWidget(self._label)
        layout.addWidget(self._next)
        for button in (self._previous, self._next):
            button.clicked.connect(
                lambda _checked=False, b=button: self.action_requested.emit(b.action)
            )
        self._version = self._versions = 0
        self._enabled = True

    def set_version(self, version: int, versions: int, *, enabled: bool = True) -> None:
        """Show version ``version`` of ``versions``; ``enabled=False`` while a reply
        streams (the branch must not change under it)."""
        self._version, self._versions, self._enabled = version, versions, enabled
        # TRANSLATORS: under a message that has versions: the one shown, of how many ("2/3").
        self._label.setText(_("{version}/{versions}").format(version=version, versions=versions))
        # TRANSLATORS: what a screen reader says for the "2/3" under a message.
        self._label.setAccessibleName(
            _("Version {version} of {versions}").format(version=version, versions=versions)
        )
        self._previous.setEnabled(enabled and version > 1)
        self._next.setEnabled(enabled and version < versions)

    def text(self) -> str:
        """The place shown, such as "2/3"."""
        return self._label.text()

    def button(self, action: MessageAction) -> ActionButton:
        """The button that asks for ``PREVIOUS_VERSION`` or ``NEXT_VERSION``."""
        return self._previous if action is MessageAction.PREVIOUS_VERSION else self._next

    def apply_style(self, style: MessageStyle) -> None:
        self._label.setPalette(style.apply_text_palette(self._label.palette(), muted=True))
        for button in (self._previous, self._next):
            button.setIcon(line_icon(button.icon_name, style.muted))
            palette = button.palette()
            palette.setColor(QPalette.ColorRole.Button, style.hover)
            button.setPalette(palette)
