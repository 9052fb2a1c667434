"""Settings' "Test connection" against the loopback fake server, reported in words."""

from __future__ import annotations

import json
import re
import socket
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from kimi_desktop.services.connection_check import check_connection
from kimi_desktop.settings import EndpointProfile, preset_by_id
from tests.fakes import FakeKimiServer, json_reply

KEY = "sk-connection-check-8d0e6b4a2c"


@pytest.fixture
def server():
    with FakeKimiServer("moonshot", api_key=KEY) as fake:
        yield fake


def custom(base_url: str, **changes) -> EndpointProfile:
    return EndpointProfile(id="custom", name="Custom", base_url=base_url, **changes)


def on_server(preset_id: str, server: FakeKimiServer) -> EndpointProfile:
    preset = preset_by_id(preset_id)
    assert preset is not None
    moved = urlsplit(preset.base_url)._replace(scheme="http", netloc=f"127.0.0.1:{server.port}")
    return EndpointProfile(
        id=preset.id,
        name=preset.name,
        base_url=moved.geturl(),
        protocol=preset.protocol,
        preset=preset.id,
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_good_key_reports_latency_key_and_model_count(server, qloop) -> None:
    report = qloop.run_until_complete(check_connection(custom(server.base_url), KEY))
    assert report.ok
    assert re.fullmatch(r"Connected in \d+ ms\. Key accepted\. 3 models available\.", report.text)
    assert server.requests[0].path == "/v1/models"


def test_bad_key_is_reported_as_rejected_without_echoing_it(server, qloop) -> None:
    wrong = "sk-wrong-key-0a1b2c3d4e5f6a7b"
    report = qloop.run_until_complete(check_connection(custom(server.base_url), wrong))
    assert not report.ok
    assert re.match(r"Reachable in \d+ ms, but the key was rejected \(401\)\.", report.text)
    assert wrong not in report.text
    assert wrong[:8] not in report.text


def test_closed_port_is_not_reachable(qloop) -> None:
    port = closed_port()
    report = qloop.run_until_complete(check_connection(custom(f"http://127.0.0.1:{port}/v1"), KEY))
    assert not report.ok
    assert report.text.startswith(f"Not reachable: Could not connect to 127.0.0.1:{port}.")


def test_missing_v1_is_diagnosed_with_the_fix(server, qloop) -> None:
    report = qloop.run_until_complete(check_connection(custom(server.url), KEY))
    assert not report.ok
    assert report.suggested_base_url == server.base_url
    assert "has no models list at this address" in report.text
    assert f"Did you mean {server.base_url} ?" in report.text


def test_no_key_for_an_endpoint_that_needs_one(server, qloop) -> None:
    report = qloop.run_until_complete(check_connection(custom(server.base_url), ""))
    assert (report.ok, report.text) == (False, "Enter an API key first.")
    assert server.requests == []


def test_provider_without_a_models_list_is_reachable_and_gets_no_bogus_fix(qloop) -> None:
    with FakeKimiServer("acedata", api_key=KEY) as acedata:
        report = qloop.run_until_complete(check_connection(on_server("acedata", acedata), KEY))
    assert report.ok, report.text
    assert "It lists no models; a one-token question was answered." in report.text
    assert report.suggested_base_url is None
    assert [r.path for r in acedata.requests] == ["/kimi/chat/completions"]


def test_moonshot_balance_is_part_of_the_report(server, qloop) -> None:
    server.override(
        "GET",
        "/v1/users/me/balance",
        json_reply({"code": 0, "data": {"available_balance": 12.5}, "scc": True, "status": True}),
    )
    report = qloop.run_until_complete(check_connection(on_server("moonshot-cn", server), KEY))
    assert report.ok
    assert report.text.endswith("3 models available. Balance ¥12.50.")


@pytest.mark.parametrize(
    ("dialect", "preset_id"),
    [
        ("kimik2", "kimi-k2-ai-anthropic"),
        ("moonshot-anthropic", "moonshot-anthropic"),
    ],
)
def test_a_provider_without_a_model_list_is_asked_one_token(dialect, preset_id, qloop) -> None:
    with FakeKimiServer(dialect, api_key=KEY) as server:
        report = qloop.run_until_complete(check_connection(on_server(preset_id, server), KEY))
        wrong = qloop.run_until_complete(
            check_connection(on_server(preset_id, server), "sk-wrong-0a1b2c3d4e5f")
        )
        requests = [r for r in server.requests if r.method == "POST"]
    assert report.ok, report.text
    assert re.match(r"Connected in \d+ ms\. Key accepted\. It lists no models", report.text)
    assert requests[0].path.endswith("/messages")
    assert requests[0].json()["max_tokens"] == 1
    assert not wrong.ok
    assert "key was rejected" in wrong.text


# -- the one-token question switches thinking as every request does ----------------------


def asked(model: str, qloop, **changes) -> bytes:
    """The raw body of the one-token question asked on AceData's fake (no model list)."""
    with FakeKimiServer("acedata", api_key=KEY) as acedata:
        profile = replace(on_server("acedata", acedata), model=model, **changes)
        report = qloop.run_until_complete(check_connection(profile, KEY))
        [request] = acedata.chat_requests
    assert report.ok, report.text
    return request.body


def test_an_always_thinking_model_is_never_told_to_stop(qloop) -> None:
    """Moonshot answers kimi-k2-thinking a 400 for thinking disabled."""
    for model in ("kimi-k2-thinking", "kimi-k2.7-code"):
        raw = asked(model, qloop)
        body = json.loads(raw)
        assert body["model"] == model
        assert b"disabled" not in raw
        for switch in ("thinking", "reasoning_effort", "chat_template_kwargs"):
            assert switch not in body


def test_a_switchable_model_is_asked_without_thinking(qloop) -> None:
    assert json.loads(asked("kimi-k2.6", qloop))["thinking"] == {"type": "disabled"}
    vllm = json.loads(asked("kimi-k2.6", qloop, thinking_switch="chat_template_kwargs"))
    assert vllm["chat_template_kwargs"] == {"thinking": False}
    assert "thinking" not in vllm


def test_an_effort_model_is_asked_with_the_least_effort(qloop) -> None:
    body = json.loads(asked("kimi-k3", qloop))
    assert body["reasoning_effort"] == "low"
    assert "thinking" not in body


def test_an_unknown_model_is_sent_no_switch_at_all(qloop) -> None:
    body = json.loads(asked("house-model", qloop))
    for switch in ("thinking", "reasoning_effort", "chat_template_kwargs"):
        assert switch not in body
