"""Request bodies for the second wave: the thinking switch, effort, partial mode, tool turns.

The api layer writes what the request says, in the endpoint's spelling:
``thinking`` (Moonshot), ``chat_template_kwargs`` (vLLM / SGLang serving
Kimi-K2.5), or nothing (``reasoning_effort`` / ``none``). Where the body is the
point, the request goes through the real client to the loopback fake and the
recorded JSON is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kimi_desktop.api import ChatRequest, Message, ToolCall, anthropic_messages, openai_chat
from kimi_desktop.domain.thinking import THINKING_SWITCHES, ThinkingSwitch
from tests.fakes import FakeKimiServer, anthropic_stream, openai_stream
from tests.unit.api.support import chat, collect, make_client

StartServer = Callable[..., FakeKimiServer]

WEB_SEARCH = {"type": "builtin_function", "function": {"name": "$web_search"}}
SEARCH_ARGUMENTS = '{"search_result": {"search_id": "s-9f"}, "usage": {"total_tokens": 3}}'


async def sent_body(server: FakeKimiServer, request: ChatRequest, **client_args: Any) -> Any:
    async with make_client(server, **client_args) as client:
        outcome = await collect(client, request)
    assert outcome.error is None, outcome.error
    return server.chat_requests[-1].json()


# -- OpenAI format: the thinking switch -------------------------------------------------

OPENAI_THINKING = [
    ("thinking", True, {"thinking": {"type": "enabled"}}),
    ("thinking", False, {"thinking": {"type": "disabled"}}),
    ("chat_template_kwargs", True, {"chat_template_kwargs": {"thinking": True}}),
    ("chat_template_kwargs", False, {"chat_template_kwargs": {"thinking": False}}),
    ("reasoning_effort", True, {}),
    ("reasoning_effort", False, {}),
    ("none", True, {}),
    ("none", False, {}),
]


@pytest.mark.parametrize(("switch", "thinking", "expected"), OPENAI_THINKING)
def test_openai_thinking_is_written_the_way_the_switch_says(
    switch: ThinkingSwitch, thinking: bool, expected: dict[str, Any]
) -> None:
    body = openai_chat.build_body(chat(thinking=thinking, thinking_switch=switch))
    written = {key: body[key] for key in ("thinking", "chat_template_kwargs") if key in body}
    assert written == expected
    assert "reasoning_effort" not in body


@pytest.mark.parametrize("switch", THINKING_SWITCHES)
def test_openai_server_default_sends_no_switch(switch: ThinkingSwitch) -> None:
    body = openai_chat.build_body(chat(thinking_switch=switch))
    for absent in ("thinking", "chat_template_kwargs", "reasoning_effort"):
        assert absent not in body


@pytest.mark.asyncio
async def test_local_server_gets_chat_template_kwargs(fake_server: StartServer) -> None:
    server = fake_server("generic", api_key="")
    request = chat(model="Kimi-K2.5", thinking=False, thinking_switch="chat_template_kwargs")
    body = await sent_body(server, request, api_key="")
    assert body["chat_template_kwargs"] == {"thinking": False}
    assert "thinking" not in body


@pytest.mark.asyncio
async def test_effort_model_gets_reasoning_effort_and_no_thinking(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    request = chat(
        model="kimi-k3",
        thinking=True,
        thinking_switch="reasoning_effort",
        reasoning_effort="max",
        max_tokens=32768,
    )
    body = await sent_body(server, request)
    assert body["reasoning_effort"] == "max"
    assert body["max_tokens"] == 32768
    for absent in ("thinking", "chat_template_kwargs"):
        assert absent not in body


@pytest.mark.asyncio
async def test_always_on_model_left_to_its_default_gets_no_thinking_field(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    body = await sent_body(server, chat(model="kimi-k2-thinking", max_tokens=32768))
    assert "thinking" not in body
    assert body["max_tokens"] == 32768


# -- OpenAI format: history ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_partial_mode_body(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(openai_stream([], [" and the rest."]))
    history = [
        Message("user", "Tell me a story."),
        Message("assistant", "Once upon a time", reasoning="A fairy tale.", partial=True),
    ]
    async with make_client(server) as client:
        outcome = await collect(client, ChatRequest(model="kimi-k2.5", messages=history))
    assert outcome.error is None
    assert outcome.content == " and the rest."  # only the continuation
    body = server.chat_requests[-1].json()
    assert body["messages"][-1] == {
        "role": "assistant",
        "content": "Once upon a time",
        "reasoning_content": "A fairy tale.",
        "partial": True,
    }


def test_partial_without_reasoning_has_no_reasoning_field() -> None:
    body = openai_chat.build_body(
        ChatRequest("kimi-k2.5", [Message("user", "Hi"), Message("assistant", "He", partial=True)])
    )
    assert body["messages"][-1] == {"role": "assistant", "content": "He", "partial": True}


def test_partial_is_sent_only_on_the_trailing_turn() -> None:
    history = [
        Message("user", "Hi"),
        Message("assistant", "Hello", partial=True),
        Message("user", "Again"),
    ]
    body = openai_chat.build_body(ChatRequest("kimi-k2.5", history))
    assert all("partial" not in message for message in body["messages"])


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_reasoning_goes_back_under_the_field_the_server_used(field: str) -> None:
    history = [
        Message("user", "2+2?"),
        Message("assistant", "4", reasoning="Add.", reasoning_field=field),
        Message("user", "3+3?"),
    ]
    body = openai_chat.build_body(ChatRequest("local", history))
    assistant = body["messages"][1]
    assert assistant == {"role": "assistant", "content": "4", field: "Add."}


@pytest.mark.asyncio
async def test_tool_turns_are_sent_exactly_as_received(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    call = ToolCall("web_1", "$web_search", SEARCH_ARGUMENTS, type="builtin_function")
    history = [
        Message("user", "What is the weather in Beijing?"),
        Message("assistant", "", reasoning="Search first.", tool_calls=(call,)),
        Message("tool", SEARCH_ARGUMENTS, tool_call_id="web_1", name="$web_search"),
    ]
    request = ChatRequest("kimi-k2.5", history, thinking=True, web_search=True)
    body = await sent_body(server, request)
    assert body["messages"][1:] == [
        {
            "role": "assistant",
            "content": "",
            "reasoning_content": "Search first.",
            "tool_calls": [
                {
                    "id": "web_1",
                    "type": "builtin_function",
                    "function": {"name": "$web_search", "arguments": SEARCH_ARGUMENTS},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "web_1",
            "name": "$web_search",
            "content": SEARCH_ARGUMENTS,
        },
    ]
    assert body["tools"] == [WEB_SEARCH]
    assert body["thinking"] == {"type": "enabled"}


def test_web_search_is_added_to_other_tools_once() -> None:
    own = {"type": "function", "function": {"name": "get_time", "parameters": {}}}
    body = openai_chat.build_body(chat(tools=[own], web_search=True))
    assert body["tools"] == [own, WEB_SEARCH]
    body = openai_chat.build_body(chat(tools=[WEB_SEARCH], web_search=True))
    assert body["tools"] == [WEB_SEARCH]
    assert "tools" not in openai_chat.build_body(chat())


# -- Anthropic format ---------------------------------------------------------------------


@pytest.mark.parametrize("switch", THINKING_SWITCHES)
@pytest.mark.parametrize("thinking", [None, True])
def test_anthropic_never_sends_disabled_unless_asked(
    switch: ThinkingSwitch, thinking: bool | None
) -> None:
    body = anthropic_messages.build_body(chat(thinking=thinking, thinking_switch=switch))
    assert body.get("thinking", {}).get("type") != "disabled"


@pytest.mark.parametrize(
    ("switch", "thinking", "expected"),
    [
        ("thinking", True, "enabled"),
        ("thinking", False, "disabled"),
        ("chat_template_kwargs", True, "enabled"),
        ("chat_template_kwargs", False, "disabled"),
        ("reasoning_effort", True, None),
        ("reasoning_effort", False, None),
        ("none", True, None),
        ("none", False, None),
    ],
)
def test_anthropic_thinking_follows_the_switch(
    switch: ThinkingSwitch, thinking: bool, expected: str | None
) -> None:
    body = anthropic_messages.build_body(chat(thinking=thinking, thinking_switch=switch))
    assert body.get("thinking", {}).get("type") == expected
    assert "chat_template_kwargs" not in body


def test_anthropic_sends_no_reasoning_effort_or_builtin_search() -> None:
    request = chat(
        model="kimi-k3",
        thinking_switch="reasoning_effort",
        reasoning_effort="high",
        web_search=True,
    )
    body = anthropic_messages.build_body(request)
    for absent in ("reasoning_effort", "output_config", "thinking", "tools"):
        assert absent not in body


@pytest.mark.asyncio
async def test_anthropic_continuation_is_a_trailing_assistant_turn(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot-anthropic")
    server.enqueue(anthropic_stream([], [" the rest."]))
    history = [
        Message("user", "Tell me a story."),
        Message("assistant", "Once upon a time \n", reasoning="A tale.", partial=True),
    ]
    async with make_client(server) as client:
        outcome = await collect(client, ChatRequest(model="kimi-k2.5", messages=history))
    assert outcome.error is None
    assert outcome.content == " the rest."
    body = server.chat_requests[-1].json()
    assert body["messages"] == [
        {"role": "user", "content": "Tell me a story."},
        {"role": "assistant", "content": "Once upon a time"},
    ]


def test_anthropic_tool_turns_become_tool_blocks() -> None:
    call = ToolCall("toolu_1", "get_weather", '{"city": "Paris"}')
    history = [
        Message("user", "Weather?"),
        Message("assistant", "Checking.", tool_calls=(call,)),
        Message("tool", "Sunny", tool_call_id="toolu_1", name="get_weather"),
    ]
    body = anthropic_messages.build_body(ChatRequest("kimi-k2.5", history))
    assert body["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Checking."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                },
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "Sunny"}],
        },
    ]
