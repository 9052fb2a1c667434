"""Schema migrations: fresh databases, idempotent reopening, refusing newer files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kimi_desktop.domain import MessageStatus, Usage
from kimi_desktop.store import (
    LATEST_VERSION,
    ConversationRepository,
    Database,
    SchemaTooNewError,
    text_fold,
)
from kimi_desktop.store.migrations import MIGRATIONS, migrate, schema_version


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")
        return {name for (name,) in rows}


def test_migrations_are_named_in_order() -> None:
    names = [step.__name__ for step in MIGRATIONS]
    assert names[0] == "m001_initial"
    assert [name[:4] for name in names] == [f"m{n:03d}" for n in range(1, len(names) + 1)]
    assert len(MIGRATIONS) == LATEST_VERSION


def test_fresh_database_reaches_latest_version(db_path: Path) -> None:
    with Database.open(db_path) as db, db.read() as conn:
        assert schema_version(conn) == LATEST_VERSION
    assert {"conversations", "messages", "attachments", "blobs", "messages_fts"} <= _tables(db_path)


def test_reopening_is_a_no_op(db_path: Path) -> None:
    with Database.open(db_path):
        pass
    schema_before = _schema(db_path)
    with Database.open(db_path) as db, db.read() as conn:
        assert schema_version(conn) == LATEST_VERSION
        assert migrate(conn) == LATEST_VERSION
    assert _schema(db_path) == schema_before


def _schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_schema ORDER BY name").fetchall()


def test_too_new_database_is_refused_and_left_unchanged(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE from_the_future (x)")
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaTooNewError, match="newer") as excinfo:
        Database.open(db_path)
    assert excinfo.value.found == LATEST_VERSION + 1
    assert excinfo.value.known == LATEST_VERSION
    assert _tables(db_path) == {"from_the_future"}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "kimi_desktop.store.migrations.MIGRATIONS", (*MIGRATIONS, broken), raising=True
    )
    monkeypatch.setattr("kimi_desktop.store.migrations.LATEST_VERSION", LATEST_VERSION + 1)
    conn = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    try:
        with pytest.raises(RuntimeError, match="boom"):
            migrate(conn)
        assert schema_version(conn) == 0
        assert conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0
    finally:
        conn.close()


def test_a_version_1_history_keeps_its_messages_and_gains_the_error_fix(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        MIGRATIONS[0](conn)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, 't', 0, 0)"
        )
        conn.execute(
            "INSERT INTO messages (conversation_id, role, text, status, error, created_at)"
            " VALUES (1, 'assistant', 'partial', 'error', 'Wrong key.', 0)"
        )
    finally:
        conn.close()

    with Database.open(db_path) as db:
        (message,) = ConversationRepository(db).messages(1)
    assert (message.text, message.error, message.error_fix) == ("partial", "Wrong key.", None)


def test_a_version_3_history_keeps_everything_and_gains_the_reply_settings(
    db_path: Path,
) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        text_fold.register(conn)
        for number, step in enumerate(MIGRATIONS[:3], start=1):
            step(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at, pinned, system_prompt,"
            " endpoint_id, model) VALUES (1, 'Trip plans', 1, 2, 1, 'Be brief.', 'moonshot',"
            " 'kimi-k2.5')"
        )
        conn.execute(
            "INSERT INTO messages (conversation_id, role, text, created_at)"
            " VALUES (1, 'user', 'Where to in June?', 3)"
        )
        conn.execute(
            "INSERT INTO messages (conversation_id, role, text, reasoning, status, model,"
            " prompt_tokens, completion_tokens, cached_tokens, error, error_fix, created_at)"
            " VALUES (1, 'assistant', 'Lisbon, then Porto', 'mild weather', 'interrupted',"
            " 'kimi-k2.5', 10, 20, 5, 'The connection dropped.', 'retry', 4)"
        )
    finally:
        conn.close()

    with Database.open(db_path) as db:
        with db.read() as read:
            assert schema_version(read) == LATEST_VERSION
        repo = ConversationRepository(db)
        (conversation,) = repo.list_conversations()
        prompt, reply = repo.messages(1)
        hits = repo.search("Porto")

    assert (conversation.title, conversation.pinned, conversation.system_prompt) == (
        "Trip plans",
        True,
        "Be brief.",
    )
    assert (conversation.endpoint_id, conversation.model) == ("moonshot", "kimi-k2.5")
    assert (conversation.max_tokens, conversation.web_search) == (None, False)
    assert prompt.text == "Where to in June?"
    assert (reply.text, reply.reasoning, reply.status) == (
        "Lisbon, then Porto",
        "mild weather",
        MessageStatus.INTERRUPTED,
    )
    assert reply.usage == Usage(10, 20, 5)
    assert (reply.error, reply.error_fix, reply.reasoning_field) == (
        "The connection dropped.",
        "retry",
        None,
    )
    assert [hit.message_id for hit in hits] == [reply.id]  # the search index came along


def test_a_version_4_history_keeps_everything_and_gains_documents_and_searches(
    db_path: Path,
) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        text_fold.register(conn)
        for number, step in enumerate(MIGRATIONS[:4], start=1):
            step(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at, system_prompt,"
            " endpoint_id, model, max_tokens, web_search) VALUES (1, 'Storms', 1, 2,"
            " 'Be brief.', 'moonshot', 'kimi-k2.5', 8192, 1)"
        )
        conn.execute("INSERT INTO blobs (sha256, data) VALUES ('abc', x'89504e47')")
        conn.execute(
            "INSERT INTO messages (id, conversation_id, role, text, created_at)"
            " VALUES (10, 1, 'user', 'Any storms today?', 3)"
        )
        conn.execute(
            "INSERT INTO attachments (message_id, position, sha256, mime, width, height, size,"
            " name) VALUES (10, 0, 'abc', 'image/png', 2, 2, 4, 'sky.png')"
        )
        conn.execute(
            "INSERT INTO messages (id, conversation_id, role, text, reasoning, status, model,"
            " prompt_tokens, completion_tokens, cached_tokens, error, error_fix, created_at,"
            " reasoning_field) VALUES (11, 1, 'assistant', 'A storm crossed the bay.',"
            " 'look outside', 'stopped', 'kimi-k2.5', 10, 20, 5, NULL, NULL, 4, 'reasoning')"
        )
    finally:
        conn.close()
    before = _rows(db_path)

    with Database.open(db_path) as db:
        with db.read() as read:
            assert schema_version(read) == LATEST_VERSION
        repo = ConversationRepository(db)
        (conversation,) = repo.list_conversations()
        prompt, reply = repo.messages(1)
        hits = repo.search("storm crossed")
        turns = repo.tool_turns(1)

    assert _rows(db_path) == before  # every old row and value is still there, unchanged
    assert (conversation.max_tokens, conversation.web_search) == (8192, True)
    assert (prompt.text, prompt.attachments[0].name, prompt.documents) == (
        "Any storms today?",
        "sky.png",
        (),
    )
    assert (reply.text, reply.reasoning, reply.status) == (
        "A storm crossed the bay.",
        "look outside",
        MessageStatus.STOPPED,
    )
    assert (reply.usage, reply.reasoning_field) == (Usage(10, 20, 5), "reasoning")
    assert (reply.web_searches, reply.documents, turns) == (0, (), {})
    assert [hit.message_id for hit in hits] == [reply.id]
    assert "documents" in _tables(db_path)


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables version 4 had, in the columns version 4 had."""
    columns = {
        "conversations": "id, title, created_at, updated_at, pinned, system_prompt,"
        " endpoint_id, model, max_tokens, web_search",
        "messages": "id, conversation_id, role, text, reasoning, reasoning_seconds, status,"
        " model, prompt_tokens, completion_tokens, cached_tokens, error, error_fix,"
        " created_at, reasoning_field",
        "attachments": "message_id, position, sha256, mime, width, height, size, name",
        "blobs": "sha256, data",
    }
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT {names} FROM {table} ORDER BY rowid").fetchall()
            for table, names in columns.items()
        }
