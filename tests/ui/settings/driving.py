"""Driving the settings dialog the way a person does: select, type, press OK or Cancel."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox

from kimi_desktop.settings import AppPaths, SettingsStore
from kimi_desktop.ui.settings.dialog import SettingsDialog
from tests.loop_support import run_until

KEY = "sk-settings-dialog-3e7f1a9c5b"


def names(dialog: SettingsDialog) -> list[str]:
    model = dialog.list_model
    return [model.item(row).text() for row in range(model.rowCount())]


def select(dialog: SettingsDialog, name: str) -> None:
    dialog.endpoint_list.setCurrentIndex(dialog.list_model.index(names(dialog).index(name), 0))


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    """Replace the field's text the way a person does: select all, type."""
    edit.setFocus()
    edit.selectAll()
    if text:
        qtbot.keyClicks(edit, text)
    else:
        edit.del_()
        edit.textEdited.emit("")


def ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def cancel(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()


def add_preset(dialog: SettingsDialog, name: str) -> None:
    next(a for a in dialog.add_menu.actions() if a.text() == name).trigger()


def stored_names(paths: AppPaths) -> list[str]:
    return [p.name for p in SettingsStore(paths).profiles]  # read back from disk


def run_connection_test(dialog: SettingsDialog, loop: asyncio.AbstractEventLoop) -> str:
    """Press "Test connection" and wait for its verdict."""
    dialog.test_button.click()
    run_until(loop, lambda: dialog.test_result.text() not in ("", "Testing…"))
    return dialog.test_result.text()


def point_at(dialog: SettingsDialog, qtbot, url: str, key: str) -> None:
    """A new custom endpoint at ``url`` that needs a key, with ``key`` typed."""
    dialog.add_menu.actions()[-1].trigger()  # Custom server…
    type_into(qtbot, dialog.url_edit, url)
    dialog.key_required.setChecked(True)
    type_into(qtbot, dialog.key_edit, key)


def type_prices(qtbot, dialog: SettingsDialog, *texts: str) -> None:
    """Type the input, cached and output prices (as many as given)."""
    editor = dialog.form.prices_editor
    for edit, text in zip(
        (editor.input_edit, editor.cached_edit, editor.output_edit), texts, strict=False
    ):
        type_into(qtbot, edit, text)


def notice() -> QMessageBox:
    """The one message box telling what could not be done on OK."""
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "settingsNotice"]
    assert len(boxes) == 1
    return boxes[0]
