"""Titles are one short line, whatever was pasted: automatic ones and renames alike."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.titles import (
    AUTO_TITLE_LENGTH,
    MAX_TITLE_LENGTH,
    clean_title,
    title_from_prompt,
)
from kimi_desktop.store import ConversationRepository, Database

MEGABYTE_LINE = "lorem ipsum dolor " * 60_000
MEGABYTE_LINES = "first line of a long paste\n" + "x\n" * 500_000


@pytest.fixture
def repo(tmp_path: Path) -> ConversationRepository:
    return ConversationRepository(Database.open(tmp_path / "h.sqlite3"))


@pytest.mark.parametrize(
    ("prompt", "title"),
    [
        ("What is asyncio?", "What is asyncio?"),
        ("\n\n  Summarise this:\n\nlong text", "Summarise this:"),
        ("tabs\tand   spaces", "tabs and spaces"),
        ("", "Image"),
        ("\x00\x01\n\x02", "Image"),
        (
            "Please explain the difference between threads and processes in Python in detail",
            "Please explain the difference between threads and processes…",
        ),
    ],
)
def test_automatic_titles(prompt: str, title: str) -> None:
    assert title_from_prompt(prompt) == title


@pytest.mark.parametrize("prompt", [MEGABYTE_LINE, MEGABYTE_LINES, "x" * 1_000_000])
def test_a_pasted_megabyte_makes_a_short_title(prompt: str) -> None:
    title = title_from_prompt(prompt)
    assert 0 < len(title) <= AUTO_TITLE_LENGTH
    assert "\n" not in title


def test_cut_at_a_word_boundary() -> None:
    title = clean_title("word " * 100, 20)
    assert title == "word word word word…"
    assert clean_title("a" * 100, 20) == "a" * 19 + "…"  # no boundary: cut in the word


def test_a_renamed_title_is_one_short_line(repo: ConversationRepository, qapp: object) -> None:
    history = HistoryService(repo)
    conversation = history.create(endpoint_id=None, model=None)

    history.rename(conversation.id, "Line one\nline two\r\n" + MEGABYTE_LINE)

    renamed = history.conversation(conversation.id)
    assert renamed is not None
    assert len(renamed.title) <= MAX_TITLE_LENGTH
    assert renamed.title.startswith("Line one line two lorem ipsum")
    assert renamed.title.endswith("…")
    assert "\n" not in renamed.title


def test_a_pasted_megabyte_prompt_titles_its_chat_briefly(
    repo: ConversationRepository, qloop: asyncio.AbstractEventLoop
) -> None:
    session = ChatSession(repo, lambda _id, _on_retry: (_ for _ in ()).throw(ImportError("x")))
    conversation = repo.create_conversation()
    session.send(
        conversation.id, MEGABYTE_LINE, endpoint_id="demo", model="kimi-k2.5", thinking=None
    )
    qloop.run_until_complete(session.shutdown())
    titled = repo.get_conversation(conversation.id)
    assert titled is not None
    assert len(titled.title) <= AUTO_TITLE_LENGTH
