"""Starting a chat with an assistant, over the loopback server: what the request carries
(instructions, budget, thinking; a temperature only for a model that takes one), the
starter prompts, the conversation's settings in one place, and saving assistants."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kimi_desktop.domain import ThinkingMode
from kimi_desktop.services.assistants import (
    AssistantService,
    AssistantsNotSaved,
    request_temperature,
    starter_prompts,
)
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS
from kimi_desktop.services.choices import ModelChoice
from kimi_desktop.settings import (
    BUILT_IN_IDS,
    DEFAULT_ASSISTANT_ID,
    SCREENSHOT_TO_CODE_ID,
    Assistant,
    AssistantStore,
)
from kimi_desktop.settings.built_in_assistants import (
    SCREENSHOT_TO_CODE_PROMPT,
    TRANSLATOR_ID,
    TRANSLATOR_PROMPT,
)
from tests.fakes import json_reply, openai_stream
from tests.unit.services.moonshot_window import Services, Window, moonshot_window


def build_window(
    tmp_path: Path, qloop: asyncio.AbstractEventLoop, *, keep_temperature: bool
) -> Iterator[Window]:
    """A window with thinking on, following the choices its assistants make."""

    def assistants(services: Services) -> AssistantService:
        return AssistantService(
            AssistantStore(services.paths, reserved_ids=BUILT_IN_IDS),
            services.repository if keep_temperature else None,
        )

    with moonshot_window(
        tmp_path,
        qloop,
        preset=None,  # a server the app does not know
        choice=ModelChoice("kimi-k2.5", True),
        assistants=assistants,
    ) as made:
        made.follow_choices()
        yield made


@pytest.fixture
def window(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Window]:
    yield from build_window(tmp_path, qloop, keep_temperature=False)


@pytest.fixture
def window_keeping_temperature(
    tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> Iterator[Window]:
    yield from build_window(tmp_path, qloop, keep_temperature=True)


def test_a_new_chat_starts_with_the_plain_kimi(window: Window) -> None:
    window.presenter.open(None)
    ids, chosen = window.listed[-1]
    assert chosen == DEFAULT_ASSISTANT_ID
    assert ids[: len(BUILT_IN_IDS)] == [a.id for a in window.assistants.assistants()]
    window.server.enqueue(openai_stream([], ["Hello!"]))
    body = window.send("hi")
    assert [m["role"] for m in body["messages"]] == ["user"]
    assert body["max_tokens"] == DEFAULT_MAX_TOKENS
    assert "temperature" not in body


def test_screenshot_to_code_sets_the_request_when_the_chat_is_saved(window: Window) -> None:
    window.choice = ModelChoice("kimi-k2.5", False)  # thinking was off in the window
    window.presenter.open(None)
    window.presenter.choose_assistant(SCREENSHOT_TO_CODE_ID)

    assert window.listed[-1][1] == SCREENSHOT_TO_CODE_ID
    assert window.choice.thinking is True  # the window's toggle follows the assistant
    assert window.presenter.conversation is None  # nothing saved before the first message
    pending = window.presenter.conversation_settings()
    assert (pending.system_prompt, pending.max_tokens) == (SCREENSHOT_TO_CODE_PROMPT, 65_536)

    window.server.enqueue(openai_stream(["Looking."], ["<!DOCTYPE html>"]))
    body = window.send("Turn this screenshot into code.")

    assert body["messages"][0] == {"role": "system", "content": SCREENSHOT_TO_CODE_PROMPT}
    assert body["messages"][-1]["content"] == "Turn this screenshot into code."
    assert body["max_tokens"] == 65_536
    assert body["thinking"] == {"type": "enabled"}
    assert "temperature" not in body
    conversation = window.presenter.conversation
    assert conversation is not None
    stored = window.history.conversation(conversation.id)
    assert (stored.system_prompt, stored.max_tokens) == (SCREENSHOT_TO_CODE_PROMPT, 65_536)


def test_the_translator_turns_thinking_off_and_sends_no_temperature_to_k2_5(
    window: Window,
) -> None:
    window.presenter.open(None)
    window.presenter.choose_assistant(TRANSLATOR_ID)
    window.server.enqueue(openai_stream([], ["Hello"]))
    body = window.send("你好")
    assert body["messages"][0] == {"role": "system", "content": TRANSLATOR_PROMPT}
    assert body["thinking"] == {"type": "disabled"}
    assert "temperature" not in body


def test_a_new_chat_goes_back_to_the_plain_kimi(window: Window) -> None:
    window.presenter.open(None)
    window.presenter.choose_assistant(TRANSLATOR_ID)
    assert window.presenter.system_prompt() == TRANSLATOR_PROMPT
    window.presenter.open(None)
    assert window.presenter.system_prompt() == ""
    assert window.listed[-1][1] == DEFAULT_ASSISTANT_ID
    window.server.enqueue(openai_stream([], ["Hi"]))
    assert [m["role"] for m in window.send("hi")["messages"]] == ["user"]


def test_a_conversation_with_messages_keeps_its_instructions(window: Window) -> None:
    window.server.enqueue(openai_stream([], ["Hi"]))
    window.send("hi")
    conversation = window.presenter.conversation
    assert conversation is not None
    window.presenter.choose_assistant(SCREENSHOT_TO_CODE_ID)
    assert window.history.conversation(conversation.id).system_prompt == ""
    assert window.choice.thinking is True  # untouched: the choice was refused


def test_an_empty_saved_conversation_takes_the_assistant_at_once(window: Window) -> None:
    window.presenter.set_conversation_settings("", 8_192)  # saves the new chat, still empty
    conversation = window.presenter.conversation
    assert conversation is not None
    window.presenter.choose_assistant(SCREENSHOT_TO_CODE_ID)
    stored = window.history.conversation(conversation.id)
    assert (stored.system_prompt, stored.max_tokens) == (SCREENSHOT_TO_CODE_PROMPT, 65_536)


def test_an_assistants_model_is_picked_where_the_endpoint_offers_it(window: Window) -> None:
    picked: list[object] = []
    window.presenter.endpoint_presenter.models_listed.connect(
        lambda _models, current, _note: picked.append(current)
    )
    offered = Assistant(id="k-1", name="Listed", model="kimi-k2.5")
    absent = Assistant(id="k-2", name="Elsewhere", model="kimi-k3")
    window.assistants.save([offered, absent])
    window.loop.run_until_complete(window.presenter.endpoint_presenter.refresh_models())

    window.presenter.choose_assistant("k-1")
    assert picked[-1] == "kimi-k2.5"

    window.presenter.choose_assistant("k-2")
    assert window.status[-1] == (
        "“Elsewhere” uses kimi-k3, which this endpoint does not offer, so the model picked stays."
    )


def test_an_effort_and_web_search_go_to_the_window(window: Window) -> None:
    window.assistants.save([Assistant(id="deep-1", name="Deep", thinking="max", web_search=True)])
    window.presenter.choose_assistant("deep-1")
    assert (window.choice.thinking, window.choice.effort) == (True, "max")
    assert window.presenter.web_search() is True


# -- starter prompts ----------------------------------------------------------------


def test_the_screenshot_starter_chooses_its_assistant_and_asks_for_a_file(window: Window) -> None:
    window.presenter.open(None)
    screenshot = starter_prompts()[0]
    assert screenshot.title == "Turn this screenshot into code"

    window.presenter.use_starter(screenshot)

    assert window.listed[-1][1] == SCREENSHOT_TO_CODE_ID
    assert window.composer == ["Turn this screenshot into code."]
    assert window.attach_asked == 1


def test_a_starter_keeps_a_draft_already_typed(window: Window) -> None:
    window.presenter.open(None)
    explain = next(s for s in starter_prompts() if s.title == "Explain this code")
    window.presenter.use_starter(explain, draft_text="my own words")
    assert window.composer == []
    assert window.attach_asked == 0
    assert window.listed[-1][1] == DEFAULT_ASSISTANT_ID


def test_there_are_four_starters_each_with_an_assistant_that_exists() -> None:
    starters = starter_prompts()
    assert len(starters) == 4
    assert {s.assistant_id for s in starters} <= BUILT_IN_IDS
    assert [s.attach for s in starters] == [True, False, True, False]


# -- the conversation's settings -----------------------------------------------------


def test_the_settings_show_what_the_model_allows(window: Window) -> None:
    settings = window.presenter.conversation_settings()
    assert settings.thinking_mode is ThinkingMode.SWITCHABLE
    assert settings.thinking is True
    assert not settings.temperature_accepted  # kimi-k2.5, and no place to keep one
    window.choice = ModelChoice("kimi-k3", None, "low")
    settings = window.presenter.conversation_settings()
    assert (settings.thinking_mode, settings.effort) == (ThinkingMode.EFFORT, "low")


def test_thinking_and_effort_from_the_settings_go_to_the_window(window: Window) -> None:
    settings = window.presenter.conversation_settings()
    window.presenter.apply_conversation_settings(replace(settings, thinking=False))
    assert window.choice.thinking is False
    assert window.presenter.conversation is None  # nothing stored changed: nothing saved
    window.choice = ModelChoice("kimi-k3", None, None)
    window.presenter.apply_conversation_settings(
        replace(window.presenter.conversation_settings(), effort="high")
    )
    assert window.choice.effort == "high"


def test_instructions_and_web_search_from_the_settings_are_saved(window: Window) -> None:
    settings = window.presenter.conversation_settings()
    window.presenter.apply_conversation_settings(
        replace(settings, system_prompt="  Be brief.  ", max_tokens=4_096, web_search=True)
    )
    conversation = window.presenter.conversation
    assert conversation is not None
    stored = window.history.conversation(conversation.id)
    assert stored.system_prompt == "Be brief."
    assert (stored.max_tokens, stored.web_search) == (4_096, True)


# -- the temperature ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "sent"),
    [("kimi-k2.5", None), ("kimi-k3", None), ("moonshot-v1-8k", 0.3), ("my-local-model", 0.3)],
)
def test_a_temperature_goes_only_to_a_model_that_takes_one(model: str, sent) -> None:
    assert request_temperature(model, 0.3) == sent
    assert request_temperature(model, None) is None


def test_a_temperature_is_kept_and_never_sent_to_k2_5(window_keeping_temperature: Window) -> None:
    window = window_keeping_temperature
    window.presenter.open(None)
    window.presenter.choose_assistant(TRANSLATOR_ID)
    window.server.enqueue(openai_stream([], ["Hello"]))
    body = window.send("你好")
    assert "temperature" not in body  # kimi-k2.5 refuses any temperature but its own
    conversation = window.presenter.conversation
    assert conversation is not None
    assert window.history.conversation(conversation.id).temperature == 0.3
    assert not window.presenter.conversation_settings().temperature_accepted

    window.server.override(
        "GET",
        "/v1/models",
        json_reply({"object": "list", "data": [{"id": "moonshot-v1-8k", "object": "model"}]}),
    )
    window.choice = ModelChoice("moonshot-v1-8k")
    assert window.presenter.conversation_settings().temperature_accepted
    window.server.enqueue(openai_stream([], ["Hi"]))
    assert window.send("again")["temperature"] == 0.3


def test_the_settings_change_the_temperature(window_keeping_temperature: Window) -> None:
    window = window_keeping_temperature
    window.choice = ModelChoice("moonshot-v1-8k")
    settings = window.presenter.conversation_settings()
    assert settings.temperature_accepted
    window.presenter.apply_conversation_settings(replace(settings, temperature=0.7))
    conversation = window.presenter.conversation
    assert conversation is not None
    assert window.history.conversation(conversation.id).temperature == 0.7
    window.server.enqueue(openai_stream([], ["Warm."]))
    assert window.send("hi")["temperature"] == 0.7


# -- saving assistants ----------------------------------------------------------------


def test_saving_announces_and_a_chosen_assistant_follows_its_edits(window: Window) -> None:
    mine = Assistant(id="mine-1", name="Mine", system_prompt="Old.")
    window.assistants.save([mine])
    window.presenter.choose_assistant("mine-1")
    window.assistants.save([replace(mine, system_prompt="New.")])
    assert window.presenter.system_prompt() == "New."
    window.assistants.save([])
    assert window.presenter.system_prompt() == ""
    assert window.listed[-1] == ([a.id for a in window.assistants.assistants()], "kimi")


def test_a_failed_save_says_why_and_changes_nothing(window: Window, tmp_path: Path) -> None:
    mine = Assistant(id="mine-1", name="Mine")
    window.assistants.save([mine])
    with pytest.raises(AssistantsNotSaved, match="its name is empty"):
        window.assistants.save([replace(mine, name=" ")])
    target = tmp_path / "home" / "config" / "assistants.json"
    target.unlink()
    target.mkdir()  # a folder where the file goes: the write fails, as on a full disk
    with pytest.raises(AssistantsNotSaved, match=r"could not be saved in .*config"):
        window.assistants.save([mine, Assistant(id="two-1", name="Two")])
    assert window.assistants.user_assistants() == (mine,)
