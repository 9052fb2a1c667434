"""The documents attached to the draft: read off the GUI thread, shown as chips, sent as text.

A dropped or pasted file is routed by :func:`split_sources` to the images or to
the documents; each document becomes a :class:`DraftDocument` that is
``reading`` until its text is ready, then holds the
:class:`~kimi_desktop.domain.AttachedDocument` that goes out with the message.

How a file is read (:mod:`.document_reading` does the blocking part in a worker
thread): its size is checked before it is read, against
:data:`~kimi_desktop.documents.MAX_LOCAL_BYTES` for reading here and
:data:`~kimi_desktop.documents.MAX_UPLOAD_BYTES` for Moonshot's files API. With
no remote reader, text files and PDFs are read here
(:func:`~kimi_desktop.documents.extract_local`) and Word, Excel and PowerPoint
files are refused. With one (:meth:`DraftDocuments.set_extractor`; the window
sets Moonshot's files API on Moonshot endpoints), every document goes to it, as
Moonshot's own guides read files. Every refusal is a sentence naming the file;
a document that fails half-way (a network drop mid-upload) leaves nothing
behind, and the draft and the other attachments stay as they were.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from kimi_desktop.api import ApiError, describe
from kimi_desktop.documents import DocumentError, kind_of
from kimi_desktop.domain import AttachedDocument
from kimi_desktop.i18n import _
from kimi_desktop.images.formats import sniff
from kimi_desktop.services.attachments import Source
from kimi_desktop.services.document_reading import (
    LoadedFile,
    NamedData,
    attached_from_remote,
    load_file,
    read_locally,
    source_name,
)
from kimi_desktop.services.workers import in_worker

__all__ = [
    "IMAGE_EXTENSIONS",
    "DocumentSource",
    "DraftDocument",
    "DraftDocuments",
    "Extractor",
    "NamedData",
    "split_sources",
]

#: ``extractor(name, data) -> text``: a provider reading a document (Moonshot's files API).
Extractor = Callable[[str, bytes], Awaitable[str]]
#: What a document can come from: a path, or a file's bytes with its name.
DocumentSource = Source | NamedData

_IMAGE_EXTENSION_WORDS = "png jpg jpeg jpe jfif webp gif bmp tif tiff heic heif avif ico jxl"
IMAGE_EXTENSIONS = frozenset(_IMAGE_EXTENSION_WORDS.split())
"""Extensions that make a path an image (lower case, without the dot), whatever it
holds: the images then say what they cannot take. SVG is read as a text document
(its markup is what a model can use)."""

#: Bytes read from a file of unknown extension to see whether it is an image.
_SNIFF_BYTES = 32


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

    Raw bytes without a name are images (a pasted screenshot); a path is an
    image when its extension or its first bytes say so; anything else is a
    document, and the documents refuse what they cannot read, naming the file.
    A name that says text, code, PDF or Office decides without reading: a PNG
    renamed ``.txt`` is then refused as binary, as its name promised text. Only
    a path whose extension says nothing is opened, for its first 32 bytes.
    """
    images: list[Source] = []
    documents: list[Source] = []
    for source in sources:
        (images if _is_image(source) else documents).append(source)
    return images, documents


def _is_image(source: Source) -> bool:
    if isinstance(source, bytes):
        return True
    name = os.path.basename(source)
    extension = os.path.splitext(name)[1].removeprefix(".").lower()
    if extension in IMAGE_EXTENSIONS:
        return True
    if kind_of(name, b"") is not None:
        return False
    try:
        with open(source, "rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except OSError:
        return False  # the documents say why it cannot be read
    return sniff(head) is not None


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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[DraftDocument] = []
        self._reads: dict[DraftDocument, asyncio.Future[str | None]] = {}
        self._pending = 0  # sources being read (busy while > 0)
        self._extractor: Extractor | None = None

    # -- state -------------------------------------------------------------------

    def entries(self) -> list[DraftDocument]:
        return list(self._entries)

    def documents(self) -> tuple[AttachedDocument, ...]:
        """The documents that are ready, to send with the draft."""
        return tuple(e.document for e in self._entries if e.document is not None)

    def is_busy(self) -> bool:
        return self._pending > 0

    def set_extractor(self, extractor: Extractor | None) -> None:
        """Read documents added from now on with ``extractor`` (``None``: on this computer).

        The window sets Moonshot's files API here while a Moonshot endpoint is
        active (``EndpointService.file_reader``); documents being read go on
        with the reader they started with.
        """
        self._extractor = extractor

    def has_extractor(self) -> bool:
        """Whether documents are read by a provider (Office files need one)."""
        return self._extractor is not None

    def clear(self) -> None:
        """Drop every document; those still being read are stopped."""
        for read in self._reads.values():
            read.cancel()
        self._reads.clear()
        self._entries.clear()
        self.changed.emit()

    def remove(self, index: int) -> None:
        """Remove the document at ``index``; one still being read is stopped (an upload
        in flight is deleted from the provider by the files API itself)."""
        if not 0 <= index < len(self._entries):
            return
        entry = self._entries.pop(index)
        read = self._reads.pop(entry, None)
        if read is not None:
            read.cancel()
        self.changed.emit()

    # -- adding ------------------------------------------------------------------

    def add_sources(self, sources: Sequence[DocumentSource]) -> asyncio.Task[list[str]]:
        """Read each source off the GUI thread; the task's result is the sentences of refusals.

        Each source shows at once as a chip being read, so Send waits for it
        (busy from this call on), and becomes ready or goes away on its own,
        without waiting for the others. The sentences are said (``rejected``) and
        returned in the order of ``sources``.
        """
        sources = list(sources)
        extractor = self._extractor
        entries = [DraftDocument(source_name(source)) for source in sources]
        reads = [
            asyncio.ensure_future(self._read(entry, source, extractor))
            for entry, source in zip(entries, sources, strict=True)
        ]
        if sources:
            self._entries += entries
            self._reads.update(zip(entries, reads, strict=True))
            self._set_pending(self._pending + len(sources))
            self.changed.emit()
        task = asyncio.ensure_future(self._collect(reads))
        if sources:
            task.add_done_callback(lambda _task: self._set_pending(self._pending - len(sources)))
        return task

    async def _collect(self, reads: Sequence[asyncio.Future[str | None]]) -> list[str]:
        """The refusals in the order of the sources, each said (``rejected``) as soon
        as it and those before it are known."""
        refusals: list[str] = []
        try:
            for read in reads:
                try:
                    sentence = await asyncio.shield(read)
                except asyncio.CancelledError:
                    if not read.cancelled():
                        raise  # this task itself was cancelled
                    continue  # that one was removed from the draft
                if sentence is not None:
                    refusals.append(sentence)
                    self.rejected.emit(sentence)
        except asyncio.CancelledError:
            for read in reads:
                read.cancel()
            raise
        return refusals

    async def _read(
        self, entry: DraftDocument, source: DocumentSource, extractor: Extractor | None
    ) -> str | None:
        """Read one source into its entry; the sentence of its refusal, or ``None``."""
        name = entry.name
        try:
            document = await _read_document(source, name, extractor)
        except asyncio.CancelledError:
            self._drop(entry)  # already gone when removed from the draft or cleared
            raise
        except DocumentError as exc:
            sentence = exc.message
        except ApiError as exc:
            sentence = _provider_refusal(name, exc)
        except Exception as exc:  # a defect: the draft goes on without this file
            sentence = _("“{name}” could not be attached ({error}).").format(
                name=name, error=type(exc).__name__
            )
        else:
            return self._settle(entry, document)
        finally:
            self._reads.pop(entry, None)
        self._drop(entry)
        return sentence

    def _settle(self, entry: DraftDocument, document: AttachedDocument) -> str | None:
        """Put the read document in its entry's place; a second copy is refused."""
        if entry not in self._entries:
            return None  # removed while it was read
        if any(
            e.document is not None and (e.name, e.document.text) == (entry.name, document.text)
            for e in self._entries
        ):
            self._drop(entry)
            return _("“{name}” is already attached.").format(name=entry.name)
        self._entries[self._entries.index(entry)] = DraftDocument(entry.name, document)
        self.changed.emit()
        return None

    def _drop(self, entry: DraftDocument) -> None:
        with contextlib.suppress(ValueError):
            self._entries.remove(entry)
            self.changed.emit()

    def _set_pending(self, pending: int) -> None:
        was_busy = self._pending > 0
        self._pending = pending
        if was_busy != (pending > 0):
            self.busy_changed.emit(pending > 0)


async def _read_document(
    source: DocumentSource, name: str, extractor: Extractor | None
) -> AttachedDocument:
    """The document in ``source``: read here, or by ``extractor`` when there is one."""
    loaded: LoadedFile = await in_worker(
        functools.partial(load_file, source, name, remote=extractor is not None)
    )
    if extractor is None:
        return await in_worker(functools.partial(read_locally, loaded))
    text = await extractor(loaded.name, loaded.data)
    return await in_worker(functools.partial(attached_from_remote, loaded, text))


def _provider_refusal(name: str, error: ApiError) -> str:
    """The provider's refusal in its own words, naming the file."""
    reason = describe(error)
    if name in reason:
        return reason
    # TRANSLATORS: {reason} is a whole sentence saying why (the provider's words).
    return _("“{name}” was not attached. {reason}").format(name=name, reason=reason)
