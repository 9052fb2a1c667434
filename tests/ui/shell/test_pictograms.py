"""No pictogram characters stand in for icons: the window's controls and Settings show
drawn icons, each button with a name and a tooltip, and keep their documented names."""

from __future__ import annotations

import unicodedata

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QWidget,
)

from tests.loop_support import settle
from tests.ui.app_driver import finish, send

#: Arrows, crosses and the like used as button faces before icons were drawn.
GLYPHS = set("×✕✖✗✔✓⟳↻⚙▾▸▼↑↓←→+⋯…")
DOCUMENTED = (
    "conversationList",
    "conversationSearch",
    "chatView",
    "composer",
    "sendButton",
    "stopButton",
    "attachButton",
    "modelPicker",
    "endpointPicker",
    "thinkingToggle",
    "usageLabel",
)


def pictograms(text: str) -> str:
    """The characters of ``text`` that are symbols drawn as pictures."""
    return "".join(ch for ch in text if unicodedata.category(ch) == "So")


def faces(root: QWidget) -> list[tuple[QWidget, str]]:
    """Each shown control of ``root`` outside the chat itself, with the text it shows."""
    chat = root.findChild(QWidget, "chatView")
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or (chat is not None and chat.isAncestorOf(widget)):
            continue
        if isinstance(widget.parent(), QLineEdit):
            continue  # a line edit's own clear button or decoration
        if isinstance(widget, QAbstractButton | QLabel):
            found.append((widget, widget.text()))
        elif isinstance(widget, QComboBox):
            found.append((widget, widget.currentText()))
        elif isinstance(widget, QLineEdit):
            found.append((widget, widget.placeholderText()))
    return found


def check(root: QWidget) -> list[str]:
    problems = []
    for widget, text in faces(root):
        name = f"{type(widget).__name__}({widget.objectName()!r})"
        if pictograms(text):
            problems.append(f"{name} shows {pictograms(text)!r} in {text!r}")
        stripped = text.replace("&", "").strip()
        if stripped and all(ch in GLYPHS or not ch.isalnum() for ch in stripped):
            problems.append(f"{name} has a glyph for a face: {text!r}")
        elif stripped[:1] in GLYPHS and stripped[1:2].isspace():
            problems.append(f"{name} has a glyph for an icon: {text!r}")  # "+  New chat"
        if isinstance(widget, QAbstractButton) and not stripped:
            if widget.icon().isNull():
                problems.append(f"{name} has neither text nor icon")
            if not widget.accessibleName() or not widget.toolTip():
                problems.append(f"{name} has an icon but no accessible name or tooltip")
    return problems


def test_the_window_and_settings_show_icons_not_glyphs(server, make_app, qloop) -> None:
    parts = make_app(server)
    window = parts.window
    finish(qloop, parts, send(parts, "hello"))
    window.resize(1000, 700)
    settle(qloop)
    for name in DOCUMENTED:
        assert window.findChild(QWidget, name) is not None, name

    assert check(window) == []
    window.resize(640, 600)  # icons only, where the bar is short of room
    settle(qloop)
    assert check(window) == []
    window.composer.set_running(True)
    assert check(window) == []
    window.composer.set_running(False)
    window.pages.setCurrentWidget(window.welcome)
    assert check(window) == []
    window.pages.setCurrentWidget(window.chat_page)

    window.settings_requested.emit()
    dialog = window.findChild(QDialog, "settingsDialog")
    assert dialog is not None
    try:
        for tab in range(dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(tab)
            assert check(dialog) == [], dialog.tabs.tabText(tab)
        assert all(button.icon().isNull() for button in dialog.buttons.buttons())
    finally:
        dialog.reject()
