"""What a model's answer must look like to become a title, and which model a title is
asked of, with which reasoning switch and budget, on every kind of endpoint."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import ModelInfo, ThinkingFields, ThinkingSwitch
from kimi_desktop.services.title_requests import (
    EXCERPT_CHARS,
    REASONING_TITLE_MAX_TOKENS,
    TITLE_MAX_TOKENS,
    TitleModel,
    title_model,
    title_request,
)
from kimi_desktop.services.titles import (
    GENERATED_TITLE_WORDS,
    LONGEST_TITLE_ANSWER,
    title_from_answer,
)


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        ("Asyncio basics", "Asyncio basics"),
        ('"Asyncio basics"', "Asyncio basics"),
        ("“Asyncio basics.”\n", "Asyncio basics"),
        ("Title: Asyncio basics", "Asyncio basics"),
        ("**Asyncio basics**", "Asyncio basics"),
        ("# Asyncio basics", "Asyncio basics"),
        ("Asyncio\nbasics", "Asyncio basics"),  # one line
        ("  Why is the sky blue?  ", "Why is the sky blue"),
        ("标题：《Python 异步编程入门》。", "Python 异步编程入门"),
        ("「天空为什么是蓝色的」", "天空为什么是蓝色的"),
        ("Node.js streams", "Node.js streams"),
        ("C# generics", "C# generics"),
        ("Using **asyncio** with `Qt`", "Using asyncio with Qt"),  # marks inside go
        ("Python __init__ and 2*3", "Python __init__ and 2*3"),  # not these
    ],
)
def test_an_answer_becomes_a_title_without_its_wrapping(answer: str, title: str) -> None:
    assert title_from_answer(answer) == title


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "  \n\t ",
        '""',
        "**…**",
        " ".join(["word"] * (GENERATED_TITLE_WORDS + 1)),
        "A" * 61,
        "很" * 31,  # wide characters count twice
        "Sure! Here is a short title for this conversation: Asyncio basics. Let me know.",
        "Asyncio basics" + "\n" * 3 + "x" * LONGEST_TITLE_ANSWER,
    ],
)
def test_an_answer_that_is_no_title_is_refused(answer: str) -> None:
    assert title_from_answer(answer) is None


def listed(*model_ids: str) -> list[ModelInfo]:
    return [ModelInfo(model_id) for model_id in model_ids]


@pytest.mark.parametrize(
    ("switch", "thinking"),
    [
        ("thinking", ThinkingFields(thinking=False, switch="thinking")),
        ("chat_template_kwargs", ThinkingFields(thinking=False, switch="chat_template_kwargs")),
        ("reasoning_effort", ThinkingFields(switch="reasoning_effort", effort="none")),
    ],
)
def test_a_switchable_model_is_asked_with_thinking_off(
    switch: ThinkingSwitch, thinking: ThinkingFields
) -> None:
    chosen = title_model("kimi-k2.5", listed("kimi-k2.5"), switch)

    assert chosen == TitleModel("kimi-k2.5", thinking, TITLE_MAX_TOKENS, reasons=False)


def test_a_model_that_cannot_be_switched_here_thinks_with_room_to_do_so() -> None:
    chosen = title_model("kimi-k2.5", listed("kimi-k2.5"), "none")

    assert chosen.thinking == ThinkingFields(switch="none")
    assert chosen.max_tokens == REASONING_TITLE_MAX_TOKENS


def test_a_model_without_reasoning_is_asked_as_it_is() -> None:
    chosen = title_model("my-local-llama", listed("my-local-llama"), "thinking")

    assert chosen == TitleModel("my-local-llama", ThinkingFields(), TITLE_MAX_TOKENS, False)


def test_an_effort_model_gives_way_to_a_model_that_can_stop_thinking() -> None:
    chosen = title_model("kimi-k3", listed("kimi-k3", "kimi-k2.6"), "thinking")

    assert chosen.model == "kimi-k2.6"
    assert chosen.thinking == ThinkingFields(thinking=False)


def test_an_effort_model_alone_is_asked_for_the_least_effort() -> None:
    chosen = title_model("kimi-k3", listed("kimi-k3"), "thinking")

    assert chosen.model == "kimi-k3"
    assert chosen.thinking == ThinkingFields(effort="low")
    assert chosen.max_tokens == REASONING_TITLE_MAX_TOKENS


def test_a_retired_model_is_the_last_choice() -> None:
    chosen = title_model(
        "kimi-k2-thinking", listed("kimi-k2-thinking", "moonshot-v1-8k", "kimi-k2.6"), "thinking"
    )

    assert chosen.model == "kimi-k2.6"


def test_an_unknown_model_that_reasons_is_left_to_the_server() -> None:
    reasoning = ModelInfo("vendor/thinker", supports_reasoning=True)

    chosen = title_model("vendor/thinker", [reasoning], "chat_template_kwargs")

    assert chosen.thinking == ThinkingFields(switch="chat_template_kwargs")
    assert chosen.max_tokens == REASONING_TITLE_MAX_TOKENS


def test_the_request_sends_the_start_of_the_exchange_only() -> None:
    model = TitleModel("kimi-k2.5", ThinkingFields(thinking=False), TITLE_MAX_TOKENS, False)

    request = title_request(model, "q" * 5000, "a" * 5000)

    assert request.messages[1].text == (
        f"User: {'q' * EXCERPT_CHARS}\n\nAssistant: {'a' * EXCERPT_CHARS}"
    )
    assert request.web_search is False
    assert request.thinking is False
    assert request.max_tokens == TITLE_MAX_TOKENS


def test_a_prompt_of_images_only_is_said_to_be_one() -> None:
    model = TitleModel("kimi-k2.5", ThinkingFields(thinking=False), TITLE_MAX_TOKENS, False)

    request = title_request(model, "", "A red bicycle against a wall.")

    assert (
        request.messages[1].text == "User: (an image)\n\nAssistant: A red bicycle against a wall."
    )
