"""Kimi's ``$web_search`` loop, run by ``stream_chat`` against the loopback fake.

What the server receives is the ground truth: every follow-up repeats the
history, adds the round's assistant turn as received and echoes each call's
arguments byte for byte, declares the tool again and keeps the thinking switch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from kimi_desktop.api import (
    ApiError,
    ContentDelta,
    Finish,
    Message,
    NetworkError,
    ReasoningDelta,
    StreamEvent,
    ToolCall,
    Usage,
    WebSearch,
)
from tests.fakes import FakeKimiServer, openai_stream, provider_error, web_search_stream
from tests.fakes.search_rounds import (
    ARGS_1,
    ARGS_2,
    ARGS_3,
    USAGE_1,
    USAGE_2,
    USAGE_3,
    WEB_SEARCH_TOOL,
    three_rounds,
)
from tests.unit.api.support import (
    FAST_RETRY,
    RecordingSleep,
    assert_event_order,
    assert_plain_sentence,
    chat,
    collect,
    make_client,
)

StartServer = Callable[..., FakeKimiServer]

PROMPT = "What happened at sea today?"


def kind(event: StreamEvent) -> str:
    return "Finish" if isinstance(event, Finish) else type(event).__name__


def sent(server: FakeKimiServer) -> list[dict[str, Any]]:
    return [request.json() for request in server.chat_requests]


@pytest.mark.asyncio
async def test_search_rounds_run_until_the_answer(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    three_rounds(server)
    async with make_client(server) as client:
        outcome = await collect(client, chat(PROMPT, thinking=True, web_search=True))
    assert outcome.error is None
    kinds = [kind(e) for e in outcome.nonempty()]
    assert kinds == [
        *["ReasoningDelta"] * 3,
        "WebSearch",
        "ContentDelta",
        "WebSearch",
        "WebSearch",
        *["ReasoningDelta"] * 2,
        *["ContentDelta"] * 2,
        "Usage",
        "Finish",
    ]
    assert_event_order(outcome.events)
    searches = [e for e in outcome.events if isinstance(e, WebSearch)]
    # Moonshot's arguments carry a search id, not the query; the third names one.
    assert searches == [WebSearch(None), WebSearch(None), WebSearch("海 的诗")]
    assert outcome.reasoning == "The user wants today's news; search.Two sources agree."
    assert outcome.content == "Let me look further.A storm crossed the bay."
    assert outcome.usages == [Usage(prompt_tokens=19273, completion_tokens=64, cached_tokens=4)]
    assert len(server.chat_requests) == 3


@pytest.mark.asyncio
async def test_follow_ups_echo_each_round_exactly(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    three_rounds(server)
    async with make_client(server) as client:
        outcome = await collect(client, chat(PROMPT, thinking=True, web_search=True))
    assert outcome.error is None
    first, second, third = sent(server)
    for body in (first, second, third):
        assert WEB_SEARCH_TOOL in body["tools"]
        assert body["thinking"] == {"type": "enabled"}
        assert body["model"] == "kimi-k2.5"
    assert first["messages"] == [{"role": "user", "content": PROMPT}]
    assert second["messages"][0] == first["messages"][0]
    searched, answered = second["messages"][1:]
    assert searched["role"] == "assistant"
    assert searched["reasoning_content"] == "The user wants today's news; search."
    assert searched["tool_calls"] == [
        {
            "id": "t-web_search-1",
            "type": "builtin_function",
            "function": {"name": "$web_search", "arguments": ARGS_1},
        }
    ]
    assert answered == {
        "role": "tool",
        "tool_call_id": "t-web_search-1",
        "name": "$web_search",
        "content": ARGS_1,
    }
    assert third["messages"][:3] == second["messages"]
    again, *answers = third["messages"][3:]
    assert again["content"] == "Let me look further."
    assert "reasoning_content" not in again  # no reasoning arrived in that round
    assert [c["function"]["arguments"] for c in again["tool_calls"]] == [ARGS_2, ARGS_3]
    assert answers == [
        {
            "role": "tool",
            "tool_call_id": "t-web_search-2",
            "name": "$web_search",
            "content": ARGS_2,
        },
        {
            "role": "tool",
            "tool_call_id": "t-web_search-3",
            "name": "$web_search",
            "content": ARGS_3,
        },
    ]


@pytest.mark.asyncio
async def test_the_finish_carries_the_turns_to_send_again(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    three_rounds(server)
    async with make_client(server) as client:
        outcome = await collect(client, chat(PROMPT, thinking=True, web_search=True))
    finish = outcome.finish
    assert isinstance(finish, Finish)
    assert finish.reason == "stop"
    assert [isinstance(e, Finish) for e in outcome.events].count(True) == 1
    first_call = ToolCall("t-web_search-1", "$web_search", ARGS_1, type="builtin_function")
    turns = finish.tool_turns
    assert turns[:2] == (
        Message(
            "assistant",
            "",
            reasoning="The user wants today's news; search.",
            tool_calls=(first_call,),
        ),
        Message("tool", ARGS_1, tool_call_id="t-web_search-1", name="$web_search"),
    )
    assert [t.role for t in turns[2:]] == ["assistant", "tool", "tool"]
    # Sent again after the prompt, the turns are exactly the last request's history.
    request = chat(PROMPT, thinking=True, web_search=True)
    async with make_client(server) as client:
        await collect(client, replace(request, messages=[*request.messages, *turns]))
    assert sent(server)[3]["messages"] == sent(server)[2]["messages"]


@pytest.mark.asyncio
async def test_a_ninth_round_is_never_sent(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(web_search_stream([("t-loop", ARGS_1)], usage=USAGE_1), times=12)
    async with make_client(server) as client:
        outcome = await collect(client, chat(PROMPT, web_search=True))
    error = outcome.error
    assert type(error) is ApiError
    assert error.code == "too_many_searches"
    assert "8" in error.message
    assert_plain_sentence(error.message)
    assert len(server.chat_requests) == 8
    # The eighth round's search never runs, so it is not announced.
    assert [e for e in outcome.events if isinstance(e, WebSearch)] == [WebSearch(None)] * 7
    assert not any(isinstance(e, Finish | Usage) for e in outcome.events)


@pytest.mark.asyncio
async def test_another_tool_ends_the_reply_with_its_call(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(web_search_stream([("t-1", ARGS_1)], usage=USAGE_1))
    server.enqueue(
        openai_stream(
            (),
            (),
            USAGE_2,
            usage_in_choice=True,
            finish_reason="tool_calls",
            tool_calls=[{"id": "call_9", "name": "get_time", "arguments": ['{"tz":', '"UTC"}']}],
        )
    )
    async with make_client(server) as client:
        outcome = await collect(client, chat(PROMPT, web_search=True))
    assert outcome.error is None
    assert len(server.chat_requests) == 2
    finish = outcome.finish
    assert finish is not None
    assert finish.reason == "tool_calls"
    assert finish.tool_calls == (ToolCall("call_9", "get_time", '{"tz":"UTC"}'),)
    assert len(finish.tool_turns) == 2
    assert outcome.usages == [Usage(prompt_tokens=8973, completion_tokens=23, cached_tokens=4)]


@pytest.mark.asyncio
async def test_no_loop_without_web_search(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(web_search_stream([("t-1", ARGS_1)], usage=USAGE_1))
    async with make_client(server) as client:
        outcome = await collect(client, chat(PROMPT))
    assert outcome.error is None
    assert len(server.chat_requests) == 1
    assert outcome.events[-2:] == [
        Usage(prompt_tokens=20, completion_tokens=9, cached_tokens=4),
        Finish(
            "tool_calls",
            tool_calls=(ToolCall("t-1", "$web_search", ARGS_1, type="builtin_function"),),
        ),
    ]
    assert not any(isinstance(e, WebSearch) for e in outcome.events)


@pytest.mark.asyncio
async def test_a_reply_without_searches_finishes_as_usual(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server) as client:
        outcome = await collect(client, chat(PROMPT, web_search=True))
    assert outcome.error is None
    assert type(outcome.finish) is Finish  # no search ran: no turns to carry
    assert outcome.finish.reason == "stop"
    assert len(outcome.usages) == 1
    assert len(server.chat_requests) == 1


@pytest.mark.asyncio
async def test_a_drop_mid_round_keeps_what_came_and_is_not_resent(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.enqueue(web_search_stream([("t-1", ARGS_1)], reasoning=("Search.",), usage=USAGE_1))
    server.enqueue(
        openai_stream(("Found it.",), ("A storm", " crossed"), USAGE_3).dropped(after_events=3)
    )
    async with make_client(server) as client:
        outcome = await collect(client, chat(PROMPT, web_search=True))
    assert isinstance(outcome.error, NetworkError)
    assert outcome.error.code == "dropped"
    assert outcome.reasoning == "Search.Found it."
    assert outcome.content == "A storm"
    assert [e for e in outcome.events if isinstance(e, WebSearch)] == [WebSearch(None)]
    assert not any(isinstance(e, Finish | Usage) for e in outcome.events)
    assert len(server.chat_requests) == 2


@pytest.mark.asyncio
async def test_each_round_is_retried_only_before_its_first_byte(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot")
    server.enqueue(web_search_stream([("t-1", ARGS_1)], usage=USAGE_1))
    server.enqueue(provider_error("moonshot", "overloaded"))
    server.enqueue(openai_stream((), ("Calm seas.",), USAGE_3, usage_in_choice=True))
    sleep = RecordingSleep()
    async with make_client(server, sleep=sleep) as client:
        outcome = await collect(client, chat(PROMPT, web_search=True))
    assert outcome.error is None
    assert outcome.content == "Calm seas."
    assert len(sleep.delays) == 1 <= FAST_RETRY.max_attempts
    second, retried = sent(server)[1:]
    assert retried == second  # the same follow-up, sent again whole
    others = [e for e in outcome.events if not isinstance(e, ReasoningDelta | ContentDelta)]
    assert [kind(e) for e in others] == ["WebSearch", "Usage", "Finish"]
