"""The text layer of a PDF, page by page, with pypdf (BSD-3-Clause, pure Python).

A PDF is untrusted input, and pypdf raises many kinds of exception on broken
files (its own, but also ``KeyError``, ``ValueError``, ``RecursionError`` ...), so
anything it raises while reading means "damaged". pypdf bounds each decompressed
stream itself (75 MB, ``pypdf.filters``); the page and character caps bound the
rest of the work.

Each page's text goes under a marker line (``--- page 3 ---``) so the model knows
where pages begin and can cite them. The marker is not translated: the text
sent must be the same bytes whatever language the window speaks.

pypdf is pure Python and holds the GIL while it reads, 20 to 40 ms a page of
TeX output; the GUI thread still gets its turns every few milliseconds, except
during the garbage collector's full passes, which pypdf's many allocations set
off and which stop every thread (see :func:`_old_objects_set_aside`).
"""

from __future__ import annotations

import contextlib
import gc
import io
import re
import threading
from collections.abc import Iterator

from kimi_desktop.documents import errors
from kimi_desktop.documents.kinds import has_pdf_header
from kimi_desktop.documents.limits import DocumentLimits
from kimi_desktop.documents.text import normalise_newlines

PAGE_MARKER = "--- page {number} ---"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def read_pdf(name: str, data: bytes, limits: DocumentLimits) -> tuple[str, int]:
    """The text of every page of ``data`` under its marker, and the page count.

    Raises :class:`~kimi_desktop.documents.errors.DocumentError` for a damaged
    file, a password needed to open it, more pages than ``limits.max_pages``,
    more text than ``limits.max_chars``, and no text on any page.
    """
    if not has_pdf_header(data):
        raise errors.damaged(name)
    with _old_objects_set_aside():
        return _read(name, data, limits)


def _read(name: str, data: bytes, limits: DocumentLimits) -> tuple[str, int]:
    # Imported here, in the worker that reads the file: a cold import of pypdf
    # takes about 0.1 s (it loads ``cryptography`` when installed), which start-up
    # should not pay for.
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        # pypdf already tried the empty password; a file that opens without one
        # (only editing or printing is restricted) is read like any other.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise errors.encrypted(name)
        page_count = len(reader.pages)
    except errors.DocumentError:
        raise
    except DependencyError:
        # AES encryption with neither ``cryptography`` nor ``pycryptodome``
        # installed: pypdf cannot even try the empty password.
        raise errors.encrypted(name) from None
    except Exception:
        raise errors.damaged(name) from None
    if page_count == 0:
        raise errors.empty(name)
    if page_count > limits.max_pages:
        raise errors.too_many_pages(name, page_count, limits.max_pages)

    pages: list[str] = []
    total = 0
    for page in reader.pages:
        try:
            raw = page.extract_text()
        except Exception:
            raise errors.damaged(name) from None
        text = _clean(raw)
        total += len(text)
        if total > limits.max_chars:
            raise errors.too_long(name, limits.max_chars)
        pages.append(text)
    if not any(pages):
        raise errors.no_text_layer(name)
    return join_pages(pages), page_count


_readers_lock = threading.Lock()
_readers = 0  # PDFs being read, in any thread
_froze = False  # whether those readers froze the collector's objects (and so thaw them)


@contextlib.contextmanager
def _old_objects_set_aside() -> Iterator[None]:
    """While PDFs are read, the garbage collector's full passes skip the objects
    that existed before.

    WORKAROUND: CPython's collector holds the GIL for a full pass over every
    tracked object, and pypdf allocates so much that a 200-page PDF sets off
    such passes in its worker; on CPython 3.11 each held the GUI thread for 40
    to 90 ms (5 ms timer ticks on the qasync loop), 3.5 ms with this.
    ``gc.freeze()`` moves the objects that exist now out of the collector's
    passes, ``gc.unfreeze()`` puts them back once the last PDF is read; cycles
    among them wait until then to be collected. A process that froze its
    objects itself (``gc.get_freeze_count()``) is left as it is. No upstream
    report: it is how the collector works, not a defect.
    """
    global _readers, _froze
    with _readers_lock:
        if _readers == 0 and gc.get_freeze_count() == 0:
            gc.freeze()
            _froze = True
        _readers += 1
    try:
        yield
    finally:
        with _readers_lock:
            _readers -= 1
            if _readers == 0 and _froze:
                gc.unfreeze()
                _froze = False


def join_pages(pages: list[str]) -> str:
    """Page texts under their markers, numbered from 1, a blank line between pages."""
    return "\n\n".join(
        f"{PAGE_MARKER.format(number=number)}\n{text}" for number, text in enumerate(pages, 1)
    )


def _clean(raw: str) -> str:
    # NUL stands for glyphs a font maps to no character; it only confuses readers.
    # A broken font map can yield half a surrogate pair, which neither UTF-8 (the
    # request, the database) nor the model can carry.
    text = normalise_newlines(raw).replace("\x00", "")
    return _LONE_SURROGATE.sub("\ufffd", text).strip()
