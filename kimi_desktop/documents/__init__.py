"""Attached documents: what kind a file is, its text, and how the model sees it.

Text files (with their encoding found) and PDFs are read here, in a worker
thread; Word, Excel and PowerPoint files are recognised but only Moonshot's
files API reads them. No Qt: this sits beside ``render`` and ``images``. The
numbers that bound it live in :mod:`kimi_desktop.documents.limits`.

The names below load their module on first use: the window needs to know a
file's kind at start, but reading one (PDFium through ctypes, the encoding
detection) only once a document is attached.
"""

from typing import TYPE_CHECKING

from kimi_desktop.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from kimi_desktop.documents.context import context_block
    from kimi_desktop.documents.document import ExtractedDocument
    from kimi_desktop.documents.errors import DocumentError, DocumentProblem
    from kimi_desktop.documents.extract import check_size, extract_local
    from kimi_desktop.documents.kinds import DocumentKind, kind_of
    from kimi_desktop.documents.limits import (
        LOCAL_LIMITS,
        MAX_LOCAL_BYTES,
        MAX_UPLOAD_BYTES,
        DocumentLimits,
    )

#: Each public name and the module of this package that defines it.
_HOMES = {
    "LOCAL_LIMITS": "limits",
    "MAX_LOCAL_BYTES": "limits",
    "MAX_UPLOAD_BYTES": "limits",
    "DocumentError": "errors",
    "DocumentKind": "kinds",
    "DocumentLimits": "limits",
    "DocumentProblem": "errors",
    "ExtractedDocument": "document",
    "check_size": "extract",
    "context_block": "context",
    "extract_local": "extract",
    "kind_of": "kinds",
}

__all__ = [
    "LOCAL_LIMITS",
    "MAX_LOCAL_BYTES",
    "MAX_UPLOAD_BYTES",
    "DocumentError",
    "DocumentKind",
    "DocumentLimits",
    "DocumentProblem",
    "ExtractedDocument",
    "check_size",
    "context_block",
    "extract_local",
    "kind_of",
]


if not TYPE_CHECKING:  # hidden from mypy, which then still flags an unknown name
    __getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
