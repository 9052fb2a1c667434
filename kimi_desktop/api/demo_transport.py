"""The ``--demo`` endpoint's transport: canned Moonshot-shaped replies without a network.

Kept apart from :mod:`kimi_desktop.api.demo` so that knowing the demo endpoint
(which the window does at start) does not import httpx.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx

from kimi_desktop.api.demo import (
    DEMO_MODELS,
    REASONING,
    SEARCH_ARGUMENTS,
    chunks,
    pick_reply,
    rough_token_count,
    sse,
    wants_search,
)
from kimi_desktop.i18n import _

_BASE = {"id": "chatcmpl-demo", "object": "chat.completion.chunk", "model": "kimi-k2.5"}


class _DemoStream(httpx.AsyncByteStream):
    """SSE in Moonshot's shape, paced like a fast model so the UI can be seen working."""

    def __init__(self, reply: str, pace: float) -> None:
        self._reply = reply
        self._pace = pace

    async def __aiter__(self) -> AsyncIterator[bytes]:
        base = _BASE
        for piece in chunks(_(REASONING), 6):
            yield sse({**base, "choices": [{"index": 0, "delta": {"reasoning_content": piece}}]})
            await asyncio.sleep(self._pace)
        for piece in chunks(self._reply, 4):
            yield sse({**base, "choices": [{"index": 0, "delta": {"content": piece}}]})
            await asyncio.sleep(self._pace)
        usage = {
            "prompt_tokens": 42,
            "completion_tokens": len(self._reply) // 4,
            "total_tokens": 42 + len(self._reply) // 4,
            "cached_tokens": 16,
        }
        yield sse(
            {
                **base,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop", "usage": usage}],
            }
        )
        yield b"data: [DONE]\n\n"


class _DemoSearch(httpx.AsyncByteStream):
    """A ``$web_search`` round as Moonshot streams it: one built-in call, then "tool_calls"."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        call = {
            "index": 0,
            "id": "t-web_search-demo",
            "type": "builtin_function",
            "function": {"name": "$web_search", "arguments": SEARCH_ARGUMENTS},
        }
        yield sse({**_BASE, "choices": [{"index": 0, "delta": {"role": "assistant"}}]})
        yield sse({**_BASE, "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]})
        usage = {"prompt_tokens": 42, "completion_tokens": 12, "total_tokens": 54}
        finish = {"index": 0, "delta": {}, "finish_reason": "tool_calls", "usage": usage}
        yield sse({**_BASE, "choices": [finish]})
        yield b"data: [DONE]\n\n"


class DemoTransport(httpx.AsyncBaseTransport):
    """Answers like Moonshot would, without a network; ``pace`` is seconds per chunk."""

    def __init__(self, pace: float = 0.012) -> None:
        self._pace = pace

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/models"):
            return httpx.Response(200, json={"object": "list", "data": DEMO_MODELS})
        if not path.endswith(("/chat/completions", "/tokenizers/estimate-token-count")):
            # The files API among them: the demo reads no documents, as most endpoints do not.
            return httpx.Response(404)
        body = json.loads(request.content or b"{}")
        if path.endswith("/tokenizers/estimate-token-count"):
            total = rough_token_count(body.get("messages"))
            return httpx.Response(200, json={"code": 0, "data": {"total_tokens": total}})
        if wants_search(body):
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, stream=_DemoSearch()
            )
        users = [m for m in body.get("messages") or () if m.get("role") == "user"]
        prompt = (users[-1] if users else {}).get("content") or ""
        if isinstance(prompt, list):
            prompt = " ".join(p.get("text", "") for p in prompt if isinstance(p, dict))
        reply = pick_reply(str(prompt))
        if reply is None:
            return httpx.Response(
                429,
                json={
                    "error": {
                        # TRANSLATORS: the offline demo's made-up provider error.
                        "message": _(
                            "Your account is suspended due to insufficient balance (demo error)."
                        ),
                        "type": "exceeded_current_quota_error",
                    }
                },
            )
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=_DemoStream(reply, self._pace),
        )
