"""The Preferences page, generated from the schema; saved on OK, discarded on Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QSpinBox

from kimi_desktop.settings import Preferences
from tests.ui.settings.driving import (
    cancel,
    ok,
)


def test_preferences_are_built_from_the_schema_and_saved_on_ok(open_dialog, store, qtbot) -> None:
    dialog = open_dialog()
    theme = dialog.findChild(QComboBox, "preference_theme")
    font = dialog.findChild(QSpinBox, "preference_font_size")
    send = dialog.findChild(QComboBox, "preference_send_shortcut")
    assert theme.toolTip() == "Light or dark colours, or follow the operating system."
    theme.setCurrentIndex(theme.findData("dark"))
    font.setValue(15)
    send.setCurrentIndex(send.findData("ctrl_enter"))
    with qtbot.wait_signal(dialog.preferences_changed) as emitted:
        ok(dialog)
    expected = Preferences(theme="dark", font_size=15, send_shortcut="ctrl_enter")
    assert emitted.args == [expected]
    assert store.preferences == expected


def test_preferences_are_discarded_on_cancel(open_dialog, store, qtbot) -> None:
    dialog = open_dialog()
    font = dialog.findChild(QSpinBox, "preference_font_size")
    font.setValue(20)
    with qtbot.assert_not_emitted(dialog.preferences_changed):
        cancel(dialog)
    assert store.preferences == Preferences()
