"""The documents attached to the draft: read off the GUI thread, shown as chips, sent as text.

Interface first; the reading is filled in behind it. A dropped or pasted file is
routed by :func:`split_sources` to the images or to the documents; each document
becomes a :class:`DraftDocument` that is ``reading`` until its text is ready,
then holds the :class:`~kimi_desktop.domain.AttachedDocument` that goes out
with the message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from kimi_desktop.domain import AttachedDocument
from kimi_desktop.services.attachments import Source


@dataclass(frozen=True, slots=True, eq=False)
class DraftDocument:
    """One document on the draft: its name, and its text once read (``None`` while reading)."""

    name: str
    document: AttachedDocument | None = None

    @property
    def reading(self) -> bool:
        return self.document is None


def split_sources(sources: Sequence[Source]) -> tuple[list[Source], list[Source]]:
    """``(images, documents)``: which dropped or pasted sources are images and which documents.

    Raw bytes without a name are images (a pasted screenshot); a path is a
    document when its name or first bytes say so (text, code, PDF, Office).
    """
    raise NotImplementedError


class DraftDocuments(QObject):
    """The draft's documents, in the order they were added.

    Signals:
        changed(): the entries changed (a document was added, became ready, or was removed).
        rejected(str): a sentence naming each file that could not be attached.
        busy_changed(bool): whether a document is being read.
    """

    changed = Signal()
    rejected = Signal(str)
    busy_changed = Signal(bool)

    def entries(self) -> list[DraftDocument]:
        raise NotImplementedError

    def documents(self) -> tuple[AttachedDocument, ...]:
        """The documents that are ready, to send with the draft."""
        raise NotImplementedError

    def is_busy(self) -> bool:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def remove(self, index: int) -> None:
        raise NotImplementedError

    def add_sources(self, sources: Sequence[Source]) -> asyncio.Task[list[str]]:
        """Read each source off the GUI thread; the task's result is the sentences of refusals."""
        raise NotImplementedError
