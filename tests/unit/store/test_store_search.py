"""Full-text search: words, substrings, titles, hostile input, deletes and edits."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import MessageStatus
from kimi_desktop.store import (
    MATCH_END,
    MATCH_START,
    TITLE_MATCH_MESSAGE_ID,
    ConversationRepository,
    Database,
)
from kimi_desktop.store.search import parse_query


@pytest.fixture
def chat(repo: ConversationRepository) -> int:
    conversation = repo.create_conversation("React login page")
    repo.add_message(conversation.id, "user", "Make this UI in React with useState hooks")
    repo.add_message(conversation.id, "assistant", "Here is a component using asyncio.to_thread")
    repo.add_message(conversation.id, "user", "用 React 写一个登录页面，你好")
    repo.add_message(conversation.id, "assistant", "Qt signals and C# delegates 🎉🎉🎉")
    return conversation.id


def _texts(repo: ConversationRepository, query: str) -> list[str]:
    return [h.snippet.replace(MATCH_START, "[").replace(MATCH_END, "]") for h in repo.search(query)]


def test_finds_words_in_messages(repo: ConversationRepository, chat: int) -> None:
    hits = repo.search("component")
    assert len(hits) == 1
    hit = hits[0]
    assert hit.conversation_id == chat
    assert hit.title == "React login page"
    assert f"{MATCH_START}component{MATCH_END}" in hit.snippet
    assert repo.get_message(hit.message_id) is not None


def test_finds_titles_first(repo: ConversationRepository, chat: int) -> None:
    hits = repo.search("login")
    assert hits[0].message_id == TITLE_MATCH_MESSAGE_ID
    assert hits[0].conversation_id == chat
    assert hits[0].snippet == f"React {MATCH_START}login{MATCH_END} page"


def test_all_words_must_match_case_insensitively(repo: ConversationRepository, chat: int) -> None:
    assert _texts(repo, "MAKE usestate") == ["[Make] this UI in React with [useState] hooks"]
    assert repo.search("make component") == []


def test_prefix_and_substring(repo: ConversationRepository, chat: int) -> None:
    assert _texts(repo, "compo") == ["Here is a [compo]nent using asyncio.to_thread"]
    assert _texts(repo, "to_thr") == ["Here is a component using asyncio.[to_thr]ead"]
    assert _texts(repo, "State") == ["Make this UI in React with use[State] hooks"]


def test_cjk(repo: ConversationRepository, chat: int) -> None:
    assert _texts(repo, "登录页") == ["用 React 写一个[登录页]面，你好"]
    # Two-character words are below the trigram window and are matched with LIKE.
    assert _texts(repo, "你好") == ["用 React 写一个登录页面，[你好]"]
    assert _texts(repo, "react 你好") == ["用 [React] 写一个登录页面，[你好]"]


def test_short_words(repo: ConversationRepository, chat: int) -> None:
    assert _texts(repo, "Qt") == ["[Qt] signals and C# delegates 🎉🎉🎉"]
    assert _texts(repo, "c# SIGNALS") == ["Qt [signals] and [C#] delegates 🎉🎉🎉"]
    assert _texts(repo, "qt zz") == []
    assert _texts(repo, "🎉") == ["Qt signals and C# delegates [🎉][🎉][🎉]"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"unbalanced',
        "(",
        "react)",
        "((react",
        "AND",
        "react AND",
        "OR OR",
        "NOT react",
        "NEAR(react login)",
        "*",
        "react*",
        "-react",
        "^react",
        "title:react",
        "{text}: react",
        "+",
        "%",
        "_",
        "\\",
        "'; DROP TABLE messages; --",
        "\x00react",
        "\x02\x03",
        "😀",
        "👩‍👩‍👧 emoji family",
        "漢字かなカナ",
        "a" * 10_000,
        " ".join(["word"] * 1_000),
        "\u200b",
        "ǅ İ ß ﬁ",
    ],
)
def test_hostile_input_never_raises(repo: ConversationRepository, chat: int, query: str) -> None:
    hits = repo.search(query)
    assert isinstance(hits, list)


def test_quotes_and_operators_are_searched_literally(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", 'say "hi" AND (bye) or 50% off_now')
    assert len(repo.search('"hi"')) == 1
    assert len(repo.search("AND (bye)")) == 1
    assert len(repo.search("50%")) == 1
    assert len(repo.search("f_n")) == 1
    assert repo.search("f%n") == []  # % and _ are not wildcards


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\x00"])
def test_empty_query_returns_nothing(repo: ConversationRepository, chat: int, query: str) -> None:
    assert repo.search(query) == []


def test_deleted_conversations_are_not_found(repo: ConversationRepository, chat: int) -> None:
    repo.delete_conversation(chat)
    assert repo.search("component") == []
    assert repo.search("login") == []
    assert repo.search("Qt") == []
    repo.restore_conversation(chat)
    assert len(repo.search("component")) == 1
    repo.delete_conversation(chat)
    repo.purge_deleted()
    assert repo.search("component") == []


def test_edits_and_deletes_are_reindexed(repo: ConversationRepository, db: Database) -> None:
    conversation = repo.create_conversation("first title")
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "partial banana", "")
    assert repo.search("banana") == []  # not indexed while streaming
    repo.finish_message(reply.id, status=MessageStatus.COMPLETE, text="final cherry", reasoning="")
    assert repo.search("banana") == []
    assert [h.message_id for h in repo.search("cherry")] == [reply.id]
    repo.finish_message(reply.id, status=MessageStatus.STOPPED, text="now mango", reasoning="")
    assert repo.search("cherry") == []
    assert len(repo.search("mango")) == 1

    repo.rename(conversation.id, "second name")
    assert repo.search("first") == []
    assert len(repo.search("second")) == 1

    repo.delete_message(reply.id)
    assert repo.search("mango") == []
    _assert_index_consistent(db)


def test_interrupted_replies_become_searchable(repo: ConversationRepository, db: Database) -> None:
    conversation = repo.create_conversation()
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "half a pineapple", "")
    repo.recover_interrupted()
    assert [h.message_id for h in repo.search("pineapple")] == [reply.id]
    _assert_index_consistent(db)


def test_newest_first_and_limit(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    ids = [repo.add_message(conversation.id, "user", f"kiwi number {i}").id for i in range(10)]
    assert [h.message_id for h in repo.search("kiwi")] == ids[::-1]
    assert [h.message_id for h in repo.search("kiwi", limit=3)] == ids[::-1][:3]
    assert [h.message_id for h in repo.search("ki", limit=3)] == ids[::-1][:3]
    assert repo.search("kiwi", limit=0) == []


def test_snippet_of_long_text_is_cut(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    filler = "lorem ipsum dolor sit amet " * 40
    repo.add_message(conversation.id, "user", f"{filler} needle {filler}")
    repo.add_message(conversation.id, "user", f"{filler} xy {filler}")
    for query in ("needle", "xy"):
        (hit,) = repo.search(query)
        assert f"{MATCH_START}{query}{MATCH_END}" in hit.snippet
        assert hit.snippet.startswith("…")
        assert hit.snippet.endswith("…")
        assert len(hit.snippet) < 120


def test_parse_query() -> None:
    parsed = parse_query('  say "hi" Qt say SAY 你好 登录页 \x00x ')
    assert parsed.indexed == ("say", '"hi"', "登录页")
    assert parsed.short == ("qt", "你好", "x")  # folded, as the index holds text
    assert parsed.match_expression() == '"say" """hi""" "登录页"'


def _assert_index_consistent(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
        conn.execute(
            "INSERT INTO conversations_fts (conversations_fts, rank) VALUES ('integrity-check', 1)"
        )
