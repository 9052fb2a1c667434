"""The turns a web search added before a reply, as the JSON kept in ``messages.tool_turns``.

A reply that searched the web was answered after one or more rounds: per round,
an assistant turn carrying its ``tool_calls`` and one ``"tool"`` turn per call
(:class:`~kimi_desktop.domain.Finish` ``.tool_turns``). They are stored with the
reply so the conversation can be sent again exactly as the model saw it.

The shape, version 1::

    {"version": 1,
     "turns": [{"role": "assistant" | "tool",
                "text": str,
                "reasoning": str | null,
                "reasoning_field": str,
                "tool_calls": [{"id": str, "type": str, "name": str, "arguments": str}],
                "tool_call_id": str | null,
                "name": str | null}]}

Strings are kept as received (the arguments byte for byte: they carry the
search's id). Reading is defensive: a value this version does not understand
(another ``version``, a damaged document, a turn of the wrong shape) reads as
no turns at all, and the reply is then sent back as its text alone, as replies
were before turns were stored. A later change to the shape bumps ``version``
and teaches :func:`decode` to read the old one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, Final

from kimi_desktop.domain import Message, ToolCall

_log = logging.getLogger(__name__)

VERSION: Final = 1
_ROLES: Final = frozenset({"assistant", "tool"})


def encode(turns: Sequence[Message]) -> str | None:
    """The JSON stored for ``turns``; ``None`` (NULL) when there are none."""
    if not turns:
        return None
    return json.dumps(
        {"version": VERSION, "turns": [_turn_object(turn) for turn in turns]},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode(stored: str | None) -> tuple[Message, ...]:
    """The turns in ``stored`` (see the module docstring); ``()`` for anything unreadable."""
    if not stored:
        return ()
    try:
        document = json.loads(stored)
    except (ValueError, RecursionError):
        _log.warning("a reply's stored search turns are damaged; it is sent without them")
        return ()
    if not isinstance(document, dict) or document.get("version") != VERSION:
        _log.warning("a reply's stored search turns are of an unknown version; sent without them")
        return ()
    raw_turns = document.get("turns")
    if not isinstance(raw_turns, list):
        return ()
    turns = [_turn(item) for item in raw_turns]
    if any(turn is None for turn in turns):
        _log.warning("a reply's stored search turns are damaged; it is sent without them")
        return ()
    return tuple(turn for turn in turns if turn is not None)


def _turn_object(turn: Message) -> dict[str, Any]:
    return {
        "role": turn.role,
        "text": turn.text,
        "reasoning": turn.reasoning,
        "reasoning_field": turn.reasoning_field,
        "tool_calls": [
            {"id": call.id, "type": call.type, "name": call.name, "arguments": call.arguments}
            for call in turn.tool_calls
        ],
        "tool_call_id": turn.tool_call_id,
        "name": turn.name,
    }


def _turn(item: Any) -> Message | None:
    """One stored turn, or ``None`` when it is not of the documented shape."""
    if not isinstance(item, dict) or item.get("role") not in _ROLES:
        return None
    text = item.get("text")
    reasoning = item.get("reasoning")
    reasoning_field = item.get("reasoning_field", "reasoning_content")
    tool_call_id = item.get("tool_call_id")
    name = item.get("name")
    raw_calls = item.get("tool_calls", [])
    if not (
        isinstance(text, str)
        and _optional_str(reasoning)
        and isinstance(reasoning_field, str)
        and _optional_str(tool_call_id)
        and _optional_str(name)
        and isinstance(raw_calls, list)
    ):
        return None
    calls = [_call(call) for call in raw_calls]
    if any(call is None for call in calls):
        return None
    return Message(
        role=item["role"],
        text=text,
        reasoning=reasoning,
        reasoning_field=reasoning_field,
        tool_calls=tuple(call for call in calls if call is not None),
        tool_call_id=tool_call_id,
        name=name,
    )


def _call(item: Any) -> ToolCall | None:
    if not isinstance(item, dict):
        return None
    fields = [item.get(key) for key in ("id", "type", "name", "arguments")]
    if not all(isinstance(value, str) for value in fields):
        return None
    call_id, call_type, name, arguments = (str(value) for value in fields)
    return ToolCall(id=call_id, name=name, arguments=arguments, type=call_type)


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)
