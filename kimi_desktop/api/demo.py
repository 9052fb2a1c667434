"""An offline endpoint for ``--demo``: canned Kimi replies over the real client stack.

Its transport (:mod:`kimi_desktop.api.demo_transport`) answers ``/models`` and
``/chat/completions`` exactly as Moonshot does (SSE with ``reasoning_content``
first, usage in the last choice), so the
demo exercises the same parser, session, persistence and view as a real
endpoint. Replies are picked from the prompt: "error" shows a failure, "table",
"code" and anything else show the matching showcase. With web search on, the
first answer to a prompt is a ``$web_search`` round, as Moonshot's is. The
tokenizer counts roughly; the files API is not there, as on most endpoints.

The replies and the reasoning are shown in the window, so they are marked for the
catalog (``N_``) and translated when a reply is made; the endpoint's name is
translated where the endpoints are listed.
"""

from __future__ import annotations

import json

from kimi_desktop.domain import Endpoint
from kimi_desktop.i18n import N_, _

DEMO_ENDPOINT = Endpoint(id="demo", name=N_("Offline demo"), base_url="https://demo.invalid/v1")
DEMO_MODELS = [
    {
        "id": "kimi-k2.5",
        "object": "model",
        "owned_by": "moonshot",
        "context_length": 262144,
        "supports_image_in": True,
        "supports_reasoning": True,
    },
    {
        "id": "kimi-k2-0905-preview",
        "object": "model",
        "owned_by": "moonshot",
        "context_length": 262144,
        "supports_image_in": False,
        "supports_reasoning": False,
    },
]

# TRANSLATORS: a canned reply of the offline demo. Translate the prose; keep the code as it is.
_CODE_REPLY = N_("""Here is a small React component for that card:

```tsx
export function ProfileCard({ name, role }: { name: string; role: string }) {
  return (
    <div className="rounded-xl shadow p-4 flex gap-3 items-center">
      <img className="w-12 h-12 rounded-full" src="/avatar.png" alt="" />
      <div>
        <h2 className="font-semibold">{name}</h2>
        <p className="text-sm text-gray-500">{role}</p>
      </div>
    </div>
  );
}
```

- Uses **Tailwind** classes for spacing and colour
- Keeps the avatar decorative (`alt=""`)
- Works in any React 18 project
""")

# TRANSLATORS: a canned reply of the offline demo (markdown: keep the table's shape).
_TABLE_REPLY = N_("""A quick comparison:

| Model | Context | Vision | Reasoning |
|---|---|---|---|
| kimi-k2.5 | 256K | yes | yes |
| kimi-k2-0905-preview | 256K | no | no |
| kimi-k2-thinking | 256K | no | yes |

1. Pick **kimi-k2.5** for screenshots.
2. Pick *thinking* models for long plans.
- [x] streaming
- [ ] magic
""")

# TRANSLATORS: a canned reply of the offline demo. The words in `backticks` are what to
# type to see each showcase: keep them in English, the demo looks for them.
_DEFAULT_REPLY = N_("""Hello! This is the **offline demo** of Kimi Desktop — no network, no key.

Try asking for:
- `code` — a highlighted code block with a Copy button
- `table` — a table, lists and task lists
- `error` — what a failed reply looks like

Add a real API key in **Settings** (Ctrl+,) to talk to Kimi.
""")

#: The demo's reasoning, marked for the catalog: translate with ``_(REASONING)`` where used.
# TRANSLATORS: the offline demo's "thinking" text, shown above each of its replies.
REASONING = N_(
    "The user wrote to the demo. I should show what a reply looks like: some markdown, "
    "a list, and a pointer to Settings. Keep it short and friendly."
)


def pick_reply(prompt: str) -> str | None:
    """The reply to ``prompt``, in the reader's language; ``None`` for the failure showcase."""
    lowered = prompt.lower()
    if "error" in lowered:
        return None
    if "table" in lowered:
        return _(_TABLE_REPLY)
    if "code" in lowered or "react" in lowered or "screenshot" in lowered:
        return _(_CODE_REPLY)
    return _(_DEFAULT_REPLY)


#: What the demo's pretend search "found", in Moonshot's shape (see ``api/web_search.py``).
SEARCH_ARGUMENTS = '{"search_result":{"search_id":"demo-search"},"usage":{"total_tokens":64}}'


def wants_search(body: dict[str, object]) -> bool:
    """Whether a request declares ``$web_search`` and has not searched for its prompt yet."""
    tools = body.get("tools")
    declared = isinstance(tools, list) and any(
        isinstance(tool, dict) and (tool.get("function") or {}).get("name") == "$web_search"
        for tool in tools
    )
    messages = body.get("messages")
    last = messages[-1] if isinstance(messages, list) and messages else None
    return declared and isinstance(last, dict) and last.get("role") == "user"


def rough_token_count(messages: object) -> int:
    """About one token per four characters of the messages' text: the demo has no tokenizer."""
    if not isinstance(messages, list):
        return 0
    text = json.dumps([m.get("content") for m in messages if isinstance(m, dict)])
    return max(1, len(text) // 4)


def chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def sse(payload: object) -> bytes:
    return f"data: {json.dumps(payload)}\n\n".encode()
