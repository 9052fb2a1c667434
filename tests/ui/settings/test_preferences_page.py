"""The Preferences page, generated from the schema; saved on OK, discarded on Cancel."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QWidget

from kimi_desktop import i18n
from kimi_desktop.settings import Preferences
from kimi_desktop.settings.schema import SETTINGS
from tests.ui.settings.driving import (
    cancel,
    ok,
)

#: Between one setting's note and the next setting: a row's spacing, less than a line.
MAX_ROW_GAP = 12


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


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("width", [640, 940])
def test_each_note_takes_the_lines_it_shows_and_no_gap_opens_below(
    open_dialog, qtbot, language, width
) -> None:
    # The review found ~50 px under the check boxes' notes: a form row without a label
    # kept the note's unwrapped height.
    i18n.install(language)
    dialog = open_dialog()
    dialog.resize(width, 620)
    dialog.tabs.setCurrentWidget(dialog.preferences_page)
    page = dialog.preferences_page
    qtbot.waitUntil(page.isVisible)
    rows: list[tuple[str, QWidget, QLabel]] = []
    for spec in SETTINGS:
        editor = page.findChild(QWidget, f"preference_{spec.name}")
        note = page.findChild(QLabel, f"preferenceNote_{spec.name}")
        assert note.height() == note.heightForWidth(note.width()), spec.name
        rows.append((spec.section, editor, note))
    for (section, _editor, note), (next_section, next_editor, _note) in pairwise(rows):
        if section == next_section:
            gap = next_editor.mapTo(page, QPoint(0, 0)).y() - note.geometry().bottom()
            assert gap <= MAX_ROW_GAP, (note.objectName(), gap)
