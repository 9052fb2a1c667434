"""The output budget: always sent, never more than the context leaves, never below a floor."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import ImageData, Message
from kimi_desktop.services.budget import (
    CAUTIOUS,
    DEFAULT_MAX_TOKENS,
    MAX_MAX_TOKENS,
    MIN_MAX_TOKENS,
    SAFETY_MARGIN_TOKENS,
    OutputBudget,
    capped_budget,
    estimate_prompt_tokens,
    larger_budget,
    output_budget,
)
from kimi_desktop.services.token_estimate import IMAGE_TOKENS, TYPICAL

HELLO = [Message("user", "Hello")]
PNG = ImageData("image/png", b"png")


def test_english_counts_a_token_per_three_characters_rounding_up() -> None:
    assert CAUTIOUS.text("") == 0
    assert CAUTIOUS.text("abc") == 1
    assert CAUTIOUS.text("abcd") == 2
    assert CAUTIOUS.text("x" * 300) == 100
    assert CAUTIOUS.text("x" * 300) > TYPICAL.text("x" * 300)  # denser than the meter's


def test_chinese_and_emoji_count_a_token_each_erring_high() -> None:
    # Moonshot's rule of thumb is 1.5-2 Chinese characters per token: one each is high.
    assert CAUTIOUS.text("你好世界") == 4
    assert CAUTIOUS.text("hi 你好") == 1 + 2
    assert CAUTIOUS.text("🙂🙂") == 2


def test_a_chinese_prompt_is_never_counted_below_a_token_a_character() -> None:
    text = "第一章：总结。模型的上下文长度是有限的，" * 1_000
    prompt = [Message("user", text)]
    typical = TYPICAL.messages(prompt)
    assert typical >= len(text)  # the meter's figure: already a token a character
    assert estimate_prompt_tokens(prompt) >= typical + SAFETY_MARGIN_TOKENS
    # so the budget leaves the context at least that much room
    assert output_budget(None, 32_768, prompt) <= 32_768 - len(text) - SAFETY_MARGIN_TOKENS


def test_the_prompt_is_the_meters_count_made_cautious() -> None:
    prompt = [Message("system", "Be brief."), Message("user", "x" * 30, images=(PNG,))]
    assert estimate_prompt_tokens(prompt) == CAUTIOUS.messages(prompt) + SAFETY_MARGIN_TOKENS
    assert CAUTIOUS.messages(prompt) >= TYPICAL.messages(prompt)
    # the same images, the same overhead: only the text is counted densely
    assert CAUTIOUS.messages(prompt) - TYPICAL.messages(prompt) == (
        CAUTIOUS.text("Be brief.") - TYPICAL.text("Be brief.") + 10 - 8
    )


def test_a_prompt_counts_every_message_its_reasoning_and_images_plus_a_margin() -> None:
    plain = estimate_prompt_tokens([Message("user", "x" * 30)])
    assert plain > SAFETY_MARGIN_TOKENS + 10  # the text, the margin, a little per message
    with_reasoning = estimate_prompt_tokens(
        [Message("user", "x" * 30), Message("assistant", "ok", reasoning="y" * 300)]
    )
    assert with_reasoning >= plain + 100
    with_image = estimate_prompt_tokens([Message("user", "x" * 30, images=(PNG, PNG))])
    assert with_image == plain + 2 * IMAGE_TOKENS


def test_the_default_goes_out_when_the_context_is_unknown() -> None:
    assert output_budget(None, None, HELLO) == DEFAULT_MAX_TOKENS
    assert output_budget(None, 0, HELLO) == DEFAULT_MAX_TOKENS
    assert OutputBudget().tokens_for(HELLO) == DEFAULT_MAX_TOKENS


def test_the_conversations_own_budget_wins_over_the_default() -> None:
    assert output_budget(4_000, 262_144, HELLO) == 4_000
    assert output_budget(100_000, None, HELLO) == 100_000


def test_never_more_than_the_context_leaves_after_the_prompt() -> None:
    prompt = [Message("user", "x" * 30_000)]  # about 10,000 tokens
    budget = output_budget(None, 16_384, prompt)
    assert budget == 16_384 - estimate_prompt_tokens(prompt)
    assert budget == capped_budget(None, 16_384, estimate_prompt_tokens(prompt))
    assert budget + 10_000 < 16_384  # the prompt itself leaves less than the default
    assert output_budget(None, 262_144, prompt) == DEFAULT_MAX_TOKENS  # room to spare


def test_never_below_the_floor_even_when_the_prompt_fills_the_context() -> None:
    prompt = [Message("user", "x" * 60_000)]
    assert output_budget(None, 8_192, prompt) == MIN_MAX_TOKENS
    assert output_budget(1, None, HELLO) == MIN_MAX_TOKENS


@pytest.mark.parametrize(
    ("current", "context", "expected"),
    [
        (None, 262_144, 2 * DEFAULT_MAX_TOKENS),
        (65_536, 262_144, 131_072),
        (200_000, 262_144, 262_144),  # capped by the context
        (262_144, 262_144, 262_144),  # already at the cap: no larger
        (None, None, 2 * DEFAULT_MAX_TOKENS),
        (MAX_MAX_TOKENS, None, MAX_MAX_TOKENS),
    ],
)
def test_larger_budget_doubles_within_the_context(
    current: int | None, context: int | None, expected: int
) -> None:
    assert larger_budget(current, context) == expected
