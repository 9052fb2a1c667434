"""What both dialects' stream parsers keep between messages, and how a stream ends.

Both parsers hold back ``Usage`` and ``Finish`` until the stream is over, so
callers always see: deltas in arrival order, then at most one ``Usage``, then
``Finish`` last — whatever order the provider sent them in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kimi_desktop.api.errors import ProtocolError, bad_models_error
from kimi_desktop.domain import Finish, StreamEvent, ToolCall, Usage, redact
from kimi_desktop.i18n import _

#: Longer than any model id; a longer "id" is not one, and would not fit the picker.
MAX_MODEL_ID = 200


def as_int(value: Any) -> int:
    """Token counts and indexes as ints; providers sometimes send null."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def no_reply_error() -> ProtocolError:
    """A whole answer that parsed as JSON but holds no reply: never an empty success."""
    return ProtocolError(
        _(
            "The endpoint answered without a reply in it. Check the base URL and the model "
            "in Settings, then try again."
        ),
        code="no_reply",
    )


def model_entries(payload: Any, *, bare_list: bool) -> list[Any]:
    """The items of a model list: ``{"data": [...]}`` (or a bare list, if ``bare_list``).

    ``{"data": null}`` is an empty list; anything else that is not a list
    (``{"data": 5}``, a number, a string) raises :class:`ProtocolError`.
    """
    if isinstance(payload, dict):
        data = payload.get("data")
        if data is None:
            return []
    elif bare_list:
        data = payload
    else:
        data = None
    if not isinstance(data, list):
        raise bad_models_error()
    return data


def model_id(item: Any) -> str | None:
    """A usable model id from one list item, or ``None`` to skip the item."""
    raw = item.get("id") if isinstance(item, dict) else None
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    text = str(raw).strip()
    return text if 0 < len(text) <= MAX_MODEL_ID else None


def text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def is_error_payload(payload: dict[str, Any]) -> bool:
    """An error object in any shape we know (OpenAI, Anthropic, AceData), sent with a 200."""
    return (
        payload.get("error") is not None
        or payload.get("type") == "error"
        or payload.get("success") is False
    )


@dataclass
class _PartialToolCall:
    id: str = ""
    name: str = ""
    type: str = "function"
    arguments: list[str] = field(default_factory=list)


@dataclass
class StreamState:
    """Accumulated facts of one stream.

    ``secret`` is the API key, kept so that text quoted from a damaged chunk
    (providers echo keys) is redacted before it reaches an error.
    ``reasoning_field`` names the field reasoning arrived in, for ``Finish``.
    """

    secret: str | None = field(default=None, repr=False)
    done: bool = False
    finish_reason: str | None = None
    usage: Usage | None = None
    reasoning_field: str | None = None
    tool_calls: list[_PartialToolCall] = field(default_factory=list)
    _call_at_index: dict[int, _PartialToolCall] = field(
        default_factory=dict, init=False, repr=False
    )
    _call_with_id: dict[str, _PartialToolCall] = field(default_factory=dict, init=False, repr=False)

    def decode(self, data: str) -> dict[str, Any]:
        """One JSON payload, or a :class:`ProtocolError` a person can read."""
        try:
            payload = json.loads(data)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            payload = None
        if not isinstance(payload, dict):
            raise ProtocolError(
                _(
                    "The endpoint sent a damaged piece of the reply. The text received so far "
                    "was kept; try again."
                ),
                code="malformed_chunk",
                detail=redact(data, self.secret)[:200],
            )
        return payload

    def tool_call(
        self,
        index: int | None,
        *,
        id: Any,
        name: Any,
        arguments: str,
        type: Any = None,
    ) -> None:
        """Add one tool-call fragment to the call it belongs to.

        A fragment with an id not seen before starts a new call (some servers
        number every call 0 and tell them apart only by id); one with a known
        id continues that call. Without an id, the ``index`` decides, as OpenAI
        streams interleave parallel calls by index; with neither (an index
        missing or null), the fragment continues the last call.
        """
        call = self._call_for(index, str(id) if id else None)
        if type:
            call.type = str(type)
        if name:
            call.name += str(name)
        call.arguments.append(arguments)

    def _call_for(self, index: int | None, call_id: str | None) -> _PartialToolCall:
        if call_id is not None and call_id in self._call_with_id:
            call = self._call_with_id[call_id]
        elif call_id is None and index is not None and index in self._call_at_index:
            call = self._call_at_index[index]
        elif call_id is None and index is None and self.tool_calls:
            call = self.tool_calls[-1]
        else:
            indexed = self._call_at_index.get(index) if index is not None else None
            if indexed is not None and not indexed.id:
                call = indexed  # the call's first fragments came without its id
            else:
                call = _PartialToolCall()
                self.tool_calls.append(call)
        if call_id is not None and not call.id:
            call.id = call_id
            self._call_with_id[call_id] = call
        if index is not None:
            self._call_at_index[index] = call
        return call

    def closing_events(self) -> list[StreamEvent]:
        """``[Usage?, Finish]``, or raise when the stream ended before finishing."""
        if self.finish_reason is None and not self.done:
            raise ProtocolError(
                _(
                    "The reply ended before it was complete. The text received so far was "
                    "kept; try again."
                ),
                code="incomplete_stream",
            )
        calls = tuple(
            ToolCall(id=c.id, name=c.name, arguments="".join(c.arguments), type=c.type)
            for c in self.tool_calls
        )
        reason = self.finish_reason or ("tool_calls" if calls else "stop")
        events: list[StreamEvent] = [] if self.usage is None else [self.usage]
        events.append(Finish(reason=reason, tool_calls=calls, reasoning_field=self.reasoning_field))
        return events
