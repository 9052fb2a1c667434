"""The blocking steps of attaching a document, each a pure function for a worker thread.

:func:`load_file` opens the source, refuses it by size before reading it, and
tells its kind; :func:`read_locally` turns it into an
:class:`~kimi_desktop.domain.AttachedDocument` on this computer;
:func:`attached_from_remote` does the same with the text a provider's files API
read. Every refusal is a :class:`~kimi_desktop.documents.DocumentError` whose
message names the file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kimi_desktop.documents import (
    MAX_LOCAL_BYTES,
    MAX_UPLOAD_BYTES,
    DocumentError,
    DocumentKind,
    DocumentProblem,
    check_size,
    extract_local,
    kind_of,
)
from kimi_desktop.documents import errors as document_errors
from kimi_desktop.documents.kinds import PDF_HEADER_WINDOW
from kimi_desktop.documents.limits import MAX_CHARS
from kimi_desktop.documents.text import count_lines, decode_text, normalise_newlines
from kimi_desktop.domain import AttachedDocument
from kimi_desktop.i18n import _
from kimi_desktop.services.attachments import Source
from kimi_desktop.services.document_context import document_tokens


@dataclass(frozen=True, slots=True)
class NamedData:
    """A file's bytes with its name, for a document that came without a path."""

    name: str
    data: bytes

    def __repr__(self) -> str:  # bytes would flood logs and test output
        return f"NamedData(name={self.name!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """A document's bytes, read after its size was found acceptable, and its kind."""

    name: str
    kind: DocumentKind
    data: bytes

    def __repr__(self) -> str:
        return f"LoadedFile(name={self.name!r}, kind={self.kind.value}, {len(self.data)} bytes)"


def source_name(source: Source | NamedData) -> str:
    """The file name a sentence about ``source`` uses."""
    if isinstance(source, NamedData):
        return source.name
    if isinstance(source, str):
        return Path(source).name or source
    # TRANSLATORS: stands for the name of data pasted without one, in "“{name}” ...".
    return _("pasted data")


def load_file(source: Source | NamedData, name: str, *, remote: bool) -> LoadedFile:
    """The bytes of ``source`` and its kind, refused by kind and size before being read.

    ``remote``: a provider's files API will read it (larger files allowed, and
    Office files readable). Blocking: call it in a worker thread.
    """
    if isinstance(source, str):
        loaded = _load_path(source, name, remote=remote)
    else:
        data = source.data if isinstance(source, NamedData) else source
        kind = _kind(name, data[:PDF_HEADER_WINDOW], remote=remote)
        check_size(name, len(data), _byte_limit(remote))
        loaded = LoadedFile(name, kind, data)
    if remote:
        _check_before_upload(loaded)
    return loaded


def read_locally(loaded: LoadedFile) -> AttachedDocument:
    """The text of a loaded document, read on this computer (text files and PDFs)."""
    extracted = extract_local(loaded.name, loaded.data)
    return _with_tokens(
        AttachedDocument(
            name=loaded.name,
            kind=extracted.kind.value,
            text=extracted.text,
            pages=extracted.pages,
            lines=extracted.lines,
        )
    )


def _check_before_upload(loaded: LoadedFile) -> None:
    """Refuse here what no provider should be sent: an empty file, or binary data
    under a text file's name (the provider would answer with noise, or not at all)."""
    if not loaded.data:
        raise document_errors.empty(loaded.name)
    if loaded.kind is DocumentKind.TEXT:
        try:
            decode_text(loaded.name, loaded.data)
        except DocumentError as exc:
            # An encoding not recognised here may still be one the provider reads.
            if exc.problem is not DocumentProblem.UNDECODABLE:
                raise


def attached_from_remote(loaded: LoadedFile, text: str) -> AttachedDocument:
    """The text a provider read from ``loaded``, as the document the message carries.

    Newlines are made ``\\n`` as for local text; nothing else is changed.
    """
    text = normalise_newlines(text)
    if not text.strip():
        if loaded.kind is DocumentKind.PDF:
            raise document_errors.no_text_layer(loaded.name)
        raise document_errors.empty(loaded.name)
    if len(text) > MAX_CHARS:
        raise document_errors.too_long(loaded.name, MAX_CHARS)
    lines = count_lines(text) if loaded.kind is DocumentKind.TEXT else None
    return _with_tokens(
        AttachedDocument(name=loaded.name, kind=loaded.kind.value, text=text, lines=lines)
    )


def _with_tokens(document: AttachedDocument) -> AttachedDocument:
    return AttachedDocument(
        name=document.name,
        kind=document.kind,
        text=document.text,
        pages=document.pages,
        lines=document.lines,
        tokens=document_tokens(document),
    )


def _byte_limit(remote: bool) -> int:
    return MAX_UPLOAD_BYTES if remote else MAX_LOCAL_BYTES


def _kind(name: str, head: bytes, *, remote: bool) -> DocumentKind:
    kind = kind_of(name, head)
    if kind is None:
        raise document_errors.unsupported(name)
    if kind.needs_files_api and not remote:
        raise document_errors.needs_files_api(name)
    return kind


def _load_path(path: str, name: str, *, remote: bool) -> LoadedFile:
    try:
        # Looked at before it is opened: opening a pipe would wait for a writer.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _not_a_file(name)
        with open(path, "rb") as stream:
            head = stream.read(PDF_HEADER_WINDOW)
            kind = _kind(name, head, remote=remote)
            check_size(name, os.fstat(stream.fileno()).st_size, _byte_limit(remote))
            data = head + stream.read()
    except DocumentError:
        raise
    except FileNotFoundError:
        raise _unreadable(name, _("“{name}” could not be found.")) from None
    except OSError as exc:
        message = _("“{name}” could not be read ({error}).")
        raise _unreadable(name, message, error=exc.strerror or type(exc).__name__) from None
    # The size may have changed since it was checked (a file still being written).
    check_size(name, len(data), _byte_limit(remote))
    return LoadedFile(name, kind, data)


def _not_a_file(name: str) -> DocumentError:
    message = _("“{name}” is a folder or a device, not a file. Attach the files themselves.")
    return DocumentError(message.format(name=name), DocumentProblem.UNSUPPORTED, name)


def _unreadable(name: str, message: str, **values: str) -> DocumentError:
    return DocumentError(message.format(name=name, **values), DocumentProblem.DAMAGED, name)
