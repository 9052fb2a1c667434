from pathlib import Path

import pytest

from kimi_desktop.domain import ModelInfo
from kimi_desktop.settings import (
    AppPaths,
    Preferences,
    SecretStore,
    SettingsStore,
    environment_override,
)

KEY = "sk-env-only-5ecret-9876543210"


def test_nothing_set_means_no_override() -> None:
    assert environment_override({}) is None
    assert environment_override({"KIMI_API_KEY": "  ", "KIMI_BASE_URL": ""}) is None


def test_a_key_alone_is_for_moonshot_global() -> None:
    override = environment_override({"KIMI_API_KEY": KEY})

    assert override is not None
    profile, key = override
    assert key == KEY
    assert profile.id == "env"
    assert profile.name == "Environment"
    assert profile.base_url == "https://api.moonshot.ai/v1"
    assert profile.protocol == "openai"
    assert profile.model == "kimi-k2.6"
    assert profile.key_required


def test_moonshot_api_key_is_the_fallback_name() -> None:
    assert environment_override({"MOONSHOT_API_KEY": "b"}) is not None
    assert environment_override({"MOONSHOT_API_KEY": "b"}).api_key == "b"  # type: ignore[union-attr]
    both = environment_override({"MOONSHOT_API_KEY": "b", "KIMI_API_KEY": "a"})
    assert both is not None
    assert both.api_key == "a"


def test_base_url_and_key() -> None:
    override = environment_override(
        {"KIMI_BASE_URL": "https://kimi-k2.ai/api/v1/", "KIMI_API_KEY": KEY}
    )

    assert override is not None
    assert override.profile.base_url == "https://kimi-k2.ai/api/v1"
    assert override.profile.preset == "kimi-k2-ai"
    assert override.profile.model == "kimi-k2-0905"


def test_anthropic_urls_use_the_anthropic_protocol() -> None:
    override = environment_override(
        {"KIMI_BASE_URL": "https://api.moonshot.ai/anthropic", "KIMI_API_KEY": KEY}
    )

    assert override is not None
    assert override.profile.protocol == "anthropic"
    assert override.profile.preset == "moonshot-anthropic"


def test_a_base_url_alone_is_a_server_without_a_key() -> None:
    override = environment_override({"KIMI_BASE_URL": "http://127.0.0.1:8080/v1"})

    assert override is not None
    assert override.api_key == ""
    assert not override.profile.key_required


def test_an_unusable_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match="KIMI_BASE_URL"):
        environment_override({"KIMI_BASE_URL": "ftp://example.com", "KIMI_API_KEY": KEY})


def test_the_override_is_never_written(paths: AppPaths, home: Path) -> None:
    override = environment_override(
        {"KIMI_BASE_URL": "https://env-only.example.com/v1", "KIMI_API_KEY": KEY}
    )
    assert override is not None
    profile, key = override
    store = SettingsStore(paths)
    secrets = SecretStore(paths.config_dir, store_keys_in_file=True)

    # What the app does with it during a run:
    secrets.remember_for_session(profile.id, key)
    store.set_last_endpoint_id(profile.id)
    store.cache_models(profile.id, [ModelInfo(id="kimi-k2.5")])
    store.set_preferences(Preferences(store_keys_in_file=True))
    store.remember_model("moonshot-global", "kimi-k2.5")
    with pytest.raises(ValueError, match="reserved"):
        store.add_profile(profile)
    with pytest.raises(ValueError, match="environment"):
        secrets.set(profile.id, key)
    with pytest.raises(ValueError, match="environment"):
        secrets.save_to_file(profile.id, key)

    assert store.cached_models("env") is not None  # usable during the run
    written = [p for p in home.rglob("*") if p.is_file()]
    assert {p.name for p in written} == {"preferences.json", "endpoints.json", "state.json"}
    for file in written:
        content = file.read_bytes()
        assert KEY.encode() not in content, file
        assert b"env-only.example.com" not in content, file
    assert SettingsStore(paths).state.last_endpoint_id is None
    assert SettingsStore(paths).cached_models("env") is None
