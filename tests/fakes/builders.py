"""Reply builders: the stream and error shapes the providers in the API docs really send.

OpenAI chat-completion chunks (Moonshot, resellers, local servers), Anthropic
Messages events, non-streaming completions, provider-neutral error bodies and
the HTML pages proxies and captive portals put in front of an API. Each returns
a :class:`~tests.fakes.faults.Reply`, ready for fault methods.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, Literal

from tests.fakes.faults import (
    HTML_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    JsonDict,
    Reply,
    body_reply,
    dumps,
    sse_data,
    sse_reply,
)

_COMPLETION_ID = "chatcmpl-6f1c2a9d0e8b4c7a"
_MESSAGE_ID = "msg_01KimiFakeMessage0001"
_CREATED = 1770992031


# -- OpenAI chat completions ------------------------------------------------------


def openai_stream(
    reasoning: Sequence[str] = (),
    content: Sequence[str] = (),
    usage: JsonDict | None = None,
    *,
    usage_in_choice: bool = False,
    both_reasoning_fields: bool = False,
    reasoning_field: str = "reasoning_content",
    merge_boundary: bool = False,
    finish_reason: str | None = "stop",
    done: bool = True,
    tool_calls: Sequence[JsonDict] = (),
    model: str = "kimi-k2.5",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """A ``chat.completion.chunk`` stream as Moonshot and OpenAI-style servers send it.

    ``reasoning`` pieces go out as ``delta.<reasoning_field>`` (also as
    ``delta.reasoning`` with ``both_reasoning_fields``, as AceData does) before the
    ``content`` pieces; ``merge_boundary`` puts the last reasoning piece and the
    first content piece in one delta. ``usage`` goes inside the last choice
    (``usage_in_choice``, Moonshot) or in a trailing chunk with ``choices: []``.
    ``tool_calls`` items are ``{"id", "name", "arguments": [fragments]}`` (and a
    ``"type"``, ``"function"`` unless given); their fragments are interleaved by
    index, as parallel calls arrive.
    """

    def chunk(choices: list[JsonDict], chunk_usage: JsonDict | None = None) -> bytes:
        payload: JsonDict = {
            "id": _COMPLETION_ID,
            "object": "chat.completion.chunk",
            "created": _CREATED,
            "model": model,
            "choices": choices,
        }
        if chunk_usage is not None:
            payload["usage"] = chunk_usage
        return sse_data(payload)

    def choice(delta: JsonDict, finish: str | None = None) -> JsonDict:
        return {"index": 0, "delta": delta, "finish_reason": finish}

    def reasoning_delta(text: str) -> JsonDict:
        delta = {reasoning_field: text}
        if both_reasoning_fields:
            delta["reasoning"] = text
        return delta

    events = [chunk([choice({"role": "assistant", "content": ""})])]
    thoughts = list(reasoning)
    answer = list(content)
    boundary: JsonDict | None = None
    if merge_boundary and thoughts and answer:
        boundary = {**reasoning_delta(thoughts.pop()), "content": answer.pop(0)}
    events += [chunk([choice(reasoning_delta(text))]) for text in thoughts]
    if boundary is not None:
        events.append(chunk([choice(boundary)]))
    events += [chunk([choice({"content": text})]) for text in answer]
    events += [chunk([choice({"tool_calls": [part]})]) for part in _tool_call_parts(tool_calls)]

    if finish_reason is not None or (usage is not None and usage_in_choice):
        last = choice({}, finish_reason)
        if usage is not None and usage_in_choice:
            last["usage"] = usage
        events.append(chunk([last]))
    if usage is not None and not usage_in_choice:
        events.append(chunk([], usage))
    if done:
        events.append(b"data: [DONE]\n\n")
    return sse_reply(events, headers)


def _tool_call_parts(tool_calls: Sequence[JsonDict]) -> list[JsonDict]:
    starts = [
        {
            "index": i,
            "id": call["id"],
            "type": call.get("type", "function"),
            "function": {"name": call["name"], "arguments": ""},
        }
        for i, call in enumerate(tool_calls)
    ]
    fragments = [
        [{"index": i, "function": {"arguments": text}} for text in call["arguments"]]
        for i, call in enumerate(tool_calls)
    ]
    interleaved = [
        part for group in itertools.zip_longest(*fragments) for part in group if part is not None
    ]
    return starts + interleaved


# -- Kimi's built-in $web_search ----------------------------------------------------------


def web_search_arguments(search_id: str = "s-6f1c2a9d", total_tokens: int = 8933) -> str:
    """A ``$web_search`` call's arguments as Moonshot writes them: a search id and the
    tokens its results will add (https://platform.moonshot.ai/docs/guide/use-web-search).

    The spacing is Moonshot's own, not ``json.dumps``'s: a client that re-serialises
    the arguments instead of echoing them byte for byte is caught.
    """
    return (
        '{\n    "search_result": {\n        "search_id": "' + search_id + '"\n    },'
        '\n    "usage": {\n        "total_tokens": ' + str(total_tokens) + "\n    }\n}"
    )


def web_search_stream(
    calls: Sequence[tuple[str, str]],
    *,
    reasoning: Sequence[str] = (),
    content: Sequence[str] = (),
    usage: JsonDict | None = None,
    argument_pieces: int = 1,
    model: str = "kimi-k2.5",
) -> Reply:
    """A round that asks for ``$web_search``, chunk for chunk as Moonshot streams it.

    ``calls`` are ``(id, arguments)``. Each call's first ``tool_calls`` delta has
    ``index``, ``id``, ``type: "builtin_function"`` and the function's name; its
    arguments follow in ``argument_pieces`` pieces (Moonshot sends them whole, in
    the first delta, when 1). The last choice has ``finish_reason: "tool_calls"``
    and the ``usage`` (Moonshot puts it there).
    """

    def chunk(
        delta: JsonDict, finish: str | None = None, last_usage: JsonDict | None = None
    ) -> bytes:
        choice: JsonDict = {"index": 0, "delta": delta, "finish_reason": finish}
        if last_usage is not None:
            choice["usage"] = last_usage
        return sse_data(
            {
                "id": _COMPLETION_ID,
                "object": "chat.completion.chunk",
                "created": _CREATED,
                "model": model,
                "choices": [choice],
            }
        )

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"reasoning_content": text}) for text in reasoning]
    events += [chunk({"content": text}) for text in content]
    for index, (call_id, arguments) in enumerate(calls):
        size = -(-len(arguments) // argument_pieces) if arguments else 1
        pieces = [arguments[i : i + size] for i in range(0, len(arguments), size)] or [""]
        first = {
            "index": index,
            "id": call_id,
            "type": "builtin_function",
            "function": {"name": "$web_search", "arguments": pieces[0]},
        }
        events.append(chunk({"tool_calls": [first]}))
        events += [
            chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            for piece in pieces[1:]
        ]
    events.append(chunk({}, "tool_calls", usage))
    events.append(b"data: [DONE]\n\n")
    return sse_reply(events)


# -- Moonshot's files API and tokenizer -----------------------------------------------------

#: Moonshot's documented 400s for uploads (https://platform.kimi.ai/docs/api/errors).
MOONSHOT_FILE_ERRORS = {
    "too_large": (
        "File size is too large, max file size is 100MB, please confirm and re-upload the file"
    ),
    "empty": "File size is zero, please confirm and re-upload the file",
    "too_many": (
        "The number of files you have uploaded exceeded the max file count 1000, please "
        "delete previous uploaded files"
    ),
    "bad_purpose": "Invalid purpose: only 'file-extract' accepted",
}


def moonshot_file_error(kind: str) -> Reply:
    """Moonshot's answer refusing an upload: 400 ``invalid_request_error`` in OpenAI shape."""
    message = MOONSHOT_FILE_ERRORS[kind]
    return error_reply(400, {"error": {"message": message, "type": "invalid_request_error"}})


def moonshot_file_object(file_id: str, filename: str, size: int) -> JsonDict:
    """What ``POST /v1/files`` answers (https://platform.moonshot.ai/docs/api/files)."""
    return {
        "id": file_id,
        "object": "file",
        "bytes": size,
        "created_at": _CREATED,
        "filename": filename,
        "purpose": "file-extract",
        "status": "ok",
        "status_details": "",
    }


def moonshot_file_content(text: str, filename: str, file_type: str) -> JsonDict:
    """What ``GET /v1/files/{id}/content`` answers for a ``file-extract`` upload."""
    return {
        "content": text,
        "file_type": file_type,
        "filename": filename,
        "title": "",
        "type": "file",
    }


def moonshot_file_deleted(file_id: str) -> JsonDict:
    """What ``DELETE /v1/files/{id}`` answers."""
    return {"deleted": True, "id": file_id, "object": "file"}


def moonshot_token_count(total: int) -> JsonDict:
    """What ``POST /v1/tokenizers/estimate-token-count`` answers
    (https://platform.moonshot.ai/docs/api/estimate)."""
    return {"code": 0, "data": {"total_tokens": total}, "scode": "0x0", "status": True}


def openai_completion(
    reasoning: str | None = None,
    content: str = "",
    usage: JsonDict | None = None,
    *,
    finish_reason: str = "stop",
    model: str = "kimi-k2.5",
) -> JsonDict:
    """A non-streaming ``chat.completion`` object (AceData / Moonshot shape)."""
    message: JsonDict = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    body: JsonDict = {
        "id": _COMPLETION_ID,
        "object": "chat.completion",
        "created": _CREATED,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
    }
    if usage is not None:
        body["usage"] = usage
    return body


# -- Anthropic messages ---------------------------------------------------------------


def anthropic_stream(
    thinking: Sequence[str] = (),
    text: Sequence[str] = (),
    usage: JsonDict | None = None,
    *,
    stop_reason: str = "end_turn",
    ping: bool = True,
    signature: bool = True,
    tool_use: Sequence[JsonDict] = (),
    model: str = "kimi-k2.5",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """A Messages API event stream: thinking block, text block, optional tool_use blocks.

    ``usage`` keys: ``input_tokens``, ``cache_read_input_tokens``,
    ``cache_creation_input_tokens`` (sent in ``message_start``) and
    ``output_tokens`` (sent in ``message_delta``, as Anthropic does).
    ``tool_use`` items are ``{"id", "name", "input_json": [fragments]}``.
    """
    usage = usage or {"input_tokens": 0, "output_tokens": 0}
    start_usage = {k: v for k, v in usage.items() if k != "output_tokens"}
    start_usage["output_tokens"] = 1

    def event(name: str, payload: JsonDict) -> bytes:
        return sse_data({"type": name, **payload}, event=name)

    events = [
        event(
            "message_start",
            {
                "message": {
                    "id": _MESSAGE_ID,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": start_usage,
                }
            },
        )
    ]
    if ping:
        events.append(event("ping", {}))
    index = 0
    if thinking:
        events.append(
            event(
                "content_block_start",
                {"index": index, "content_block": {"type": "thinking", "thinking": ""}},
            )
        )
        events += [
            event(
                "content_block_delta",
                {"index": index, "delta": {"type": "thinking_delta", "thinking": piece}},
            )
            for piece in thinking
        ]
        if signature:
            events.append(
                event(
                    "content_block_delta",
                    {
                        "index": index,
                        "delta": {"type": "signature_delta", "signature": "RXF1YWxseVNpZ25lZA=="},
                    },
                )
            )
        events.append(event("content_block_stop", {"index": index}))
        index += 1
    if text:
        events.append(
            event(
                "content_block_start",
                {"index": index, "content_block": {"type": "text", "text": ""}},
            )
        )
        events += [
            event(
                "content_block_delta",
                {"index": index, "delta": {"type": "text_delta", "text": piece}},
            )
            for piece in text
        ]
        events.append(event("content_block_stop", {"index": index}))
        index += 1
    for call in tool_use:
        events.append(
            event(
                "content_block_start",
                {
                    "index": index,
                    "content_block": {
                        "type": "tool_use",
                        "id": call["id"],
                        "name": call["name"],
                        "input": {},
                    },
                },
            )
        )
        events += [
            event(
                "content_block_delta",
                {"index": index, "delta": {"type": "input_json_delta", "partial_json": part}},
            )
            for part in call["input_json"]
        ]
        events.append(event("content_block_stop", {"index": index}))
        index += 1
    events.append(
        event(
            "message_delta",
            {
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": usage.get("output_tokens", 0)},
            },
        )
    )
    events.append(event("message_stop", {}))
    return sse_reply(events, headers)


#: The ``event: ping`` block Anthropic sends between events.
ANTHROPIC_PING = b'event: ping\ndata: {"type":"ping"}\n\n'
#: A text delta whose JSON is cut off mid-string, as a broken proxy would pass it on.
ANTHROPIC_MALFORMED_EVENT = (
    b"event: content_block_delta\n"
    b'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo\n\n'
)


def anthropic_message(
    thinking: str | None = None,
    text: str = "",
    usage: JsonDict | None = None,
    *,
    stop_reason: str = "end_turn",
    model: str = "kimi-k2.5",
) -> JsonDict:
    """A non-streaming Messages API ``message`` object."""
    blocks: list[JsonDict] = []
    if thinking is not None:
        blocks.append({"type": "thinking", "thinking": thinking, "signature": "c2lnbmVk"})
    blocks.append({"type": "text", "text": text})
    return {
        "id": _MESSAGE_ID,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": blocks,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage or {"input_tokens": 0, "output_tokens": 0},
    }


# -- whole-body replies -------------------------------------------------------------------


def json_reply(
    body: JsonDict | list[Any] | str | None = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    protocol: Literal["openai", "anthropic"] = "openai",
    reasoning: str | None = None,
    content: str = "",
    usage: JsonDict | None = None,
    finish_reason: str | None = None,
) -> Reply:
    """A plain JSON answer, e.g. a non-streaming completion sent to a streaming request.

    Without ``body`` a completion is built from ``reasoning``/``content``/``usage``
    in the ``protocol``'s shape (``finish_reason`` is then the stop reason).
    """
    if body is None:
        if protocol == "anthropic":
            body = anthropic_message(
                reasoning, content, usage, stop_reason=finish_reason or "end_turn"
            )
        else:
            body = openai_completion(
                reasoning, content, usage, finish_reason=finish_reason or "stop"
            )
    return body_reply(status, dumps(body).encode(), JSON_CONTENT_TYPE, headers)


def error_reply(
    status: int,
    body: JsonDict | bytes | str,
    headers: Mapping[str, str] | None = None,
    content_type: str = JSON_CONTENT_TYPE,
) -> Reply:
    """A non-2xx answer with ``body`` (a dict is JSON-encoded)."""
    if isinstance(body, dict):
        raw = dumps(body).encode()
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = body
    return body_reply(status, raw, content_type, headers)


def html_error(status: int = 502, server: str = "nginx") -> Reply:
    """The bare HTML error page nginx (and most reverse proxies) put in front of an API."""
    title = f"{status} {HTTPStatus(status).phrase}"
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>{server}</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return error_reply(status, page, content_type=HTML_CONTENT_TYPE)


def captive_portal() -> Reply:
    """A hotel/airport Wi-Fi login page answered with 200 to any URL."""
    page = (
        "<!DOCTYPE html>\n<html><head><title>Guest Wi-Fi Login</title></head>\n"
        '<body><h1>Welcome</h1><form method="post" action="/login">'
        '<input name="room"><button>Connect</button></form></body></html>\n'
    )
    return body_reply(200, page.encode(), "text/html; charset=utf-8", None)
