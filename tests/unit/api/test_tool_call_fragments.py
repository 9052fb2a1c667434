"""Tool-call fragments: which fragment belongs to which call.

OpenAI streams number parallel calls by ``index``; some servers leave the index
out (or send null) and some number every call 0. The rules: a fragment with a
new ``id`` starts a new call, one with no index and no id continues the last
call, and indexed fragments keep their index's call (interleaved too).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from kimi_desktop.api import Finish, ToolCall
from kimi_desktop.api.openai_chat import OpenAIStreamParser, parse_completion
from tests.fakes import FakeKimiServer
from tests.fakes.reasoning_streams import tool_call_stream, tool_fragment
from tests.unit.api.support import assert_event_order, collect, make_client

StartServer = Callable[..., FakeKimiServer]


def finish_of(fragments: Sequence[dict[str, Any]]) -> Finish:
    """Feed each fragment in its own chunk and return the stream's Finish."""
    parser = OpenAIStreamParser()
    for fragment in fragments:
        chunk = {"choices": [{"index": 0, "delta": {"tool_calls": [fragment]}}]}
        assert parser.feed("", json.dumps(chunk)) == []
    parser.feed("", "[DONE]")
    [finish] = parser.finish()
    assert isinstance(finish, Finish)
    assert finish.reason == "tool_calls"
    return finish


@pytest.mark.parametrize("index", [..., None], ids=["no index", "null index"])
def test_a_new_id_starts_a_call_and_bare_fragments_continue_the_last(index: Any) -> None:
    finish = finish_of(
        [
            tool_fragment(index=index, id="call_a", type="function", name="get_weather"),
            tool_fragment(index=index, arguments='{"city": '),
            tool_fragment(index=index, arguments='"Paris"}'),
            tool_fragment(index=index, id="call_b", type="function", name="get_time"),
            tool_fragment(index=index, arguments='{"tz": "UTC"}'),
        ]
    )
    assert finish.tool_calls == (
        ToolCall("call_a", "get_weather", '{"city": "Paris"}'),
        ToolCall("call_b", "get_time", '{"tz": "UTC"}'),
    )


def test_every_call_numbered_zero_is_told_apart_by_id() -> None:
    finish = finish_of(
        [
            tool_fragment(index=0, id="call_a", name="first", arguments='{"n": 1}'),
            tool_fragment(index=0, id="call_b", name="second", arguments='{"n": '),
            tool_fragment(index=0, arguments="2}"),
        ]
    )
    assert finish.tool_calls == (
        ToolCall("call_a", "first", '{"n": 1}'),
        ToolCall("call_b", "second", '{"n": 2}'),
    )


def test_interleaved_indexes_keep_their_calls() -> None:
    finish = finish_of(
        [
            tool_fragment(index=0, id="call_a", name="one"),
            tool_fragment(index=1, id="call_b", name="two"),
            tool_fragment(index=0, arguments='{"a":'),
            tool_fragment(index=1, arguments='{"b":'),
            tool_fragment(index=1, arguments=" 2}"),
            tool_fragment(index=0, arguments=" 1}"),
        ]
    )
    assert finish.tool_calls == (
        ToolCall("call_a", "one", '{"a": 1}'),
        ToolCall("call_b", "two", '{"b": 2}'),
    )


def test_an_id_repeated_on_every_fragment_continues_its_call() -> None:
    finish = finish_of(
        [
            tool_fragment(id="call_a", name="echo", arguments='{"x"'),
            tool_fragment(id="call_a", arguments=": 1}"),
        ]
    )
    assert finish.tool_calls == (ToolCall("call_a", "echo", '{"x": 1}'),)


def test_an_id_that_arrives_after_its_first_fragment_names_that_call() -> None:
    finish = finish_of(
        [
            tool_fragment(index=0, name="late", arguments="{"),
            tool_fragment(index=0, id="call_late", arguments="}"),
        ]
    )
    assert finish.tool_calls == (ToolCall("call_late", "late", "{}"),)


def test_the_builtin_type_is_kept() -> None:
    arguments = '{"search_result": {"search_id": "s-1"}, "query": "天气"}'
    finish = finish_of(
        [
            tool_fragment(index=0, id="web_1", type="builtin_function", name="$web_search"),
            tool_fragment(index=0, arguments=arguments),
        ]
    )
    assert finish.tool_calls == (
        ToolCall("web_1", "$web_search", arguments, type="builtin_function"),
    )


def test_a_whole_completion_with_calls_that_carry_no_index() -> None:
    payload = {
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [
                        {
                            "id": "call_a",
                            "type": "builtin_function",
                            "function": {"name": "$web_search", "arguments": '{"q": 1}'},
                        },
                        {
                            "id": "call_b",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": "{}"},
                        },
                    ],
                },
            }
        ]
    }
    assert parse_completion(payload) == [
        Finish(
            "tool_calls",
            (
                ToolCall("call_a", "$web_search", '{"q": 1}', type="builtin_function"),
                ToolCall("call_b", "get_time", "{}"),
            ),
        )
    ]


@pytest.mark.asyncio
async def test_fragments_without_index_over_a_socket(fake_server: StartServer) -> None:
    server = fake_server("generic", api_key="")
    server.enqueue(
        tool_call_stream(
            [
                tool_fragment(id="call_1", type="function", name="lookup", arguments='{"q":'),
                tool_fragment(arguments=' "sea"}'),
                tool_fragment(id="call_2", type="function", name="lookup", arguments='{"q":'),
                tool_fragment(index=None, arguments=' "海"}'),
            ]
        ).split(5)
    )
    async with make_client(server, api_key="") as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.finish == Finish(
        "tool_calls",
        (
            ToolCall("call_1", "lookup", '{"q": "sea"}'),
            ToolCall("call_2", "lookup", '{"q": "海"}'),
        ),
    )
    assert_event_order(outcome.events)
