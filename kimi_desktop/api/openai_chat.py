"""The OpenAI chat-completions dialect, as Moonshot and the resellers speak it.

Kimi specifics handled here: reasoning arrives as ``delta.reasoning_content``
(some resellers send the same text again as ``delta.reasoning``: it is shown
once); usage may sit inside the last choice or in a trailing chunk with
``choices: []``; cached tokens are ``usage.cached_tokens`` or
``usage.prompt_tokens_details.cached_tokens``; an assistant turn's reasoning is
sent back as ``reasoning_content``; sampling parameters are omitted unless set
because K2.5 rejects non-default values.
"""

from __future__ import annotations

import base64
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


def data_url(mime: str, data: bytes) -> str:
    """An image as the base64 ``data:`` URL Kimi's ``image_url`` parts take."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _message(message: Message) -> dict[str, Any]:
    if message.images and message.role == "user":
        parts: list[dict[str, Any]] = [{"type": "text", "text": message.text}]
        parts += [
            {"type": "image_url", "image_url": {"url": data_url(image.mime, image.data)}}
            for image in message.images
        ]
        return {"role": "user", "content": parts}
    out: dict[str, Any] = {"role": message.role, "content": message.text}
    if message.role == "assistant" and message.reasoning:
        out["reasoning_content"] = message.reasoning
    return out


def build_body(request: ChatRequest, *, stream: bool = True) -> dict[str, Any]:
    """The JSON body of ``POST <base>/chat/completions``."""
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [_message(m) for m in request.messages],
        "stream": stream,
    }
    if stream:
        body["stream_options"] = {"include_usage": True}
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.thinking is not None:
        body["thinking"] = {"type": "enabled" if request.thinking else "disabled"}
    if request.tools:
        body["tools"] = list(request.tools)
    return body


def parse_usage(raw: Any) -> Usage | None:
    """Usage from either place Kimi puts cached tokens; ``None`` if absent."""
    if not isinstance(raw, dict):
        return None
    details = raw.get("prompt_tokens_details")
    cached = raw.get("cached_tokens")
    if cached is None and isinstance(details, dict):
        cached = details.get("cached_tokens")
    return Usage(
        prompt_tokens=as_int(raw.get("prompt_tokens")),
        completion_tokens=as_int(raw.get("completion_tokens")),
        cached_tokens=as_int(cached),
    )


def _reasoning_of(delta: dict[str, Any]) -> str | None:
    # Same text under both names (AceData): prefer the official one, never both.
    text = delta.get("reasoning_content") or delta.get("reasoning")
    return text if isinstance(text, str) and text else None


def _is_first(choice: Any) -> bool:
    """Only choice 0 is shown; some servers send ``"index": null`` or no index for it."""
    return isinstance(choice, dict) and choice.get("index") in (None, 0)


class OpenAIStreamParser:
    """Turns ``data:`` payloads of a chat-completions stream into events.

    ``secret`` (the API key) is redacted from every error the stream carries.
    """

    def __init__(self, secret: str | None = None) -> None:
        self.state = StreamState(secret=secret)

    def feed(self, event: str, data: str) -> list[StreamEvent]:
        """Events from one SSE message; ``event`` is unused in this dialect."""
        if data.strip() == "[DONE]":
            self.state.done = True
            return []
        payload = self.state.decode(data)
        if "error" in payload and not payload.get("choices"):
            raise error_from_payload(payload, secret=self.state.secret)
        events: list[StreamEvent] = []
        usage = parse_usage(payload.get("usage"))
        for choice in payload.get("choices") or ():
            if not _is_first(choice):
                continue
            delta = choice.get("delta") or {}
            if isinstance(delta, dict):
                events += self._delta_events(delta)
            if choice.get("finish_reason"):
                self.state.finish_reason = str(choice["finish_reason"])
            usage = parse_usage(choice.get("usage")) or usage
        if usage is not None:
            self.state.usage = usage
        return events

    def _delta_events(self, delta: dict[str, Any]) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        reasoning = _reasoning_of(delta)
        if reasoning:
            events.append(ReasoningDelta(reasoning))
        content = delta.get("content")
        if isinstance(content, str) and content:
            events.append(ContentDelta(content))
        for call in delta.get("tool_calls") or ():
            function = call.get("function") or {}
            self.state.tool_call(
                as_int(call.get("index")),
                id=call.get("id"),
                name=function.get("name"),
                arguments=function.get("arguments") or "",
            )
        return events

    def finish(self) -> list[StreamEvent]:
        """The closing ``Usage`` and ``Finish``; raises if the stream was cut short."""
        return self.state.closing_events()


def parse_completion(payload: Any, secret: str | None = None) -> list[StreamEvent]:
    """Events from a whole (non-streamed) chat completion.

    Raises the provider's error when the body is one (a gateway that answers
    errors with 200), and :class:`ProtocolError` when it holds no message.
    """
    if isinstance(payload, dict) and is_error_payload(payload):
        raise error_from_payload(payload, secret=secret)
    choices = payload.get("choices") if isinstance(payload, dict) else None
    choice = next((c for c in choices or () if _is_first(c)), None)
    message = choice.get("message") if choice is not None else None
    if choice is None or not isinstance(message, dict):
        raise no_reply_error()
    parser = OpenAIStreamParser(secret)
    events = parser._delta_events(message)
    parser.state.finish_reason = str(choice.get("finish_reason") or "stop")
    parser.state.usage = parse_usage(payload.get("usage"))
    parser.state.done = True
    return events + parser.finish()


def parse_models(payload: Any) -> list[ModelInfo]:
    """``GET /models``: Moonshot adds context length and capabilities."""
    models: list[ModelInfo] = []
    for item in model_entries(payload, bare_list=True):
        model = model_id(item)
        if model is None:
            continue
        context = item.get("context_length")
        models.append(
            ModelInfo(
                id=model,
                owned_by=text_or_none(item.get("owned_by")),
                context_length=context if isinstance(context, int) else None,
                supports_images=_flag(item.get("supports_image_in")),
                supports_reasoning=_flag(item.get("supports_reasoning")),
            )
        )
    return models


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
