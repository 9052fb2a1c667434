"""The empty chat wired to the presenter as the window wires it, against the loopback
server: a chip chosen with the keyboard sets the request; the screenshot starter asks
for the attach dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kimi_desktop.settings.built_in_assistants import SCREENSHOT_TO_CODE_PROMPT
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.placeholder import ChatPlaceholder
from tests.fakes import openai_stream
from tests.unit.services.test_presenter_assistants import Window, build_window


@pytest.fixture
def window(tmp_path: Path, qloop) -> Iterator[Window]:
    yield from build_window(tmp_path, qloop, keep_temperature=False)


@pytest.fixture
def placeholder(qtbot, window: Window) -> ChatPlaceholder:
    widget = ChatPlaceholder()
    qtbot.addWidget(widget)
    widget.apply_style(MessageStyle.for_dark(True))
    presenter = window.presenter
    presenter.assistants_listed.connect(widget.set_assistants)
    widget.assistant_chosen.connect(presenter.choose_assistant)
    widget.starter_chosen.connect(lambda starter: presenter.use_starter(starter, ""))
    presenter.open(None)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_chip_chosen_with_the_keyboard_sets_the_request(window, placeholder, qtbot) -> None:
    kimi = placeholder.chip("kimi")
    assert kimi is not None
    assert kimi.isChecked()
    kimi.setFocus()
    qtbot.waitUntil(kimi.hasFocus)
    qtbot.keyClick(kimi, Qt.Key.Key_Tab)
    screenshot = placeholder.chip("screenshot-to-code")
    qtbot.waitUntil(screenshot.hasFocus)
    qtbot.keyClick(screenshot, Qt.Key.Key_Return)

    qtbot.waitUntil(screenshot.isChecked)
    assert not kimi.isChecked()
    assert screenshot.hasFocus()  # the chips were not rebuilt under the keyboard

    window.server.enqueue(openai_stream(["A header, two columns."], ["<!DOCTYPE html>"]))
    body = window.send("Turn this screenshot into code.")
    assert body["messages"][0] == {"role": "system", "content": SCREENSHOT_TO_CODE_PROMPT}
    assert body["max_tokens"] == 65_536
    assert body["thinking"] == {"type": "enabled"}
    assert "temperature" not in body


def test_the_screenshot_starter_opens_the_attach_dialog(window, placeholder, qtbot) -> None:
    cards = placeholder.findChildren(QPushButton, "starterPrompt")
    card = next(c for c in cards if c.text() == "Turn this screenshot into code")
    with qtbot.waitSignal(window.presenter.attach_requested):
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert window.composer == ["Turn this screenshot into code."]
    chip = placeholder.chip("screenshot-to-code")
    assert chip is not None
    assert chip.isChecked()
