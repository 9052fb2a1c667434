"""Attached documents: what kind a file is, its text, and how the model sees it.

Text files (with their encoding found) and PDFs are read here, in a worker
thread; Word, Excel and PowerPoint files are recognised but only Moonshot's
files API reads them. No Qt: this sits beside ``render`` and ``images``. The
numbers that bound it live in :mod:`kimi_desktop.documents.limits`.
"""

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
