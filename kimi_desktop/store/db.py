"""The one SQLite connection behind the chat history.

The app keeps a single connection for its whole life. It is opened with
``check_same_thread=False`` so a slow query (a search over a large history, a
purge) can run in a worker via ``asyncio.to_thread`` while the event loop stays
responsive; a re-entrant lock makes sure only one thread uses the connection at
a time. The connection runs in autocommit mode (``isolation_level=None``) and
every write goes through :meth:`Database.transaction`, so when a transaction
starts and ends is explicit and never left to the ``sqlite3`` module's guesses.

Pragmas, and why:

- ``journal_mode=WAL``: readers never block the writer, and a kill mid-write
  leaves the last committed state intact.
- ``synchronous=NORMAL``: in WAL mode this is still crash-safe for the
  database; only the last few commits may be lost on a power cut, which is the
  right trade for the frequent small writes of a streaming reply.
- ``foreign_keys=ON``: SQLite leaves it off by default, and message and
  attachment cascades depend on it.
- ``busy_timeout``: a second copy of the app (or a backup tool) holding the
  write lock briefly makes us wait instead of failing at once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from kimi_desktop.store.migrations import migrate

BUSY_TIMEOUT_MS = 5_000


class Database:
    """An open history database; use :meth:`open` (or :meth:`open_read_only`,
    :meth:`open_in_memory` when the folder cannot be written), not the constructor.

    Usable as a context manager (closes on exit). All access to the raw
    connection goes through :meth:`transaction` (writes) or :meth:`read`.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool = False,
        in_memory: bool = False,
    ) -> None:
        self._conn = connection
        self._lock = threading.RLock()
        self._depth = 0
        self._closed = False
        self.path = path
        self.read_only = read_only
        """Opened for reading only (:meth:`open_read_only`): every write fails."""
        self.in_memory = in_memory
        """Lives in memory only (:meth:`open_in_memory`): lost when the app ends."""

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Database:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date.

        Raises :class:`~kimi_desktop.store.migrations.SchemaTooNewError` when the
        file was written by a newer version of the app.
        """
        db_path = Path(path)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return cls(conn, db_path)

    @classmethod
    def open_read_only(cls, path: str | os.PathLike[str]) -> Database:
        """Open an existing, up-to-date history for reading only; every write then fails.

        For a history on read-only media or in a folder this user may not write:
        the chats are still there to read. ``mode=ro`` first; when even that
        needs a write (a WAL file's shared-memory index cannot be created), the
        file is opened as ``immutable``. Raises ``sqlite3.Error`` when it cannot
        be opened, is damaged, or needs a migration (which would be a write),
        and :class:`~kimi_desktop.store.migrations.SchemaTooNewError` as
        :meth:`open` does.
        """
        db_path = Path(path)
        if not db_path.is_file():
            raise sqlite3.OperationalError("unable to open database file")
        uri = "file:" + quote(str(db_path.absolute()), safe="/")
        failure: sqlite3.Error | None = None
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            conn = sqlite3.connect(
                uri + query, uri=True, isolation_level=None, check_same_thread=False
            )
            try:
                conn.row_factory = sqlite3.Row
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys = ON")
                # Only reads an up-to-date file; raises when it is too new or damaged,
                # or when it needs a migration (a write, refused on a read-only file).
                migrate(conn)
                conn.execute("SELECT count(*) FROM conversations").fetchone()
            except sqlite3.Error as exc:
                conn.close()
                failure = exc
                continue
            except BaseException:
                conn.close()
                raise
            return cls(conn, db_path, read_only=True)
        assert failure is not None
        raise failure

    @classmethod
    def open_in_memory(cls, path: str | os.PathLike[str] = ":memory:") -> Database:
        """A fresh history that lives in memory only, for a session with no usable folder.

        ``path`` is where the history would have been: sentences name its folder.
        """
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
        return cls(conn, Path(path), in_memory=True)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    def close(self) -> None:
        """Close the connection; calling it again does nothing.

        ``PRAGMA optimize`` first, as SQLite recommends for long-lived
        connections: it refreshes planner statistics where they went stale.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            # Optional upkeep: a busy or read-only file must not stop the close.
            with suppress(sqlite3.Error):
                self._conn.execute("PRAGMA optimize")
            self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and hand out the connection for queries that only read.

        Holding the lock across several SELECTs also gives them a consistent
        view, since no other thread of the app can write in between.
        """
        with self._lock:
            self._check_open()
            yield self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block atomically: commit on success, roll back on any exception.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so a transaction
        that reads and then writes cannot fail half-way with "database is
        locked". Nested use becomes a SAVEPOINT, so an inner block that fails
        and is handled by its caller undoes only its own changes.
        """
        with self._lock:
            self._check_open()
            if self._depth:
                name = f"nested_{self._depth}"
                self._conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute(f"ROLLBACK TO {name}")
                    self._conn.execute(f"RELEASE {name}")
                    raise
                else:
                    self._conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._conn
                # A full disk may fail the COMMIT itself (the WAL grows only then);
                # the transaction must not stay open, or every later BEGIN fails.
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    def _check_open(self) -> None:
        if self._closed:
            raise sqlite3.ProgrammingError("the history database is closed")
