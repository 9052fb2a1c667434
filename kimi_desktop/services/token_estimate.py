"""How many tokens a prompt takes, guessed on this computer when the endpoint cannot count.

Only Moonshot's own endpoints count tokens exactly (``estimate-token-count``);
everywhere else the composer's meter shows this estimate, marked as one. It is
meant to err high, so a warning comes early rather than late:

- text follows kimi-cli's rule (``src/kimi_cli/llm.py``, ``_estimate_text_tokens``):
  four ASCII characters to a token, and a token for every other character. Kimi's
  tokenizer often fits more than one Chinese character in a token, so Chinese is
  counted high rather than low;
- every message adds :data:`MESSAGE_OVERHEAD` for the chat template's markers;
- every image costs :data:`IMAGE_TOKENS`, whatever its size.

Pure functions, no Qt: the meter calls them on the GUI thread, so they run in
linear time with the counting done by ``str.encode`` in C.
"""

from __future__ import annotations

from collections.abc import Iterable

from kimi_desktop.domain import Message

__all__ = [
    "IMAGE_TOKENS",
    "MESSAGE_OVERHEAD",
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


def estimate_text(text: str) -> int:
    """Tokens ``text`` takes: a quarter per ASCII character, one per other character.

    Never less for a longer text: appending characters never lowers the count.
    """
    ascii_count = len(text.encode("ascii", "ignore"))
    return (ascii_count + 3) // 4 + (len(text) - ascii_count)


def estimate_turn(text: str, image_count: int = 0) -> int:
    """A new user message of ``text`` with ``image_count`` images (the draft)."""
    return MESSAGE_OVERHEAD + estimate_text(text) + image_count * IMAGE_TOKENS


def estimate_messages(messages: Iterable[Message]) -> int:
    """The history as sent: text, reasoning sent back, tool calls and images."""
    return sum(_estimate_message(message) for message in messages)


def _estimate_message(message: Message) -> int:
    tokens = estimate_turn(message.text, len(message.images))
    if message.reasoning:
        tokens += estimate_text(message.reasoning)
    for call in message.tool_calls:
        tokens += estimate_text(call.id) + estimate_text(call.name)
        tokens += estimate_text(call.arguments)
    if message.tool_call_id:
        tokens += estimate_text(message.tool_call_id)
    if message.name:
        tokens += estimate_text(message.name)
    return tokens
