"""The settings dialog as a whole: OK hands every change to the endpoint service, Cancel
discards them, and what could not be done is said as the dialog closes."""

from __future__ import annotations

import ast
import json
import os
import stat
from pathlib import Path

import keyring
from PySide6.QtWidgets import QCheckBox, QSpinBox

import kimi_desktop.ui.settings
from kimi_desktop.services.settings_edits import EndpointsNotSaved, SettingsEdits
from kimi_desktop.settings import PRESETS, Preferences, SettingsStore
from kimi_desktop.ui.icons import Status
from tests.ui.settings.driving import (
    KEY,
    add_preset,
    cancel,
    notice,
    ok,
    select,
    stored_names,
    type_into,
)


def test_every_change_is_discarded_on_cancel(open_dialog, paths, qtbot) -> None:
    endpoints_file = paths.config_dir / "endpoints.json"
    before = endpoints_file.read_bytes()
    dialog = open_dialog()
    add_preset(dialog, "Moonshot AI (China)")
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.name_edit, "Renamed")
    dialog.endpoint_panel.duplicate_button.click()
    select(dialog, "AceData Cloud")
    dialog.remove_button.click()
    dialog.endpoint_panel.up_button.click()
    type_into(qtbot, dialog.key_edit, KEY)
    cancel(dialog)

    assert endpoints_file.read_bytes() == before
    assert stored_names(paths) == [p.name for p in PRESETS]
    assert keyring.get_keyring().entries == {}  # the in-memory test keyring


def test_ok_puts_a_newly_usable_endpoint_to_use_only_if_the_active_one_cannot_work(
    open_dialog, service, qtbot
) -> None:
    assert service.active_id == "moonshot-global"  # first run: no key yet
    dialog = open_dialog()
    select(dialog, "Local server (OpenAI-compatible)")  # usable, but untouched
    ok(dialog)
    assert service.active_id == "moonshot-global"

    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.key_edit, KEY)
    ok(dialog)
    assert service.active_id == "villamarket"

    dialog = open_dialog()
    select(dialog, "AceData Cloud")
    type_into(qtbot, dialog.key_edit, KEY)
    ok(dialog)
    assert service.active_id == "villamarket"  # the active one works: no switch


def test_an_unusable_url_keeps_the_dialog_open(open_dialog, paths, qtbot) -> None:
    before = (paths.config_dir / "endpoints.json").read_bytes()
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.url_edit, "ftp://kimi.example.com")
    assert "Only http:// and https://" in dialog.form.url_field.issues.text()
    dialog.test_button.click()
    assert dialog.test_result.text().startswith("Fix this first:")
    assert dialog.test_result.status is Status.ERROR
    ok(dialog)

    assert dialog.isVisible()
    assert dialog.error_label.text().startswith("Fix “Kimi VillaMarket” first:")
    assert dialog.error_label.status is Status.ERROR
    assert (paths.config_dir / "endpoints.json").read_bytes() == before
    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1")
    ok(dialog)
    assert not dialog.isVisible()
    assert SettingsStore(paths).profile("villamarket").base_url == "https://kimi.example.com/v1"


def test_without_a_keyring_the_dialog_says_so_and_writes_nothing(
    no_keyring, open_dialog, service, paths, qtbot
) -> None:
    dialog = open_dialog()
    select(dialog, "Moonshot AI (global)")
    note = dialog.key_note.text()
    assert note.startswith("No system keyring was found")
    assert note.endswith("Until then:")
    assert dialog.form.key_storage.session_choice.isChecked()
    assert dialog.form.key_storage.session_choice.text() == (
        "Use keys for this session only; nothing is written to disk"
    )
    type_into(qtbot, dialog.key_edit, KEY)
    ok(dialog)

    box = notice()
    assert "Moonshot AI (global): No system keyring was found" in box.text()
    assert "kept for this session only" in box.text()
    box.close()
    assert service.key("moonshot-global") == KEY
    assert service.key_location("moonshot-global") == "session"
    home = paths.config_dir.parent
    assert [p for p in home.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()] == []


def test_without_a_keyring_the_file_opt_in_keeps_the_key_in_a_private_file(
    no_keyring, open_dialog, service, store, paths, qtbot
) -> None:
    dialog = open_dialog()
    select(dialog, "Moonshot AI (global)")
    opt_in = dialog.findChild(QCheckBox, "preference_store_keys_in_file")
    opt_in.setChecked(True)
    assert dialog.form.key_storage.file_choice.isChecked()  # one choice, shown in both places
    type_into(qtbot, dialog.key_edit, KEY)
    ok(dialog)

    key_file = paths.config_dir / "api-keys.json"
    assert store.preferences.store_keys_in_file
    assert str(key_file) in notice().text()
    notice().close()
    assert service.key_location("moonshot-global") == "file"
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert json.loads(key_file.read_text())["keys"] == {"moonshot-global": KEY}


def test_a_key_the_keyring_refuses_to_delete_is_reported(
    open_dialog, service, memory_keyring, monkeypatch
) -> None:
    service.save_key("villamarket", KEY)

    def refuse(service_name: str, username: str) -> None:
        raise RuntimeError("the keyring said no")

    monkeypatch.setattr(memory_keyring, "delete_password", refuse)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    dialog.form.key_field.remove_button.click()
    ok(dialog)
    box = notice()
    assert box.text() == "Kimi VillaMarket: The key could not be removed from the system keyring."
    assert KEY not in box.text()
    box.close()


# -- the one writer ---------------------------------------------------------------------------


def _config_files(paths) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in paths.config_dir.iterdir() if p.is_file()}


def test_ok_hands_everything_to_the_endpoint_service_and_writes_nothing_itself(
    open_dialog, service, paths, qtbot, monkeypatch
) -> None:
    before = _config_files(paths)
    handed: list[SettingsEdits] = []

    def apply(edits: SettingsEdits) -> list[str]:
        handed.append(edits)
        return ["Villa: The keyring said no."]

    monkeypatch.setattr(service, "apply", apply)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.name_edit, "Villa")
    type_into(qtbot, dialog.key_edit, KEY)
    select(dialog, "AceData Cloud")
    dialog.remove_button.click()
    dialog.findChild(QSpinBox, "preference_font_size").setValue(15)
    with qtbot.wait_signal(dialog.preferences_changed):
        ok(dialog)

    assert not dialog.isVisible()
    (edits,) = handed
    assert [p.name for p in edits.profiles] == [
        p.name.replace("Kimi VillaMarket", "Villa") for p in PRESETS if p.id != "acedata"
    ]
    assert edits.keys == {"villamarket": KEY}
    assert edits.removed_keys == frozenset()
    assert edits.preferences == Preferences(font_size=15)
    assert edits.selected_id == "kimi-k2-ai-anthropic"  # shown after the removal
    assert _config_files(paths) == before  # the service writes; here it was a stand-in
    assert notice().text() == "Villa: The keyring said no."
    notice().close()


def test_an_endpoint_list_that_cannot_be_saved_keeps_the_dialog_open(
    open_dialog, service, qtbot, monkeypatch
) -> None:
    def apply(edits: SettingsEdits) -> list[str]:
        raise EndpointsNotSaved("The endpoints could not be saved: No space left on device")

    monkeypatch.setattr(service, "apply", apply)
    dialog = open_dialog()
    dialog.findChild(QSpinBox, "preference_font_size").setValue(15)
    with qtbot.assert_not_emitted(dialog.preferences_changed):
        ok(dialog)

    assert dialog.isVisible()
    assert dialog.error_label.text() == (
        "The endpoints could not be saved: No space left on device"
    )


def test_the_dialog_reaches_the_store_and_the_network_only_through_the_service() -> None:
    forbidden = ("httpx", "kimi_desktop.api", "kimi_desktop.settings.store")
    package = Path(kimi_desktop.ui.settings.__file__).parent
    for module in sorted(package.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert [name for name in imported if name.startswith(forbidden)] == [], module.name
