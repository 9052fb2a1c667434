"""Exporting: one conversation as Markdown or JSON, or every conversation as one archive.

Runs in a worker thread (see :class:`~.service.ConversationTransfer`); an
archive is read and written one conversation at a time, so memory stays at
the size of the largest conversation however long the history is.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kimi_desktop.domain import MessageStatus
from kimi_desktop.domain.export_format import PortableConversation
from kimi_desktop.i18n import _
from kimi_desktop.services.transfer.errors import TransferFailed
from kimi_desktop.services.transfer.files import replacing
from kimi_desktop.services.transfer.json_export import (
    write_archive_file,
    write_conversation_file,
)
from kimi_desktop.services.transfer.markdown_export import write_markdown
from kimi_desktop.store import STORAGE_ERRORS
from kimi_desktop.store.transfer import TransferStore


class ExportKind(enum.StrEnum):
    """What a conversation is exported as: to read (Markdown) or to restore (JSON)."""

    MARKDOWN = "markdown"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: the file, how many conversations, and the images' folder
    (Markdown with images only)."""

    path: Path
    conversations: int
    images_folder: Path | None = None


def export_conversation(
    store: TransferStore, conversation_id: int, path: Path, kind: ExportKind
) -> Exported:
    """Write one conversation to ``path``; raises :class:`TransferFailed`."""
    conversation = _read(store, conversation_id)
    if conversation is None:
        raise TransferFailed(_("This conversation no longer exists, so nothing was exported."))
    try:
        if kind is ExportKind.MARKDOWN:
            return Exported(path, 1, write_markdown(conversation, path))
        with replacing(path) as stream:
            write_conversation_file(stream, conversation)
    except OSError as exc:
        raise _not_written(path, exc) from exc
    return Exported(path, 1)


def _every_conversation(store: TransferStore) -> Iterator[PortableConversation]:
    """Every conversation not deleted, read one at a time, oldest first."""
    try:
        ids = store.conversation_ids()
    except STORAGE_ERRORS as exc:
        raise _not_read(store) from exc
    for conversation_id in ids:
        conversation = _read(store, conversation_id)
        if conversation is not None:  # deleted meanwhile
            yield conversation


def export_archive(store: TransferStore, path: Path) -> Exported:
    """Write every conversation to one JSON archive at ``path``; raises :class:`TransferFailed`."""
    try:
        with replacing(path) as stream:
            count = write_archive_file(stream, _every_conversation(store))
    except OSError as exc:
        raise _not_written(path, exc) from exc
    return Exported(path, count)


def _read(store: TransferStore, conversation_id: int) -> PortableConversation | None:
    try:
        conversation = store.read(conversation_id)
    except STORAGE_ERRORS as exc:
        raise _not_read(store) from exc
    return None if conversation is None else settled(conversation)


def settled(conversation: PortableConversation) -> PortableConversation:
    """The conversation as a restart would leave it: a reply still arriving is exported
    as interrupted with what has arrived, since nothing will finish it in the copy."""
    if all(m.status is not MessageStatus.STREAMING for m in conversation.messages):
        return conversation
    return replace(
        conversation,
        messages=tuple(
            replace(
                message,
                status=MessageStatus.INTERRUPTED,
                error=_(
                    "This reply was still arriving when it was exported; what had arrived is kept."
                ),
                error_fix="retry",
            )
            if message.status is MessageStatus.STREAMING
            else message
            for message in conversation.messages
        ),
    )


def _not_read(store: TransferStore) -> TransferFailed:
    return TransferFailed(
        _(
            "Nothing was exported: the history could not be read ({folder}). Try again; if "
            "it keeps failing, restart Kimi Desktop."
        ).format(folder=store.path.parent)
    )


def _not_written(path: Path, error: OSError) -> TransferFailed:
    return TransferFailed(
        _("Nothing was exported: “{path}” could not be written ({reason}).").format(
            path=path, reason=error.strerror or error
        )
    )
