"""The Anthropic Messages dialect (Moonshot's and kimi-k2.ai's ``/messages``).

Differences from the OpenAI dialect that matter here: the system prompt is a
top-level field, ``max_tokens`` is mandatory, images are base64 ``image``
blocks, and the stream is typed events (``message_start``,
``content_block_delta`` with ``thinking_delta`` / ``text_delta``,
``message_delta`` with usage and ``stop_reason``, ``message_stop``, ``ping``).
Reasoning is not sent back in history: thinking blocks need the provider's
signature, which an OpenAI-format conversation never had.

What a request says, in this format. Moonshot does not document its
``/anthropic`` route beyond "Anthropic-compatible", so Anthropic's own spelling
is followed (docs.anthropic.com, "Extended thinking"; "Prefill Claude's
response"):

- Thinking: ``{"type": "enabled", "budget_tokens": N}`` or ``{"type": "disabled"}``,
  the format's own switch, for endpoints that switch with ``thinking`` (or
  ``chat_template_kwargs``, which self-hosted servers map to the same template
  switch); nothing for ``reasoning_effort`` and ``none``, and nothing when the
  request leaves thinking to the server. ``disabled`` is sent only when the
  request says ``thinking=False``: always-on models refuse it.
- ``reasoning_effort`` is not sent: Moonshot documents no effort field for this
  route, and an unknown field could be refused, so the server's default applies.
- Continuing a reply (partial mode) is a trailing assistant turn, Anthropic's
  prefill; the stream then holds only the continuation. Anthropic refuses a
  prefill that ends in whitespace, so the trailing whitespace is left off.
- Tool turns become ``tool_use`` and ``tool_result`` blocks. Kimi's built-in
  ``$web_search`` is an OpenAI-format ``builtin_function`` with no Messages
  spelling, so ``web_search`` declares nothing here.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from kimi_desktop.api.errors import error_from_payload
from kimi_desktop.api.request import ChatRequest
from kimi_desktop.api.stream_state import (
    StreamState,
    as_int,
    is_error_payload,
    model_entries,
    model_id,
    no_reply_error,
    text_or_none,
)
from kimi_desktop.domain import ContentDelta, Message, ModelInfo, ReasoningDelta, StreamEvent, Usage

ANTHROPIC_VERSION = "2023-06-01"
#: Sent when the caller sets no limit; the format makes ``max_tokens`` mandatory.
DEFAULT_MAX_TOKENS = 8192
#: With thinking on, the budget must leave room for the answer itself.
THINKING_MAX_TOKENS = 16384
#: Anthropic's floor for ``thinking.budget_tokens``.
MIN_THINKING_BUDGET = 1024

_STOP_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
}


def _content(message: Message, text: str) -> str | list[dict[str, Any]]:
    if not message.images or message.role != "user":
        return text
    blocks: list[dict[str, Any]] = [
        {
            "type": "image",
            "source": {
                "type": "base64",
                "media_type": image.mime,
                "data": base64.b64encode(image.data).decode("ascii"),
            },
        }
        for image in message.images
    ]
    if text:
        blocks.append({"type": "text", "text": text})
    return blocks


def _tool_input(arguments: str) -> dict[str, Any]:
    """A call's JSON arguments as the object ``tool_use`` takes (``{}`` if not one)."""
    try:
        value = json.loads(arguments) if arguments else {}
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _turn(message: Message, *, trailing: bool) -> dict[str, Any] | None:
    """One message in this format, or ``None`` for a turn with nothing to send."""
    if message.role == "tool":
        result = {
            "type": "tool_result",
            "tool_use_id": message.tool_call_id or "",
            "content": message.text,
        }
        return {"role": "user", "content": [result]}
    if message.role == "assistant" and message.tool_calls:
        blocks: list[dict[str, Any]] = []
        if message.text:
            blocks.append({"type": "text", "text": message.text})
        blocks += [
            {"type": "tool_use", "id": c.id, "name": c.name, "input": _tool_input(c.arguments)}
            for c in message.tool_calls
        ]
        return {"role": "assistant", "content": blocks}
    text = message.text
    if message.role == "assistant" and message.partial and trailing:
        text = text.rstrip()  # a prefill may not end in whitespace
    if not (text or message.images):
        return None
    return {"role": message.role, "content": _content(message, text)}


def _turns(request: ChatRequest) -> list[dict[str, Any]]:
    messages = [m for m in request.messages if m.role != "system"]
    last = len(messages) - 1
    turns = (_turn(m, trailing=i == last) for i, m in enumerate(messages))
    return [turn for turn in turns if turn is not None]


def build_body(request: ChatRequest, *, stream: bool = True) -> dict[str, Any]:
    """The JSON body of ``POST .../v1/messages``."""
    system = "\n\n".join(m.text for m in request.messages if m.role == "system" and m.text)
    default_max = THINKING_MAX_TOKENS if request.thinking else DEFAULT_MAX_TOKENS
    body: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_tokens or default_max,
        "messages": _turns(request),
        "stream": stream,
    }
    if system:
        body["system"] = system
    if request.temperature is not None:
        body["temperature"] = request.temperature
    switched = request.thinking_switch in ("thinking", "chat_template_kwargs")
    if switched and request.thinking is True:
        body["max_tokens"], budget = _thinking_limits(body["max_tokens"])
        body["thinking"] = {"type": "enabled", "budget_tokens": budget}
    elif switched and request.thinking is False:
        body["thinking"] = {"type": "disabled"}
    if request.tools:
        body["tools"] = list(request.tools)
    return body


def _thinking_limits(max_tokens: int) -> tuple[int, int]:
    """``(max_tokens, budget_tokens)`` that the Messages API accepts with thinking on.

    The rule is ``1024 <= budget_tokens < max_tokens``, and the budget counts
    against ``max_tokens``, so a small limit (say 500) cannot hold both: it is
    raised to twice the minimum budget, which leaves the answer half.
    """
    max_tokens = max(max_tokens, 2 * MIN_THINKING_BUDGET)
    return max_tokens, max(MIN_THINKING_BUDGET, max_tokens // 2)


class AnthropicStreamParser:
    """Turns a Messages event stream into our events.

    ``secret`` (the API key) is redacted from every error the stream carries.
    """

    def __init__(self, secret: str | None = None) -> None:
        self.state = StreamState(secret=secret)
        self._input_tokens = 0
        self._cached_tokens = 0
        self._output_tokens = 0
        self._saw_usage = False
        self._tool_index: dict[int, int] = {}

    def feed(self, event: str, data: str) -> list[StreamEvent]:
        """Events from one SSE message (``event:`` name and ``data:`` JSON)."""
        payload = self.state.decode(data)
        kind = payload.get("type") or event
        if kind == "error":
            raise error_from_payload(payload, secret=self.state.secret)
        if kind == "message_start":
            self._read_usage((payload.get("message") or {}).get("usage"))
        elif kind == "content_block_start":
            return self._block_start(as_int(payload.get("index")), payload.get("content_block"))
        elif kind == "content_block_delta":
            return self._block_delta(as_int(payload.get("index")), payload.get("delta") or {})
        elif kind == "message_delta":
            reason = (payload.get("delta") or {}).get("stop_reason")
            if reason:
                self.state.finish_reason = _STOP_REASONS.get(reason, str(reason))
            self._read_usage(payload.get("usage"))
        elif kind == "message_stop":
            self.state.done = True
        return []  # ping, content_block_stop and unknown events carry nothing to show

    def _block_start(self, index: int, block: Any) -> list[StreamEvent]:
        if not isinstance(block, dict):
            return []
        if block.get("type") == "tool_use":
            self._tool_index[index] = len(self._tool_index)
            self.state.tool_call(
                self._tool_index[index], id=block.get("id"), name=block.get("name"), arguments=""
            )
        return _block_events(block)

    def _block_delta(self, index: int, delta: dict[str, Any]) -> list[StreamEvent]:
        kind = delta.get("type")
        if kind == "text_delta" and delta.get("text"):
            return [ContentDelta(str(delta["text"]))]
        if kind == "thinking_delta" and delta.get("thinking"):
            return [ReasoningDelta(str(delta["thinking"]))]
        if kind == "input_json_delta" and index in self._tool_index:
            self.state.tool_call(
                self._tool_index[index],
                id=None,
                name=None,
                arguments=str(delta.get("partial_json") or ""),
            )
        return []  # signature_delta and anything new

    def _read_usage(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            return
        self._saw_usage = True
        if "input_tokens" in raw:
            cached = as_int(raw.get("cache_read_input_tokens"))
            self._cached_tokens = cached
            self._input_tokens = (
                as_int(raw.get("input_tokens"))
                + cached
                + as_int(raw.get("cache_creation_input_tokens"))
            )
        if "output_tokens" in raw:
            self._output_tokens = as_int(raw.get("output_tokens"))
        self.state.usage = Usage(self._input_tokens, self._output_tokens, self._cached_tokens)

    def finish(self) -> list[StreamEvent]:
        """The closing ``Usage`` and ``Finish``; raises if the stream was cut short."""
        return self.state.closing_events()


def _block_events(block: dict[str, Any]) -> list[StreamEvent]:
    if block.get("type") == "text" and block.get("text"):
        return [ContentDelta(str(block["text"]))]
    if block.get("type") == "thinking" and block.get("thinking"):
        return [ReasoningDelta(str(block["thinking"]))]
    return []


def parse_message(payload: Any, secret: str | None = None) -> list[StreamEvent]:
    """Events from a whole (non-streamed) Messages response.

    Raises the provider's error when the body is one, and :class:`ProtocolError`
    when it has no ``content`` list (an empty list is a legal, empty reply).
    """
    if isinstance(payload, dict) and is_error_payload(payload):
        raise error_from_payload(payload, secret=secret)
    content = payload.get("content") if isinstance(payload, dict) else None
    if not isinstance(content, list):
        raise no_reply_error()
    parser = AnthropicStreamParser(secret)
    events: list[StreamEvent] = []
    for index, block in enumerate(content):
        events += parser._block_start(index, block)
        if isinstance(block, dict) and block.get("type") == "tool_use":
            parser.state.tool_call(
                parser._tool_index[index],
                id=None,
                name=None,
                arguments=json.dumps(block.get("input") or {}),
            )
    parser._read_usage(payload.get("usage"))
    reason = payload.get("stop_reason") or "end_turn"
    parser.state.finish_reason = _STOP_REASONS.get(reason, str(reason))
    parser.state.done = True
    return events + parser.finish()


def parse_models(payload: Any) -> list[ModelInfo]:
    """``GET /v1/models`` in Anthropic's shape (``data[].id``)."""
    return [
        ModelInfo(id=model, owned_by=text_or_none(item.get("owned_by")))
        for item in model_entries(payload, bare_list=False)
        if (model := model_id(item)) is not None
    ]
