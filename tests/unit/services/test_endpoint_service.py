"""EndpointService: keys with and without a keyring, the balance, reloads after Settings."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from keyring.backends import fail

from kimi_desktop.api import Endpoint, KimiClient, Message
from kimi_desktop.services.balance import account_balance, balance_source
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings import (
    AppPaths,
    EndpointProfile,
    Preferences,
    SecretStore,
    SettingsStore,
    preset_by_id,
)
from tests.fakes import FakeKimiServer, json_reply

KEY = "sk-endpoint-service-5f3a9c1e7b2d"
BALANCE = {
    "code": 0,
    "data": {"available_balance": 49.58, "voucher_balance": 46.58, "cash_balance": 3.0},
    "scc": True,
    "status": True,
}
BALANCE_PATH = "/v1/users/me/balance"


def on_server(preset_id: str, server: FakeKimiServer) -> EndpointProfile:
    """The preset's profile with its host swapped for the fake server's."""
    preset = preset_by_id(preset_id)
    assert preset is not None
    documented = urlsplit(preset.base_url)
    base_url = documented._replace(scheme="http", netloc=f"127.0.0.1:{server.port}").geturl()
    return EndpointProfile(
        id=preset.id,
        name=preset.name,
        base_url=base_url,
        protocol=preset.protocol,
        key_required=preset.key_required,
        model=preset.default_model,
        preset=preset.id,
    )


def make_service(home: Path, *profiles: EndpointProfile) -> EndpointService:
    """The service as the app builds it; ``profiles`` (if any) replace the stored list."""
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)})
    settings = SettingsStore(paths)
    for stored in settings.profiles if profiles else ():
        settings.remove_profile(stored.id)
    for profile in profiles:
        settings.add_profile(profile)
    secrets = SecretStore(
        paths.ensure_config_dir(), store_keys_in_file=settings.preferences.store_keys_in_file
    )
    return EndpointService(settings, secrets)


def files_holding(home: Path, secret: str) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


# -- balance ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset_id", "dialect", "shown"),
    [
        ("moonshot-cn", "moonshot", "Balance ¥49.58"),
        ("moonshot-global", "moonshot", "Balance $49.58"),
        ("moonshot-anthropic", "moonshot-anthropic", "Balance $49.58"),
    ],
)
def test_moonshot_balance_follows_the_models(
    preset_id, dialect, shown, tmp_path, qloop, qtbot
) -> None:
    with FakeKimiServer(dialect, api_key=KEY) as server:
        server.override("GET", BALANCE_PATH, json_reply(BALANCE))
        service = make_service(tmp_path / "home", on_server(preset_id, server))
        service.save_key(preset_id, KEY)
        with qtbot.wait_signal(service.balance_changed) as emitted:
            qloop.run_until_complete(service.refresh_models(preset_id))

    assert emitted.args == [preset_id, shown]
    assert service.balance(preset_id) == shown
    balance = next(r for r in server.requests if r.path == BALANCE_PATH)
    assert balance.method == "GET"
    # Moonshot's balance is on its OpenAI-format side: Bearer even for the Anthropic base.
    assert balance.headers["authorization"] == f"Bearer {KEY}"
    assert "x-api-key" not in balance.headers
    if preset_id == "moonshot-anthropic":  # documented without a models list
        assert [r.path for r in server.requests] == [BALANCE_PATH]
        preset = preset_by_id(preset_id)
        assert preset is not None
        assert next(m.id for m in service.models(preset_id)) == preset.default_model
    else:
        assert [r.path for r in server.requests] == ["/v1/models", BALANCE_PATH]


def test_no_balance_endpoint_means_no_balance_and_no_complaint(tmp_path, qloop, qtbot) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:  # answers 404 to the balance
        service = make_service(tmp_path / "home", on_server("moonshot-global", server))
        service.save_key("moonshot-global", KEY)
        failures: list[str] = []
        service.models_failed.connect(lambda _id, text: failures.append(text))
        with qtbot.assert_not_emitted(service.balance_changed):
            qloop.run_until_complete(service.refresh_models("moonshot-global"))

    assert failures == []
    assert service.balance("moonshot-global") == ""
    assert next(m.id for m in service.models("moonshot-global")) == "kimi-k2.5"


def test_kimi_k2_ai_credits_come_from_its_header(tmp_path, qloop, qtbot) -> None:
    with FakeKimiServer("kimik2", api_key=KEY, credits=4523) as server:
        service = make_service(tmp_path / "home", on_server("kimi-k2-ai", server))
        service.save_key("kimi-k2-ai", KEY)
        with qtbot.wait_signal(service.balance_changed) as emitted:
            qloop.run_until_complete(service.refresh_models("kimi-k2-ai"))

    assert emitted.args == ["kimi-k2-ai", "4,523 credits left"]
    assert [r.path for r in server.requests] == ["/api/v1/models"]


def test_endpoints_without_a_balance_are_not_asked(tmp_path, qloop) -> None:
    with FakeKimiServer("generic", api_key="") as server:
        service = make_service(tmp_path / "home", on_server("local", server))
        qloop.run_until_complete(service.refresh_models("local"))

    assert [r.path for r in server.requests] == ["/v1/models"]
    assert "authorization" not in server.requests[0].headers  # no key, none sent
    assert [m.id for m in service.models("local")] == ["local-model"]


def test_balance_source_stays_on_the_profile_server() -> None:
    profile = EndpointProfile(
        id="mirror",
        name="Mirror",
        base_url="https://kimi.example.org/anthropic",
        protocol="anthropic",
        preset="moonshot-anthropic",
    )
    assert balance_source(profile) == ("https://kimi.example.org/v1/users/me/balance", "$")
    custom = EndpointProfile(id="custom", name="Custom", base_url="https://x.example/v1")
    assert balance_source(custom) is None


@pytest.mark.parametrize("preset_id", ["moonshot-global", "moonshot-cn", "moonshot-anthropic"])
def test_balance_source_of_an_official_preset_is_its_documented_url(preset_id: str) -> None:
    preset = preset_by_id(preset_id)
    assert preset is not None
    profile = EndpointProfile(
        id=preset.id,
        name=preset.name,
        base_url=preset.base_url,
        protocol=preset.protocol,
        preset=preset.id,
    )
    sign = "¥" if preset_id == "moonshot-cn" else "$"
    assert balance_source(profile) == (preset.balance_url, sign)


@pytest.mark.parametrize(
    ("preset_id", "base_url", "expected"),
    [
        (
            "moonshot-global",
            "http://host:8080/proxy/v1",
            ("http://host:8080/proxy/v1/users/me/balance", "$"),
        ),
        (
            "moonshot-cn",
            "http://host:8080/proxy/moonshot-cn/",
            ("http://host:8080/proxy/moonshot-cn/users/me/balance", "¥"),
        ),
        (
            "moonshot-anthropic",
            "http://host:8080/proxy/anthropic",
            ("http://host:8080/proxy/v1/users/me/balance", "$"),
        ),
        (  # no documented path to keep in front of: the documented one on this server
            "moonshot-anthropic",
            "http://host:8080/kimi-messages",
            ("http://host:8080/v1/users/me/balance", "$"),
        ),
    ],
)
def test_balance_source_keeps_the_path_of_a_repointed_preset(
    preset_id: str, base_url: str, expected: tuple[str, str]
) -> None:
    preset = preset_by_id(preset_id)
    assert preset is not None
    profile = EndpointProfile(
        id="proxied",
        name="Proxied",
        base_url=base_url,
        protocol=preset.protocol,
        preset=preset.id,
    )
    assert balance_source(profile) == expected


def test_a_repointed_preset_asks_for_the_balance_under_its_path(qloop) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        server.override("GET", "/proxy/v1/users/me/balance", json_reply(BALANCE))
        profile = EndpointProfile(
            id="proxied",
            name="Proxied",
            base_url=f"{server.url}/proxy/v1",
            preset="moonshot-global",
        )
        endpoint = Endpoint(profile.id, profile.name, profile.base_url)

        async def ask() -> str | None:
            async with KimiClient(endpoint, KEY) as client:
                return await account_balance(profile, client)

        shown = qloop.run_until_complete(ask())
    assert shown == "Balance $49.58"
    [request] = server.requests
    assert request.path == "/proxy/v1/users/me/balance"
    assert request.headers["authorization"] == f"Bearer {KEY}"


def test_client_balance_refuses_another_server_and_odd_answers(qloop) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        endpoint = Endpoint("m", "M", server.base_url)

        async def ask(url: str | None = None) -> float | None:
            async with KimiClient(endpoint, KEY) as client:
                return await client.balance(url)

        with pytest.raises(ValueError, match="own server"):
            qloop.run_until_complete(ask("https://elsewhere.example/v1/users/me/balance"))
        server.override("GET", BALANCE_PATH, json_reply({"code": 1, "data": None}))
        assert qloop.run_until_complete(ask()) is None
        server.override("GET", BALANCE_PATH, json_reply({"code": 0, "data": {"x": 1}}))
        assert qloop.run_until_complete(ask()) is None
        server.override("GET", BALANCE_PATH, json_reply(BALANCE))
        assert qloop.run_until_complete(ask()) == pytest.approx(49.58)
    assert all(r.path == BALANCE_PATH for r in server.requests)


# -- keys without a keyring ---------------------------------------------------------------


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    keyring.set_keyring(fail.Keyring())


def test_without_a_keyring_the_key_is_kept_for_this_session_only(
    tmp_path, no_keyring, qloop
) -> None:
    home = tmp_path / "home"
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        service = make_service(home, on_server("moonshot-global", server))
        note = service.save_key("moonshot-global", KEY)
        assert note is not None
        assert "No system keyring was found" in note
        assert "for this session only and nothing was written to disk" in note
        assert KEY not in note
        assert service.key("moonshot-global") == KEY
        assert service.key_location("moonshot-global") == "session"
        qloop.run_until_complete(service.refresh_models("moonshot-global"))
        assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"

    assert files_holding(home, KEY) == []
    assert not (home / "config" / "api-keys.json").exists()
    again = make_service(home)  # the next start: the key is gone
    assert again.key("moonshot-global") is None


def test_with_the_opt_in_the_key_goes_to_a_private_file(tmp_path, no_keyring) -> None:
    home = tmp_path / "home"
    service = make_service(home, on_server("moonshot-global", _Port(1)))
    settings = service._settings
    settings.set_preferences(Preferences(store_keys_in_file=True))

    note = service.save_key("moonshot-global", KEY)

    key_file = home / "config" / "api-keys.json"
    assert note is not None
    assert str(key_file) in note
    assert service.key_location("moonshot-global") == "file"
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert files_holding(home, KEY) == [key_file]
    again = make_service(home)
    assert again.key("moonshot-global") == KEY

    # Turning the opt-in off deletes the file; the key still works until quit.
    again.stop_storing_keys_in_file()
    settings.set_preferences(Preferences(store_keys_in_file=False))
    assert not key_file.exists()
    assert again.key("moonshot-global") == KEY
    assert again.key_location("moonshot-global") == "session"


def test_a_key_with_spaces_is_refused_in_words(tmp_path) -> None:
    service = make_service(tmp_path / "home", on_server("moonshot-global", _Port(1)))
    note = service.save_key("moonshot-global", "sk-abc def")
    assert (
        note == "The key was not saved because the API key contains spaces or invisible characters."
    )
    assert service.key("moonshot-global") is None


def test_reload_refetches_only_when_the_active_endpoint_changed(tmp_path, qtbot) -> None:
    first = on_server("moonshot-global", _Port(1))
    second = on_server("kimi-k2-ai", _Port(2))
    service = make_service(tmp_path / "home", first, second)
    assert service.active_id == "moonshot-global"
    with qtbot.assert_not_emitted(service.active_changed):
        service.reload({"kimi-k2-ai"})
    with qtbot.wait_signal(service.active_changed) as emitted:
        service.reload({"moonshot-global"})
    assert emitted.args == ["moonshot-global"]


class _Port:
    """Stands in for a server where only the address matters."""

    def __init__(self, port: int) -> None:
        self.port = port


def test_only_a_model_known_to_be_blind_is_sent_no_images(tmp_path) -> None:
    service = make_service(tmp_path / "home")
    assert service.sees_images("moonshot-global", "kimi-k2.5")
    assert not service.sees_images("moonshot-global", "kimi-k2-0905-preview")
    assert service.sees_images("moonshot-global", "a-model-nobody-described")  # let it try


# -- Moonshot's platform APIs: token counts and documents --------------------------------


def test_moonshot_counts_tokens_and_reads_documents_through_its_own_apis(tmp_path, qloop) -> None:
    with FakeKimiServer("moonshot", api_key=KEY) as server:
        server.token_count = 1234
        service = make_service(tmp_path / "home", on_server("moonshot-global", server))
        service.save_key("moonshot-global", KEY)
        count = service.token_counter("moonshot-global")
        read = service.file_reader("moonshot-global")
        assert count is not None
        assert read is not None

        assert qloop.run_until_complete(count("kimi-k2.6", [Message("user", "Hi")])) == 1234
        text = qloop.run_until_complete(read("notes.docx", b"PK\x03\x04 pretend office file"))

    assert text  # the fake's content for the upload
    paths = [r.path for r in server.requests]
    assert "/v1/tokenizers/estimate-token-count" in paths
    assert next(p for p in paths if p.startswith("/v1/files")) == "/v1/files"  # upload first
    assert not server.uploads  # and deleted after reading


@pytest.mark.parametrize("preset_id", ["villamarket", "local", None])
def test_other_endpoints_have_no_platform_apis(tmp_path, preset_id: str | None) -> None:
    profile = EndpointProfile(
        id="other", name="Other", base_url="http://127.0.0.1:9/v1", preset=preset_id
    )
    service = make_service(tmp_path / "home", profile)
    assert service.token_counter("other") is None
    assert service.file_reader("other") is None


def test_a_moonshot_preset_moved_to_another_path_has_no_platform_apis(tmp_path) -> None:
    profile = EndpointProfile(
        id="proxied",
        name="Proxied",
        base_url="http://127.0.0.1:9/proxy/v1",
        preset="moonshot-global",
    )
    service = make_service(tmp_path / "home", profile)
    assert service.token_counter("proxied") is None
