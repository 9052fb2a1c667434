"""Chat-completion streams built from raw deltas: inline ``<think>`` and odd tool-call fragments.

``openai_stream`` in :mod:`tests.fakes.builders` writes the well-formed shapes;
these builders write whatever deltas a test names, one chunk each, so a test can
send what self-hosted servers and resellers really send: reasoning inline in
``content``, tool-call fragments with no index, a null index, or every call
numbered 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.fakes.faults import JsonDict, Reply, sse_data, sse_reply

_COMPLETION_ID = "chatcmpl-inline0000000001"


def delta_chunk(delta: JsonDict, *, finish_reason: str | None = None) -> bytes:
    """One ``chat.completion.chunk`` event whose first choice carries ``delta``."""
    return sse_data(
        {
            "id": _COMPLETION_ID,
            "object": "chat.completion.chunk",
            "model": "kimi-k2.5",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }
    )


def delta_stream(deltas: Sequence[JsonDict], *, finish_reason: str = "stop") -> Reply:
    """A stream of ``deltas``, one chunk each, then ``finish_reason`` and ``[DONE]``."""
    events = [delta_chunk(delta) for delta in deltas]
    events.append(delta_chunk({}, finish_reason=finish_reason))
    events.append(b"data: [DONE]\n\n")
    return sse_reply(events)


def content_stream(pieces: Sequence[str], *, finish_reason: str = "stop") -> Reply:
    """Answer text in ``pieces`` (reasoning, if any, written inline as a local server does)."""
    return delta_stream([{"content": piece} for piece in pieces], finish_reason=finish_reason)


def tool_fragment(
    *,
    index: Any = ...,
    id: str | None = None,
    name: str | None = None,
    arguments: str = "",
    type: str | None = None,
) -> JsonDict:
    """One ``delta.tool_calls`` item; ``index=...`` leaves the key out, ``None`` sends null."""
    fragment: JsonDict = {}
    if index is not ...:
        fragment["index"] = index
    if id is not None:
        fragment["id"] = id
    if type is not None:
        fragment["type"] = type
    function: JsonDict = {"arguments": arguments}
    if name is not None:
        function["name"] = name
    fragment["function"] = function
    return fragment


def tool_call_stream(fragments: Sequence[JsonDict]) -> Reply:
    """Each fragment in its own chunk, ending with ``finish_reason: "tool_calls"``."""
    return delta_stream(
        [{"tool_calls": [fragment]} for fragment in fragments], finish_reason="tool_calls"
    )
