"""Why a read or write of the history failed, told apart so the words can say it.

SQLite reports a full disk, a read-only file and a damaged file with result
codes; :func:`problem_of` turns any storage exception (``sqlite3.Error``,
``OSError``, or one of the errors defined here) into one :data:`Problem`. The
sentences are chosen above the store (``services``), from the problem and the
folder.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Final, Literal

#: ``full``: no space left; ``read_only``: the file or folder may not be written;
#: ``busy``: another program holds the database; ``io``: the disk failed;
#: ``damaged``: the file is no history this app can read; ``missing``: a save
#: found no row to update; ``other``: anything else.
Problem = Literal["full", "read_only", "busy", "io", "damaged", "missing", "other"]

#: Below this many free bytes, an I/O error on the history's disk is a full disk.
LOW_SPACE_BYTES: Final = 1 << 20

# Primary SQLite result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB = 26
_BY_CODE: Final[dict[int, Problem]] = {
    _SQLITE_PERM: "read_only",
    _SQLITE_READONLY: "read_only",
    _SQLITE_BUSY: "busy",
    _SQLITE_LOCKED: "busy",
    _SQLITE_IOERR: "io",
    _SQLITE_CANTOPEN: "io",
    _SQLITE_CORRUPT: "damaged",
    _SQLITE_NOTADB: "damaged",
    _SQLITE_FULL: "full",
}
# For exceptions made without a result code (tests, wrappers), by their words.
_BY_WORDS: Final[tuple[tuple[str, Problem], ...]] = (
    ("disk is full", "full"),
    ("readonly", "read_only"),
    ("read-only", "read_only"),
    ("database is locked", "busy"),
    ("disk i/o error", "io"),
    ("unable to open", "io"),
    ("malformed", "damaged"),
    ("not a database", "damaged"),
)


class StoreError(Exception):
    """Base of the errors the store raises itself."""


class MessageNotSavedError(StoreError):
    """A save updated no row: the message is gone, or is no longer ``streaming``.

    A save that changes nothing is never silent: the caller keeps the text and
    says so (another program may have changed the history).
    """

    def __init__(self, message_id: int, why: str) -> None:
        super().__init__(f"message {message_id} was not saved: {why}")
        self.message_id = message_id


class SchemaDamagedError(sqlite3.DatabaseError):
    """The file's schema version makes no sense (negative): it is no history we wrote."""


#: Everything a storage call may raise when the disk, the file or another program fails.
STORAGE_ERRORS: Final = (sqlite3.Error, OSError, StoreError)


def problem_of(error: BaseException, where: Path | None = None) -> Problem:
    """What kind of failure ``error`` is; ``where`` (a file or folder) helps tell it.

    SQLite reports some writes to a full disk, and opening a file whose folder
    is read-only, as a plain I/O error ("disk I/O error", "unable to open");
    looking at the folder tells these apart.
    """
    problem = _classify(error)
    if problem == "io" and where is not None:
        folder = _existing_folder(where)
        if _low_on_space(folder):
            return "full"
        if not os.access(folder, os.W_OK):
            return "read_only"
    return problem


def _classify(error: BaseException) -> Problem:
    if isinstance(error, MessageNotSavedError):
        return "missing"
    if isinstance(error, SchemaDamagedError):
        return "damaged"
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _BY_CODE:
            return _BY_CODE[code & 0xFF]
        words = str(error).lower()
        return next((problem for phrase, problem in _BY_WORDS if phrase in words), "other")
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return "full"
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "read_only"
        return "io"
    return "other"


def _existing_folder(where: Path) -> Path:
    folder = where
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _low_on_space(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False
