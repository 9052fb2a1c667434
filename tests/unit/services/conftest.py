"""Fixtures: a fresh history database in ``tmp_path``, with the repository and the
transfer store the export and import tests read and write it through."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kimi_desktop.store import ConversationRepository, Database
from kimi_desktop.store.transfer import TransferStore


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database.open(tmp_path / "history.sqlite3") as database:
        yield database


@pytest.fixture
def repo(db: Database) -> ConversationRepository:
    return ConversationRepository(db)


@pytest.fixture
def store(db: Database) -> TransferStore:
    return TransferStore(db)
