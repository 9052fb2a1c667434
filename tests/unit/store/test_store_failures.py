"""When the disk, the file or another program fails the history: told apart, never silent."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from kimi_desktop.domain import MessageStatus
from kimi_desktop.store import (
    LATEST_VERSION,
    ConversationRepository,
    Database,
    MessageNotSavedError,
    SchemaTooNewError,
    problem_of,
)
from kimi_desktop.store.errors import SchemaDamagedError


def _write_that_fails_at_commit(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute(
            "INSERT INTO attachments (message_id, position, sha256, mime, width, height, size)"
            " VALUES (999, 0, 'nope', 'image/png', 1, 1, 1)"
        )


def test_a_failed_commit_leaves_no_transaction_open(db: Database) -> None:
    # A COMMIT can fail (a full disk grows the WAL only then); a deferred foreign
    # key makes it fail here on purpose. The next write must still work.
    with pytest.raises(sqlite3.IntegrityError):
        _write_that_fails_at_commit(db)
    with db.read() as conn:
        assert not conn.in_transaction
    repo = ConversationRepository(db)
    assert repo.create_conversation("after the failure").title == "after the failure"


def test_a_negative_schema_version_is_a_damaged_file_left_unchanged(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE something_else (x)")
        conn.execute("PRAGMA user_version = -3")
    with pytest.raises(SchemaDamagedError) as excinfo:
        Database.open(db_path)
    assert problem_of(excinfo.value) == "damaged"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == -3


def test_read_only_open_reads_and_refuses_every_write(db_path: Path) -> None:
    with Database.open(db_path) as db:
        repo = ConversationRepository(db)
        conversation = repo.create_conversation("kept")
        repo.add_message(conversation.id, "user", "hello")
    with Database.open_read_only(db_path) as db:
        assert db.read_only
        repo = ConversationRepository(db)
        assert not repo.writable
        assert [c.title for c in repo.list_conversations()] == ["kept"]
        assert [m.text for m in repo.messages(conversation.id)] == ["hello"]
        with pytest.raises(sqlite3.OperationalError) as excinfo:
            repo.create_conversation("new")
        assert problem_of(excinfo.value) == "read_only"


def test_read_only_open_refuses_a_missing_or_too_new_file(db_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError):
        Database.open_read_only(db_path)
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaTooNewError):
        Database.open_read_only(db_path)


def test_in_memory_history_works_and_names_where_it_would_be(tmp_path: Path) -> None:
    where = tmp_path / "data" / "history.sqlite3"
    with Database.open_in_memory(where) as db:
        assert db.in_memory
        assert db.path == where
        repo = ConversationRepository(db)
        conversation = repo.create_conversation("only in memory")
        reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
        repo.update_streaming(reply.id, "partial", "")
        assert repo.get_message(reply.id).text == "partial"  # type: ignore[union-attr]
    assert not where.exists()


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read_only"),
        (sqlite3.OperationalError("database is locked"), "busy"),
        (sqlite3.OperationalError("disk I/O error"), "io"),
        (sqlite3.DatabaseError("file is not a database"), "damaged"),
        (sqlite3.DatabaseError("database disk image is malformed"), "damaged"),
        (OSError(errno.ENOSPC, "No space left on device"), "full"),
        (OSError(errno.EROFS, "Read-only file system"), "read_only"),
        (OSError(errno.EACCES, "Permission denied"), "read_only"),
        (MessageNotSavedError(1, "gone"), "missing"),
        (RuntimeError("a bug"), "other"),
    ],
)
def test_problems_are_told_apart(error: BaseException, problem: str) -> None:
    assert problem_of(error) == problem


def test_a_real_result_code_is_read(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is no database, just some text " * 100)
    with pytest.raises(sqlite3.DatabaseError) as excinfo:
        Database.open(db_path)
    assert problem_of(excinfo.value) == "damaged"


def test_an_io_error_on_a_full_disk_counts_as_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from kimi_desktop.store import errors

    monkeypatch.setattr(errors.shutil, "disk_usage", lambda _p: shutil._ntuple_diskusage(10, 10, 0))  # type: ignore[attr-defined]
    assert problem_of(sqlite3.OperationalError("disk I/O error"), tmp_path / "x") == "full"
