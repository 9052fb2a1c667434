"""A link that may mislead opens only after a dialog showing its text and real address."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from kimi_desktop.ui.chat import link_dialog
from kimi_desktop.ui.chat.link_check import LinkConcern
from kimi_desktop.ui.chat.link_dialog import MAX_SHOWN_CHARS, LinkConfirmDialog, confirm_link
from kimi_desktop.ui.shell import main_window

CYRILLIC_A = "\u0430"


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_dialog_shows_the_text_and_the_real_address(parent) -> None:
    url = f"https://{CYRILLIC_A}pple.com/login"
    dialog = LinkConfirmDialog("https://bank.com", url, LinkConcern.LOOKALIKE_HOST, parent)
    assert dialog.text_view.toPlainText() == "https://bank.com"
    assert dialog.address_view.toPlainText() == "https://xn--pple-43d.com/login"
    assert dialog.reason.text() == LinkConcern.LOOKALIKE_HOST.sentence()
    assert dialog.reason.textFormat() != Qt.TextFormat.RichText
    assert dialog.cancel_button.isDefault()
    assert not dialog.open_button.isDefault()
    assert not dialog.open_button.autoDefault()


def test_markup_and_long_text_are_shown_as_text_and_cut(parent) -> None:
    text = "<b>bank</b> " + "x" * 5000
    dialog = LinkConfirmDialog(text, "https://evil.example", LinkConcern.USER_NAME, parent)
    shown = dialog.text_view.toPlainText()
    assert shown.startswith("<b>bank</b> xxx")
    assert len(shown) == MAX_SHOWN_CHARS
    assert shown.endswith("…")


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Escape])
def test_enter_and_escape_cancel(parent, qtbot, key) -> None:
    dialog = LinkConfirmDialog("bank.com", "https://evil.example", LinkConcern.USER_NAME, parent)
    dialog.open()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(QApplication.focusWidget() or dialog, key)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_open_accepts(parent, qtbot) -> None:
    dialog = LinkConfirmDialog("bank.com", "https://evil.example", LinkConcern.USER_NAME, parent)
    dialog.open()
    with qtbot.waitSignal(dialog.accepted):
        dialog.open_button.click()


def _answer_dialog(button: str, seen: list[tuple[str, str]]) -> Callable[[], None]:
    """Press ``button`` ("open" or "cancel") of the link dialog once it is up; note
    the text and address it showed in ``seen``."""

    def press() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LinkConfirmDialog)
        seen.append((dialog.text_view.toPlainText(), dialog.address_view.toPlainText()))
        (dialog.open_button if button == "open" else dialog.cancel_button).click()

    return press


def _no_dialog(*args: object) -> None:
    raise AssertionError("an ordinary link asked before opening")


def test_confirm_link_asks_only_for_misleading_links(parent, monkeypatch) -> None:
    seen: list[tuple[str, str]] = []
    with monkeypatch.context() as patched:
        patched.setattr(link_dialog, "LinkConfirmDialog", _no_dialog)
        assert confirm_link(parent, "the docs", "https://docs.python.org/3/")

    QTimer.singleShot(0, _answer_dialog("cancel", seen))
    assert not confirm_link(parent, "https://bank.com", "https://evil.example")
    QTimer.singleShot(0, _answer_dialog("open", seen))
    assert confirm_link(parent, "https://bank.com", "https://evil.example")
    assert seen == [("https://bank.com", "https://evil.example")] * 2


class _FakeDesktop:
    opened: ClassVar[list[str]] = []

    @classmethod
    def openUrl(cls, url: QUrl) -> bool:
        cls.opened.append(url.toString(QUrl.ComponentFormattingOption.EncodeUnicode))
        return True


def test_the_window_opens_ordinary_links_and_asks_for_misleading_ones(
    server, make_app, monkeypatch
) -> None:
    monkeypatch.setattr(main_window, "QDesktopServices", _FakeDesktop)
    monkeypatch.setattr(_FakeDesktop, "opened", [])
    window = make_app(server).window
    view = window.chat_view
    seen: list[tuple[str, str]] = []

    with monkeypatch.context() as patched:
        patched.setattr(link_dialog, "LinkConfirmDialog", _no_dialog)
        view.link_activated.emit("https://docs.example.org/", "the docs")
    assert _FakeDesktop.opened == ["https://docs.example.org/"]

    QTimer.singleShot(0, _answer_dialog("cancel", seen))
    view.link_activated.emit("https://evil.example", "https://bank.com")
    assert len(seen) == 1
    assert _FakeDesktop.opened == ["https://docs.example.org/"]  # cancelled: not opened

    QTimer.singleShot(0, _answer_dialog("open", seen))
    view.link_activated.emit("https://xn--pple-43d.com/", "Apple")
    assert seen[1] == ("Apple", "https://xn--pple-43d.com/")
    assert _FakeDesktop.opened[-1] == "https://xn--pple-43d.com/"


def test_the_status_bar_shows_the_hovered_address(server, make_app) -> None:
    window = make_app(server).window
    window.chat_view.link_hovered.emit("https://evil.example")
    assert window.statusBar().currentMessage() == "https://evil.example"
    window.chat_view.link_hovered.emit("")
    assert window.statusBar().currentMessage() == ""
