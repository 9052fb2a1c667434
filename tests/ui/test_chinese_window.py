"""The window in 简体中文: every text, tooltip and accessible name a person meets.

The app is built with a Chinese locale and the offline demo; the test walks
the main window with a demo conversation and a failed reply, the welcome page,
both tabs of Settings and their menus, and fails on any English word of the
app's own. Names are allowed: products, providers, model ids, keys, formats.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from kimi_desktop import i18n
from kimi_desktop.app import AppParts, build
from tests.loop_support import run_until, settle
from tests.ui.app_driver import finish, send, shut_down

#: Words that are names in any language.
ALLOWED = {
    # products, providers and formats
    "kimi", "desktop", "moonshot", "ai", "api", "openai", "anthropic", "acedata", "cloud",
    "villamarket", "messages", "llama", "cpp", "vllm", "ollama", "lm", "studio", "gnome",
    "keyring", "kwallet", "png", "jpeg", "jpg", "webp", "gif", "usd", "cny", "eur", "json",
    "http", "https", "socks", "url", "sse", "utf", "sglang", "pdf", "markdown", "html", "svg",
    # keys on the keyboard
    "enter", "shift", "ctrl", "esc", "tab",
    # a key's shape, shown as an example
    "sk",
    # words Moonshot's Chinese documentation keeps in English
    "token", "id", "bearer",
    # each language by its own name
    "english",
}  # fmt: skip
#: Names of APIs, headers and keyring backends, and paths: the same in every language.
NAMES = re.compile(
    r"\bchat completions\b|\S*[/<>]\S*|\b[a-z]+(?:-[a-z]+){2,}\b|\b[a-z]+(?:_[a-z]+)+\b"
    # Moonshot's request field, named next to the setting that writes it
    r"|[(（]thinking[)）]|\bthinking 字段"
    r"|\bkeyring [A-Z][\w.]*(?: Keyring)?",
    re.IGNORECASE,
)
URL = re.compile(r"\b(?:https?|socks5h?)://\S+|\b[\w.-]+\.(?:ai|cn|cloud|com)\b\S*")
MODEL_ID = re.compile(r"\b(?:kimi|moonshot)-[\w.-]+|\bk2(?:\.\d)?\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z]{2,}")
TAG = re.compile(r"<[^>]+>")


def english_words(text: str) -> set[str]:
    text = TAG.sub(" ", text)
    text = URL.sub(" ", text)
    text = MODEL_ID.sub(" ", text)
    text = NAMES.sub(" ", text)
    return {w for w in WORD.findall(text) if w.lower() not in ALLOWED}


def _typed_by_the_user(widget: QWidget) -> bool:
    """Inside a user's own message: their words, in whatever language they wrote."""
    parent = widget.parentWidget()
    while parent is not None:
        item = getattr(parent, "item", None)
        if getattr(item, "role", None) == "user":
            return True
        parent = parent.parentWidget()
    return False


def texts_of(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything ``widget`` shows, tells or reads aloud."""
    name = f"{type(widget).__name__}({widget.objectName()!r})"
    for kind, text in (
        ("tooltip", widget.toolTip()),
        ("accessible name", widget.accessibleName()),
        ("accessible description", widget.accessibleDescription()),
    ):
        yield f"{name} {kind}", text
    if widget.isWindow():
        yield f"{name} title", widget.windowTitle()
    if isinstance(widget, QLabel | QAbstractButton):
        yield f"{name} text", widget.text()
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        yield f"{name} placeholder", widget.placeholderText()
    if isinstance(widget, QTextEdit) and not _typed_by_the_user(widget):
        yield f"{name} text", widget.toPlainText()
    if isinstance(widget, QComboBox):
        for index in range(widget.count()):
            yield f"{name} item", widget.itemText(index)
    if isinstance(widget, QTabWidget):
        for index in range(widget.count()):
            yield f"{name} tab", widget.tabText(index)
    if isinstance(widget, QMenu):
        for action in widget.actions():
            yield f"{name} action", action.text()
            yield f"{name} action tooltip", action.toolTip()


def english_in(root: QWidget) -> list[str]:
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and not isinstance(widget, QMenu) and widget is not root:
            continue
        for where, text in texts_of(widget):
            words = english_words(text)
            if words:
                found.append(f"{where}: {sorted(words)} in {text[:80]!r}")
    return found


@pytest.fixture
def chinese_app(qapp, qloop, tmp_path: Path) -> Iterator[AppParts]:
    environ = {"KIMI_DESKTOP_HOME": str(tmp_path / "home"), "LANG": "zh_CN.UTF-8"}
    parts = build(qapp, demo=True, environ=environ)
    parts.window.show()
    try:
        yield parts
    finally:
        settle(qloop)
        shut_down(qloop, parts)


def test_the_system_locale_chooses_chinese(chinese_app: AppParts) -> None:
    assert i18n.language() == "zh_CN"


def test_the_demo_conversation_and_an_error_read_in_chinese(chinese_app, qloop) -> None:
    window = chinese_app.window
    finish(qloop, chinese_app, send(chinese_app, "show me a table"))
    finish(qloop, chinese_app, send(chinese_app, "error"))
    assert english_in(window) == []


def test_the_welcome_page_reads_in_chinese(chinese_app, qloop) -> None:
    window = chinese_app.window
    chinese_app.endpoints.set_active("moonshot-global")
    run_until(qloop, lambda: window.pages.currentWidget() is window.welcome)
    assert english_in(window) == []


def test_settings_read_in_chinese(chinese_app, qloop) -> None:
    window = chinese_app.window
    window.settings_requested.emit()
    dialog = window.findChild(QDialog, "settingsDialog")
    assert dialog is not None
    found = english_in(dialog)
    tabs = dialog.findChild(QTabWidget)
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        found += english_in(dialog)
    dialog.reject()
    assert sorted(set(found)) == []
