import pytest

from kimi_desktop.settings import (
    PRESETS,
    check_base_url,
    known_model,
    match_preset,
    preset_by_id,
)


def test_presets_exactly_as_documented() -> None:
    listed = [(p.base_url, p.protocol) for p in PRESETS]

    assert listed == [
        ("https://api.moonshot.ai/v1", "openai"),
        ("https://api.moonshot.cn/v1", "openai"),
        ("https://api.moonshot.ai/anthropic", "anthropic"),
        ("https://api.kimi.villamarket.ai/v1", "openai"),
        ("https://kimi-k2.ai/api/v1", "openai"),
        ("https://kimi-k2.ai/api/v1", "anthropic"),
        ("https://api.acedata.cloud/kimi", "openai"),
        ("http://127.0.0.1:8080/v1", "openai"),
    ]


def test_ids_are_unique_and_moonshot_global_comes_first() -> None:
    ids = [p.id for p in PRESETS]

    assert len(set(ids)) == len(ids)
    assert ids[0] == "moonshot-global"


def test_capabilities() -> None:
    moonshot = preset_by_id("moonshot-global")
    acedata = preset_by_id("acedata")
    local = preset_by_id("local")
    assert moonshot is not None
    assert acedata is not None
    assert local is not None

    assert moonshot.balance_url == "https://api.moonshot.ai/v1/users/me/balance"
    assert moonshot.has_models_endpoint
    assert not acedata.has_models_endpoint
    assert acedata.fallback_model_ids
    assert not local.key_required
    assert local.default_model is None
    assert all(p.key_required for p in PRESETS if p.id != "local")
    assert preset_by_id("villamarket").health_url == "https://api.kimi.villamarket.ai/health"  # type: ignore[union-attr]


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.id)
def test_each_preset_is_ready_to_use(preset) -> None:
    profile = preset.to_profile()

    assert profile.id == preset.id
    assert profile.preset == preset.id
    assert profile.base_url == preset.base_url
    assert profile.protocol == preset.protocol
    assert profile.model == preset.default_model
    assert [i for i in check_base_url(preset.base_url, protocol=preset.protocol)] == []
    if preset.default_model is not None:
        assert known_model(preset.default_model) is not None
    for model_id in preset.fallback_model_ids:
        assert known_model(model_id) is not None


def test_match_preset() -> None:
    assert match_preset("https://kimi-k2.ai/api/v1/", "anthropic") is preset_by_id(
        "kimi-k2-ai-anthropic"
    )
    assert match_preset("https://API.moonshot.ai/v1", "openai") is preset_by_id("moonshot-global")
    assert match_preset("https://example.com/v1", "openai") is None
    assert preset_by_id(None) is None
    assert preset_by_id("nope") is None
