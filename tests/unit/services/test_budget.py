"""The output budget: always sent, never more than the context leaves, never below a floor."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import ImageData, Message
from kimi_desktop.services.budget import (
    DEFAULT_MAX_TOKENS,
    IMAGE_TOKENS,
    MAX_MAX_TOKENS,
    MIN_MAX_TOKENS,
    SAFETY_MARGIN_TOKENS,
    OutputBudget,
    estimate_prompt_tokens,
    estimate_text_tokens,
    larger_budget,
    output_budget,
)

HELLO = [Message("user", "Hello")]


def test_english_counts_a_token_per_three_characters_rounding_up() -> None:
    assert estimate_text_tokens("") == 0
    assert estimate_text_tokens("abc") == 1
    assert estimate_text_tokens("abcd") == 2
    assert estimate_text_tokens("x" * 300) == 100


def test_chinese_and_emoji_count_a_token_each_erring_high() -> None:
    # Moonshot's rule of thumb is 1.5-2 Chinese characters per token: one each is high.
    assert estimate_text_tokens("你好世界") == 4
    assert estimate_text_tokens("hi 你好") == 1 + 2
    assert estimate_text_tokens("🙂🙂") == 2


def test_a_prompt_counts_every_message_its_reasoning_and_images_plus_a_margin() -> None:
    plain = estimate_prompt_tokens([Message("user", "x" * 30)])
    assert plain > SAFETY_MARGIN_TOKENS + 10  # the text, the margin, a little per message
    with_reasoning = estimate_prompt_tokens(
        [Message("user", "x" * 30), Message("assistant", "ok", reasoning="y" * 300)]
    )
    assert with_reasoning >= plain + 100
    image = ImageData("image/png", b"png")
    with_image = estimate_prompt_tokens([Message("user", "x" * 30, images=(image, image))])
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
