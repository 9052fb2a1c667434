"""How many tokens a prompt takes, guessed on this computer: the one counting rule.

Only Moonshot's own endpoints count tokens exactly (``estimate-token-count``);
everywhere else the composer's meter shows this estimate, marked as one, and
every request's output budget (:mod:`.budget`) is worked out from it. Both
count a message list the same way, with a :class:`TokenRule`:

- text: a token per ``ascii_chars_per_token`` ASCII characters and a token for
  every other character. Moonshot's rule of thumb is "3-4 English characters"
  and "1.5-2 Chinese characters" to a token (platform.moonshot.ai/docs/intro,
  platform.moonshot.cn/docs/intro), so Chinese, counted one a character, errs
  high. The meter's :data:`TYPICAL` rule takes four ASCII characters, as
  kimi-cli does (``src/kimi_cli/llm.py``, ``_estimate_text_tokens``); the
  budget asks for a denser count (three) on top of the same rule;
- every message adds :data:`MESSAGE_OVERHEAD` for the chat template's markers;
- every image costs :data:`IMAGE_TOKENS`, whatever its size;
- a document is sent as a system message of its own (its context block), so it
  is counted as one.

Pure functions, no Qt: the meter calls them on the GUI thread, so they run in
linear time with the counting done by ``str.encode`` in C.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kimi_desktop.domain import Message

__all__ = [
    "IMAGE_TOKENS",
    "MESSAGE_OVERHEAD",
    "TYPICAL",
    "TokenRule",
    "estimate_messages",
    "estimate_text",
    "estimate_turn",
]

IMAGE_TOKENS = 4_096
"""The most one image can cost, counted whatever its size.

Moonshot's vision guide gives no figure ("dynamic token calculation"; it points
to the estimate API instead), so this is an assumption, chosen high: Kimi K2.5's
vision encoder (MoonViT; ``preprocessor_config.json`` of moonshotai/Kimi-K2.5:
``patch_size`` 14, ``merge_kernel_size`` [2, 2], ``in_patch_limit`` 16384) cuts an
image into 14-pixel patches, scales down any image of more than 16,384 of them,
and merges them 2 x 2 into one token, so no image exceeds 16,384 / 4 = 4,096
tokens. A 1920 x 1080 screenshot takes about 2,700; kimi-cli assumes 2,000 per
image (``MEDIA_TOKEN_ESTIMATE``)."""

MESSAGE_OVERHEAD = 4
"""Tokens the chat template adds around each message: the role's marker, its name,
the separator before the content and the end marker (``<|im_user|>user<|im_middle|>
… <|im_end|>`` in Kimi's template)."""


@dataclass(frozen=True, slots=True)
class TokenRule:
    """Counts a prompt's tokens from its characters, messages and images.

    ``ascii_chars_per_token`` is the one thing that differs between a typical
    figure (4, English prose) and a cautious one (fewer: code, numbers and JSON
    take more tokens per character than prose). Every count is a sum over the
    message list, so parts of a prompt can be counted apart and added up.
    """

    ascii_chars_per_token: int = 4

    def text(self, text: str) -> int:
        """Tokens ``text`` takes. Never less for a longer text."""
        ascii_count = len(text.encode("ascii", "ignore"))  # counted in C: a 2 MB text in ms
        per_token = self.ascii_chars_per_token
        return (ascii_count + per_token - 1) // per_token + (len(text) - ascii_count)

    def turn(self, text: str, image_count: int = 0) -> int:
        """A message of ``text`` with ``image_count`` images (the draft, a document)."""
        return MESSAGE_OVERHEAD + self.text(text) + image_count * IMAGE_TOKENS

    def messages(self, messages: Iterable[Message]) -> int:
        """The messages as sent: text, reasoning sent back, tool calls and images."""
        return sum(self._message(message) for message in messages)

    def _message(self, message: Message) -> int:
        tokens = self.turn(message.text, len(message.images))
        if message.reasoning:
            tokens += self.text(message.reasoning)
        for call in message.tool_calls:
            tokens += self.text(call.id) + self.text(call.name) + self.text(call.arguments)
        if message.tool_call_id:
            tokens += self.text(message.tool_call_id)
        if message.name:
            tokens += self.text(message.name)
        return tokens


#: What the token meter shows (marked "≈"): kimi-cli's four ASCII characters a token.
TYPICAL = TokenRule()


def estimate_text(text: str) -> int:
    """Tokens ``text`` takes by the :data:`TYPICAL` rule."""
    return TYPICAL.text(text)


def estimate_turn(text: str, image_count: int = 0) -> int:
    """A new user message of ``text`` with ``image_count`` images, by the :data:`TYPICAL` rule."""
    return TYPICAL.turn(text, image_count)


def estimate_messages(messages: Iterable[Message]) -> int:
    """The history as sent, by the :data:`TYPICAL` rule."""
    return TYPICAL.messages(messages)
