"""The endpoint form: base URL checks while typing, the masked key field, where keys go,
"Remove key", and what was typed into an endpoint that is not valid yet."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QCheckBox, QLineEdit

from kimi_desktop.settings import KeyringStatus, Prices, SettingsStore
from kimi_desktop.ui.icons import Status
from tests.ui.settings.driving import (
    KEY,
    cancel,
    names,
    notice,
    ok,
    select,
    type_into,
    type_prices,
)


def test_base_url_warnings_and_hints_show_while_typing(open_dialog, qtbot) -> None:
    dialog = open_dialog()
    dialog.add_menu.actions()[-1].trigger()  # Custom server…
    assert names(dialog)[-1] == "Custom server"

    type_into(qtbot, dialog.url_edit, "http://kimi.example.com/v1")
    assert "This address uses plain http" in dialog.form.url_field.issues.text()
    assert [label.status for label in dialog.form.url_field.issues.lines()] == [Status.WARNING]
    assert "kimi.example.com" in dialog.form.url_field.issues.text()
    assert dialog.form.url_field.suggest_button.isHidden()

    type_into(qtbot, dialog.url_edit, "https://kimi.example.com")
    assert "expect the base URL to end in “/v1”" in dialog.form.url_field.issues.text()
    assert dialog.form.url_field.suggest_button.text() == "Use https://kimi.example.com/v1"
    dialog.form.url_field.suggest_button.click()
    assert dialog.url_edit.text() == "https://kimi.example.com/v1"
    assert dialog.form.url_field.issues.text() == ""
    assert dialog._current_profile().base_url == "https://kimi.example.com/v1"

    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1/v1")
    assert "“/v1”) twice" in dialog.form.url_field.issues.text()
    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1/chat/completions")
    assert "full address of one API call" in dialog.form.url_field.issues.text()
    assert dialog.form.url_field.suggest_button.text() == "Use https://kimi.example.com/v1"

    type_into(qtbot, dialog.url_edit, "http://127.0.0.1:8080/v1")  # local: plain http is fine
    assert dialog.form.url_field.issues.text() == ""


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
    dialog.form.key_field.show_button.click()
    assert edit.echoMode() == QLineEdit.EchoMode.Normal
    assert edit.displayText() == "sk-new-key-0123456789"
    assert dialog.form.key_field.show_button.text() == "Hide"
    dialog.form.key_field.show_button.click()
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.form.key_field.show_button.text() == "Show"

    dialog.form.key_field.show_button.click()
    select(dialog, "Moonshot AI (China)")  # another endpoint starts hidden again
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    select(dialog, "Moonshot AI (global)")
    assert edit.text() == "sk-new-key-0123456789"  # the typed key waits for OK
    ok(dialog)
    assert service.key("moonshot-global") == "sk-new-key-0123456789"


def test_without_a_keyring_the_endpoint_page_offers_session_or_file(
    no_keyring, open_dialog, service, store, paths, qtbot, monkeypatch
) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    dialog = open_dialog()
    select(dialog, "Moonshot AI (global)")
    storage = dialog.form.key_storage
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
    notice().close()
    assert store.preferences.store_keys_in_file
    assert service.key_location("moonshot-global") == "file"
    assert json.loads((paths.config_dir / "api-keys.json").read_text())["keys"] == {
        "moonshot-global": KEY
    }


def test_with_a_keyring_there_is_no_storage_choice(open_dialog) -> None:
    dialog = open_dialog()
    assert dialog.key_note.text().startswith("Keys are kept in the system keyring")
    assert dialog.form.key_storage.session_choice.isHidden()
    assert dialog.form.key_storage.file_choice.isHidden()


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
    assert not dialog.form.key_storage.session_choice.isHidden()


def test_remove_key_deletes_the_stored_key_on_ok(open_dialog, service, memory_keyring) -> None:
    service.save_key("villamarket", KEY)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    assert dialog.key_edit.placeholderText().startswith("A key is stored in the system keyring")
    assert not dialog.form.key_field.remove_button.isHidden()
    select(dialog, "AceData Cloud")
    assert dialog.key_edit.placeholderText() == "No key stored: paste your API key"
    assert dialog.form.key_field.remove_button.isHidden()  # nothing to remove

    select(dialog, "Kimi VillaMarket")
    dialog.form.key_field.remove_button.click()
    assert dialog.key_edit.placeholderText() == (
        "No key: the stored key is removed when you click OK"
    )
    assert dialog.form.key_field.remove_button.isHidden()
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
    dialog.form.key_field.remove_button.click()
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
    dialog.form.key_field.remove_button.click()
    type_into(qtbot, dialog.key_edit, "sk-replacement-1234567890")
    assert not dialog.form.key_field.remove_button.isHidden()  # the typed key can go again
    dialog.endpoint_panel.duplicate_button.click()  # the copy takes the key as it will be after OK
    copy_id = dialog._current_profile().id
    ok(dialog)
    assert service.key("villamarket") == "sk-replacement-1234567890"
    assert service.key(copy_id) == "sk-replacement-1234567890"

    dialog = open_dialog()
    select(dialog, "AceData Cloud")
    type_into(qtbot, dialog.key_edit, "sk-typed-then-removed-99")
    dialog.form.key_field.remove_button.click()
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
    dialog.form.key_field.remove_button.click()
    ok(dialog)
    assert service.key("villamarket") is None


def test_what_was_typed_into_an_invalid_endpoint_is_kept_when_looking_elsewhere(
    open_dialog, paths, qtbot
) -> None:
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.url_edit, "ftp://kimi.example.com")
    type_prices(qtbot, dialog, "1", "", "3")
    select(dialog, "AceData Cloud")
    select(dialog, "Kimi VillaMarket")
    assert dialog.url_edit.text() == "ftp://kimi.example.com"  # not the last valid URL
    assert dialog.form.prices_editor.output_edit.text() == "3"
    (finding,) = dialog.form.url_field.issues.lines()
    assert finding.text().startswith("Only http:// and https://")
    assert finding.status is Status.ERROR

    select(dialog, "AceData Cloud")
    ok(dialog)  # shows the endpoint to fix, as it was typed
    assert dialog._current_profile().id == "villamarket"
    assert dialog.url_edit.text() == "ftp://kimi.example.com"
    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1")
    ok(dialog)
    saved = SettingsStore(paths).profile("villamarket")
    assert (saved.base_url, saved.prices) == ("https://kimi.example.com/v1", Prices(1, 1, 3))


# -- how the endpoint switches thinking --------------------------------------------------


def choose_switch(dialog, title: str) -> None:
    combo = dialog.form.thinking_switch_combo
    combo.setCurrentIndex(combo.findText(title))
    combo.activated.emit(combo.currentIndex())


def test_the_thinking_switch_shows_each_endpoints_and_is_saved_on_ok(open_dialog, paths) -> None:
    dialog = open_dialog()
    combo = dialog.form.thinking_switch_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Moonshot (thinking)",
        "vLLM / SGLang (chat_template_kwargs)",
        "OpenAI style (reasoning_effort)",
        "Not at all",
    ]
    assert "chat_template_kwargs" in combo.toolTip()
    select(dialog, "Local server (OpenAI-compatible)")
    assert combo.currentText() == "vLLM / SGLang (chat_template_kwargs)"
    select(dialog, "Moonshot AI (global)")
    assert combo.currentText() == "Moonshot (thinking)"

    choose_switch(dialog, "Not at all")
    select(dialog, "Local server (OpenAI-compatible)")
    choose_switch(dialog, "OpenAI style (reasoning_effort)")
    ok(dialog)

    saved = SettingsStore(paths)
    assert saved.profile("moonshot-global").thinking_switch == "none"  # type: ignore[union-attr]
    assert saved.profile("local").thinking_switch == "reasoning_effort"  # type: ignore[union-attr]


def test_the_thinking_switch_of_an_invalid_endpoint_is_kept_with_its_draft(
    open_dialog, paths, qtbot
) -> None:
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.url_edit, "ftp://kimi.example.com")
    choose_switch(dialog, "vLLM / SGLang (chat_template_kwargs)")
    select(dialog, "AceData Cloud")
    assert dialog.form.thinking_switch_combo.currentText() == "Moonshot (thinking)"
    select(dialog, "Kimi VillaMarket")
    assert dialog.form.thinking_switch_combo.currentText() == "vLLM / SGLang (chat_template_kwargs)"

    type_into(qtbot, dialog.url_edit, "https://kimi.example.com/v1")
    ok(dialog)
    saved = SettingsStore(paths).profile("villamarket")
    assert saved.thinking_switch == "chat_template_kwargs"  # type: ignore[union-attr]


def test_changing_the_switch_forgets_the_connection_tests_verdict(open_dialog) -> None:
    """The one-token question a provider without a model list is asked uses the switch."""
    dialog = open_dialog()
    select(dialog, "AceData Cloud")
    dialog.form.connection_test.result.setText("Connected in 12 ms.")
    choose_switch(dialog, "Not at all")
    assert dialog.form.connection_test.result.text() == ""


@pytest.mark.parametrize("width", [760, 940])
def test_the_description_over_the_fields_takes_only_its_lines(open_dialog, qtbot, width) -> None:
    # A form row without a label kept the description's unwrapped height: a blank line
    # between it and the Name field.
    dialog = open_dialog()
    dialog.resize(width, 620)
    select(dialog, "Moonshot AI (global)")
    description = dialog.form.description
    qtbot.waitUntil(description.isVisible)

    assert description.height() == description.heightForWidth(description.width())
