"""The settings dialog on its own: a real settings store, the endpoint service, fake servers.

OK writes, Cancel discards; the key field is masked; base URLs are checked as
they are typed; "Test connection" talks to the loopback fake server and says
what happened in words.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
import shiboken6
from keyring.backends import fail
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QSpinBox,
)

from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings import (
    PRESETS,
    AppPaths,
    KeyringStatus,
    Preferences,
    Prices,
    SecretStore,
    SettingsStore,
)
from kimi_desktop.ui.settings.dialog import SettingsDialog
from tests.fakes import FakeKimiServer
from tests.loop_support import run_until

KEY = "sk-settings-dialog-3e7f1a9c5b"


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path / "home")})


@pytest.fixture
def store(paths: AppPaths) -> SettingsStore:
    return SettingsStore(paths)


@pytest.fixture
def service(store: SettingsStore, paths: AppPaths) -> EndpointService:
    return EndpointService(store, SecretStore(paths.ensure_config_dir()))


@pytest.fixture
def open_dialog(qtbot, store, service) -> Iterator[Callable[[], SettingsDialog]]:
    made: list[SettingsDialog] = []

    def make() -> SettingsDialog:
        dialog = SettingsDialog(store, service)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        # Deleted here, on the GUI thread: left to the garbage collector, a dialog
        # could be destroyed on a fake server's thread, timers and all.
        dialog.close()
        shiboken6.delete(dialog)
    made.clear()
    gc.collect()


@pytest.fixture
def server():
    with FakeKimiServer("moonshot", api_key=KEY) as fake:
        yield fake


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


# -- the endpoint list: add, edit, duplicate, remove, reorder ------------------------------


def test_add_from_a_preset_is_saved_on_ok(open_dialog, paths) -> None:
    dialog = open_dialog()
    add_preset(dialog, "AceData Cloud")
    assert names(dialog)[-1] == "AceData Cloud (2)"  # the list already has one
    assert dialog.url_edit.text() == "https://api.acedata.cloud/kimi"
    assert "without a model list" in dialog.description.text()
    ok(dialog)

    assert stored_names(paths)[-1] == "AceData Cloud (2)"
    added = SettingsStore(paths).profiles[-1]
    assert added.preset == "acedata"
    assert added.id != "acedata"


def test_every_change_is_discarded_on_cancel(open_dialog, paths, qtbot) -> None:
    endpoints_file = paths.config_dir / "endpoints.json"
    before = endpoints_file.read_bytes()
    dialog = open_dialog()
    add_preset(dialog, "Moonshot AI (China)")
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.name_edit, "Renamed")
    dialog.duplicate_button.click()
    select(dialog, "AceData Cloud")
    dialog.remove_button.click()
    dialog.up_button.click()
    type_into(qtbot, dialog.key_edit, KEY)
    cancel(dialog)

    assert endpoints_file.read_bytes() == before
    assert stored_names(paths) == [p.name for p in PRESETS]
    assert keyring.get_keyring().entries == {}  # the in-memory test keyring


def test_edit_duplicate_remove_and_reorder_are_saved_on_ok(
    open_dialog, paths, service, qtbot
) -> None:
    service.save_key("villamarket", KEY)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.name_edit, "Villa")
    type_into(qtbot, dialog.url_edit, "https://api.kimi.villamarket.ai/v2")
    assert names(dialog)[3] == "Villa"
    dialog.duplicate_button.click()
    assert names(dialog)[4] == "Villa (copy)"  # right after the original
    copy_id = dialog._current_profile().id
    select(dialog, "AceData Cloud")
    dialog.remove_button.click()
    select(dialog, "Moonshot AI (China)")
    dialog.up_button.click()
    dialog.up_button.click()  # already first: stays
    select(dialog, "kimi-k2.ai (OpenAI format)")
    dialog.down_button.click()
    select(dialog, "Local server (OpenAI-compatible)")
    dialog.down_button.click()  # already last: stays
    ok(dialog)

    saved = SettingsStore(paths).profiles
    assert [p.name for p in saved] == [
        "Moonshot AI (China)",
        "Moonshot AI (global)",
        "Moonshot AI (Anthropic format)",
        "Villa",
        "Villa (copy)",
        "kimi-k2.ai (Anthropic format)",
        "kimi-k2.ai (OpenAI format)",
        "Local server (OpenAI-compatible)",
    ]
    villa = next(p for p in saved if p.name == "Villa")
    assert (villa.id, villa.base_url) == ("villamarket", "https://api.kimi.villamarket.ai/v2")
    copy = next(p for p in saved if p.name == "Villa (copy)")
    assert copy.id == copy_id
    assert copy.base_url == villa.base_url
    assert service.key(copy.id) == KEY  # the copy took the key with it
    assert service.key_location(copy.id) == "keyring"
    # Neither file holds a key; profiles never do.
    for name in ("endpoints.json", "preferences.json", "state.json"):
        path = paths.config_dir / name
        assert not path.exists() or KEY not in path.read_text()


def test_removing_an_endpoint_forgets_its_key(open_dialog, service) -> None:
    service.save_key("acedata", KEY)
    dialog = open_dialog()
    select(dialog, "AceData Cloud")
    dialog.remove_button.click()
    assert "AceData Cloud" not in names(dialog)
    assert service.key("acedata") == KEY  # not before OK
    ok(dialog)
    assert service.key("acedata") is None
    assert ("kimi-desktop", "acedata") not in keyring.get_keyring().entries


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


# -- base URL checks -------------------------------------------------------------------------


def test_base_url_warnings_and_hints_show_while_typing(open_dialog, qtbot) -> None:
    dialog = open_dialog()
    dialog.add_menu.actions()[-1].trigger()  # Custom server…
    assert names(dialog)[-1] == "Custom server"

    type_into(qtbot, dialog.url_edit, "http://kimi.example.com/v1")
    assert "⚠ This address uses plain http" in dialog.url_issues.text()
    assert "kimi.example.com" in dialog.url_issues.text()
    assert dialog.suggest_button.isHidden()

    type_into(qtbot, dialog.url_edit, "https://kimi.example.com")
    assert "expect the base URL to end in “/v1”" in dialog.url_issues.text()
    assert dialog.suggest_button.text() == "Use https://kimi.example.com/v1"
    dialog.suggest_button.click()
    assert dialog.url_edit.text() == "https://kimi.example.com/v1"
    assert dialog.url_issues.text() == ""
    assert dialog._current_profile().base_url == "https://kimi.example.com/v1"

    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1/v1")
    assert "“/v1”) twice" in dialog.url_issues.text()
    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1/chat/completions")
    assert "full address of one API call" in dialog.url_issues.text()
    assert dialog.suggest_button.text() == "Use https://kimi.example.com/v1"

    type_into(qtbot, dialog.url_edit, "http://127.0.0.1:8080/v1")  # local: plain http is fine
    assert dialog.url_issues.text() == ""


def test_an_unusable_url_keeps_the_dialog_open(open_dialog, paths, qtbot) -> None:
    before = (paths.config_dir / "endpoints.json").read_bytes()
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.url_edit, "ftp://kimi.example.com")
    assert "✖ Only http:// and https://" in dialog.url_issues.text()
    dialog.test_button.click()
    assert dialog.test_result.text().startswith("✖ Fix this first:")
    ok(dialog)

    assert dialog.isVisible()
    assert dialog.error_label.text().startswith("✖ Fix “Kimi VillaMarket” first:")
    assert (paths.config_dir / "endpoints.json").read_bytes() == before
    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1")
    ok(dialog)
    assert not dialog.isVisible()
    assert SettingsStore(paths).profile("villamarket").base_url == "https://kimi.example.com/v1"


# -- the key field -----------------------------------------------------------------------------


def test_key_field_is_masked_with_show_and_hide(open_dialog, service, qtbot) -> None:
    service.save_key("moonshot-global", KEY)
    dialog = open_dialog()
    select(dialog, "Moonshot AI (global)")
    edit = dialog.key_edit
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    assert edit.text() == ""  # a stored key is never put back into the field
    assert "stored in the system keyring" in edit.placeholderText()
    assert "Keys are kept in the system keyring" in dialog.key_note.text()

    type_into(qtbot, edit, "sk-new-key-0123456789")
    assert edit.displayText() != edit.text()  # bullets on screen
    dialog.show_key_button.click()
    assert edit.echoMode() == QLineEdit.EchoMode.Normal
    assert edit.displayText() == "sk-new-key-0123456789"
    assert dialog.show_key_button.text() == "Hide"
    dialog.show_key_button.click()
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.show_key_button.text() == "Show"

    dialog.show_key_button.click()
    select(dialog, "Moonshot AI (China)")  # another endpoint starts hidden again
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    select(dialog, "Moonshot AI (global)")
    assert edit.text() == "sk-new-key-0123456789"  # the typed key waits for OK
    ok(dialog)
    assert service.key("moonshot-global") == "sk-new-key-0123456789"


# -- test connection -------------------------------------------------------------------------


def _point_at(dialog: SettingsDialog, qtbot, url: str, key: str) -> None:
    dialog.add_menu.actions()[-1].trigger()  # Custom server…
    type_into(qtbot, dialog.url_edit, url)
    dialog.key_required.setChecked(True)
    type_into(qtbot, dialog.key_edit, key)


def test_connection_with_a_good_key(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    _point_at(dialog, qtbot, server.base_url, KEY)
    text = run_connection_test(dialog, qloop)
    assert text.startswith("✔ Connected in ")
    assert " ms. Key accepted. 3 models available." in text
    assert server.requests[-1].headers["authorization"] == f"Bearer {KEY}"


def test_connection_with_a_bad_key(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    wrong = "sk-not-the-right-key-42424242"
    _point_at(dialog, qtbot, server.base_url, wrong)
    text = run_connection_test(dialog, qloop)
    assert text.startswith("✖ Reachable in ")
    assert "but the key was rejected (401)" in text
    assert wrong not in text


def test_connection_to_a_closed_port(open_dialog, qtbot, qloop) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog = open_dialog()
    _point_at(dialog, qtbot, f"http://127.0.0.1:{port}/v1", KEY)
    text = run_connection_test(dialog, qloop)
    assert text.startswith(f"✖ Not reachable: Could not connect to 127.0.0.1:{port}.")


def test_connection_suggests_the_missing_v1(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    _point_at(dialog, qtbot, server.url, KEY)
    text = run_connection_test(dialog, qloop)
    assert "has no models list at this address" in text
    assert f"Did you mean {server.base_url} ?" in text
    assert dialog.suggest_button.text() == f"Use {server.base_url}"
    dialog.suggest_button.click()
    text = run_connection_test(dialog, qloop)
    assert text.startswith("✔ Connected in ")


# -- no keyring ---------------------------------------------------------------------------------


@pytest.fixture
def no_keyring() -> None:
    keyring.set_keyring(fail.Keyring())


def _notice() -> QMessageBox:
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "settingsNotice"]
    assert len(boxes) == 1
    return boxes[0]


def test_without_a_keyring_the_dialog_says_so_and_writes_nothing(
    no_keyring, open_dialog, service, paths, qtbot
) -> None:
    dialog = open_dialog()
    select(dialog, "Moonshot AI (global)")
    note = dialog.key_note.text()
    assert note.startswith("No system keyring was found")
    assert note.endswith("Until then:")
    assert dialog.key_storage.session_choice.isChecked()
    assert dialog.key_storage.session_choice.text() == (
        "Use keys for this session only; nothing is written to disk"
    )
    type_into(qtbot, dialog.key_edit, KEY)
    ok(dialog)

    box = _notice()
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
    assert dialog.key_storage.file_choice.isChecked()  # one choice, shown in both places
    type_into(qtbot, dialog.key_edit, KEY)
    ok(dialog)

    key_file = paths.config_dir / "api-keys.json"
    assert store.preferences.store_keys_in_file
    assert str(key_file) in _notice().text()
    _notice().close()
    assert service.key_location("moonshot-global") == "file"
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert json.loads(key_file.read_text())["keys"] == {"moonshot-global": KEY}


# -- preferences ----------------------------------------------------------------------------


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


def test_without_a_keyring_the_endpoint_page_offers_session_or_file(
    no_keyring, open_dialog, service, store, paths, qtbot, monkeypatch
) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    dialog = open_dialog()
    select(dialog, "Moonshot AI (global)")
    storage = dialog.key_storage
    opt_in = dialog.findChild(QCheckBox, "preference_store_keys_in_file")
    note = dialog.key_note.text()
    assert "install and unlock GNOME Keyring (the gnome-keyring package) or KWallet" in note
    assert not storage.session_choice.isHidden()
    assert not storage.file_choice.isHidden()
    assert storage.session_choice.isChecked()  # the default: nothing on disk
    assert "unencrypted" in storage.file_choice.text()
    assert "backups" in storage.file_choice.toolTip()  # the risk, stated

    storage.file_choice.click()
    assert opt_in.isChecked()
    storage.session_choice.click()
    assert not opt_in.isChecked()
    opt_in.setChecked(True)  # and the other way round
    assert storage.file_choice.isChecked()
    opt_in.setChecked(False)
    assert storage.session_choice.isChecked()

    storage.file_choice.click()
    type_into(qtbot, dialog.key_edit, KEY)
    ok(dialog)
    _notice().close()
    assert store.preferences.store_keys_in_file
    assert service.key_location("moonshot-global") == "file"
    assert json.loads((paths.config_dir / "api-keys.json").read_text())["keys"] == {
        "moonshot-global": KEY
    }


def test_with_a_keyring_there_is_no_storage_choice(open_dialog) -> None:
    dialog = open_dialog()
    assert dialog.key_note.text().startswith("Keys are kept in the system keyring")
    assert dialog.key_storage.session_choice.isHidden()
    assert dialog.key_storage.file_choice.isHidden()


# -- removing a key ---------------------------------------------------------------------------


def test_remove_key_deletes_the_stored_key_on_ok(open_dialog, service, memory_keyring) -> None:
    service.save_key("villamarket", KEY)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    assert dialog.key_edit.placeholderText().startswith("A key is stored in the system keyring")
    assert not dialog.remove_key_button.isHidden()
    select(dialog, "AceData Cloud")
    assert dialog.key_edit.placeholderText() == "No key stored: paste your API key"
    assert dialog.remove_key_button.isHidden()  # nothing to remove

    select(dialog, "Kimi VillaMarket")
    dialog.remove_key_button.click()
    assert dialog.key_edit.placeholderText() == (
        "No key: the stored key is removed when you click OK"
    )
    assert dialog.remove_key_button.isHidden()
    assert service.key("villamarket") == KEY  # not before OK
    ok(dialog)

    assert service.key("villamarket") is None
    assert service.needs_key("villamarket")
    assert memory_keyring.entries == {}
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    assert dialog.key_edit.placeholderText() == "No key stored: paste your API key"


def test_remove_key_is_undone_by_cancel(open_dialog, service) -> None:
    service.save_key("villamarket", KEY)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    dialog.remove_key_button.click()
    cancel(dialog)
    assert service.key("villamarket") == KEY


def test_clearing_the_key_field_keeps_the_stored_key(open_dialog, service, qtbot) -> None:
    service.save_key("villamarket", KEY)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.key_edit, "sk-typo")
    type_into(qtbot, dialog.key_edit, "")
    assert dialog.key_edit.placeholderText().startswith("A key is stored in the system keyring")
    ok(dialog)
    assert service.key("villamarket") == KEY  # only "Remove key" removes it


def test_remove_key_forgets_a_typed_key_and_a_new_one_replaces_the_old(
    open_dialog, service, qtbot
) -> None:
    service.save_key("villamarket", KEY)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    dialog.remove_key_button.click()
    type_into(qtbot, dialog.key_edit, "sk-replacement-1234567890")
    assert not dialog.remove_key_button.isHidden()  # the typed key can go again
    dialog.duplicate_button.click()  # the copy takes the key as it will be after OK
    copy_id = dialog._current_profile().id
    ok(dialog)
    assert service.key("villamarket") == "sk-replacement-1234567890"
    assert service.key(copy_id) == "sk-replacement-1234567890"

    dialog = open_dialog()
    select(dialog, "AceData Cloud")
    type_into(qtbot, dialog.key_edit, "sk-typed-then-removed-99")
    dialog.remove_key_button.click()
    assert dialog.key_edit.text() == ""
    assert dialog.key_edit.placeholderText() == "No key stored: paste your API key"
    ok(dialog)
    assert service.key("acedata") is None


def test_without_a_keyring_remove_key_forgets_the_session_key(
    no_keyring, open_dialog, service
) -> None:
    service.save_key("villamarket", KEY)
    assert service.key_location("villamarket") == "session"
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    assert dialog.key_edit.placeholderText().startswith("A key is kept for this session only")
    dialog.remove_key_button.click()
    ok(dialog)
    assert service.key("villamarket") is None


def test_a_key_the_keyring_refuses_to_delete_is_reported(
    open_dialog, service, memory_keyring, monkeypatch
) -> None:
    service.save_key("villamarket", KEY)

    def refuse(service_name: str, username: str) -> None:
        raise RuntimeError("the keyring said no")

    monkeypatch.setattr(memory_keyring, "delete_password", refuse)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    dialog.remove_key_button.click()
    ok(dialog)
    box = _notice()
    assert box.text() == "Kimi VillaMarket: The key could not be removed from the system keyring."
    assert KEY not in box.text()
    box.close()


# -- a stale connection test --------------------------------------------------------------------


def test_editing_what_the_test_depends_on_clears_its_verdict(
    open_dialog, server, qtbot, qloop
) -> None:
    dialog = open_dialog()
    _point_at(dialog, qtbot, server.base_url, KEY)

    def edits():
        yield lambda: type_into(qtbot, dialog.url_edit, server.base_url + "/")
        yield lambda: type_into(qtbot, dialog.key_edit, KEY + "x")
        yield lambda: type_into(qtbot, dialog.proxy_edit, "http://127.0.0.1:9")
        yield lambda: type_into(qtbot, dialog.proxy_edit, "")

        def protocol() -> None:
            dialog.protocol_combo.setCurrentIndex(1)
            dialog.protocol_combo.activated.emit(1)

        yield protocol
        yield lambda: dialog.key_required.setChecked(False)
        yield dialog.remove_key_button.click

    for edit in edits():
        assert run_connection_test(dialog, qloop) != ""
        edit()
        assert dialog.test_result.text() == ""

    assert run_connection_test(dialog, qloop) != ""
    type_into(qtbot, dialog.name_edit, "Renamed")  # the name does not change what was tested
    assert dialog.test_result.text() != ""


def test_an_edit_during_a_test_cancels_it(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    _point_at(dialog, qtbot, server.base_url, KEY)
    dialog.test_button.click()
    type_into(qtbot, dialog.key_edit, "sk-changed-while-testing")
    qloop.run_until_complete(asyncio.sleep(0.3))
    assert dialog.test_result.text() == ""  # no verdict about the old key
    assert dialog.test_button.isEnabled()


# -- prices -------------------------------------------------------------------------------------


def _type_prices(qtbot, dialog: SettingsDialog, *texts: str) -> None:
    editor = dialog.prices_editor
    for edit, text in zip(
        (editor.input_edit, editor.cached_edit, editor.output_edit), texts, strict=False
    ):
        type_into(qtbot, edit, text)


def test_prices_are_validated_saved_and_shown_again(open_dialog, store, paths, qtbot) -> None:
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    editor = dialog.prices_editor
    assert editor.note.text().endswith("Leave empty and no cost is shown.")
    assert editor.input_edit.placeholderText() == "none"

    _type_prices(qtbot, dialog, "-1", "", "2")
    assert editor.note.text() == "✖ A price cannot be negative."
    ok(dialog)
    assert dialog.isVisible()
    assert dialog.error_label.text() == (
        "✖ Fix “Kimi VillaMarket” first: Prices: A price cannot be negative."
    )
    _type_prices(qtbot, dialog, "cheap")
    assert editor.note.text().startswith("✖ “cheap” is not a price")
    _type_prices(qtbot, dialog, "0,5", "", "")
    assert editor.note.text().startswith("✖ Enter both the input and the output price")
    _type_prices(qtbot, dialog, "0,5", "", "2")
    assert not editor.note.text().startswith("✖")
    editor.currency.setFocus()
    editor.currency.lineEdit().selectAll()
    qtbot.keyClicks(editor.currency.lineEdit(), "cny")
    assert editor.currency.currentText() == "CNY"
    ok(dialog)
    assert not dialog.isVisible()

    assert SettingsStore(paths).profile("villamarket").prices == Prices(0.5, 0.5, 2.0, "CNY")
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    editor = dialog.prices_editor
    shown = [e.text() for e in (editor.input_edit, editor.cached_edit, editor.output_edit)]
    assert shown == ["0.50", "0.50", "2.00"]
    assert editor.currency.currentText() == "CNY"
    _type_prices(qtbot, dialog, "", "", "")  # empty again: no prices of its own
    ok(dialog)
    assert SettingsStore(paths).profile("villamarket").prices is None


def test_prices_left_empty_mean_list_prices_where_they_apply(open_dialog, qtbot) -> None:
    dialog = open_dialog()
    select(dialog, "Moonshot AI (global)")
    editor = dialog.prices_editor
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
    _type_prices(qtbot, dialog, "1", "0.25", "4")
    dialog.duplicate_button.click()
    copy_id = dialog._current_profile().id
    assert dialog.prices_editor.cached_edit.text() == "0.25"
    ok(dialog)
    assert SettingsStore(paths).profile(copy_id).prices == Prices(1.0, 0.25, 4.0, "USD")


def test_what_was_typed_into_an_invalid_endpoint_is_kept_when_looking_elsewhere(
    open_dialog, paths, qtbot
) -> None:
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.url_edit, "ftp://kimi.example.com")
    _type_prices(qtbot, dialog, "1", "", "3")
    select(dialog, "AceData Cloud")
    select(dialog, "Kimi VillaMarket")
    assert dialog.url_edit.text() == "ftp://kimi.example.com"  # not the last valid URL
    assert dialog.prices_editor.output_edit.text() == "3"
    assert "✖ Only http:// and https://" in dialog.url_issues.text()

    select(dialog, "AceData Cloud")
    ok(dialog)  # shows the endpoint to fix, as it was typed
    assert dialog._current_profile().id == "villamarket"
    assert dialog.url_edit.text() == "ftp://kimi.example.com"
    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1")
    ok(dialog)
    saved = SettingsStore(paths).profile("villamarket")
    assert (saved.base_url, saved.prices) == ("https://kimi.example.com/v1", Prices(1, 1, 3))


@pytest.mark.parametrize(
    ("reason", "message", "fix"),
    [
        ("locked", "The system keyring is locked. Unlock it.", "Unlock it (for example in"),
        ("off", "The system keyring is switched off.", "PYTHON_KEYRING_BACKEND"),
        ("error", "The system keyring is not working (D-Bus).", "Check that it is running"),
    ],
)
def test_each_keyring_problem_says_what_to_do(
    open_dialog, service, monkeypatch, reason, message, fix
) -> None:
    status = KeyringStatus(False, "SecretService", message, reason)
    monkeypatch.setattr(service, "keyring_status", lambda: status)
    dialog = open_dialog()
    note = dialog.key_note.text()
    assert note.startswith(message.partition(". ")[0])
    assert fix in note
    assert note.endswith("Until then:")
    assert not dialog.key_storage.session_choice.isHidden()


def test_the_focus_stays_on_test_connection(open_dialog, server, qtbot, qloop) -> None:
    dialog = open_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    _point_at(dialog, qtbot, server.base_url, KEY)
    dialog.test_button.setFocus()
    assert dialog.test_button.hasFocus()
    run_connection_test(dialog, qloop)
    assert dialog.test_button.hasFocus()  # not moved on to the price fields

    dialog.test_button.click()
    dialog.url_edit.setFocus()  # the user goes on while it runs: the focus stays there
    run_until(qloop, lambda: dialog.test_result.text() not in ("", "Testing…"))
    assert dialog.url_edit.hasFocus()
