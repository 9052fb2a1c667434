"""User settings: preferences, endpoint profiles, presets, known models, assistants, API keys.

No Qt here. The settings dialog is generated from :data:`SETTINGS`; files live
in :class:`AppPaths`; keys go through :class:`SecretStore` and never into a
settings file.
"""

from kimi_desktop.settings.assistants import (
    THINKING_CHOICES,
    Assistant,
    AssistantStore,
    ThinkingChoice,
    assistant_problem,
    duplicate_assistant,
    new_assistant_id,
)
from kimi_desktop.settings.built_in_assistants import (
    BUILT_IN_IDS,
    DEFAULT_ASSISTANT_ID,
    SCREENSHOT_TO_CODE_ID,
    built_in_assistants,
)
from kimi_desktop.settings.known_models import (
    KNOWN_MODELS,
    KnownModel,
    accepts_temperature,
    effective_prices,
    fallback_models,
    is_legacy,
    known_entry,
    known_model,
    known_prices,
    list_prices_apply,
    merge_model_info,
    thinking_mode,
)
from kimi_desktop.settings.paths import AppPaths
from kimi_desktop.settings.presets import (
    MOONSHOT_MODEL_IDS,
    PRESETS,
    Preset,
    match_preset,
    preset_by_id,
)
from kimi_desktop.settings.prices import Prices, parse_prices
from kimi_desktop.settings.profiles import (
    ENVIRONMENT_ENDPOINT_ID,
    THINKING_SWITCH_TITLES,
    EndpointProfile,
    new_profile_id,
)
from kimi_desktop.settings.schema import SETTINGS, Preferences, SettingSpec, setting
from kimi_desktop.settings.secrets import (
    EnvironmentOverride,
    KeyFileError,
    KeyringStatus,
    KeyringUnavailable,
    SecretStore,
    SecretStoreError,
    environment_override,
)
from kimi_desktop.settings.store import CachedModels, SettingsStore, UiState
from kimi_desktop.settings.url_repair import (
    UrlIssue,
    check_base_url,
    suggest_base_url,
    validate_base_url,
)
from kimi_desktop.settings.urls import is_local_host, validate_proxy_url

__all__ = [
    "BUILT_IN_IDS",
    "DEFAULT_ASSISTANT_ID",
    "ENVIRONMENT_ENDPOINT_ID",
    "KNOWN_MODELS",
    "MOONSHOT_MODEL_IDS",
    "PRESETS",
    "SCREENSHOT_TO_CODE_ID",
    "SETTINGS",
    "THINKING_CHOICES",
    "THINKING_SWITCH_TITLES",
    "AppPaths",
    "Assistant",
    "AssistantStore",
    "CachedModels",
    "EndpointProfile",
    "EnvironmentOverride",
    "KeyFileError",
    "KeyringStatus",
    "KeyringUnavailable",
    "KnownModel",
    "Preferences",
    "Preset",
    "Prices",
    "SecretStore",
    "SecretStoreError",
    "SettingSpec",
    "SettingsStore",
    "ThinkingChoice",
    "UiState",
    "UrlIssue",
    "accepts_temperature",
    "assistant_problem",
    "built_in_assistants",
    "check_base_url",
    "duplicate_assistant",
    "effective_prices",
    "environment_override",
    "fallback_models",
    "is_legacy",
    "is_local_host",
    "known_entry",
    "known_model",
    "known_prices",
    "list_prices_apply",
    "match_preset",
    "merge_model_info",
    "new_assistant_id",
    "new_profile_id",
    "parse_prices",
    "preset_by_id",
    "setting",
    "suggest_base_url",
    "thinking_mode",
    "validate_base_url",
    "validate_proxy_url",
]
