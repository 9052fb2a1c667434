"""Kimi's built-in ``$web_search``: the tool loop a request with ``web_search`` runs.

Moonshot searches on its side, but only when asked twice: the first reply ends
with ``finish_reason: "tool_calls"`` naming ``$web_search`` (type
``"builtin_function"``), and the search runs when the client sends the
conversation back with that assistant turn and, for each call, a ``"tool"`` turn
whose content is the call's arguments exactly as received. The arguments look
like ``{"search_result": {"search_id": "..."}, "usage": {"total_tokens": 8933}}``;
``total_tokens`` is what the results add to the next request's prompt, so the
rounds' usage summed is the whole cost. (https://platform.moonshot.ai/docs/guide/use-web-search)

:func:`searching_reply` runs that loop over any one-request stream, so the
client keeps its retry rule per request: each round is a request of its own.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import replace
from typing import Any

from kimi_desktop.api.errors import ApiError
from kimi_desktop.api.request import ChatRequest
from kimi_desktop.domain import (
    ContentDelta,
    Finish,
    Message,
    ReasoningDelta,
    StreamEvent,
    ToolCall,
    Usage,
    WebSearch,
)
from kimi_desktop.i18n import ngettext

WEB_SEARCH_TOOL = "$web_search"
#: Requests one reply may take: each search round costs a request and the results' tokens,
#: and a model that keeps searching without answering is stopped rather than billed on.
MAX_SEARCH_ROUNDS = 8

RoundStream = Callable[[ChatRequest], AsyncGenerator[StreamEvent, None]]


async def searching_reply(
    request: ChatRequest, stream_round: RoundStream
) -> AsyncGenerator[StreamEvent, None]:
    """The events of ``request``, running the ``$web_search`` rounds the model asks for.

    Deltas of every round are yielded as they come, then one :class:`WebSearch`
    per call of each search round; usage is summed over the rounds and yielded
    once, before the one :class:`Finish` of the reply (carrying the rounds'
    ``tool_turns`` once a search ran). A reply that ends with calls to any other tool ends
    there. An error in a round raises after what was yielded.
    """
    turns: list[Message] = []
    usage: Usage | None = None
    for round_number in range(1, MAX_SEARCH_ROUNDS + 1):
        asked = replace(request, messages=(*request.messages, *turns)) if turns else request
        text: list[str] = []
        reasoning: list[str] = []
        finish: Finish | None = None
        async with aclosing(stream_round(asked)) as events:
            async for event in events:
                if isinstance(event, Finish):
                    finish = event
                    continue
                if isinstance(event, Usage):
                    usage = event if usage is None else _added(usage, event)
                    continue
                if isinstance(event, ContentDelta):
                    text.append(event.text)
                elif isinstance(event, ReasoningDelta):
                    reasoning.append(event.text)
                yield event
        if finish is None:  # every parser ends with a Finish or raises
            return
        searches = _searches(finish)
        if not searches:
            if usage is not None:
                yield usage
            yield replace(finish, tool_turns=tuple(turns)) if turns else finish
            return
        if round_number == MAX_SEARCH_ROUNDS:
            raise too_many_searches_error(MAX_SEARCH_ROUNDS)
        for call in searches:
            yield WebSearch(query=search_query(call.arguments))
        turns += round_turns("".join(text), "".join(reasoning), finish)


def round_turns(text: str, reasoning: str, finish: Finish) -> list[Message]:
    """The turns one search round adds to the conversation: the model's, then the tools'."""
    assistant = Message(
        role="assistant",
        text=text,
        reasoning=reasoning or None,
        reasoning_field=finish.reasoning_field or "reasoning_content",
        tool_calls=finish.tool_calls,
    )
    # The arguments go back byte for byte: they carry the search id the server runs.
    answers = [
        Message(role="tool", text=call.arguments, tool_call_id=call.id, name=call.name)
        for call in finish.tool_calls
    ]
    return [assistant, *answers]


def search_query(arguments: str) -> str | None:
    """What a ``$web_search`` call searched for, when its arguments say so.

    Moonshot's arguments hold a search id and a token count, not the query;
    a ``query`` at the top or inside ``search_result`` is read if one comes.
    """
    try:
        data: Any = json.loads(arguments)
    except (ValueError, RecursionError):
        return None
    holders = (data, data.get("search_result")) if isinstance(data, dict) else ()
    for holder in holders:
        query = holder.get("query") if isinstance(holder, dict) else None
        if isinstance(query, str) and query.strip():
            return query.strip()
    return None


def too_many_searches_error(rounds: int) -> ApiError:
    """The model asked to search again after ``rounds`` requests without answering."""
    return ApiError(
        ngettext(
            "The model kept searching the web without answering after {n} request, so the "
            "reply was stopped. The text received so far was kept; try again, or turn web "
            "search off.",
            "The model kept searching the web without answering after {n} requests, so the "
            "reply was stopped. The text received so far was kept; try again, or turn web "
            "search off.",
            rounds,
        ).format(n=rounds),
        code="too_many_searches",
    )


def _searches(finish: Finish) -> tuple[ToolCall, ...]:
    """The round's calls when it ended asking for web searches only, else ``()``."""
    calls = finish.tool_calls
    if finish.reason != "tool_calls" or not calls:
        return ()
    return calls if all(call.name == WEB_SEARCH_TOOL for call in calls) else ()


def _added(first: Usage, second: Usage) -> Usage:
    return Usage(
        prompt_tokens=first.prompt_tokens + second.prompt_tokens,
        completion_tokens=first.completion_tokens + second.completion_tokens,
        cached_tokens=first.cached_tokens + second.cached_tokens,
    )
