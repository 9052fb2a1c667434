"""The connection wrapper: pragmas, transactions, closing, use from worker threads."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from kimi_desktop.store import ConversationRepository, Database


def test_open_creates_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "history.sqlite3"
    with Database.open(path) as db:
        assert db.path == path
    assert path.exists()


def test_pragmas(db: Database) -> None:
    with db.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_wal_is_persistent(db_path: Path, db: Database) -> None:
    with sqlite3.connect(db_path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_transaction_commits(db: Database, db_path: Path) -> None:
    with db.transaction() as conn:
        conn.execute("INSERT INTO blobs (sha256, data) VALUES ('a', x'00')")
    with sqlite3.connect(db_path) as other:
        assert other.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1


def _insert_then_fail(db: Database, key: str) -> None:
    with db.transaction() as conn:
        conn.execute("INSERT INTO blobs (sha256, data) VALUES (?, x'00')", (key,))
        raise RuntimeError("abandon")


def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError, match="abandon"):
        _insert_then_fail(db, "a")
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 0
        assert not conn.in_transaction


def test_nested_transaction_undoes_only_itself(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("INSERT INTO blobs (sha256, data) VALUES ('outer', x'00')")
        with pytest.raises(RuntimeError, match="abandon"):
            _insert_then_fail(db, "inner")
    with db.read() as conn:
        assert [r[0] for r in conn.execute("SELECT sha256 FROM blobs")] == ["outer"]


def test_close_is_idempotent_and_blocks_further_use(db_path: Path) -> None:
    db = Database.open(db_path)
    db.close()
    db.close()
    assert db.closed
    with pytest.raises(sqlite3.ProgrammingError), db.read():
        pass


def test_usable_from_worker_threads(db: Database) -> None:
    repo = ConversationRepository(db)
    conversation = repo.create_conversation("threads")

    async def main() -> int:
        await asyncio.gather(
            *(
                asyncio.to_thread(repo.add_message, conversation.id, "user", f"hello {i}")
                for i in range(20)
            )
        )
        return await asyncio.to_thread(repo.message_count, conversation.id)

    assert asyncio.run(main()) == 20
