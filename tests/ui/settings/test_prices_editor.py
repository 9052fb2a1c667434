"""The endpoint form's prices: checked as typed, saved, shown again, kept by a duplicate."""

from __future__ import annotations

from kimi_desktop.settings import Prices, SettingsStore
from kimi_desktop.ui.icons import Status
from tests.ui.settings.driving import (
    ok,
    select,
    type_into,
    type_prices,
)


def test_prices_are_validated_saved_and_shown_again(open_dialog, store, paths, qtbot) -> None:
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    editor = dialog.form.prices_editor
    assert editor.note.text().endswith("Leave empty and no cost is shown.")
    assert editor.note.status is None
    assert editor.input_edit.placeholderText() == "none"

    type_prices(qtbot, dialog, "-1", "", "2")
    assert editor.note.text() == "A price cannot be negative."
    assert editor.note.status is Status.ERROR
    ok(dialog)
    assert dialog.isVisible()
    assert dialog.error_label.text() == (
        "Fix “Kimi VillaMarket” first: Prices: A price cannot be negative."
    )
    assert dialog.error_label.status is Status.ERROR
    type_prices(qtbot, dialog, "cheap")
    assert editor.note.text().startswith("“cheap” is not a price")
    type_prices(qtbot, dialog, "0,5", "", "")
    assert editor.note.text().startswith("Enter both the input and the output price")
    assert editor.note.status is Status.ERROR
    type_prices(qtbot, dialog, "0,5", "", "2")
    assert editor.note.status is None
    editor.currency.setFocus()
    editor.currency.lineEdit().selectAll()
    qtbot.keyClicks(editor.currency.lineEdit(), "cny")
    assert editor.currency.currentText() == "CNY"
    ok(dialog)
    assert not dialog.isVisible()

    assert SettingsStore(paths).profile("villamarket").prices == Prices(0.5, 0.5, 2.0, "CNY")
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    editor = dialog.form.prices_editor
    shown = [e.text() for e in (editor.input_edit, editor.cached_edit, editor.output_edit)]
    assert shown == ["0.50", "0.50", "2.00"]
    assert editor.currency.currentText() == "CNY"
    type_prices(qtbot, dialog, "", "", "")  # empty again: no prices of its own
    ok(dialog)
    assert SettingsStore(paths).profile("villamarket").prices is None


def test_prices_left_empty_mean_list_prices_where_they_apply(open_dialog, qtbot) -> None:
    dialog = open_dialog()
    select(dialog, "Moonshot AI (global)")
    editor = dialog.form.prices_editor
    assert "Leave empty to use Moonshot's list prices (Kimi K2.5: $0.60 input" in (
        editor.note.text()
    )
    assert editor.output_edit.placeholderText() == "list price"
    type_into(qtbot, dialog.url_edit, "https://mirror.example.com/v1")  # not billed by Moonshot
    select(dialog, "Moonshot AI (China)")
    select(dialog, "Moonshot AI (global)")
    assert editor.note.text().endswith("Leave empty and no cost is shown.")


def test_a_duplicate_keeps_the_prices(open_dialog, paths, qtbot) -> None:
    dialog = open_dialog()
    select(dialog, "AceData Cloud")
    type_prices(qtbot, dialog, "1", "0.25", "4")
    dialog.endpoint_panel.duplicate_button.click()
    copy_id = dialog._current_profile().id
    assert dialog.form.prices_editor.cached_edit.text() == "0.25"
    ok(dialog)
    assert SettingsStore(paths).profile(copy_id).prices == Prices(1.0, 0.25, 4.0, "USD")
