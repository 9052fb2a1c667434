"""Qt's own buttons and formats follow the app's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from kimi_desktop.ui.runtime.language import apply_qt_language


@pytest.fixture
def restore_english(qapp: QApplication) -> Iterator[list[object]]:
    installed: list[object] = []
    yield installed
    for translator in installed:
        qapp.removeTranslator(translator)
    QLocale.setDefault(QLocale("en_US"))


def _button_texts(qtbot) -> list[str]:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    return sorted(b.text() for b in box.buttons())


def test_chinese_standard_buttons_and_locale(qapp, qtbot, restore_english) -> None:
    translator = apply_qt_language(qapp, "zh_CN")
    assert translator is not None
    restore_english.append(translator)
    assert _button_texts(qtbot) == sorted(["确定", "取消"])
    assert QLocale().name() == "zh_CN"


def test_english_needs_no_translator(qapp, qtbot, restore_english) -> None:
    assert apply_qt_language(qapp, "en") is None
    assert QLocale().name() == "en_US"
    assert "Cancel" in _button_texts(qtbot)
