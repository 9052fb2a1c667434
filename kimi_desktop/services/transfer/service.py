"""``ConversationTransfer``: export and import for the window, off the GUI thread."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kimi_desktop.services.transfer.exporting import (
    Exported,
    ExportKind,
    export_archive,
    export_conversation,
)
from kimi_desktop.services.transfer.importing import import_file
from kimi_desktop.services.workers import in_worker
from kimi_desktop.store.transfer import TransferStore


class ConversationTransfer(QObject):
    """Writes conversations to files and reads them back as new conversations.

    Every method that touches a file or the whole history runs in a worker
    thread, so a long history never freezes the window. Failures raise
    :class:`~.errors.TransferFailed` with the sentence to show.

    Signals:
        conversations_imported(list[int]): new conversations were added, by id,
            in the file's order (the sidebar lists them).
    """

    conversations_imported = Signal(list)

    def __init__(self, store: TransferStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store

    def title(self, conversation_id: int) -> str | None:
        """The conversation's title (to name the file after), ``None`` if it is gone."""
        return self._store.title(conversation_id)

    async def export_conversation(
        self, conversation_id: int, path: Path, kind: ExportKind
    ) -> Exported:
        """Write one conversation to ``path`` as Markdown or JSON."""
        return await in_worker(
            functools.partial(export_conversation, self._store, conversation_id, path, kind)
        )

    async def export_all(self, path: Path) -> Exported:
        """Write every conversation (not the deleted ones) to one JSON archive."""
        return await in_worker(functools.partial(export_archive, self._store, path))

    async def import_file(self, path: Path) -> list[int]:
        """Add the conversations of a JSON export as new ones; returns their ids."""
        ids = await in_worker(functools.partial(import_file, self._store, path))
        if ids:
            self.conversations_imported.emit(ids)
        return ids
