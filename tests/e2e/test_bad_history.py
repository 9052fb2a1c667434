"""Start-up never dies with only a traceback, whatever is wrong with the history or the home.

Each case builds the whole app (``app.build``, as ``main`` does) over a home
prepared to fail, and checks that the app starts and says what happened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kimi_desktop import app as app_module
from kimi_desktop.app import AppParts, build
from kimi_desktop.services import history_open
from kimi_desktop.services.history_open import HistoryRefused
from kimi_desktop.services.save_problems import HistoryNotSaved
from kimi_desktop.store import LATEST_VERSION, ConversationRepository, Database
from tests.ui.app_driver import shut_down

Build = Callable[[Path], AppParts]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def history(home: Path) -> Path:
    return home / "data" / "history.sqlite3"


@pytest.fixture
def start(qapp, qloop) -> Iterator[Build]:
    built: list[AppParts] = []

    def make(home: Path) -> AppParts:
        parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(home)})
        built.append(parts)
        return parts

    yield make
    for parts in built:
        shut_down(qloop, parts)


def _history_with_a_chat(history: Path) -> int:
    with Database.open(history) as db:
        repo = ConversationRepository(db)
        conversation = repo.create_conversation("kept")
        repo.add_message(conversation.id, "user", "hello")
        return conversation.id


def _foreign_tables(history: Path) -> None:
    with sqlite3.connect(history) as conn:
        conn.execute("CREATE TABLE conversations (something_else)")
    conn.close()


def _negative_version(history: Path) -> None:
    with sqlite3.connect(history) as conn:
        conn.execute("PRAGMA user_version = -1")
    conn.close()


DAMAGED: dict[str, Callable[[Path], object]] = {
    "garbage": lambda p: p.write_bytes(b"\x00\x01 not a database at all " * 400),
    "cut short": lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 80),
    "a folder": lambda p: p.mkdir(),
    "a negative schema version": _negative_version,
    "someone else's tables": _foreign_tables,
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_history_is_moved_aside_and_a_fresh_one_started(
    start: Build, home: Path, history: Path, damage: Callable[[Path], object]
) -> None:
    history.parent.mkdir(parents=True)
    damage(history)

    parts = start(home)

    [kept] = history.parent.glob("history.sqlite3.damaged-*")
    warning = next(w for w in parts.warnings if "history" in w)
    assert "new, empty history was started" in warning
    assert kept.name in warning
    assert parts.folder_to_show == history.parent
    conversation = parts.history.create(endpoint_id=None, model=None)  # it works
    assert [c.id for c in parts.history.conversations()] == [conversation.id]


def test_a_history_from_a_newer_version_is_refused_in_words(
    qapp, home: Path, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history.parent.mkdir(parents=True)
    with sqlite3.connect(history) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    with pytest.raises(HistoryRefused) as excinfo:
        build(qapp, environ={"KIMI_DESKTOP_HOME": str(home)})
    assert "newer version of Kimi Desktop" in excinfo.value.sentence
    assert str(history) in excinfo.value.sentence


def test_main_shows_the_newer_version_in_a_dialog_not_a_traceback(
    qapp,
    home: Path,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    history.parent.mkdir(parents=True)
    with sqlite3.connect(history) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    monkeypatch.setenv("KIMI_DESKTOP_HOME", str(home))
    said: list[str] = []
    monkeypatch.setattr(app_module, "refuse_to_start", said.append)

    assert app_module.main([]) == 1

    [sentence] = said
    assert "Update Kimi Desktop" in sentence
    assert "Traceback" not in capsys.readouterr().err
    with sqlite3.connect(history) as conn:  # left unchanged
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1
    conn.close()
    # The data folder was released: the next start (after an update) is not refused.
    from kimi_desktop.store import DataDirLock

    with DataDirLock.acquire(history.parent):
        pass


def test_a_history_that_cannot_be_written_opens_read_only(
    start: Build, home: Path, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation_id = _history_with_a_chat(history)

    def read_only_media(_path: object) -> Database:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(history_open.Database, "open", read_only_media)
    parts = start(home)

    assert any("open read-only" in w for w in parts.warnings)
    assert [c.id for c in parts.history.conversations()] == [conversation_id]
    assert [m.text for m in parts.history.messages(conversation_id)] == ["hello"]
    with pytest.raises(HistoryNotSaved) as excinfo:
        parts.chat.send(
            conversation_id, "again", endpoint_id="demo", model="kimi-k2.5", thinking=None
        )
    assert "read-only" in excinfo.value.sentence


def test_a_full_home_without_history_starts_in_memory_and_says_so(
    start: Build, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(_path: object) -> Database:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(history_open.Database, "open", full_disk)
    parts = start(home)

    [warning] = [w for w in parts.warnings if "history" in w]
    assert "the disk is full" in warning
    assert "kept in memory only" in warning
    assert parts.database.in_memory
    parts.history.create(endpoint_id=None, model=None)


def test_an_unreadable_history_is_moved_aside(
    start: Build, home: Path, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history_with_a_chat(history)
    real_open = Database.open

    def unreadable_once(path: object) -> Database:
        if Path(str(path)).exists():
            raise sqlite3.OperationalError("unable to open database file")
        return real_open(path)  # type: ignore[arg-type]

    monkeypatch.setattr(history_open.Database, "open", unreadable_once)
    monkeypatch.setattr(history_open, "_unreadable", lambda _p: True)  # tests run as root
    parts = start(home)

    assert any("cannot be read" in w for w in parts.warnings)
    assert len(list(history.parent.glob("history.sqlite3.damaged-*"))) == 1
    assert parts.folder_to_show == history.parent


def test_a_nearly_full_disk_is_said_at_start(
    start: Build, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    monkeypatch.setattr(
        history_open.shutil,
        "disk_usage",
        lambda _p: shutil._ntuple_diskusage(1 << 30, 1 << 30, 1000),  # type: ignore[attr-defined]
    )
    parts = start(home)
    assert any("The disk holding your chat history is full" in w for w in parts.warnings)


def test_files_where_folders_should_be_are_said_not_raised(start: Build, home: Path) -> None:
    home.mkdir()
    (home / "data").write_text("not a folder")
    (home / "config").write_text("not a folder either")

    parts = start(home)

    assert any("kept in memory only" in w for w in parts.warnings)
    assert parts.database.in_memory
    assert parts.lock is None  # nothing to lock: nothing on disk is written either
    parts.window.close()  # saving the window size fails quietly
