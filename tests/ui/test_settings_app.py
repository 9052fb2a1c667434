"""Endpoints and settings in the whole app, as ``app.build`` wires it, against fake servers.

Both request formats end to end, switching endpoints, per-conversation
endpoint and model, preferences applied live, the keyring-less path, damaged
endpoint files, and the provider's balance in the top bar.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import keyring
import pytest
import shiboken6
from keyring.backends import fail
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QPushButton, QSpinBox

from kimi_desktop.app import AppParts, build
from kimi_desktop.domain import MessageStatus
from kimi_desktop.settings import (
    AppPaths,
    EndpointProfile,
    KeyringStatus,
    Preferences,
    Prices,
    SecretStore,
    SettingsStore,
    preset_by_id,
)
from kimi_desktop.ui.settings.dialog import SettingsDialog
from kimi_desktop.ui.shell.style import apply_style, is_dark
from kimi_desktop.ui.shell.welcome import KEYRING_NOTE
from tests.fakes import (
    ANTHROPIC_TEXT,
    ANTHROPIC_THINKING,
    ANTHROPIC_USAGE,
    FakeKimiServer,
    anthropic_stream,
    json_reply,
    openai_stream,
)
from tests.loop_support import run_until, settle

KEY = "sk-settings-app-7a1c3e5b9d"

MakeApp = Callable[..., AppParts]


def on_server(preset_id: str, server: FakeKimiServer) -> EndpointProfile:
    """The preset's profile, its host swapped for the fake server's."""
    preset = preset_by_id(preset_id)
    assert preset is not None
    moved = urlsplit(preset.base_url)._replace(scheme="http", netloc=f"127.0.0.1:{server.port}")
    profile = preset.to_profile()
    return EndpointProfile(**{**profile.to_dict(), "base_url": moved.geturl(), "prices": None})


def seed(home: Path, *profiles: EndpointProfile, key: str | None = KEY) -> None:
    """Endpoints on disk and their keys in the keyring, as an earlier run left them."""
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)})
    settings = SettingsStore(paths)
    for stored in settings.profiles:
        settings.remove_profile(stored.id)
    secrets = SecretStore(paths.ensure_config_dir())
    for profile in profiles:
        settings.add_profile(profile)
        if key:
            secrets.set(profile.id, key)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def make_app(qapp, qloop, home: Path) -> Iterator[MakeApp]:
    built: list[AppParts] = []

    def make(**environ: str) -> AppParts:
        parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(home), **environ})
        parts.window.show()
        built.append(parts)
        return parts

    yield make
    for parts in built:
        qloop.run_until_complete(parts.chat.shutdown())
        parts.window.close()
        parts.close()
        # Deleted here, on the GUI thread: left to the garbage collector, a window
        # could be destroyed on a fake server's thread, timers and all.
        shiboken6.delete(parts.window)
    built.clear()
    gc.collect()
    apply_style(qapp, is_dark("system"))  # as a fresh app starts


def send(parts: AppParts, loop: asyncio.AbstractEventLoop, text: str) -> int:
    parts.window.composer.set_text(text)
    parts.window.composer.send_button.click()
    conversation = parts.window.presenter.conversation
    assert conversation is not None
    task = parts.chat.reply_task(conversation.id)
    if task is not None:
        loop.run_until_complete(asyncio.wait([task], timeout=20))
    return conversation.id


def open_settings(parts: AppParts) -> SettingsDialog:
    parts.window.settings_requested.emit()
    dialogs = [d for d in parts.window.findChildren(SettingsDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def press_ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def picker_items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def choose_endpoint(parts: AppParts, name: str) -> None:
    picker = parts.window.top_bar.endpoint_picker
    index = picker_items(picker).index(name)
    picker.setCurrentIndex(index)
    picker.activated.emit(index)


def choose_model(parts: AppParts, model: str) -> None:
    picker = parts.window.top_bar.model_picker
    index = picker.findData(model)
    picker.setCurrentIndex(index)
    picker.activated.emit(index)


# -- the Anthropic format, end to end ----------------------------------------------------------


def _check_anthropic_reply(parts: AppParts, server: FakeKimiServer, conversation_id: int, qtbot):
    messages = parts.history.messages(conversation_id)
    assert [(m.role, m.status) for m in messages] == [
        ("user", MessageStatus.COMPLETE),
        ("assistant", MessageStatus.COMPLETE),
    ]
    reply = messages[-1]
    assert reply.text == "".join(ANTHROPIC_TEXT)
    assert reply.reasoning == "".join(ANTHROPIC_THINKING)
    widget = parts.window.chat_view.message_widget(reply.id)
    assert widget is not None
    qtbot.waitUntil(lambda: widget.plain_text().split() == reply.text.split())
    assert widget.reasoning_panel().text() == "".join(ANTHROPIC_THINKING)
    request = server.chat_requests[-1]
    assert request.headers["x-api-key"] == KEY
    assert "authorization" not in request.headers
    assert request.json()["messages"][-1] == {"role": "user", "content": "Bonjour?"}
    return request


def test_anthropic_format_from_the_environment(make_app, qloop, qtbot) -> None:
    with FakeKimiServer("moonshot-anthropic", api_key=KEY) as server:
        parts = make_app(KIMI_BASE_URL=server.base_url, KIMI_API_KEY=KEY)
        assert parts.endpoints.active_profile().protocol == "anthropic"
        conversation_id = send(parts, qloop, "Bonjour?")
        request = _check_anthropic_reply(parts, server, conversation_id, qtbot)
    assert request.path == "/anthropic/v1/messages"


def test_anthropic_format_of_a_stored_kimi_k2_ai_endpoint(make_app, home, qloop, qtbot) -> None:
    with FakeKimiServer("kimik2", api_key=KEY) as server:
        server.enqueue(anthropic_stream(ANTHROPIC_THINKING, ANTHROPIC_TEXT, ANTHROPIC_USAGE))
        seed(home, on_server("kimi-k2-ai-anthropic", server))
        parts = make_app()
        assert parts.window.pages.currentWidget() is parts.window.chat_page
        assert parts.window.top_bar.current_model() == "kimi-k2-0905"
        conversation_id = send(parts, qloop, "Bonjour?")
        request = _check_anthropic_reply(parts, server, conversation_id, qtbot)
    assert request.path == "/api/v1/messages"
    assert request.json()["model"] == "kimi-k2-0905"
    stored = parts.history.conversation(conversation_id)
    assert (stored.endpoint_id, stored.model) == ("kimi-k2-ai-anthropic", "kimi-k2-0905")


# -- switching endpoints; each conversation remembers its own ---------------------------------


def test_endpoint_picker_switches_and_conversations_remember_endpoint_and_model(
    make_app, home, qloop
) -> None:
    with (
        FakeKimiServer("moonshot", api_key=KEY) as moonshot,
        FakeKimiServer("kimik2", api_key=KEY) as kimik2,
    ):
        seed(home, on_server("moonshot-global", moonshot), on_server("kimi-k2-ai", kimik2))
        parts = make_app()
        window, top = parts.window, parts.window.top_bar
        assert picker_items(top.endpoint_picker) == [
            "Moonshot AI (global)",
            "kimi-k2.ai (OpenAI format)",
        ]
        qloop.run_until_complete(window.presenter.endpoint_presenter.refresh_models())
        choose_model(parts, "kimi-k2-thinking")
        first = send(parts, qloop, "first, on Moonshot with thinking")

        window.new_conversation()
        choose_endpoint(parts, "kimi-k2.ai (OpenAI format)")
        # At once, before any network answer: the endpoint and its remembered model.
        assert parts.endpoints.active_id == "kimi-k2-ai"
        assert top.current_model() == "kimi-k2-0905"
        settle(qloop)  # its model list arrives in the background
        kimik2.enqueue(openai_stream([], ["from kimi-k2.ai"]))
        second = send(parts, qloop, "second, on kimi-k2.ai")

        window.new_conversation()
        choose_endpoint(parts, "Moonshot AI (global)")
        assert top.current_model() == "kimi-k2-thinking"  # the endpoint's last model
        settle(qloop)
        choose_model(parts, "kimi-k2.5")
        third = send(parts, qloop, "third, on Moonshot with K2.5")

        for conversation_id, endpoint, model in (
            (first, "Moonshot AI (global)", "kimi-k2-thinking"),
            (second, "kimi-k2.ai (OpenAI format)", "kimi-k2-0905"),
            (third, "Moonshot AI (global)", "kimi-k2.5"),
            (first, "Moonshot AI (global)", "kimi-k2-thinking"),
        ):
            window.open_conversation(conversation_id)
            assert top.endpoint_picker.currentText() == endpoint
            assert top.current_model() == model
            settle(qloop)  # a switch refreshes the models in the background
            assert top.current_model() == model  # and that does not override it

    assert [r.json()["model"] for r in moonshot.chat_requests] == [
        "kimi-k2-thinking",
        "kimi-k2.5",
    ]
    assert [r.json()["model"] for r in kimik2.chat_requests] == ["kimi-k2-0905"]


# -- Settings through the app ------------------------------------------------------------------


def test_preferences_apply_live_after_ok(make_app, qapp) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        parts = make_app(KIMI_BASE_URL=server.base_url, KIMI_API_KEY=KEY)
        window = parts.window
        assert window.composer.edit.enter_sends
        window.top_bar.settings_button.click()
        dialog = next(d for d in window.findChildren(SettingsDialog) if d.isVisible())
        theme = dialog.findChild(QComboBox, "preference_theme")
        theme.setCurrentIndex(theme.findData("dark"))
        dialog.findChild(QSpinBox, "preference_font_size").setValue(17)
        send_with = dialog.findChild(QComboBox, "preference_send_shortcut")
        send_with.setCurrentIndex(send_with.findData("ctrl_enter"))
        assert window.chat_view.font().pointSize() != 17  # nothing before OK
        press_ok(dialog)

    assert window.chat_view.font().pointSize() == 17
    assert not window.composer.edit.enter_sends
    assert "Ctrl+Enter" in window.composer.edit.placeholderText()
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#1e1f22"
    assert parts.settings.preferences == Preferences(
        theme="dark", font_size=17, send_shortcut="ctrl_enter"
    )


def test_a_set_up_app_shows_the_chat_at_once_and_reads_the_key_off_the_gui_thread(
    make_app, home, qloop, keyring_readers
) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        seed(home, on_server("moonshot-global", server))
        keyring_readers.clear()
        parts = make_app()
        assert parts.window.pages.currentWidget() is parts.window.chat_page
        assert keyring_readers == []  # the window was built without waiting for the keyring
        # as the app does once the window shows
        parts.window.presenter.endpoint_presenter.refresh_models_if_keyed()
        run_until(qloop, lambda: any(r.path == "/v1/models" for r in server.requests))
        models = next(r for r in server.requests if r.path == "/v1/models")
        assert models.headers["authorization"] == f"Bearer {KEY}"
        assert keyring_readers
        assert threading.main_thread() not in keyring_readers
        assert parts.window.pages.currentWidget() is parts.window.chat_page
        settle(qloop)


def test_a_first_run_opens_on_the_welcome_page_and_probes_the_keyring_off_the_gui_thread(
    make_app, qloop, keyring_readers, monkeypatch
) -> None:
    monkeypatch.setattr(
        SecretStore, "status", lambda self: KeyringStatus(False, "x", "No keyring.")
    )
    with FakeKimiServer("moonshot", api_key=KEY):
        parts = make_app()
        welcome = parts.window.welcome
        assert parts.window.pages.currentWidget() is welcome
        assert welcome.storage_note.text() == KEYRING_NOTE  # until the keyring answers
        run_until(qloop, lambda: welcome.storage_note.text() == "No keyring.")
        assert keyring_readers
        assert threading.main_thread() not in keyring_readers
        assert parts.window.pages.currentWidget() is welcome


def test_a_key_added_in_settings_opens_the_chat(make_app, home, qloop) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        seed(home, on_server("moonshot-global", server), key=None)
        parts = make_app()
        # Set up before, so the chat is shown until the keyring says there is no key.
        assert parts.window.pages.currentWidget() is parts.window.chat_page
        run_until(qloop, lambda: parts.window.pages.currentWidget() is parts.window.welcome)
        dialog = open_settings(parts)
        dialog.key_edit.setText(KEY)
        dialog.key_edit.textEdited.emit(KEY)
        press_ok(dialog)
        assert parts.window.pages.currentWidget() is parts.window.chat_page
        run_until(qloop, lambda: any(r.path == "/v1/models" for r in server.requests))
        assert parts.endpoints.key("moonshot-global") == KEY
        settle(qloop)


def test_an_endpoint_set_up_from_the_welcome_page_is_put_to_use(make_app, home, qloop) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        parts = make_app()  # first run: Moonshot AI (global), no key
        assert parts.window.pages.currentWidget() is parts.window.welcome
        dialog = open_settings(parts)
        dialog.add_menu.actions()[-1].trigger()  # Custom server…
        for edit, text in ((dialog.name_edit, "Loopback"), (dialog.url_edit, server.base_url)):
            edit.setText(text)
            edit.textEdited.emit(text)
        dialog.key_required.setChecked(True)
        dialog.key_edit.setText(KEY)
        dialog.key_edit.textEdited.emit(KEY)
        press_ok(dialog)

        assert parts.window.top_bar.endpoint_picker.currentText() == "Loopback"
        assert parts.window.pages.currentWidget() is parts.window.chat_page
        settle(qloop)
        conversation_id = send(parts, qloop, "hello")
        assert parts.history.messages(conversation_id)[-1].status is MessageStatus.COMPLETE
        assert server.chat_requests[-1].headers["authorization"] == f"Bearer {KEY}"


# -- no keyring ----------------------------------------------------------------------------------


@pytest.fixture
def no_keyring() -> None:
    keyring.set_keyring(fail.Keyring())


def _welcome_with_key(parts: AppParts, loop: asyncio.AbstractEventLoop, key: str) -> None:
    welcome = parts.window.welcome
    run_until(loop, lambda: parts.window.pages.currentWidget() is welcome)
    welcome.key_edit.setText(key)
    welcome.findChild(QPushButton, "welcomeStart").click()


def _files_holding(home: Path, secret: str) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_without_a_keyring_the_welcome_key_is_used_for_this_session_only(
    no_keyring, make_app, home, qloop
) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        seed(home, on_server("moonshot-global", server), key=None)
        parts = make_app()
        _welcome_with_key(parts, qloop, KEY)
        settle(qloop)
        notice = parts.window.composer.notice.text()
        assert notice.startswith("No system keyring was found")
        assert "kept for this session only and nothing was written to disk" in notice
        assert parts.window.pages.currentWidget() is parts.window.chat_page
        conversation_id = send(parts, qloop, "hello")
        assert parts.history.messages(conversation_id)[-1].status is MessageStatus.COMPLETE
        assert server.chat_requests[-1].headers["authorization"] == f"Bearer {KEY}"
        settle(qloop)

    assert _files_holding(home, KEY) == []
    assert not (home / "config" / "api-keys.json").exists()


def test_without_a_keyring_the_opt_in_uses_a_private_key_file(
    no_keyring, make_app, home, qloop
) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        seed(home, on_server("moonshot-global", server), key=None)
        paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)})
        SettingsStore(paths).set_preferences(Preferences(store_keys_in_file=True))
        parts = make_app()
        _welcome_with_key(parts, qloop, KEY)
        assert "which only your user account can read" in parts.window.composer.notice.text()
        settle(qloop)

    key_file = home / "config" / "api-keys.json"
    assert _files_holding(home, KEY) == [key_file]
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert json.loads(key_file.read_text())["keys"] == {"moonshot-global": KEY}


# -- damaged endpoint files ------------------------------------------------------------------------


def test_a_damaged_endpoint_file_is_reported_and_presets_come_back(make_app, home) -> None:
    config = home / "config"
    config.mkdir(parents=True)
    (config / "endpoints.json").write_text('{"version": 1, "endpoints": [', encoding="utf-8")

    parts = make_app()

    assert len(parts.warnings) == 1
    warning = parts.warnings[0]
    assert "Your endpoint list could not be read because endpoints.json is damaged" in warning
    assert "the built-in presets were restored" in warning
    kept = [p.name for p in config.iterdir() if p.name.startswith("endpoints.json.corrupt")]
    assert len(kept) == 1
    assert kept[0] in warning
    assert picker_items(parts.window.top_bar.endpoint_picker)[0] == "Moonshot AI (global)"


def test_one_bad_profile_is_reported_and_the_others_stay(make_app, home) -> None:
    config = home / "config"
    config.mkdir(parents=True)
    good = [on_server("villamarket", _Port(1)), on_server("acedata", _Port(2))]
    entries = [
        good[0].to_dict(),
        {"id": "broken", "name": "Broken", "base_url": "https://x.example/v1", "protocol": "grpc"},
        good[1].to_dict(),
    ]
    (config / "endpoints.json").write_text(json.dumps({"version": 1, "endpoints": entries}))

    parts = make_app()

    assert len(parts.warnings) == 1
    assert parts.warnings[0].startswith("Endpoint 2 (“Broken”) was skipped because")
    assert "grpc" in parts.warnings[0]
    assert picker_items(parts.window.top_bar.endpoint_picker) == [
        "Kimi VillaMarket",
        "AceData Cloud",
    ]
    # The others are still editable and saving does not bring the broken one back.
    dialog = open_settings(parts)
    assert [dialog.list_model.item(i).text() for i in range(2)] == [
        "Kimi VillaMarket",
        "AceData Cloud",
    ]


class _Port:
    def __init__(self, port: int) -> None:
        self.port = port


# -- keys removed and prices entered in Settings -------------------------------------------------


def test_removing_the_active_endpoints_key_in_settings_asks_for_a_key_again(
    make_app, home, qloop, memory_keyring
) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        seed(home, on_server("moonshot-global", server))
        parts = make_app()
        qloop.run_until_complete(parts.endpoints.load_key("moonshot-global"))
        dialog = open_settings(parts)
        assert dialog.key_edit.placeholderText().startswith("A key is stored in the system keyring")
        dialog.form.key_field.remove_button.click()
        press_ok(dialog)
        settle(qloop)
        assert memory_keyring.entries == {}
        assert parts.endpoints.needs_key("moonshot-global")
        assert parts.window.pages.currentWidget() is parts.window.welcome


def test_prices_entered_in_settings_give_a_cost_estimate(make_app, home, qloop) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        seed(home, on_server("villamarket", server))  # a reseller: no list prices
        parts = make_app()
        settle(qloop)
        send(parts, qloop, "what does this cost?")
        usage = parts.window.top_bar.usage_label
        assert usage.text()
        assert "$" not in usage.text()  # no prices, no estimate

        dialog = open_settings(parts)
        for edit, text in (
            (dialog.form.prices_editor.input_edit, "1000"),
            (dialog.form.prices_editor.output_edit, "2000"),
        ):
            edit.setText(text)
            edit.textEdited.emit(text)
        press_ok(dialog)
        assert SettingsStore(AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)})).profile(
            "villamarket"
        ).prices == Prices(1000, 1000, 2000)
        parts.window.new_conversation()
        send(parts, qloop, "and now?")
        settle(qloop)
        assert "$" in usage.text()


# -- the provider's balance in the top bar ---------------------------------------------------------


def test_moonshot_balance_shows_in_the_top_bar(make_app, home, qloop) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        server.override(
            "GET",
            "/v1/users/me/balance",
            json_reply(
                {
                    "code": 0,
                    "data": {
                        "available_balance": 49.58,
                        "voucher_balance": 46.58,
                        "cash_balance": 3.0,
                    },
                    "scc": True,
                    "status": True,
                }
            ),
        )
        seed(home, on_server("moonshot-cn", server))
        parts = make_app()
        qloop.run_until_complete(parts.window.presenter.endpoint_presenter.refresh_models())
        assert parts.endpoints.balance("moonshot-cn") == "Balance ¥49.58"
        assert parts.window.top_bar.credits_label.text() == "Balance ¥49.58"
