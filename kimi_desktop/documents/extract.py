"""Reading an attached file into an :class:`ExtractedDocument` on this computer.

:func:`extract_local` is a pure function of its arguments, with no shared state,
so it runs in a worker thread (``services.workers.in_worker``); it is the slow
step of attaching a PDF (4 to 20 ms a page, see
:data:`~kimi_desktop.documents.limits.MAX_PAGES`).
"""

from __future__ import annotations

from kimi_desktop.documents import errors
from kimi_desktop.documents.document import ExtractedDocument
from kimi_desktop.documents.kinds import DocumentKind, kind_of
from kimi_desktop.documents.limits import LOCAL_LIMITS, DocumentLimits
from kimi_desktop.documents.text import count_lines, decode_text


def check_size(name: str, size: int, max_bytes: int) -> None:
    """Refuse a file of ``size`` bytes over ``max_bytes``, before it is read.

    ``max_bytes`` is :data:`~kimi_desktop.documents.limits.MAX_LOCAL_BYTES` for
    reading here, :data:`~kimi_desktop.documents.limits.MAX_UPLOAD_BYTES` for
    Moonshot's files API.
    """
    if size > max_bytes:
        raise errors.too_large(name, size, max_bytes)


def extract_local(
    name: str, data: bytes, *, limits: DocumentLimits = LOCAL_LIMITS
) -> ExtractedDocument:
    """The text of the file ``name`` holding ``data``, read on this computer.

    Text files and PDFs only; raises
    :class:`~kimi_desktop.documents.errors.DocumentError` with the sentence to
    show for anything else, and for every way such a file can fail.
    """
    kind = kind_of(name, data)
    if kind is None:
        raise errors.unsupported(name)
    if kind.needs_files_api:
        raise errors.needs_files_api(name)
    check_size(name, len(data), limits.max_bytes)
    if not data:
        raise errors.empty(name)
    if kind is DocumentKind.PDF:
        # Here, not at the top: PDFium's binding (ctypes) loads with the first PDF.
        from kimi_desktop.documents.pdf import read_pdf

        text, pages = read_pdf(name, data, limits)
        return ExtractedDocument(name=name, kind=kind, text=text, pages=pages)
    text, encoding = decode_text(name, data)
    if len(text) > limits.max_chars:
        raise errors.too_long(name, limits.max_chars)
    return ExtractedDocument(
        name=name, kind=kind, text=text, lines=count_lines(text), encoding=encoding
    )
