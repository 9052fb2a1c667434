"""The endpoint list: add from a preset or a custom server, duplicate, remove, reorder."""

from __future__ import annotations

import keyring

from kimi_desktop.settings import SettingsStore
from tests.ui.settings.driving import (
    KEY,
    add_preset,
    names,
    ok,
    select,
    stored_names,
    type_into,
)


def test_add_from_a_preset_is_saved_on_ok(open_dialog, paths) -> None:
    dialog = open_dialog()
    add_preset(dialog, "AceData Cloud")
    assert names(dialog)[-1] == "AceData Cloud (2)"  # the list already has one
    assert dialog.url_edit.text() == "https://api.acedata.cloud/kimi"
    assert "without a model list" in dialog.form.description.text()
    ok(dialog)

    assert stored_names(paths)[-1] == "AceData Cloud (2)"
    added = SettingsStore(paths).profiles[-1]
    assert added.preset == "acedata"
    assert added.id != "acedata"


def test_edit_duplicate_remove_and_reorder_are_saved_on_ok(
    open_dialog, paths, service, qtbot
) -> None:
    service.save_key("villamarket", KEY)
    dialog = open_dialog()
    select(dialog, "Kimi VillaMarket")
    type_into(qtbot, dialog.name_edit, "Villa")
    type_into(qtbot, dialog.url_edit, "https://api.kimi.villamarket.ai/v2")
    assert names(dialog)[3] == "Villa"
    dialog.endpoint_panel.duplicate_button.click()
    assert names(dialog)[4] == "Villa (copy)"  # right after the original
    copy_id = dialog._current_profile().id
    select(dialog, "AceData Cloud")
    dialog.remove_button.click()
    select(dialog, "Moonshot AI (China)")
    dialog.endpoint_panel.up_button.click()
    dialog.endpoint_panel.up_button.click()  # already first: stays
    select(dialog, "kimi-k2.ai (OpenAI format)")
    dialog.endpoint_panel.down_button.click()
    select(dialog, "Local server (OpenAI-compatible)")
    dialog.endpoint_panel.down_button.click()  # already last: stays
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
