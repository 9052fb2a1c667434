"""The flat icon buttons under the Settings lists (endpoints, assistants)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QWidget

from kimi_desktop.ui.icons import set_icon


def list_button(
    parent: QWidget, icon: str, text: str, tip: str, slot: Callable[[], None]
) -> QToolButton:
    """A flat button with the icon ``icon``, its ``text`` beside it when it has one, and
    ``tip`` as its tooltip and accessible name (an icon alone must still be named)."""
    button = QToolButton(parent)
    set_icon(button, icon)
    if text:
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.clicked.connect(slot)
    return button
