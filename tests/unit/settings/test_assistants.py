"""Assistants: the built-in ones, and the user's in assistants.json (round trip, damage)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kimi_desktop.settings import (
    BUILT_IN_IDS,
    DEFAULT_ASSISTANT_ID,
    SCREENSHOT_TO_CODE_ID,
    AppPaths,
    Assistant,
    AssistantStore,
    accepts_temperature,
    assistant_problem,
    built_in_assistants,
    duplicate_assistant,
)


def store(paths: AppPaths) -> AssistantStore:
    return AssistantStore(paths, reserved_ids=BUILT_IN_IDS)


def write(paths: AppPaths, content: object) -> Path:
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    path = paths.config_dir / "assistants.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


MINE = Assistant(
    id="reviewer-1a2b3c4d",
    name="Strict reviewer",
    description="Nothing gets past it",
    system_prompt="Review harshly.\nList every problem.",
    model="kimi-k2-0905-preview",
    thinking="high",
    max_tokens=16_384,
    web_search=False,
    temperature=0.2,
)


# -- the built-in assistants ----------------------------------------------------------


def test_the_built_ins_include_a_plain_kimi_and_screenshot_to_code() -> None:
    shipped = {a.id: a for a in built_in_assistants()}
    assert len(shipped) >= 4
    assert set(shipped) == BUILT_IN_IDS
    plain = shipped[DEFAULT_ASSISTANT_ID]
    assert plain.name == "Kimi"
    assert (plain.system_prompt, plain.model, plain.thinking) == ("", None, None)
    assert (plain.max_tokens, plain.web_search, plain.temperature) == (None, None, None)
    screenshot = shipped[SCREENSHOT_TO_CODE_ID].system_prompt
    for asked in ("self-contained HTML file", "React", "assumptions", "placeholder images"):
        assert asked in screenshot


@pytest.mark.parametrize("assistant", built_in_assistants(), ids=lambda a: a.id)
def test_every_built_in_is_valid_and_described(assistant: Assistant) -> None:
    assert assistant.built_in
    assert assistant_problem(assistant) is None
    assert assistant.description
    # Every one but the plain Kimi has instructions of its own.
    assert bool(assistant.system_prompt) == (assistant.id != DEFAULT_ASSISTANT_ID)


def test_built_ins_are_never_written(paths: AppPaths) -> None:
    kept = store(paths)
    kept.save([*built_in_assistants(), MINE])
    stored = json.loads(kept.path.read_text("utf-8"))
    assert [entry["id"] for entry in stored["assistants"]] == [MINE.id]
    assert "built_in" not in stored["assistants"][0]


def test_a_copy_of_a_built_in_is_the_users_to_edit() -> None:
    original = next(a for a in built_in_assistants() if a.id == SCREENSHOT_TO_CODE_ID)
    copy = duplicate_assistant(original, BUILT_IN_IDS)
    assert not copy.built_in
    assert copy.id not in BUILT_IN_IDS
    assert copy.name == "Screenshot to code (copy)"
    assert replace(copy, id=original.id, name=original.name, built_in=True) == original


# -- the file ---------------------------------------------------------------------


def test_no_file_means_no_assistants_of_ones_own(paths: AppPaths) -> None:
    kept = store(paths)
    assert kept.assistants == ()
    assert kept.load_warnings == []
    assert not kept.path.exists()  # nothing is written until something is saved


def test_assistants_round_trip_through_the_file(paths: AppPaths) -> None:
    plain = Assistant(id="plain-00000001", name="Plain")
    store(paths).save([MINE, plain])

    again = store(paths)
    assert again.assistants == (MINE, plain)
    assert again.load_warnings == []
    assert (again.path.stat().st_mode & 0o777) == 0o600


def test_a_damaged_file_is_moved_aside_and_said(paths: AppPaths) -> None:
    path = write(paths, '{"version": 1, "assistants": [{"id": "x", "na')
    kept = store(paths)
    assert kept.assistants == ()
    [warning] = kept.load_warnings
    assert "assistants.json is damaged" in warning
    assert "only the built-in ones are offered" in warning
    assert not path.exists()
    [aside] = paths.config_dir.glob("assistants.json.corrupt-*")
    assert aside.name in warning
    kept.save([MINE])  # a fresh file replaces it
    assert store(paths).assistants == (MINE,)


@pytest.mark.parametrize(
    "content",
    ['{"assistants": 3}', '"assistants"', "[" * 100_000 + "]" * 100_000, "9" * 5_000],
    ids=["no list", "text", "nested deep", "huge number"],
)
def test_a_file_no_editor_writes_is_moved_aside(paths: AppPaths, content: str) -> None:
    write(paths, content)
    kept = store(paths)
    assert kept.assistants == ()
    [warning] = kept.load_warnings
    assert "assistants.json" in warning
    assert len(warning) < 300
    assert list(paths.config_dir.glob("assistants.json.corrupt-*"))


BAD_ENTRIES = {
    "not an object": "reviewer",
    "no name": {"id": "a-1"},
    "empty name": {"id": "a-1", "name": "  "},
    "a built-in id": {"id": SCREENSHOT_TO_CODE_ID, "name": "Mine"},
    "a budget of text": {"id": "a-1", "name": "A", "max_tokens": "lots"},
    "a budget too large": {"id": "a-1", "name": "A", "max_tokens": 10**9},
    "a boolean budget": {"id": "a-1", "name": "A", "max_tokens": True},
    "a temperature above 1": {"id": "a-1", "name": "A", "temperature": 1.5},
    "an infinite temperature": {"id": "a-1", "name": "A", "temperature": 1e999},
    "a temperature of text": {"id": "a-1", "name": "A", "temperature": "warm"},
    "web search of text": {"id": "a-1", "name": "A", "web_search": "yes"},
    "a model that is a number": {"id": "a-1", "name": "A", "model": 5},
}


@pytest.mark.parametrize("entry", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_an_assistant_that_does_not_hold_up_is_skipped_and_the_rest_load(
    paths: AppPaths, entry: object
) -> None:
    path = write(paths, {"version": 1, "assistants": [entry, MINE.to_dict()]})
    kept = store(paths)
    assert kept.assistants == (MINE,)
    [warning] = kept.load_warnings
    assert warning.startswith("Assistant 1")
    assert "was skipped because" in warning
    assert path.exists()  # the good one is still in it
    [copy] = paths.config_dir.glob("assistants.json.invalid-*")
    assert copy.name in warning


def test_the_same_id_twice_keeps_the_first(paths: AppPaths) -> None:
    write(paths, [MINE.to_dict(), {**MINE.to_dict(), "name": "Impostor"}])
    kept = store(paths)
    assert kept.assistants == (MINE,)
    [warning] = kept.load_warnings
    assert "Assistant 2 (“Impostor”)" in warning
    assert "already has the id" in warning


def test_what_a_newer_version_adds_is_ignored(paths: AppPaths) -> None:
    entry = {**MINE.to_dict(), "thinking": "extreme", "icon": "robot"}
    write(paths, {"version": 9, "assistants": [entry]})
    kept = store(paths)
    assert kept.load_warnings == []
    assert kept.assistants == (replace(MINE, thinking=None),)


def test_saving_refuses_an_assistant_that_cannot_be_kept(paths: AppPaths) -> None:
    kept = store(paths)
    kept.save([MINE])
    with pytest.raises(ValueError, match=r"“” cannot be saved because its name is empty"):
        kept.save([MINE, Assistant(id="b-1", name="")])
    with pytest.raises(ValueError, match="belongs to a built-in assistant"):
        kept.save([Assistant(id=DEFAULT_ASSISTANT_ID, name="Mine")])
    assert store(paths).assistants == (MINE,)  # nothing was written
    assert kept.assistants == (MINE,)


@pytest.mark.parametrize(
    ("thinking", "switch"),
    [(None, None), ("on", (True, None)), ("off", (False, None)), ("max", (True, "max"))],
)
def test_what_a_thinking_choice_sets(thinking, switch) -> None:
    assert Assistant(id="a", name="A", thinking=thinking).thinking_switch() == switch


# -- which models take a temperature -------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "kimi-k2.5",
        "kimi-k2.6",
        "kimi-k2.7-code",
        "kimi-k2.7-code-highspeed",
        "kimi-k3",
        "moonshotai/Kimi-K2.5",
        "KIMI-K2.5",
        "kimi-k2.5-20260115",
    ],
)
def test_the_k2_5_family_takes_no_temperature(model: str) -> None:
    assert not accepts_temperature(model)


@pytest.mark.parametrize(
    "model",
    ["kimi-k2-0905-preview", "kimi-k2-thinking", "moonshot-v1-8k", "kimi-k2", "qwen3:8b"],
)
def test_older_kimi_models_and_unknown_ones_take_a_temperature(model: str) -> None:
    assert accepts_temperature(model)
