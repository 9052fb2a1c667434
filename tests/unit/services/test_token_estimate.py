"""The local token estimate: English, Chinese, images, and never lower for more."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import ImageData, Message, ToolCall
from kimi_desktop.services.token_estimate import (
    IMAGE_TOKENS,
    MESSAGE_OVERHEAD,
    estimate_messages,
    estimate_text,
    estimate_turn,
)

PNG = ImageData("image/png", b"\x89PNG fake")


def test_english_counts_about_four_characters_a_token() -> None:
    sentence = "The quick brown fox jumps over the lazy dog. " * 100  # 4,500 characters
    assert estimate_text(sentence) == 1125
    assert estimate_text("abcd") == 1
    assert estimate_text("abcde") == 2  # a started token is a token


def test_chinese_counts_a_token_per_character_so_it_errs_high() -> None:
    text = "你好，我叫李雷。一加一等于几？" * 20
    assert estimate_text(text) == len(text)
    # Far more than the same number of ASCII characters would cost.
    assert estimate_text(text) >= 3 * estimate_text("a" * len(text))


def test_mixed_text_adds_both_rules() -> None:
    assert estimate_text("Kimi 是") == 2 + 1  # "Kimi " is five ASCII characters: two tokens
    assert estimate_text("") == 0


def test_each_image_costs_a_fixed_amount() -> None:
    assert estimate_turn("", 0) == MESSAGE_OVERHEAD
    assert estimate_turn("", 3) - estimate_turn("", 0) == 3 * IMAGE_TOKENS
    # The cost of an image does not depend on its bytes: its size is not known here.
    big = ImageData("image/png", b"x" * 100_000)
    assert estimate_messages([Message("user", "hi", (PNG,))]) == estimate_messages(
        [Message("user", "hi", (big,))]
    )
    assert IMAGE_TOKENS >= 2_000  # never below kimi-cli's own figure


@pytest.mark.parametrize("piece", ["a", " ", "字", "é", "\N{GRINNING FACE}", "\n"])
def test_more_text_never_counts_less(piece: str) -> None:
    text = ""
    previous = estimate_text(text)
    for _ in range(50):
        text += piece
        now = estimate_text(text)
        assert now >= previous
        previous = now
    assert previous > 0


def test_the_history_counts_every_part_that_is_sent() -> None:
    plain = [Message("system", "Be brief."), Message("user", "Hello")]
    base = estimate_messages(plain)
    assert base == 2 * MESSAGE_OVERHEAD + estimate_text("Be brief.") + estimate_text("Hello")

    with_reasoning = [*plain, Message("assistant", "Hi!", reasoning="The user greets me.")]
    assert estimate_messages(with_reasoning) == (
        base + MESSAGE_OVERHEAD + estimate_text("Hi!") + estimate_text("The user greets me.")
    )

    call = ToolCall("call_1", "$web_search", '{"query": "Kimi K2.5"}', "builtin_function")
    tools = [
        Message("assistant", "", tool_calls=(call,)),
        Message("tool", call.arguments, tool_call_id="call_1", name="$web_search"),
    ]
    assert estimate_messages(tools) > 2 * MESSAGE_OVERHEAD + estimate_text(call.arguments)
    assert estimate_messages([*plain, Message("user", "look", (PNG, PNG))]) == (
        base + MESSAGE_OVERHEAD + estimate_text("look") + 2 * IMAGE_TOKENS
    )
