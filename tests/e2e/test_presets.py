"""Every preset sends what its provider's document says: paths, auth headers, format.

Each preset's profile keeps its documented path but has its host swapped for
the loopback fake server speaking that provider's dialect; the app's own
services then fetch models (and the balance, where there is one) and stream a
reply. The paths the server saw must be the documented URLs' paths, and the
key must travel in the header that provider documents.
"""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kimi_desktop.api import ChatRequest, ContentDelta, Message
from kimi_desktop.api.anthropic_messages import ANTHROPIC_VERSION
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings import (
    PRESETS,
    AppPaths,
    EndpointProfile,
    SecretStore,
    SettingsStore,
    preset_by_id,
)
from tests.fakes import FakeKimiServer, json_reply

KEY = "sk-preset-check-1c9e5a7f3b"
BALANCE = {"code": 0, "data": {"available_balance": 7.25}, "scc": True, "status": True}


@dataclass(frozen=True)
class Documented:
    """What a provider's document gives for one preset."""

    preset: str
    dialect: str
    chat: str  # the full URL of a chat (or messages) request
    models: str | None  # the model list's URL, if documented
    balance: str | None  # the balance URL, if any
    auth: str  # "bearer", "x-api-key" or "none"


DOCUMENTED = [
    # Moonshot AI platform docs (api-docs 001, 003).
    Documented(
        "moonshot-global",
        "moonshot",
        "https://api.moonshot.ai/v1/chat/completions",
        "https://api.moonshot.ai/v1/models",
        "https://api.moonshot.ai/v1/users/me/balance",
        "bearer",
    ),
    Documented(
        "moonshot-cn",
        "moonshot",
        "https://api.moonshot.cn/v1/chat/completions",
        "https://api.moonshot.cn/v1/models",
        "https://api.moonshot.cn/v1/users/me/balance",
        "bearer",
    ),
    # Moonshot's Anthropic-compatible base, Anthropic SDK style (/v1/messages appended).
    Documented(
        "moonshot-anthropic",
        "moonshot-anthropic",
        "https://api.moonshot.ai/anthropic/v1/messages",
        None,
        "https://api.moonshot.ai/v1/users/me/balance",
        "x-api-key",
    ),
    # api.kimi.villamarket.ai (api-docs 000).
    Documented(
        "villamarket",
        "villamarket",
        "https://api.kimi.villamarket.ai/v1/chat/completions",
        "https://api.kimi.villamarket.ai/v1/models",
        None,
        "bearer",
    ),
    # kimi-k2.ai (api-docs 002): Bearer on chat/completions, X-API-Key on messages.
    Documented(
        "kimi-k2-ai",
        "kimik2",
        "https://kimi-k2.ai/api/v1/chat/completions",
        "https://kimi-k2.ai/api/v1/models",
        None,
        "bearer",
    ),
    Documented(
        "kimi-k2-ai-anthropic",
        "kimik2",
        "https://kimi-k2.ai/api/v1/messages",
        None,
        None,
        "x-api-key",
    ),
    # AceData Cloud (api-docs 004): no models endpoint.
    Documented(
        "acedata",
        "acedata",
        "https://api.acedata.cloud/kimi/chat/completions",
        None,
        None,
        "bearer",
    ),
    # Any OpenAI-compatible local server, used without a key.
    Documented(
        "local",
        "generic",
        "http://127.0.0.1:8080/v1/chat/completions",
        "http://127.0.0.1:8080/v1/models",
        None,
        "none",
    ),
]


def test_every_preset_is_covered() -> None:
    assert sorted(d.preset for d in DOCUMENTED) == sorted(p.id for p in PRESETS)


def _on_server(preset_id: str, server: FakeKimiServer) -> EndpointProfile:
    preset = preset_by_id(preset_id)
    assert preset is not None
    moved = urlsplit(preset.base_url)._replace(scheme="http", netloc=f"127.0.0.1:{server.port}")
    profile = preset.to_profile()
    return EndpointProfile(**{**profile.to_dict(), "base_url": moved.geturl(), "prices": None})


def _service(home: Path, profile: EndpointProfile) -> EndpointService:
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)})
    settings = SettingsStore(paths)
    for stored in settings.profiles:
        settings.remove_profile(stored.id)
    settings.add_profile(profile)
    return EndpointService(settings, SecretStore(paths.ensure_config_dir()))


@pytest.mark.parametrize("doc", DOCUMENTED, ids=lambda d: d.preset)
def test_preset_requests_follow_the_provider_document(doc: Documented, tmp_path, qloop) -> None:
    key = "" if doc.auth == "none" else KEY
    with FakeKimiServer(doc.dialect, api_key=key) as server:  # type: ignore[arg-type]
        if doc.balance:
            server.override("GET", urlsplit(doc.balance).path, json_reply(BALANCE))
        profile = _on_server(doc.preset, server)
        service = _service(tmp_path / "home", profile)
        if key:
            assert service.save_key(profile.id, key) is None  # the (in-memory) keyring took it
        qloop.run_until_complete(service.refresh_models(profile.id))
        model = service.remembered_model(profile.id) or service.models(profile.id)[0].id

        async def chat() -> str:
            request = ChatRequest(model=model, messages=[Message("user", "Hello")])
            async with (
                service.open_client(profile.id) as client,
                aclosing(client.stream_chat(request)) as events,
            ):
                return "".join([e.text async for e in events if isinstance(e, ContentDelta)])

        answer = qloop.run_until_complete(chat())

    assert answer  # the reply came through in the provider's format
    expected = [u for u in (doc.models, doc.balance, doc.chat) if u]
    assert [r.path for r in server.requests] == [urlsplit(u).path for u in expected]
    for request in server.requests:
        headers = request.headers
        if doc.balance and request.path == urlsplit(doc.balance).path:
            assert headers["authorization"] == f"Bearer {KEY}"  # Moonshot's own API
        elif doc.auth == "bearer":
            assert headers["authorization"] == f"Bearer {KEY}"
            assert "x-api-key" not in headers
        elif doc.auth == "x-api-key":
            assert headers["x-api-key"] == KEY
            assert headers["anthropic-version"] == ANTHROPIC_VERSION
            assert "authorization" not in headers
        else:
            assert "authorization" not in headers
            assert "x-api-key" not in headers
    chat_request = server.requests[-1]
    assert chat_request.method == "POST"
    body = chat_request.json()
    assert body["model"] == model
    assert body["stream"] is True
    if doc.auth == "x-api-key":
        assert body["messages"] == [{"role": "user", "content": "Hello"}]
        assert "max_tokens" in body  # required by the Messages format
    if doc.balance:
        sign = "¥" if ".cn/" in doc.balance else "$"
        assert service.balance(profile.id) == f"Balance {sign}7.25"
