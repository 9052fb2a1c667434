import pytest

from kimi_desktop.domain import ModelInfo, ThinkingMode
from kimi_desktop.settings import (
    KNOWN_MODELS,
    MOONSHOT_MODEL_IDS,
    PRESETS,
    EndpointProfile,
    Prices,
    effective_prices,
    fallback_models,
    is_legacy,
    known_entry,
    known_model,
    known_prices,
    merge_model_info,
    preset_by_id,
    thinking_mode,
)

EXPECTED_IDS = {
    "kimi-k3",
    "kimi-k2.7-code",
    "kimi-k2.7-code-highspeed",
    "kimi-k2.6",
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
        assert entry.info.supports_video is not None
        assert entry.info.supports_reasoning is (entry.thinking is not ThinkingMode.NONE)
        assert entry.thinking is not ThinkingMode.UNKNOWN  # the table always knows


def test_k2_5() -> None:
    info = known_model("kimi-k2.5")

    assert info == ModelInfo(
        id="kimi-k2.5",
        owned_by="moonshot",
        context_length=262_144,
        supports_images=True,
        supports_reasoning=True,
        supports_video=True,
    )


@pytest.mark.parametrize(
    ("model_id", "context", "images", "video", "mode"),
    [
        ("kimi-k3", 1_048_576, True, True, ThinkingMode.EFFORT),
        ("kimi-k2.7-code", 262_144, True, True, ThinkingMode.ALWAYS),
        ("kimi-k2.7-code-highspeed", 262_144, True, True, ThinkingMode.ALWAYS),
        ("kimi-k2.6", 262_144, True, True, ThinkingMode.SWITCHABLE),
        ("kimi-k2.5", 262_144, True, True, ThinkingMode.SWITCHABLE),
        ("kimi-k2-thinking", 262_144, False, False, ThinkingMode.ALWAYS),
        ("kimi-k2-thinking-turbo", 262_144, False, False, ThinkingMode.ALWAYS),
        ("kimi-k2-0905-preview", 262_144, False, False, ThinkingMode.NONE),
        ("kimi-k2-turbo-preview", 262_144, False, False, ThinkingMode.NONE),
        ("kimi-k2-0711-preview", 131_072, False, False, ThinkingMode.NONE),
        ("kimi-k2", 131_072, False, False, ThinkingMode.NONE),
        ("kimi-k2-0905", 262_144, False, False, ThinkingMode.NONE),
    ],
)
def test_each_kimi_model_row(
    model_id: str, context: int, images: bool, video: bool, mode: ThinkingMode
) -> None:
    entry = known_entry(model_id)

    assert entry is not None
    assert entry.info.id == model_id
    assert (entry.info.context_length, entry.info.supports_images) == (context, images)
    assert entry.info.supports_video is video
    assert entry.thinking is mode
    assert thinking_mode(ModelInfo(model_id)) is mode


def test_list_prices_from_the_docs() -> None:
    # Prices(input = cache miss, cached input = cache hit, output), USD per million tokens.
    assert known_prices("kimi-k3") == Prices(3.00, 0.30, 15.00)
    assert known_prices("kimi-k2.7-code") == Prices(0.95, 0.19, 4.00)
    assert known_prices("kimi-k2.7-code-highspeed") == Prices(1.90, 0.38, 8.00)
    assert known_prices("kimi-k2.6") == Prices(0.95, 0.16, 4.00)
    assert known_prices("kimi-k2.5") == Prices(0.60, 0.10, 3.00)
    assert known_prices("kimi-k2-thinking") == Prices(0.60, 0.15, 2.50)
    assert known_prices("kimi-k2-thinking-turbo") == Prices(1.15, 0.15, 8.00)
    assert known_prices("kimi-k2-turbo-preview") == Prices(1.15, 0.15, 8.00)
    assert known_prices("kimi-k2-0905-preview") == Prices(0.60, 0.15, 2.50)
    assert known_prices("moonshot-v1-128k") == Prices(2.00, 2.00, 5.00)
    assert known_prices("kimi-latest") is None  # never published as one price
    assert known_prices("some-other-model") is None


@pytest.mark.parametrize(
    "model_id",
    [
        "kimi-latest",
        "moonshot-v1-8k",
        "moonshot-v1-128k-vision-preview",
        "kimi-k2-0711-preview",
        "kimi-k2-0905-preview",
        "kimi-k2-turbo-preview",
        "kimi-k2-thinking",
        "kimi-k2-thinking-turbo",
        "Kimi-Latest",
    ],
)
def test_retired_ids_are_legacy(model_id: str) -> None:
    assert is_legacy(model_id)


@pytest.mark.parametrize(
    "model_id",
    [
        "kimi-k3",
        "kimi-k2.7-code",
        "kimi-k2.6",
        "kimi-k2.5",
        "kimi-k2-0905",  # kimi-k2.ai's current name, not Moonshot's retired preview
        "kimi-k2",
        "moonshotai/Kimi-K2-Instruct-0905",  # self-hosted weights are not retired
        "my-local-model",
    ],
)
def test_current_and_unknown_ids_are_not_legacy(model_id: str) -> None:
    assert not is_legacy(model_id)


def test_defaults_and_fallbacks_name_current_models_only() -> None:
    for preset in PRESETS:
        offered = [*preset.fallback_model_ids, preset.default_model or "kimi-k2.6"]
        assert [m for m in offered if is_legacy(m)] == [], preset.id
    assert [m.id for m in fallback_models(None)] == list(MOONSHOT_MODEL_IDS)
    assert not any(is_legacy(m) for m in MOONSHOT_MODEL_IDS)
    assert MOONSHOT_MODEL_IDS[0] == "kimi-k2.6"


@pytest.mark.parametrize(
    ("served", "mode"),
    [
        (ModelInfo("kimi-k2.6"), ThinkingMode.SWITCHABLE),
        (ModelInfo("moonshotai/Kimi-K2-Thinking"), ThinkingMode.ALWAYS),
        (ModelInfo("Kimi-K3"), ThinkingMode.EFFORT),
        # The table wins over what a server says about a model it knows.
        (ModelInfo("kimi-k2.7-code", supports_reasoning=False), ThinkingMode.ALWAYS),
        (ModelInfo("kimi-k2-0905-preview", supports_reasoning=True), ThinkingMode.NONE),
        # Unknown: the server's word decides whether there is anything to switch.
        (ModelInfo("qwen3-32b", supports_reasoning=True), ThinkingMode.UNKNOWN),
        (ModelInfo("my-local-model", supports_reasoning=False), ThinkingMode.NONE),
        (ModelInfo("my-local-model"), ThinkingMode.NONE),
    ],
)
def test_thinking_mode(served: ModelInfo, mode: ThinkingMode) -> None:
    assert thinking_mode(served) is mode


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


@pytest.mark.parametrize("served", ["gpt-4o", "kimi", "llama-3-8b", "", "kimi-k3.1-pro"])
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
        supports_video=True,
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
    assert effective_prices(moonshot, "kimi-k2.6") == Prices(0.95, 0.16, 4.00)
    assert effective_prices(reseller, "kimi-k2.5") is None
    assert effective_prices(EndpointProfile(**{**reseller.to_dict(), "prices": own}), "x") == own
