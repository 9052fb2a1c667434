"""Words of one or two characters (``Qt``, ``C#``, 模型) are looked up in the index of
characters and character pairs, and find exactly what ``LIKE`` on the folded text finds."""

from __future__ import annotations

import random
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from kimi_desktop.domain import MessageStatus
from kimi_desktop.store import ConversationRepository, Database
from kimi_desktop.store.search import TITLE_MATCH_MESSAGE_ID, parse_query, search
from kimi_desktop.store.search_index import (
    INDEX_TABLE,
    has_index,
    m006_short_term_search,
    match_expression,
    spaced,
    word_tokens,
)

_ENGLISH_TEXT = (
    "the window model stream token reply message view widget layout render text search "
    "index query table qt gui api sdk cpu gpu sql css html url utf json yaml toml is it "
    "an of to in on at by we go do if or no so up us"
)
_ENGLISH = _ENGLISH_TEXT.split()
_CODE = (
    "C#",
    "c++",
    "F#",
    "x += 1",
    "a->b",
    "std::vec",
    "%d",
    "_id",
    "50%",
    "a_b",
    "f(x)",
    "[i]",
    "{k: v}",
    '"hi"',
    "'q'",
    "\\n",
    "#!",
    "::",
    "=>",
    "Qt6",
    "QtWidgets",
    "i18n",
    "ok?",
)
_CHINESE_TEXT = (
    "模型 代码 数据 函数 问题 使用 可以 我们 一个 这个 的 了 是 在 我 你 你好 上下文 窗口 "
    "思考 推理 训练 接口 网络 超时 缓存 数据库 性能 测试 搜索 索引 文本 结果 错误 返回"
)
_CHINESE = _CHINESE_TEXT.split()
_ODD = (
    unicodedata.normalize("NFD", "café"),
    "café",
    "ＡＢＣ",
    "ＱＴ",
    "İstanbul",
    "Straße",
    "ﬁle",
    "🎉",
    "👩‍👩‍👧",
    "e\u0301",
    "a\u00a0b",
    "全角　空格",
    "tab\there",
    "ǅemal",
    "Ω",
    "ΣΑΣ",
    "ﾊﾝｶｸ",
)
_LIMIT = 100_000


def _message(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        words = rng.choices(_ENGLISH, k=rng.randint(3, 25))
        if rng.random() < 0.5:
            words[0] = words[0].capitalize()
        return " ".join(words)
    if kind < 0.6:
        parts = rng.choices(_ENGLISH + list(_CODE), k=rng.randint(2, 12))
        return rng.choice((" ", "", "\n", ".")).join(parts)
    if kind < 0.9:
        words = rng.choices(_CHINESE, k=rng.randint(2, 20))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(("Qt", "C#", "API", "Python")))
        return "".join(words) + rng.choice(("。", "，", "？", ""))
    return " ".join(rng.choices(_ODD + tuple(_ENGLISH), k=rng.randint(1, 8)))


def _corpus(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [_message(rng) for _ in range(count)]


def _queries(corpus: list[str], seed: int) -> list[str]:
    """Every kind of short word: characters and pairs found in the corpus (as typed,
    in other cases and widths), pairs found nowhere, and mixes with longer words."""
    rng = random.Random(seed)
    folded = [parse_query(text).words for text in corpus]
    pieces = sorted({w for words in folded for w in words})
    singles = sorted({ch for piece in pieces for ch in piece})
    pairs = sorted({piece[i : i + 2] for piece in pieces for i in range(len(piece) - 1)})
    queries = rng.sample(singles, min(60, len(singles)))
    queries += rng.sample(pairs, min(150, len(pairs)))
    queries += [
        a + b for a, b in zip(rng.sample(singles, 30), rng.sample(singles, 30), strict=True)
    ]
    queries += ["Qt", "QT", "qT", "C#", "c#", "Ｑｔ", "模型", "代码", "你好", "的", "%", "_", "\\"]
    queries += ['"', '"h', "a_", "%d", "é", unicodedata.normalize("NFD", "é"), "İ", "ß", "🎉"]
    longs = [p for p in pieces if len(p) >= 3]
    queries += [f"{rng.choice(pairs)} {rng.choice(longs)}" for _ in range(40)]
    queries += [f"{rng.choice(singles)} {rng.choice(pairs)}" for _ in range(20)]
    queries += ["qt window", "c# 模型", "模型 数据库", "Qt zyxwvut", "模型 代码 数据"]
    return queries


def _like_reference(conn: sqlite3.Connection, text: str) -> list[int]:
    """Message ids, newest first, whose folded text holds every word: ``LIKE``,
    with its wildcards escaped, as search has always meant a short word."""
    words = parse_query(text).words
    if not words:
        return []
    where = " AND ".join("f.c0 LIKE ? ESCAPE '\\'" for _ in words)
    params = ["%" + re.sub(r"([\\%_])", r"\\\1", w) + "%" for w in words]
    rows = conn.execute(
        "SELECT f.id FROM messages_fts_content AS f JOIN messages AS m ON m.id = f.id"
        " JOIN conversations AS c ON c.id = m.conversation_id"
        f" WHERE c.deleted_at IS NULL AND {where} ORDER BY f.id DESC",
        params,
    ).fetchall()
    return [row[0] for row in rows]


def _message_ids(conn: sqlite3.Connection, text: str, limit: int = _LIMIT) -> list[int]:
    return [
        h.message_id for h in search(conn, text, limit) if h.message_id != TITLE_MATCH_MESSAGE_ID
    ]


def _with_index(db: Database) -> None:
    """Add the index to a history that does not have it yet, as its migration does."""
    with db.transaction() as conn:
        if not has_index(conn):
            m006_short_term_search(conn)


def _assert_consistent(db: Database) -> None:
    """FTS5 compares the index with what its view says each message holds."""
    with db.transaction() as conn:
        conn.execute(
            f"INSERT INTO {INDEX_TABLE} ({INDEX_TABLE}, rank) VALUES ('integrity-check', 1)"
        )


@pytest.fixture
def indexed(db: Database) -> Database:
    _with_index(db)
    return db


@pytest.fixture
def corpus_db(tmp_path: Path, clock) -> Iterator[tuple[Database, list[str]]]:
    corpus = _corpus(seed=17, count=600)
    with Database.open(tmp_path / "corpus.sqlite3") as database:
        repo = ConversationRepository(database, clock=clock)
        with database.transaction():
            for start in range(0, len(corpus), 20):
                conversation = repo.create_conversation(f"chat {start}")
                for text in corpus[start : start + 20]:
                    repo.add_message(conversation.id, "user", text)
        _with_index(database)
        yield database, corpus


def test_tokens_are_characters_and_pairs_between_fillers() -> None:
    assert spaced("Qt 模型") == "\x01q\x01t\x01 \x01模\x01型\x01"
    assert word_tokens("qt") == ["q\x01t"]
    assert word_tokens("模") == ["\x01模\x01"]
    assert word_tokens("aaa") == ["a\x01a"]
    assert match_expression(["c#", '"h']) == '"c\x01#" """\x01h"'


def test_short_words_equal_like_over_a_generated_corpus(corpus_db) -> None:
    database, corpus = corpus_db
    queries = _queries(corpus, seed=5)
    with database.read() as conn:
        assert has_index(conn)
        found_any = 0
        for query in queries:
            expected = _like_reference(conn, query)
            assert _message_ids(conn, query) == expected, query
            found_any += bool(expected)
    assert found_any > len(queries) // 2  # the corpus really holds what is asked for


def test_the_same_results_without_the_index(corpus_db, tmp_path: Path, clock) -> None:
    """A history opened before the index existed scans instead, with the same answers."""
    database, corpus = corpus_db
    with Database.open(tmp_path / "plain.sqlite3") as plain:
        with plain.transaction() as conn:
            _drop_index(conn)
        repo = ConversationRepository(plain, clock=clock)
        with plain.transaction():
            for start in range(0, len(corpus), 20):
                conversation = repo.create_conversation(f"chat {start}")
                for text in corpus[start : start + 20]:
                    repo.add_message(conversation.id, "user", text)
        queries = ["Qt", "c#", "模型", "的", "qt window", "模型 数据库", "%", "zq"]
        with plain.read() as without, database.read() as with_index:
            assert not has_index(without)
            for query in queries:
                assert search(without, query, 50) == search(with_index, query, 50), query


def test_short_words_use_the_index(corpus_db) -> None:
    database, _corpus = corpus_db
    statements: list[str] = []
    with database.read() as conn:
        conn.set_trace_callback(statements.append)
        try:
            search(conn, "Qt 模型", 10)
            search(conn, "window", 10)
        finally:
            conn.set_trace_callback(None)
    message_queries = [s for s in statements if "FROM messages" in s]
    assert INDEX_TABLE in message_queries[0]
    assert "messages_fts MATCH" in message_queries[1]  # long words keep the trigram index


def test_newest_first_and_limit(indexed: Database, repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    ids = [repo.add_message(conversation.id, "user", f"Qt item {i}").id for i in range(8)]
    with indexed.read() as conn:
        assert _message_ids(conn, "qt") == ids[::-1]
        assert _message_ids(conn, "qt", limit=3) == ids[::-1][:3]


def test_the_index_follows_every_change(indexed: Database, repo: ConversationRepository) -> None:
    conversation = repo.create_conversation("title")
    kept = repo.add_message(conversation.id, "user", "about Qt")
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "C# so far", "")

    def found(query: str) -> list[int]:
        with indexed.read() as conn:
            return _message_ids(conn, query)

    assert found("c#") == []  # not indexed while streaming
    repo.finish_message(reply.id, status=MessageStatus.COMPLETE, text="C# then 模型", reasoning="")
    assert found("c#") == [reply.id]
    assert found("模型") == [reply.id]
    repo.resume_streaming(reply.id)  # continued in place: out of the index again
    assert found("模型") == []
    repo.finish_message(reply.id, status=MessageStatus.STOPPED, text="now 代码", reasoning="")
    assert (found("模型"), found("代码")) == ([], [reply.id])
    _assert_consistent(indexed)

    repo.delete_message(reply.id)
    assert found("代码") == []
    assert found("qt") == [kept.id]
    repo.delete_conversation(conversation.id)
    assert found("qt") == []  # hidden while deleted ...
    repo.restore_conversation(conversation.id)
    assert found("qt") == [kept.id]
    repo.delete_conversation(conversation.id)
    repo.purge_deleted()  # ... and gone from the index once purged
    _assert_consistent(indexed)
    with indexed.read() as conn:
        assert conn.execute(f"SELECT count(*) FROM {INDEX_TABLE}").fetchone()[0] == 0


def test_interrupted_replies_become_searchable(
    indexed: Database, repo: ConversationRepository
) -> None:
    conversation = repo.create_conversation()
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "half of 代码", "")
    repo.recover_interrupted()
    with indexed.read() as conn:
        assert _message_ids(conn, "代码") == [reply.id]
    _assert_consistent(indexed)


def test_the_migration_indexes_an_existing_history(tmp_path: Path, clock) -> None:
    with Database.open(tmp_path / "old.sqlite3") as database:
        with database.transaction() as conn:
            _drop_index(conn)
        repo = ConversationRepository(database, clock=clock)
        conversation = repo.create_conversation()
        old = repo.add_message(conversation.id, "user", "Qt and 模型 from before")
        streaming = repo.add_message(
            conversation.id, "assistant", "Qt", status=MessageStatus.STREAMING
        )

        _with_index(database)
        _assert_consistent(database)
        with database.read() as conn:
            assert _message_ids(conn, "qt") == [old.id]
            assert _message_ids(conn, "模型") == [old.id]
        repo.finish_message(streaming.id, status=MessageStatus.COMPLETE, text="Qt", reasoning="")
        with database.read() as conn:
            assert _message_ids(conn, "qt") == [streaming.id, old.id]


def test_quotes_in_short_words_are_characters(
    indexed: Database, repo: ConversationRepository
) -> None:
    conversation = repo.create_conversation()
    said = repo.add_message(conversation.id, "user", 'say "hi" to "Qt"')
    with indexed.read() as conn:
        assert _message_ids(conn, '"h') == [said.id]
        assert _message_ids(conn, 't"') == [said.id]
        assert _message_ids(conn, '""') == []


def _drop_index(conn: sqlite3.Connection) -> None:
    """Take the index out, as a history written before it existed would be."""
    for trigger in ("insert", "delete", "update"):
        conn.execute(f"DROP TRIGGER IF EXISTS {INDEX_TABLE}_{trigger}")
    conn.execute(f"DROP TABLE IF EXISTS {INDEX_TABLE}")
    conn.execute("DROP VIEW IF EXISTS message_short_search_source")
