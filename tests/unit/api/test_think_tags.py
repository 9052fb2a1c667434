"""Inline ``<think>…</think>`` reasoning at the start of the answer, however the text is cut.

Self-hosted Kimi may write its reasoning into ``content``. The splitter must
give the same reasoning and answer whatever the chunking: split at every
character, fed one character at a time, and through the SSE reader with the
bytes split at every boundary (inside the tags and inside multi-byte characters).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence

import pytest

from kimi_desktop.api import ContentDelta, Finish, ReasoningDelta, StreamEvent
from kimi_desktop.api.openai_chat import OpenAIStreamParser, parse_completion
from kimi_desktop.api.think_tags import ThinkTagSplitter
from tests.fakes import FakeKimiServer, json_reply, split_at, split_every, sse_transport
from tests.fakes.reasoning_streams import content_stream, delta_stream
from tests.unit.api.support import assert_event_order, collect, make_client

StartServer = Callable[..., FakeKimiServer]

# (answer text as sent, reasoning expected, answer expected)
CASES = [
    ("<think>Let me see: 2+2.</think>The answer is 4.", "Let me see: 2+2.", "The answer is 4."),
    ("\n  <think>r</think>\n\n  Answer", "r", "Answer"),
    ("<think>思考：潮の音，海。</think>\n海。答案", "思考：潮の音，海。", "海。答案"),
    ("Plain answer.", "", "Plain answer."),
    ("Use <think> tags like this.", "", "Use <think> tags like this."),
    ("<thin air", "", "<thin air"),
    ("  <th", "", "  <th"),
    ("<Think>capital T is not the tag", "", "<Think>capital T is not the tag"),
    ("<think>never closed", "never closed", ""),
    ("<think>a</thinking> b</think>c", "a</thinking> b", "c"),
    ("<think>x</think>y <think>z</think>", "x", "y <think>z</think>"),
    ("<think></think>Hi", "", "Hi"),
    ("<think>r</think>   \n", "r", ""),
    ("<think>r</thi", "r</thi", ""),
    ("   ", "", "   "),
]


def run_splitter(pieces: Sequence[str]) -> list[ReasoningDelta | ContentDelta]:
    splitter = ThinkTagSplitter()
    events: list[ReasoningDelta | ContentDelta] = []
    for piece in pieces:
        events += splitter.feed(piece)
    return events + splitter.finish()


def texts(events: Sequence[object]) -> tuple[str, str]:
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    content = "".join(e.text for e in events if isinstance(e, ContentDelta))
    return reasoning, content


def assert_well_formed(events: Sequence[ReasoningDelta | ContentDelta]) -> None:
    """No empty deltas, and no reasoning after the answer began."""
    assert all(e.text for e in events), events
    kinds = [type(e) for e in events]
    if ContentDelta in kinds:
        assert ReasoningDelta not in kinds[kinds.index(ContentDelta) :], events


@pytest.mark.parametrize(("text", "reasoning", "content"), CASES)
def test_whole_text(text: str, reasoning: str, content: str) -> None:
    events = run_splitter([text])
    assert texts(events) == (reasoning, content)
    assert_well_formed(events)


@pytest.mark.parametrize(("text", "reasoning", "content"), CASES)
def test_split_at_every_character_boundary(text: str, reasoning: str, content: str) -> None:
    for cut in range(1, len(text)):
        events = run_splitter([text[:cut], text[cut:]])
        assert texts(events) == (reasoning, content), f"split at {cut}"
        assert_well_formed(events)


@pytest.mark.parametrize(("text", "reasoning", "content"), CASES)
def test_one_character_at_a_time(text: str, reasoning: str, content: str) -> None:
    events = run_splitter(list(text))
    assert texts(events) == (reasoning, content)
    assert_well_formed(events)


def test_every_three_piece_split_of_a_tagged_answer() -> None:
    text, reasoning, content = CASES[1]
    for a, b in itertools.combinations(range(1, len(text)), 2):
        events = run_splitter([text[:a], text[a:b], text[b:]])
        assert texts(events) == (reasoning, content), f"split at {a}, {b}"


def test_reasoning_streams_without_waiting_for_the_closing_tag() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("<think>abc") == [ReasoningDelta("abc")]
    assert splitter.feed(" def</th") == [ReasoningDelta(" def")]  # only "</th" is held
    assert splitter.feed("ink>\n") == []
    assert splitter.feed("ok") == [ContentDelta("ok")]
    assert splitter.feed(" <think>") == [ContentDelta(" <think>")]
    assert splitter.finish() == []


def test_text_that_is_not_the_tag_is_released_as_soon_as_it_is_known() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("  <th") == []
    assert splitter.feed("e") == [ContentDelta("  <the")]
    assert splitter.feed(" end") == [ContentDelta(" end")]


def _chunk(delta: dict[str, object]) -> str:
    return json.dumps({"choices": [{"index": 0, "delta": delta}]})


def test_parser_yields_inline_reasoning_and_names_no_field() -> None:
    parser = OpenAIStreamParser()
    events: list[StreamEvent] = []
    for piece in ["<thi", "nk>hmm", "</think>", "  ", "Yes", "."]:
        events += parser.feed("", _chunk({"content": piece}))
    events += parser.feed("", json.dumps({"choices": [{"delta": {}, "finish_reason": "stop"}]}))
    events += parser.finish()
    assert events == [ReasoningDelta("hmm"), ContentDelta("Yes"), ContentDelta("."), Finish("stop")]


def test_parser_releases_a_lone_tag_start_at_the_end_of_the_stream() -> None:
    parser = OpenAIStreamParser()
    events = parser.feed("", _chunk({"content": "<th"}))
    events += parser.feed("", "[DONE]")
    assert events == []
    assert parser.finish() == [ContentDelta("<th"), Finish("stop")]


def test_whole_completion_with_inline_reasoning() -> None:
    payload = {
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "<think>短</think>\n答。"},
                "finish_reason": "stop",
            }
        ]
    }
    assert parse_completion(payload) == [ReasoningDelta("短"), ContentDelta("答。"), Finish("stop")]


# -- through the SSE reader, bytes split everywhere ------------------------------------

INLINE_PIECES = ["<thi", "nk>先想", "一想：潮の音。</th", "ink>\n\n", "海。答案"]
INLINE_REASONING = "先想一想：潮の音。"
INLINE_ANSWER = "海。答案"


async def run_bytes(chunks: list[bytes]) -> list[StreamEvent]:
    async with make_client(transport=sse_transport(chunks)) as client:
        outcome = await collect(client)
    assert outcome.error is None, outcome.error
    assert_event_order(outcome.events)
    return outcome.events


@pytest.mark.asyncio
async def test_every_byte_boundary_of_a_chinese_inline_reply() -> None:
    body = content_stream(INLINE_PIECES).body
    assert len(body) != len(body.decode())  # multi-byte characters are in there
    for offset in range(1, len(body)):
        events = await run_bytes(split_at(body, offset))
        assert texts(events) == (INLINE_REASONING, INLINE_ANSWER), f"split at byte {offset}"
        assert events[-1] == Finish("stop")


@pytest.mark.asyncio
async def test_one_byte_at_a_time() -> None:
    body = content_stream(INLINE_PIECES).body
    events = await run_bytes(split_every(body, 1))
    assert texts(events) == (INLINE_REASONING, INLINE_ANSWER)


@pytest.mark.asyncio
async def test_field_reasoning_then_an_answer_that_is_not_inline() -> None:
    reply = delta_stream([{"reasoning_content": "想"}, {"content": "<b>bold</b>"}])
    events = await run_bytes([reply.body])
    assert [e for e in events if not isinstance(e, Finish)] == [
        ReasoningDelta("想"),
        ContentDelta("<b>bold</b>"),
    ]
    assert events[-1] == Finish("stop", reasoning_field="reasoning_content")


@pytest.mark.asyncio
async def test_local_server_over_a_socket(fake_server: StartServer) -> None:
    server = fake_server("generic", api_key="")
    server.enqueue(content_stream(INLINE_PIECES).split(3))
    async with make_client(server, api_key="") as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert (outcome.reasoning, outcome.content) == (INLINE_REASONING, INLINE_ANSWER)
    assert outcome.finish == Finish("stop")


@pytest.mark.asyncio
async def test_local_server_whole_answer(fake_server: StartServer) -> None:
    server = fake_server("generic", api_key="")
    server.enqueue(json_reply(content="<think>\nweighing it\n</think>\n\nDone."))
    async with make_client(server, api_key="") as client:
        outcome = await collect(client)
    assert outcome.error is None
    assert outcome.nonempty() == [
        ReasoningDelta("\nweighing it\n"),
        ContentDelta("Done."),
        Finish("stop"),
    ]
