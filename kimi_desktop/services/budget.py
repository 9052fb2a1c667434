"""The output budget (``max_tokens``) every request carries, and a cheap guess at a prompt's size.

Why always send one: Moonshot answers a request without ``max_tokens`` with a
small default ("a reasonable integer such as 1024", platform.kimi.ai/docs/api/chat),
and a thinking model spends that budget on reasoning first, so long answers are
cut or come back empty with ``finish_reason: "length"``. Kimi CLI sends 32,000
for the same reason (MoonshotAI/kimi-cli, ``src/kimi_cli/llm.py``); the platform's
own examples use ``max_tokens=1024*32`` (docs/api/models-overview).

Why never more than the context minus the prompt: "If input plus
max_completion_tokens exceeds the model context window, the API returns
invalid_request_error" (docs/api/chat). The prompt is counted without a
tokenizer, by the token meter's rule (:mod:`.token_estimate`), made cautious in
two explicit steps so the budget errs small rather than the request failing:

- English is counted at the dense end of Moonshot's "3-4 English characters"
  to a token (:data:`CAUTIOUS`: three, where the meter's typical figure takes
  four), since code, numbers and JSON take more tokens than prose. Chinese and
  any other non-ASCII character stay one token each under both: already above
  Moonshot's "1.5-2 Chinese characters" to a token, and never lower than the
  meter says;
- a margin of :data:`SAFETY_MARGIN_TOKENS` (Kimi CLI's
  ``DEFAULT_COMPLETION_TOKEN_SAFETY_MARGIN``) covers what no character count
  sees.

Images cost the same bound under both (4,096 each, :mod:`.token_estimate` says
why; Kimi CLI assumes 2,000).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from kimi_desktop.domain import Message
from kimi_desktop.services.token_estimate import TokenRule

#: Asked for each reply unless the conversation says otherwise.
DEFAULT_MAX_TOKENS: Final = 32_768
#: Never asked for less, however full the context: a reply needs some room.
MIN_MAX_TOKENS: Final = 512
#: The most a conversation's setting may hold (the largest Kimi context, kimi-k3's).
MAX_MAX_TOKENS: Final = 1_048_576

#: The token meter's rule with English counted densely (see the module docstring).
CAUTIOUS: Final = TokenRule(ascii_chars_per_token=3)
#: Added once to every prompt's count, whatever its size.
SAFETY_MARGIN_TOKENS: Final = 1_024


def estimate_prompt_tokens(messages: Sequence[Message]) -> int:
    """Tokens these messages may take as a prompt, erring high (see the module docstring)."""
    return CAUTIOUS.messages(messages) + SAFETY_MARGIN_TOKENS


def requested_budget(wanted: int | None) -> int:
    """The conversation's budget (``None``: the default) before the context caps it."""
    return max(MIN_MAX_TOKENS, wanted if wanted is not None else DEFAULT_MAX_TOKENS)


def capped_budget(wanted: int | None, context_length: int | None, prompt_tokens: int) -> int:
    """:func:`output_budget` for a prompt already estimated at ``prompt_tokens``
    (by :func:`estimate_prompt_tokens`, or as a sum of its parts' counts)."""
    budget = requested_budget(wanted)
    if context_length is not None and context_length > 0:
        budget = min(budget, context_length - prompt_tokens)
    return max(MIN_MAX_TOKENS, budget)


def output_budget(
    wanted: int | None, context_length: int | None, messages: Sequence[Message]
) -> int:
    """The ``max_tokens`` to send: the conversation's budget (``None``: the default),
    at most what the context leaves after the prompt, at least :data:`MIN_MAX_TOKENS`.

    An unknown context (``None`` or not positive) caps nothing: the default goes out.
    """
    if context_length is None or context_length <= 0:
        return requested_budget(wanted)
    return capped_budget(wanted, context_length, estimate_prompt_tokens(messages))


def larger_budget(current: int | None, context_length: int | None) -> int:
    """The budget after "Larger budget": twice ``current`` (``None``: the default),
    no more than the model's context (or :data:`MAX_MAX_TOKENS` when it is unknown)."""
    ceiling = context_length if context_length is not None and context_length > 0 else None
    ceiling = min(ceiling or MAX_MAX_TOKENS, MAX_MAX_TOKENS)
    doubled = 2 * requested_budget(current)
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
