"""The output budget (``max_tokens``) every request carries, and a cheap guess at a prompt's size.

Why always send one: Moonshot answers a request without ``max_tokens`` with a
small default ("a reasonable integer such as 1024", platform.kimi.ai/docs/api/chat),
and a thinking model spends that budget on reasoning first, so long answers are
cut or come back empty with ``finish_reason: "length"``. Kimi CLI sends 32,000
for the same reason (MoonshotAI/kimi-cli, ``src/kimi_cli/llm.py``); the platform's
own examples use ``max_tokens=1024*32`` (docs/api/models-overview).

Why never more than the context minus the prompt: "If input plus
max_completion_tokens exceeds the model context window, the API returns
invalid_request_error" (docs/api/chat). The prompt's size is estimated here
without a tokenizer, on purpose too high, so the budget errs small rather than
the request failing: Moonshot's rule of thumb is 3-4 English characters or
1.5-2 Chinese characters per token (docs/introduction), so this counts a token
per 3 ASCII characters and one per any other character (Chinese, Japanese,
emoji...), plus a little per message, 4,096 per image and a margin of 1,024
(Kimi CLI's ``DEFAULT_COMPLETION_TOKEN_SAFETY_MARGIN``). 4,096 per image is the
bound the composer's token meter uses too (:mod:`.token_estimate` says why);
Kimi CLI assumes 2,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from kimi_desktop.domain import Message

#: Asked for each reply unless the conversation says otherwise.
DEFAULT_MAX_TOKENS: Final = 32_768
#: Never asked for less, however full the context: a reply needs some room.
MIN_MAX_TOKENS: Final = 512
#: The most a conversation's setting may hold (the largest Kimi context, kimi-k3's).
MAX_MAX_TOKENS: Final = 1_048_576

ASCII_CHARS_PER_TOKEN: Final = 3
MESSAGE_OVERHEAD_TOKENS: Final = 8
IMAGE_TOKENS: Final = 4_096
SAFETY_MARGIN_TOKENS: Final = 1_024


def estimate_text_tokens(text: str) -> int:
    """Tokens ``text`` may take: one per 3 ASCII characters, one per other character."""
    ascii_count = len(text.encode("ascii", "ignore"))  # counted in C: a 2 MB document in ms
    other = len(text) - ascii_count
    return -(-ascii_count // ASCII_CHARS_PER_TOKEN) + other


def estimate_prompt_tokens(messages: Sequence[Message]) -> int:
    """Tokens these messages may take as a prompt, erring high (see the module docstring)."""
    total = SAFETY_MARGIN_TOKENS
    for message in messages:
        total += MESSAGE_OVERHEAD_TOKENS + estimate_text_tokens(message.text)
        if message.reasoning:
            total += estimate_text_tokens(message.reasoning)
        total += IMAGE_TOKENS * len(message.images)
        for call in message.tool_calls:
            total += estimate_text_tokens(call.name) + estimate_text_tokens(call.arguments)
    return total


def output_budget(
    wanted: int | None, context_length: int | None, messages: Sequence[Message]
) -> int:
    """The ``max_tokens`` to send: the conversation's budget (``None``: the default),
    at most what the context leaves after the prompt, at least :data:`MIN_MAX_TOKENS`.

    An unknown context (``None`` or not positive) caps nothing: the default goes out.
    """
    budget = max(MIN_MAX_TOKENS, wanted if wanted is not None else DEFAULT_MAX_TOKENS)
    if context_length is not None and context_length > 0:
        room = context_length - estimate_prompt_tokens(messages)
        budget = min(budget, room)
    return max(MIN_MAX_TOKENS, budget)


def larger_budget(current: int | None, context_length: int | None) -> int:
    """The budget after "Larger budget": twice ``current`` (``None``: the default),
    no more than the model's context (or :data:`MAX_MAX_TOKENS` when it is unknown)."""
    ceiling = context_length if context_length is not None and context_length > 0 else None
    ceiling = min(ceiling or MAX_MAX_TOKENS, MAX_MAX_TOKENS)
    doubled = 2 * max(MIN_MAX_TOKENS, current if current is not None else DEFAULT_MAX_TOKENS)
    return max(MIN_MAX_TOKENS, min(doubled, ceiling))


@dataclass(frozen=True, slots=True)
class OutputBudget:
    """What decides one request's ``max_tokens``: the conversation's setting
    (``None``: the default) and the model's context length (``None``: unknown).

    The prompt is only known once the history is built, so the number itself is
    worked out then, by :meth:`tokens_for`.
    """

    wanted: int | None = None
    context_length: int | None = None

    def tokens_for(self, messages: Sequence[Message]) -> int:
        return output_budget(self.wanted, self.context_length, messages)


#: The budget of a conversation that set none, for a model whose context is unknown.
DEFAULT_BUDGET: Final = OutputBudget()
