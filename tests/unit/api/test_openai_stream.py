"""Reading OpenAI-format chat streams: event order, reasoning, usage, tool calls.

Runs the client against the loopback fake so the bytes travel through a real
socket with chunked transfer encoding, as they do from Moonshot and resellers.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from kimi_desktop.api import ContentDelta, Finish, ReasoningDelta, ToolCall, Usage
from tests.fakes import (
    ACEDATA_STREAM,
    GENERIC_CONTENT,
    MOONSHOT_CONTENT,
    MOONSHOT_REASONING,
    FakeKimiServer,
    json_reply,
    moonshot_stream,
    openai_stream,
    sse_data,
    sse_reply,
)
from tests.unit.api.support import assert_event_order, collect, make_client

StartServer = Callable[..., FakeKimiServer]

MOONSHOT_EVENTS = [
    ReasoningDelta("The user"),
    ReasoningDelta(" wants a haiku"),
    ReasoningDelta(" about the sea;"),
    ReasoningDelta(" 海 means sea."),
    ContentDelta("Waves fold"),
    ContentDelta(" into foam"),
    ContentDelta(" —\n"),
    ContentDelta("潮の音"),
    ContentDelta("，海。"),
    Usage(prompt_tokens=19, completion_tokens=31, cached_tokens=8),
    Finish("stop", reasoning_field="reasoning_content"),
]


@pytest.mark.asyncio
async def test_moonshot_stream_with_usage_inside_the_last_choice(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == MOONSHOT_EVENTS
    assert_event_order(outcome.events)


@pytest.mark.asyncio
async def test_moonshot_stream_with_trailing_usage_chunk(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream(trailing_usage=True))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == MOONSHOT_EVENTS
    assert_event_order(outcome.events)


def _acedata_expected() -> tuple[str, str]:
    reasoning = content = ""
    for line in ACEDATA_STREAM.decode().splitlines():
        if not line.startswith("data: {"):
            continue
        for choice in json.loads(line[len("data: ") :])["choices"]:
            reasoning += choice["delta"].get("reasoning_content", "")
            content += choice["delta"].get("content", "")
    return reasoning, content


@pytest.mark.asyncio
async def test_reasoning_sent_in_two_fields_is_shown_once(fake_server: StartServer) -> None:
    server = fake_server("acedata")
    async with make_client(server) as client:
        outcome = await collect(client)
    reasoning, content = _acedata_expected()
    assert outcome.error is None
    assert outcome.reasoning == reasoning
    assert outcome.content == content == " Hello! How can I help you today?"
    assert outcome.usages == [Usage(prompt_tokens=9, completion_tokens=135, cached_tokens=0)]
    assert outcome.finish == Finish("stop", reasoning_field="reasoning_content")
    assert_event_order(outcome.events)
    # That delta lists "content" before "reasoning_content": reasoning still comes first.
    events = outcome.nonempty()
    first_content = events.index(ContentDelta(" Hello! How can I help"))
    assert events[first_content - 1] == ReasoningDelta(" help with. ")


@pytest.mark.asyncio
async def test_a_delta_with_only_reasoning_is_reasoning(fake_server: StartServer) -> None:
    server = fake_server("villamarket")
    server.enqueue(openai_stream(["thinking ", "hard"], ["done"], reasoning_field="reasoning"))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [
        ReasoningDelta("thinking "),
        ReasoningDelta("hard"),
        ContentDelta("done"),
        Finish("stop", reasoning_field="reasoning"),
    ]


@pytest.mark.asyncio
async def test_both_reasoning_fields_in_a_merged_boundary_delta(fake_server: StartServer) -> None:
    server = fake_server("acedata")
    server.enqueue(
        openai_stream(["甲乙", "丙"], ["丁"], both_reasoning_fields=True, merge_boundary=True)
    )
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.nonempty() == [
        ReasoningDelta("甲乙"),
        ReasoningDelta("丙"),
        ContentDelta("丁"),
        Finish("stop", reasoning_field="reasoning_content"),
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("dialect", "stream_args", "expected"),
    [
        ("moonshot", {"reasoning_field": "reasoning_content"}, "reasoning_content"),
        ("villamarket", {"reasoning_field": "reasoning"}, "reasoning"),
        ("acedata", {"both_reasoning_fields": True}, "reasoning_content"),
    ],
)
async def test_finish_names_the_field_reasoning_arrived_in(
    fake_server: StartServer, dialect: str, stream_args: dict[str, object], expected: str
) -> None:
    """History sends reasoning back under this name; AceData's pair counts as the official one."""
    server = fake_server(dialect)
    server.enqueue(openai_stream(["mull"], ["ok"], **stream_args))  # type: ignore[arg-type]
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.reasoning == "mull"
    assert outcome.finish == Finish("stop", reasoning_field=expected)


@pytest.mark.asyncio
async def test_finish_names_no_field_when_no_reasoning_arrived(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(openai_stream([], ["just text"]))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.finish == Finish("stop", reasoning_field=None)


@pytest.mark.asyncio
async def test_tool_call_fragments_accumulate_by_index(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    calls = [
        {"id": "call_1", "name": "get_weather", "arguments": ['{"city"', ': "Bei', 'jing"}']},
        {"id": "call_2", "name": "get_time", "arguments": ['{"tz":', ' "Asia/Shanghai"}']},
    ]
    server.enqueue(
        openai_stream(["Need the weather."], [], tool_calls=calls, finish_reason="tool_calls")
    )
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.finish == Finish(
        "tool_calls",
        (
            ToolCall("call_1", "get_weather", '{"city": "Beijing"}'),
            ToolCall("call_2", "get_time", '{"tz": "Asia/Shanghai"}'),
        ),
        reasoning_field="reasoning_content",
    )
    assert_event_order(outcome.events)


@pytest.mark.asyncio
@pytest.mark.parametrize("split", [1, 2, 3, 5])
async def test_text_is_exact_when_every_write_is_split(
    fake_server: StartServer, split: int
) -> None:
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().split(split))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.reasoning == "".join(MOONSHOT_REASONING)
    assert outcome.content == "".join(MOONSHOT_CONTENT)
    assert outcome.usages == [Usage(19, 31, 8)]


@pytest.mark.asyncio
async def test_line_separator_inside_content_is_kept(fake_server: StartServer) -> None:
    text = ["first\u2028second", "\u2029third", " 第三\u2028"]
    server = fake_server("moonshot")
    server.enqueue(openai_stream(["a\u2028b"], text).split(4))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.reasoning == "a\u2028b"
    assert outcome.content == "".join(text)


@pytest.mark.asyncio
async def test_crlf_framing_and_keep_alive_comments(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(moonshot_stream().with_heartbeats().with_newlines(b"\r\n").split(7))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == MOONSHOT_EVENTS


@pytest.mark.asyncio
async def test_finish_reason_without_done_completes_normally(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(
        openai_stream(["r"], ["c"], {"prompt_tokens": 3, "completion_tokens": 2}, done=False)
    )
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [
        ReasoningDelta("r"),
        ContentDelta("c"),
        Usage(3, 2, 0),
        Finish("stop", reasoning_field="reasoning_content"),
    ]


@pytest.mark.asyncio
async def test_length_finish_reason_passes_through(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue(openai_stream([], ["cut"], finish_reason="length"))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.finish == Finish("length")


@pytest.mark.asyncio
async def test_local_server_without_reasoning_or_usage(fake_server: StartServer) -> None:
    server = fake_server("generic", api_key="")
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [*(ContentDelta(t) for t in GENERIC_CONTENT), Finish("stop")]


@pytest.mark.asyncio
async def test_json_completion_answered_to_a_streaming_request(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    usage = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12, "cached_tokens": 2}
    server.enqueue(json_reply(reasoning="Let me think.", content="Answer: 42", usage=usage))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [
        ReasoningDelta("Let me think."),
        ContentDelta("Answer: 42"),
        Usage(5, 7, 2),
        Finish("stop", reasoning_field="reasoning_content"),
    ]


@pytest.mark.asyncio
async def test_acedata_json_completion_with_both_reasoning_fields(fake_server: StartServer) -> None:
    server = fake_server("acedata")
    body = {
        "id": "chatcmpl-b5d9e1b799c137e3",
        "object": "chat.completion",
        "model": "kimi-k2.5",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": " Hello!",
                    "refusal": None,
                    "reasoning_content": " The user said hi.",
                    "reasoning": " The user said hi.",
                    "tool_calls": [],
                },
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 9,
            "completion_tokens": 184,
            "total_tokens": 193,
            "prompt_tokens_details": {"cached_tokens_details": {}},
            "completion_tokens_details": {},
        },
    }
    server.enqueue(json_reply(body))
    async with make_client(server) as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [
        ReasoningDelta(" The user said hi."),
        ContentDelta(" Hello!"),
        Usage(9, 184, 0),
        Finish("stop", reasoning_field="reasoning_content"),
    ]


def _chunk(choice: dict[str, object]) -> bytes:
    return sse_data({"id": "chatcmpl-n", "object": "chat.completion.chunk", "choices": [choice]})


@pytest.mark.asyncio
async def test_a_choice_with_a_null_or_missing_index_is_the_first_choice(
    fake_server: StartServer,
) -> None:
    server = fake_server("generic", api_key="")
    events = [
        _chunk({"index": None, "delta": {"reasoning_content": "hm"}}),
        _chunk({"delta": {"content": "one"}}),
        _chunk({"index": None, "delta": {"content": " two"}}),
        _chunk({"index": 1, "delta": {"content": " other choice"}}),
        _chunk({"index": None, "delta": {}, "finish_reason": "stop"}),
        b"data: [DONE]\n\n",
    ]
    server.enqueue(sse_reply(events))
    async with make_client(server, api_key="") as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [
        ReasoningDelta("hm"),
        ContentDelta("one"),
        ContentDelta(" two"),
        Finish("stop", reasoning_field="reasoning_content"),
    ]


@pytest.mark.asyncio
async def test_a_whole_answer_with_a_null_index(fake_server: StartServer) -> None:
    server = fake_server("generic", api_key="")
    body = {
        "choices": [
            {
                "index": None,
                "message": {"role": "assistant", "content": "ok"},
                "finish_reason": "stop",
            }
        ]
    }
    server.enqueue(json_reply(body))
    async with make_client(server, api_key="") as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [ContentDelta("ok"), Finish("stop")]
