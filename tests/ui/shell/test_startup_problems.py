"""Start-up problems are said over the window, without blocking it, with "Open folder"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow, QMessageBox

from kimi_desktop.ui.shell import startup_problems
from kimi_desktop.ui.shell.startup_problems import OPEN_FOLDER, show_startup_problems


def test_nothing_to_say_shows_nothing(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    assert show_startup_problems(window, []) is None


def test_warnings_show_without_blocking_and_offer_the_folder(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(startup_problems, "open_folder", opened.append)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()

    box = show_startup_problems(window, ["First.", "Second."], tmp_path)  # returns at once

    assert box is not None
    assert box.isVisible()
    assert box.text() == "First.\n\nSecond."
    [button] = [b for b in box.buttons() if b.text() == OPEN_FOLDER]
    button.click()
    assert opened == [tmp_path]


def test_without_a_folder_there_is_only_ok(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    box = show_startup_problems(window, ["Settings were reset."])
    assert box is not None
    assert [box.standardButton(b) for b in box.buttons()] == [QMessageBox.StandardButton.Ok]
    box.close()
