"""Fixtures: a fresh history database in ``tmp_path`` and a repository with a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kimi_desktop.store import ConversationRepository, Database


class FakeClock:
    """Returns a time one second later on every call, so orderings are deterministic."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    with Database.open(db_path) as database:
        yield database


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def repo(db: Database, clock: FakeClock) -> ConversationRepository:
    return ConversationRepository(db, clock=clock)
