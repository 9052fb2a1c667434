"""PDFium, the PDF engine of Chromium, one caller at a time.

PDFium is not thread-safe: two threads inside it at once, even on two different
documents, crash the whole process. So every call into it is made under one
lock for the process, held from opening a document until it is closed again:
two PDFs dropped together are read one after the other. The lock is the only
thing that makes this safe, so nothing outside this module calls PDFium.

The calls go through pypdfium2's ctypes bindings (``pypdfium2.raw``), not its
``PdfDocument`` and ``PdfPage`` classes: those close their handles from weakref
finalizers, which the garbage collector may run in any thread, outside the
lock. Here every handle is closed in a ``finally`` while the lock is held, so
no exception, refusal or abandoned read leaves a handle open or the lock taken.

ctypes lets go of the GIL for the length of each call, so the window keeps its
turns while a page is read.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

_LOCK = threading.Lock()

# FPDF_GetLastError() codes that mean the file is encrypted and will not open
# without what only its owner has (fpdfview.h): a password other than the empty
# one, or a security handler PDFium does not implement (such as certificates).
_FPDF_ERR_PASSWORD = 4
_FPDF_ERR_SECURITY = 5

_EVERYWHERE = 3.0e38
"""Half the side of the square text is read from, about the largest a float holds:
text anywhere on the page or off it is read, as with a text extraction that
ignores positions. (``FPDFText_GetBoundedText`` is used rather than
``FPDFText_GetText`` because it says how long its text is before writing it, and
writes no more than the buffer it is given holds.)"""


class PdfiumError(Exception):
    """PDFium could not open a document or one of its pages.

    ``needs_password`` says the file is encrypted and does not open without a
    password; otherwise it is damaged or not a PDF at all.
    """

    def __init__(self, *, needs_password: bool = False) -> None:
        super().__init__("needs a password" if needs_password else "cannot be read")
        self.needs_password = needs_password


class PdfDocument:
    """An open PDF, usable only inside the ``with`` block of :func:`opened_pdf`."""

    def __init__(self, library: ModuleType, handle: Any) -> None:
        self._library = library
        self._handle = handle

    @property
    def page_count(self) -> int:
        return int(self._library.FPDF_GetPageCount(self._handle))

    def page_text(self, index: int) -> str:
        """The text of page ``index`` (from 0) as PDFium gives it: lines end in CR LF,
        and a hyphen that splits a word across two lines is ``\\x02`` with no line
        end after it. Lone surrogates are kept (``surrogatepass``) for the caller to
        replace."""
        library = self._library
        page = library.FPDF_LoadPage(self._handle, index)
        if not page:
            raise PdfiumError
        try:
            text_page = library.FPDFText_LoadPage(page)
            if not text_page:
                raise PdfiumError
            try:
                return _text_of(library, text_page)
            finally:
                library.FPDFText_ClosePage(text_page)
        finally:
            library.FPDF_ClosePage(page)


@contextlib.contextmanager
def opened_pdf(data: bytes) -> Iterator[PdfDocument]:
    """``data`` opened by PDFium, with every other use of PDFium waiting until the
    block ends.

    The empty password is tried, so a file encrypted only against editing or
    printing opens. Raises :class:`PdfiumError` when the file does not open.
    """
    with _LOCK:
        library = _library()
        # PDFium reads from ``data`` until the document is closed; this frame
        # keeps it alive until then.
        handle = library.FPDF_LoadMemDocument64(data, len(data), None)
        if not handle:
            error = library.FPDF_GetLastError()
            raise PdfiumError(needs_password=error in (_FPDF_ERR_PASSWORD, _FPDF_ERR_SECURITY))
        try:
            yield PdfDocument(library, handle)
        finally:
            library.FPDF_CloseDocument(handle)


def _library() -> ModuleType:
    # Imported here, in the worker that reads the first PDF, under the lock:
    # the import loads PDFium and initialises it (about 55 ms), which start-up
    # should not pay for and no other PDFium call may overlap.
    import pypdfium2.raw as library  # type: ignore[import-untyped]

    return library  # type: ignore[no-any-return]


def _text_of(library: ModuleType, text_page: Any) -> str:
    # left, top, right, bottom, in PDF units (y grows upwards)
    box = (-_EVERYWHERE, _EVERYWHERE, _EVERYWHERE, -_EVERYWHERE)
    units = int(library.FPDFText_GetBoundedText(text_page, *box, None, 0))
    if units <= 0:
        return ""
    buffer = (ctypes.c_ushort * units)()
    written = int(library.FPDFText_GetBoundedText(text_page, *box, buffer, units))
    return bytes(buffer)[: 2 * max(written, 0)].decode("utf-16-le", "surrogatepass")
