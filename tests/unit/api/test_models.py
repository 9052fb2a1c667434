"""``list_models``: capabilities where the provider states them, ``None`` where it does not."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kimi_desktop.api import (
    AuthenticationError,
    BadRequestError,
    ModelInfo,
    ProtocolError,
)
from tests.fakes import FakeKimiServer, captive_portal, json_reply, provider_error
from tests.unit.api.support import assert_plain_sentence, make_client

StartServer = Callable[..., FakeKimiServer]


@pytest.mark.asyncio
async def test_moonshot_models_carry_capabilities(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server) as client:
        models = await client.list_models()
    assert models == [
        ModelInfo("kimi-k2.5", "moonshot", 262144, supports_images=True, supports_reasoning=True),
        ModelInfo(
            "kimi-k2-0905-preview",
            "moonshot",
            262144,
            supports_images=False,
            supports_reasoning=False,
        ),
        ModelInfo(
            "kimi-k2-thinking", "moonshot", 262144, supports_images=False, supports_reasoning=True
        ),
    ]
    [request] = server.requests
    assert (request.method, request.path) == ("GET", "/v1/models")
    assert request.headers["authorization"] == "Bearer test-key"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("kimik2", [ModelInfo("kimi-k2", "moonshot-ai"), ModelInfo("kimi-k2-0905", "moonshot-ai")]),
        ("villamarket", [ModelInfo("kimi-k2.5", "moonshot-ai")]),
        ("generic", [ModelInfo("local-model")]),
    ],
)
async def test_missing_fields_are_none(
    fake_server: StartServer, dialect: str, expected: list[ModelInfo]
) -> None:
    server = fake_server(dialect)
    async with make_client(server) as client:
        assert await client.list_models() == expected


@pytest.mark.asyncio
async def test_acedata_has_no_models_endpoint(fake_server: StartServer) -> None:
    server = fake_server("acedata")
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.list_models()
    assert caught.value.status == 404
    assert_plain_sentence(caught.value.message)
    assert [r.path for r in server.requests] == ["/kimi/models"]


@pytest.mark.asyncio
async def test_wrong_key_on_models(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server, api_key="wrong-key-value") as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.list_models()
    assert caught.value.status == 401
    assert_plain_sentence(caught.value.message, secret="wrong-key-value")


@pytest.mark.asyncio
async def test_video_input_is_read_where_moonshot_states_it(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    listing = {
        "object": "list",
        "data": [
            {
                "id": "kimi-k2.6",
                "object": "model",
                "owned_by": "moonshot",
                "context_length": 262144,
                "supports_image_in": True,
                "supports_video_in": True,
                "supports_reasoning": True,
            },
            {"id": "kimi-k2-thinking", "owned_by": "moonshot", "supports_video_in": False},
            {"id": "local-model", "supports_video_in": "yes"},
        ],
    }
    server.override("GET", "/v1/models", json_reply(listing))
    async with make_client(server) as client:
        models = await client.list_models()
    assert [m.supports_video for m in models] == [True, False, None]
    assert models[0] == ModelInfo(
        "kimi-k2.6",
        "moonshot",
        262144,
        supports_images=True,
        supports_reasoning=True,
        supports_video=True,
    )


@pytest.mark.asyncio
async def test_a_web_page_instead_of_a_model_list(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.override("GET", "/v1/models", captive_portal())
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.list_models()
    assert_plain_sentence(caught.value.message)


@pytest.mark.asyncio
async def test_acedata_api_not_implemented_means_no_models_endpoint(
    fake_server: StartServer,
) -> None:
    """AceData's doc lists ``400 api_not_implemented``: the same "no list" as a 404."""
    server = fake_server("acedata")
    server.override("GET", "/kimi/models", provider_error("acedata", "not_implemented"))
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.list_models()
    assert caught.value.code == "no_models"
    assert caught.value.status == 400
    assert_plain_sentence(caught.value.message)


@pytest.mark.asyncio
async def test_a_400_about_the_request_is_not_taken_for_a_missing_list(
    fake_server: StartServer,
) -> None:
    server = fake_server("acedata")
    server.override("GET", "/kimi/models", provider_error("acedata", "bad_request"))
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.list_models()
    assert caught.value.code == "token_mismatched"
