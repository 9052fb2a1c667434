import pytest

from kimi_desktop.domain import ModelInfo
from kimi_desktop.settings import (
    KNOWN_MODELS,
    EndpointProfile,
    Prices,
    effective_prices,
    fallback_models,
    known_model,
    known_prices,
    merge_model_info,
    preset_by_id,
)

EXPECTED_IDS = {
    "kimi-k2.5",
    "kimi-k2-0905-preview",
    "kimi-k2-turbo-preview",
    "kimi-k2-thinking",
    "kimi-k2-thinking-turbo",
    "kimi-k2-0711-preview",
    "kimi-k2",
    "kimi-k2-0905",
    "moonshot-v1-8k",
    "moonshot-v1-32k",
    "moonshot-v1-128k",
    "kimi-latest",
}


def test_table_covers_the_kimi_family() -> None:
    ids = {entry.info.id for entry in KNOWN_MODELS}

    assert ids >= EXPECTED_IDS
    assert len(ids) == len(KNOWN_MODELS)
    for entry in KNOWN_MODELS:
        assert (entry.info.context_length or 0) >= 8192
        assert entry.info.supports_images is not None
        assert entry.info.supports_reasoning is not None


def test_k2_5() -> None:
    info = known_model("kimi-k2.5")

    assert info == ModelInfo(
        id="kimi-k2.5",
        owned_by="moonshot",
        context_length=262_144,
        supports_images=True,
        supports_reasoning=True,
    )


def test_list_prices_from_the_docs() -> None:
    assert known_prices("kimi-k2.5") == Prices(0.60, 0.10, 3.00)
    assert known_prices("kimi-k2-0905-preview") == Prices(0.60, 0.15, 2.50)
    assert known_prices("some-other-model") is None


@pytest.mark.parametrize(
    ("served", "known"),
    [
        ("kimi-k2.5", "kimi-k2.5"),
        ("Kimi-K2.5", "kimi-k2.5"),
        ("kimi-k2.5-20260127", "kimi-k2.5"),
        ("kimi-k2.5-2026-01-27", "kimi-k2.5"),
        ("moonshotai/Kimi-K2.5", "kimi-k2.5"),
        ("kimi-k2.5:cloud", "kimi-k2.5"),
        ("kimi-k2-thinking-251104", "kimi-k2-thinking"),
        ("kimi-k2-0711", "kimi-k2-0711-preview"),
        ("kimi-k2-0905", "kimi-k2-0905"),
        ("moonshotai/Kimi-K2-Instruct-0905", "kimi-k2-0905"),
        ("moonshotai/Kimi-K2-Instruct", "kimi-k2"),
        ("moonshot-v1-8k-vision-preview", "moonshot-v1-8k-vision-preview"),
    ],
)
def test_lookup_tolerates_dates_prefixes_and_tags(served: str, known: str) -> None:
    info = known_model(served)

    assert info is not None
    assert info.id == known


@pytest.mark.parametrize("served", ["gpt-4o", "kimi", "llama-3-8b", "", "kimi-k3"])
def test_unknown_models(served: str) -> None:
    assert known_model(served) is None


def test_merge_fills_only_what_the_server_left_out() -> None:
    served = ModelInfo(id="kimi-k2.5-20260127", owned_by="reseller", context_length=131_072)

    merged = merge_model_info(served)

    assert merged == ModelInfo(
        id="kimi-k2.5-20260127",
        owned_by="reseller",
        context_length=131_072,
        supports_images=True,
        supports_reasoning=True,
    )
    assert merge_model_info(ModelInfo(id="llama")) == ModelInfo(id="llama")
    explicit = ModelInfo(id="x", context_length=4096, supports_images=False)
    assert merge_model_info(ModelInfo(id="x", supports_images=True), explicit) == ModelInfo(
        id="x", context_length=4096, supports_images=True
    )


def test_fallback_models_for_providers_without_a_list() -> None:
    acedata = fallback_models("acedata")

    assert acedata[0].id == "kimi-k2.5"
    assert acedata[0].supports_images is True
    assert fallback_models(preset_by_id("moonshot-anthropic"))
    assert fallback_models(None)
    assert fallback_models("local") == []


def test_effective_prices() -> None:
    moonshot = preset_by_id("moonshot-global").to_profile()  # type: ignore[union-attr]
    reseller = preset_by_id("villamarket").to_profile()  # type: ignore[union-attr]
    own = Prices(1.0, 0.5, 2.0)

    assert effective_prices(moonshot, "kimi-k2.5") == Prices(0.60, 0.10, 3.00)
    assert effective_prices(reseller, "kimi-k2.5") is None
    assert effective_prices(EndpointProfile(**{**reseller.to_dict(), "prices": own}), "x") == own
