"""Importing an export file as new conversations: everything in it, or nothing."""

from __future__ import annotations

from pathlib import Path

from kimi_desktop.services.save_problems import command_not_saved
from kimi_desktop.services.transfer.errors import TransferFailed
from kimi_desktop.services.transfer.json_import import read_import_file
from kimi_desktop.store import STORAGE_ERRORS
from kimi_desktop.store.transfer import TransferStore


def import_file(store: TransferStore, path: Path) -> list[int]:
    """Add the conversations in the export at ``path`` as new ones; returns their ids.

    The file is read and checked whole first, then written in one transaction:
    a damaged file, a file from a newer version, or a history that cannot be
    written raise :class:`TransferFailed` with nothing imported. Existing
    conversations are never touched, even when the file came from them.
    """
    conversations = read_import_file(path)
    if not conversations:
        return []
    try:
        return store.insert(conversations)
    except STORAGE_ERRORS as exc:
        raise TransferFailed(
            command_not_saved(exc, store.path, sending=False, read_only=not store.writable)
        ) from exc
