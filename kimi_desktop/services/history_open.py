"""Opening the chat history at start-up, whatever state its folder and file are in.

Start-up never ends in a traceback because of the history. What can be wrong,
and what happens then (each said in a warning the window shows):

- The file is damaged, unreadable, or no history at all (a negative schema
  version, foreign tables, a folder in its place): it is moved aside (with any
  ``-wal`` and ``-shm`` files left beside it), a fresh history is started, and
  :attr:`OpenedHistory.folder_to_show` offers the folder.
- The file was written by a newer version: :class:`HistoryRefused`; the app says
  so and does not start (a newer schema must not be changed by an older app).
- The folder cannot be written (read-only media, permissions, a full disk, another
  program holding it): the history opens read-only if it can, so old chats can
  still be read; else a history in memory is used for this session.
- The disk is nearly full: it opens normally, with a warning that replies may not
  be saved until space is freed.

Then the start-up housekeeping runs (purge deleted chats, mark replies left
``streaming`` by a crash as interrupted) — on a writable history only. The caller
holds the data folder's lock, so no other live instance's reply is touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from kimi_desktop.i18n import _
from kimi_desktop.settings.files import move_aside
from kimi_desktop.store import (
    STORAGE_ERRORS,
    ConversationRepository,
    Database,
    Problem,
    SchemaTooNewError,
    problem_of,
)
from kimi_desktop.store.errors import LOW_SPACE_BYTES

HISTORY_FILE: Final = "history.sqlite3"
_COMPANIONS: Final = ("-wal", "-shm", "-journal")


@dataclass
class OpenedHistory:
    """The history to use, and what the user must be told about it."""

    database: Database
    warnings: list[str] = field(default_factory=list)
    folder_to_show: Path | None = None
    """A damaged history was moved aside here: offer to open the folder."""


class HistoryRefused(Exception):
    """The app must not start with this history; ``sentence`` says why and what to do."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def open_history(data_dir: Path) -> OpenedHistory:
    """Open ``data_dir``'s history for this session (see the module docstring)."""
    path = data_dir / HISTORY_FILE
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return _in_memory(path, _why(problem_of(exc, data_dir), data_dir, exc))
    try:
        database = Database.open(path)
    except SchemaTooNewError as exc:
        raise HistoryRefused(_too_new(path, exc)) from exc
    except STORAGE_ERRORS as exc:
        problem = problem_of(exc, path)
        if _is_damaged(problem, path):
            return _start_fresh(path, unreadable=False)
        if _unreadable(path):
            return _start_fresh(path, unreadable=True)
        return _read_only_or_in_memory(path, problem, exc)
    return _tidy(database)


def _tidy(database: Database, *, fresh: bool = False) -> OpenedHistory:
    """The start-up housekeeping, and a warning when the disk is (nearly) full."""
    path = database.path
    opened = OpenedHistory(database)
    repository = ConversationRepository(database)
    full = _low_on_space(path.parent)
    try:
        repository.purge_deleted()
        repository.recover_interrupted()
    except STORAGE_ERRORS as exc:
        problem = problem_of(exc, path)
        if problem in ("damaged", "other"):
            database.close()
            if fresh:
                return _in_memory(path, _why(problem, path, exc))
            return _start_fresh(path, unreadable=False)
        full = full or problem == "full"
        if problem == "read_only":
            # SQLite opened a file it may not write read-only by itself: say so, and
            # let every command say it too.
            database.read_only = True
            opened.warnings.append(_read_only_warning(_why(problem, path, exc)))
        elif problem != "full":
            opened.warnings.append(
                # TRANSLATORS: {why} is one of the reasons such as "the disk is full (folder)".
                _(
                    "Your chat history could not be tidied up at start ({why}). "
                    "Replies may not be saved until this is fixed."
                ).format(why=_why(problem, path, exc))
            )
    if full:
        opened.warnings.append(
            _(
                "The disk holding your chat history is full ({folder}). New messages and "
                "replies cannot be saved until you free some space."
            ).format(folder=path.parent)
        )
    return opened


def _is_damaged(problem: Problem, path: Path) -> bool:
    # "other": SQL that fails on this file (foreign tables, a broken schema) means
    # it is no history this app wrote.
    return problem in ("damaged", "other") or path.is_dir()


def _unreadable(path: Path) -> bool:
    """The file exists but this user may not read it (not: the folder is read-only)."""
    try:
        with path.open("rb") as stream:
            stream.read(1)
    except FileNotFoundError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return False


def _start_fresh(path: Path, *, unreadable: bool) -> OpenedHistory:
    """Move the damaged history aside and start an empty one (in memory if that fails)."""
    try:
        kept = _move_aside(path)
    except OSError as exc:
        if unreadable:
            # TRANSLATORS: a reason, after "Your chat history cannot be used:".
            why = _("the file cannot be read, and it could not be moved aside: {error}")
        else:
            # TRANSLATORS: a reason, after "Your chat history cannot be used:".
            why = _("the file is damaged, and it could not be moved aside: {error}")
        return _in_memory(path, why.format(error=exc.strerror or exc))
    try:
        database = Database.open(path)
    except (*STORAGE_ERRORS, SchemaTooNewError) as exc:
        return _in_memory(path, _why(problem_of(exc, path), path, exc))
    opened = _tidy(database, fresh=True)
    if unreadable:
        started = _(
            "Your chat history cannot be read, so a new, empty history was started. The old "
            "file was kept as {name} in {folder}; it may be rescued with SQLite tools."
        )
    else:
        started = _(
            "Your chat history is damaged, so a new, empty history was started. The old "
            "file was kept as {name} in {folder}; it may be rescued with SQLite tools."
        )
    opened.warnings.insert(0, started.format(name=kept.name, folder=path.parent))
    opened.folder_to_show = path.parent
    return opened


def _move_aside(path: Path) -> Path:
    """Rename the history and any companion files to ``<name>.damaged-<time>[-wal…]``
    (named as damaged settings files are, by :func:`~kimi_desktop.settings.files.move_aside`).

    The companions keep their suffix after the new name, so SQLite opening the
    moved file finds them. (SQLite itself usually removes them when the failed
    connection closes, having checkpointed what it could into the file.)
    """
    target = move_aside(path, "damaged")
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            with contextlib.suppress(OSError):
                os.replace(companion, target.with_name(target.name + suffix))
    return target


def _read_only_or_in_memory(path: Path, problem: Problem, error: BaseException) -> OpenedHistory:
    why = _why(problem, path, error)
    try:
        database = Database.open_read_only(path)
    except SchemaTooNewError as exc:
        raise HistoryRefused(_too_new(path, exc)) from exc
    except STORAGE_ERRORS:
        return _in_memory(path, why)
    return OpenedHistory(database, [_read_only_warning(why)])


def _read_only_warning(why: str) -> str:
    # TRANSLATORS: {why} is one of the reasons such as "the disk is full (folder)".
    return _(
        "Your chat history is open read-only: {why}. Your chats are shown, but new "
        "messages cannot be sent or saved until this is fixed and Kimi Desktop is "
        "started again."
    ).format(why=why)


def _in_memory(path: Path, why: str) -> OpenedHistory:
    return OpenedHistory(
        Database.open_in_memory(path),
        [
            # TRANSLATORS: {why} is one of the reasons such as "the disk is full (folder)".
            _(
                "Your chat history cannot be used: {why}. Chats of this session are kept in "
                "memory only and are lost when the app closes."
            ).format(why=why)
        ],
    )


def _why(problem: Problem, path: Path, error: BaseException) -> str:
    """Why the history cannot be written: a clause the warnings above put in a sentence."""
    folder = path if path.is_dir() else path.parent
    reasons: dict[Problem, str] = {
        # TRANSLATORS: a reason, put into "Your chat history cannot be used: {why}." and
        # similar sentences; {folder} is the history's folder.
        "full": _("the disk is full ({folder})"),
        # TRANSLATORS: a reason, as above.
        "read_only": _("the folder {folder} cannot be written"),
        # TRANSLATORS: a reason, as above ("it" is the chat history).
        "busy": _("another program is using it ({folder})"),
        # TRANSLATORS: a reason, as above.
        "io": _("the disk reported an error ({folder})"),
    }
    if problem in reasons:
        return reasons[problem].format(folder=folder)
    detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
    # TRANSLATORS: a reason, as above; {error} is the system's own words for the failure.
    return _("{error} ({folder})").format(error=detail, folder=folder)


def _too_new(path: Path, exc: SchemaTooNewError) -> str:
    return _(
        "Your chat history ({path}) was written by a newer version of Kimi Desktop "
        "(history format {found}; this version knows up to {known}). Update Kimi "
        "Desktop to open it. The file was left unchanged."
    ).format(path=path, found=exc.found, known=exc.known)


def _low_on_space(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False
