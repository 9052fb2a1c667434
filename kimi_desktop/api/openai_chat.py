"""The OpenAI chat-completions dialect, as Moonshot and the resellers speak it.

Kimi specifics handled here: reasoning arrives as ``delta.reasoning_content``
(some resellers send the same text again as ``delta.reasoning``: it is shown
once; some servers send only ``reasoning``) or inline as ``<think>…</think>``
at the start of the answer (:mod:`kimi_desktop.api.think_tags`); usage may sit
inside the last choice or in a trailing chunk with ``choices: []``; cached
tokens are ``usage.cached_tokens`` or ``usage.prompt_tokens_details.cached_tokens``;
an assistant turn's reasoning is sent back under the field the server used;
sampling parameters are omitted unless set because K2.5 rejects non-default
values; the thinking switch is written the way the endpoint takes it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
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
from kimi_desktop.api.think_tags import ThinkTagSplitter
from kimi_desktop.domain import (
    ContentDelta,
    Message,
    ModelInfo,
    ReasoningDelta,
    StreamEvent,
    Usage,
)

#: Kimi's built-in web search, declared as a tool; the model calls it and the
#: caller echoes the arguments back (platform.kimi.ai/docs/guide/use-web-search).
WEB_SEARCH_TOOL: dict[str, object] = {
    "type": "builtin_function",
    "function": {"name": "$web_search"},
}


def data_url(mime: str, data: bytes) -> str:
    """An image as the base64 ``data:`` URL Kimi's ``image_url`` parts take."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _message(message: Message, *, trailing: bool) -> dict[str, Any]:
    if message.role == "tool":
        out: dict[str, Any] = {"role": "tool", "tool_call_id": message.tool_call_id or ""}
        if message.name is not None:
            out["name"] = message.name
        out["content"] = message.text
        return out
    if message.images and message.role == "user":
        parts: list[dict[str, Any]] = [{"type": "text", "text": message.text}]
        parts += [
            {"type": "image_url", "image_url": {"url": data_url(image.mime, image.data)}}
            for image in message.images
        ]
        return {"role": "user", "content": parts}
    out = {"role": message.role, "content": message.text}
    if message.role != "assistant":
        return out
    if message.reasoning:
        out[message.reasoning_field or "reasoning_content"] = message.reasoning
    if message.tool_calls:
        # Sent back exactly as received: Kimi's built-in tools keep "builtin_function".
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": call.type,
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in message.tool_calls
        ]
    if message.partial and trailing:
        # Moonshot partial mode: the model continues this text, and the reply holds
        # only the continuation (platform.kimi.ai/docs/guide/use-partial-mode-feature-of-kimi-api).
        out["partial"] = True
    return out


def _messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    last = len(messages) - 1
    return [_message(m, trailing=i == last) for i, m in enumerate(messages)]


def _thinking_fields(request: ChatRequest) -> dict[str, Any]:
    """The thinking switch, spelled the way the endpoint takes it; none for the server default."""
    if request.thinking is None:
        return {}
    if request.thinking_switch == "thinking":
        # Moonshot: top-level {"thinking": {"type": "enabled" | "disabled"}}
        # (platform.kimi.ai/docs/api/models-overview, "thinking parameter").
        return {"thinking": {"type": "enabled" if request.thinking else "disabled"}}
    if request.thinking_switch == "chat_template_kwargs":
        # vLLM / SGLang serving Kimi-K2.5: chat_template_kwargs.thinking=false is instant
        # mode (huggingface.co/moonshotai/Kimi-K2.5, docs/deploy_guidance.md;
        # docs.sglang.io/docs/basic_usage/kimi_k2_5).
        return {"chat_template_kwargs": {"thinking": request.thinking}}
    return {}  # "reasoning_effort" and "none": no thinking field at all


def _tools(request: ChatRequest) -> list[dict[str, object]]:
    tools = list(request.tools)
    if request.web_search and WEB_SEARCH_TOOL not in tools:
        tools.append(WEB_SEARCH_TOOL)
    return tools


def build_body(request: ChatRequest, *, stream: bool = True) -> dict[str, Any]:
    """The JSON body of ``POST <base>/chat/completions``."""
    body: dict[str, Any] = {
        "model": request.model,
        "messages": _messages(request.messages),
        "stream": stream,
    }
    if stream:
        body["stream_options"] = {"include_usage": True}
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    body.update(_thinking_fields(request))
    if request.reasoning_effort is not None:
        # kimi-k3 takes low / high / max here, with no thinking field; the layers
        # above choose, this writes what the request says.
        body["reasoning_effort"] = request.reasoning_effort
    tools = _tools(request)
    if tools:
        body["tools"] = tools
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


def _reasoning_of(delta: dict[str, Any]) -> tuple[str, str] | None:
    """``(text, field)`` of a delta's reasoning, or ``None``.

    AceData sends the same text under both names: the official one is used,
    never both, so it is shown once and sent back as ``reasoning_content``.
    """
    for name in ("reasoning_content", "reasoning"):
        text = delta.get(name)
        if isinstance(text, str) and text:
            return text, name
    return None


def _arguments_text(raw: Any) -> str:
    """A call's arguments as the JSON text they are; some servers send the object itself."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, dict | list):
        return json.dumps(raw, ensure_ascii=False)
    return ""


def _is_first(choice: Any) -> bool:
    """Only choice 0 is shown; some servers send ``"index": null`` or no index for it."""
    return isinstance(choice, dict) and choice.get("index") in (None, 0)


class OpenAIStreamParser:
    """Turns ``data:`` payloads of a chat-completions stream into events.

    ``secret`` (the API key) is redacted from every error the stream carries.
    """

    def __init__(self, secret: str | None = None) -> None:
        self.state = StreamState(secret=secret)
        self._inline = ThinkTagSplitter()
        # Answer text came out of the splitter: it passes everything on from then on
        # (think_tags.py), so later text skips it. A reply is thousands of deltas.
        self._answering = False

    def feed(self, event: str, data: str) -> list[StreamEvent]:
        """Events from one SSE message; ``event`` is unused in this dialect."""
        if data == "[DONE]" or data.strip() == "[DONE]":
            self.state.done = True
            return []
        payload = self.state.decode(data)
        choices = payload.get("choices")
        if not choices and "error" in payload:
            raise error_from_payload(payload, secret=self.state.secret)
        events: list[StreamEvent] = []
        usage = parse_usage(payload["usage"]) if "usage" in payload else None
        for choice in choices or ():
            if not isinstance(choice, dict) or choice.get("index") not in (None, 0):
                continue  # only choice 0 is shown (some servers send a null index or none)
            delta = choice.get("delta")
            if delta and isinstance(delta, dict):
                events += self._delta_events(delta)
            if choice.get("finish_reason"):
                self.state.finish_reason = str(choice["finish_reason"])
            if "usage" in choice:
                usage = parse_usage(choice["usage"]) or usage
        if usage is not None:
            self.state.usage = usage
        return events

    def _delta_events(self, delta: dict[str, Any]) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        if "reasoning_content" in delta or "reasoning" in delta:
            reasoning = _reasoning_of(delta)
            if reasoning is not None:
                text, field_name = reasoning
                events.append(ReasoningDelta(text))
                if self.state.reasoning_field != "reasoning_content":
                    self.state.reasoning_field = field_name
        content = delta.get("content")
        if isinstance(content, str) and content:
            if self._answering:
                events.append(ContentDelta(content))
            else:
                inline = self._inline.feed(content)
                self._answering = any(isinstance(e, ContentDelta) for e in inline)
                events += inline
        if "tool_calls" in delta:
            self._tool_calls(delta["tool_calls"])
        return events

    def _tool_calls(self, calls: Any) -> None:
        for call in calls or ():
            if not isinstance(call, dict):
                continue
            function = call.get("function")
            if not isinstance(function, dict):
                function = {}
            index = call.get("index")
            self.state.tool_call(
                index if isinstance(index, int) and not isinstance(index, bool) else None,
                id=call.get("id"),
                name=function.get("name"),
                arguments=_arguments_text(function.get("arguments")),
                type=call.get("type"),
            )

    def finish(self) -> list[StreamEvent]:
        """Held-back answer text, then ``Usage`` and ``Finish``; raises if cut short."""
        closing = self.state.closing_events()
        held: list[StreamEvent] = list(self._inline.finish())
        return held + closing


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
                supports_video=_flag(item.get("supports_video_in")),
            )
        )
    return models


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
