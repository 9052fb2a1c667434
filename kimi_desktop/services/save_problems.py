"""The words for a history that could not be written: what happened, where, what to do.

The store tells the kind of failure (:func:`kimi_desktop.store.problem_of`); the
sentences are chosen here, in one place, for the two situations a person meets:
a reply that could not be saved (it is kept in memory and saved again), and a
command that did nothing (:class:`HistoryNotSaved`, for the presenter to show).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kimi_desktop.i18n import _
from kimi_desktop.store import STORAGE_ERRORS, ConversationRepository, Problem, problem_of


class HistoryNotSaved(Exception):
    """A command changed nothing because the history could not be written.

    ``sentence`` says why and what to do; the draft and the window stay as they were.
    """

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def reply_not_saved(error: BaseException, database: Path, *, read_only: bool = False) -> str:
    """The sentence for a reply whose text could not be saved; it stays in memory.

    ``read_only``: the history was opened read-only at start-up, so no retry helps.
    """
    folder = database.parent
    if read_only:
        return _(
            "Your history is open read-only ({folder}), so this reply is not saved. "
            "It stays in this window until you close the app; copy what you want to keep."
        ).format(folder=folder)
    problem = problem_of(error, database)
    sentences: dict[Problem, str] = {
        "full": _(
            "The disk is full ({folder}): this reply is kept in memory until it can be "
            "saved. Free some space; it is saved again automatically."
        ),
        "read_only": _(
            "The history folder cannot be written ({folder}): this reply is kept in memory "
            "until it can be saved. Make the folder writable; it is saved again automatically."
        ),
        "busy": _(
            "Another program is holding the history ({folder}): this reply is kept in "
            "memory and saved again automatically."
        ),
        "io": _(
            "The disk reported an error while saving ({folder}): this reply is kept in "
            "memory and saved again automatically."
        ),
        "damaged": _(
            "The history file is damaged ({folder}), so this reply cannot be saved. It "
            "stays in this window until you close the app; copy what you want to keep."
        ),
        "missing": _(
            "This reply could not be saved: its place in the history was removed or "
            "changed by another program. It stays in this window until you close the app; "
            "copy what you want to keep."
        ),
        "other": _(
            "This reply could not be saved ({folder}): something unexpected went wrong. "
            "It is kept in memory and saved again automatically."
        ),
    }
    return sentences[problem].format(folder=folder)


def retry_helps(error: BaseException, database: Path) -> bool:
    """Whether saving again later can succeed (space freed, a lock released)."""
    return problem_of(error, database) not in ("damaged", "missing")


@contextmanager
def writing(repository: ConversationRepository, *, sending: bool = False) -> Iterator[None]:
    """Run a command that writes the history; a history that cannot be written
    becomes :class:`HistoryNotSaved`, with the sentence for it (``sending``: the
    command was a send)."""
    try:
        yield
    except STORAGE_ERRORS as exc:
        raise HistoryNotSaved(
            command_not_saved(
                exc, repository.path, sending=sending, read_only=not repository.writable
            )
        ) from exc


def command_not_saved(
    error: BaseException, database: Path, *, sending: bool, read_only: bool = False
) -> str:
    """The sentence for a command that did nothing because the history could not be written."""
    folder = database.parent
    problem = problem_of(error, database)
    if read_only and sending:
        return _(
            "Nothing was sent: your history was opened read-only at start ({folder}), so "
            "nothing new can be saved. Free some space or make the folder writable, then "
            "restart Kimi Desktop."
        ).format(folder=folder)
    if read_only:
        return _(
            "Nothing was changed: your history was opened read-only at start ({folder}), so "
            "nothing new can be saved. Free some space or make the folder writable, then "
            "restart Kimi Desktop."
        ).format(folder=folder)
    if sending:
        sentences: dict[Problem, str] = {
            "full": _(
                "Nothing was sent: the disk is full ({folder}). Free some space, then send again."
            ),
            "read_only": _(
                "Nothing was sent: the history folder cannot be written ({folder}). "
                "Make it writable, then send again."
            ),
            "busy": _(
                "Nothing was sent: another program is holding the history ({folder}). "
                "Send again in a moment."
            ),
        }
        fallback = _(
            "Nothing was sent: the history could not be written ({folder}). Send again; "
            "if it keeps failing, restart Kimi Desktop."
        )
    else:
        sentences = {
            "full": _(
                "Nothing was changed: the disk is full ({folder}). Free some space, then try again."
            ),
            "read_only": _(
                "Nothing was changed: the history folder cannot be written "
                "({folder}). Make it writable, then try again."
            ),
            "busy": _(
                "Nothing was changed: another program is holding the history ({folder}). "
                "Try again in a moment."
            ),
        }
        fallback = _(
            "Nothing was changed: the history could not be written ({folder}). Try again; "
            "if it keeps failing, restart Kimi Desktop."
        )
    return sentences.get(problem, fallback).format(folder=folder)
