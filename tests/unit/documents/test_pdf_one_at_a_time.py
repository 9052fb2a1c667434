"""PDFium is entered by one thread at a time, and every way out of a read lets the next in.

PDFium is not thread-safe: two threads inside it at once crash the process. The
bindings are wrapped here to record every call: which thread is inside, and
which documents, pages and text pages are open.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest

from kimi_desktop.documents import (
    DocumentError,
    DocumentLimits,
    DocumentProblem,
    ExtractedDocument,
    extract_local,
    pdfium,
)
from tests.fakes.documents import (
    damaged_pdf,
    encrypted_pdf,
    long_pdf,
    pdf_bytes,
    truncated_pdf,
)

# the functions that open a handle and those that close it, by the kind of handle
_OPENS = {
    "FPDF_LoadMemDocument64": "document",
    "FPDF_LoadPage": "page",
    "FPDFText_LoadPage": "text page",
}
_CLOSES = {
    "FPDF_CloseDocument": "document",
    "FPDF_ClosePage": "page",
    "FPDFText_ClosePage": "text page",
}


class RecordingLibrary:
    """The PDFium bindings, recording the most threads ever inside at once and the
    handles left open; ``fail`` makes the named function fail on its ``at``-th call
    (from 1), as PDFium does (a null handle) or as a defect would (an exception)."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real
        self._guard = threading.Lock()
        self._inside = 0
        self.most_inside = 0
        self.open: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.failures: dict[str, tuple[int, Exception | None]] = {}

    def fail(self, name: str, at: int, error: Exception | None = None) -> None:
        self.failures[name] = (at, error)

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._real, name)
        return self._recorded(name, real) if callable(real) and name.startswith("FPDF") else real

    def _recorded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            with self._guard:
                self._inside += 1
                self.most_inside = max(self.most_inside, self._inside)
                self.calls[name] += 1
                count = self.calls[name]
            try:
                at, error = self.failures.get(name, (0, None))
                if count == at:
                    if error is not None:
                        raise error
                    return None
                result = function(*args)
            finally:
                with self._guard:
                    self._inside -= 1
            if name in _OPENS and result:
                self.open[_OPENS[name]] += 1
            elif name in _CLOSES:
                self.open[_CLOSES[name]] -= 1
            return result

        return call

    def left_open(self) -> dict[str, int]:
        return {kind: count for kind, count in self.open.items() if count}


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingLibrary]:
    recording = RecordingLibrary(pdfium._library())
    monkeypatch.setattr(pdfium, "_library", lambda: recording)
    yield recording
    assert not pdfium._LOCK.locked()
    assert recording.left_open() == {}


def _problem(name: str, data: bytes, limits: DocumentLimits | None = None) -> DocumentProblem:
    with pytest.raises(DocumentError) as caught:
        extract_local(name, data, **({"limits": limits} if limits else {}))
    return caught.value.problem


# -- two at once -------------------------------------------------------------------------


def test_two_pdfs_dropped_at_once_are_read_one_after_the_other(library: RecordingLibrary) -> None:
    files = [("a.pdf", long_pdf(40)), ("b.pdf", long_pdf(25, lines_per_page=60))]
    expected = [extract_local(name, data) for name, data in files]
    together = threading.Barrier(len(files), timeout=30)

    def read(item: tuple[str, bytes]) -> ExtractedDocument:
        together.wait()  # both threads ask for PDFium at the same moment
        return extract_local(*item)

    with ThreadPoolExecutor(max_workers=len(files)) as pool:
        for _ in range(5):
            assert list(pool.map(read, files)) == expected

    assert library.most_inside == 1
    assert library.calls["FPDF_LoadMemDocument64"] == 12


def test_a_refused_pdf_and_a_good_one_read_at_once_both_get_their_answer(
    library: RecordingLibrary,
) -> None:
    files = [("locked.pdf", encrypted_pdf(["x"], user_password="pw")), ("ok.pdf", long_pdf(30))]
    together = threading.Barrier(len(files), timeout=30)

    def read(item: tuple[str, bytes]) -> object:
        together.wait()
        try:
            return extract_local(*item).pages
        except DocumentError as error:
            return error.problem

    with ThreadPoolExecutor(max_workers=len(files)) as pool:
        for _ in range(5):
            assert list(pool.map(read, files)) == [DocumentProblem.ENCRYPTED, 30]

    assert library.most_inside == 1


# -- every way out of a read closes what it opened and lets go of PDFium ------------------


@pytest.mark.parametrize(
    ("data", "limits", "problem"),
    [
        (encrypted_pdf(["x"], user_password="pw"), None, DocumentProblem.ENCRYPTED),
        (damaged_pdf(), None, DocumentProblem.DAMAGED),
        (truncated_pdf(["a", "b"]), None, DocumentProblem.DAMAGED),
        (pdf_bytes([]), None, DocumentProblem.EMPTY),
        (pdf_bytes([None, None]), None, DocumentProblem.NO_TEXT_LAYER),
        (pdf_bytes(["a", "b", "c"]), DocumentLimits(max_pages=2), DocumentProblem.TOO_MANY_PAGES),
        (long_pdf(5), DocumentLimits(max_chars=5000), DocumentProblem.TOO_LONG),
    ],
    ids=["encrypted", "damaged", "truncated", "no-pages", "image-only", "pages", "chars"],
)
def test_each_refusal_closes_everything_and_lets_the_next_pdf_in(
    library: RecordingLibrary, data: bytes, limits: DocumentLimits | None, problem: DocumentProblem
) -> None:
    assert _problem("refused.pdf", data, limits) is problem
    assert not pdfium._LOCK.locked()
    assert library.left_open() == {}

    assert extract_local("next.pdf", pdf_bytes(["Next"])).text == "--- page 1 ---\nNext"


@pytest.mark.parametrize("function", ["FPDF_LoadPage", "FPDFText_LoadPage"])
def test_a_page_pdfium_cannot_load_makes_the_file_damaged(
    library: RecordingLibrary, function: str
) -> None:
    library.fail(function, at=2)

    assert _problem("bad-page.pdf", pdf_bytes(["one", "two", "three"])) is DocumentProblem.DAMAGED
    assert library.calls["FPDF_LoadPage"] == 2  # and no page after it is read


def test_an_unexpected_error_mid_page_still_closes_everything(library: RecordingLibrary) -> None:
    library.fail("FPDFText_GetBoundedText", at=3, error=MemoryError())

    with pytest.raises(MemoryError):
        extract_local("a.pdf", pdf_bytes(["one", "two", "three"]))
    assert library.left_open() == {}


@pytest.mark.asyncio
async def test_a_read_whose_result_is_dropped_does_not_keep_pdfium_from_the_next(
    library: RecordingLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside, go_on = threading.Event(), threading.Event()
    page_text = pdfium.PdfDocument.page_text

    def held_up(document: pdfium.PdfDocument, index: int) -> str:
        inside.set()
        go_on.wait(timeout=30)
        return page_text(document, index)

    monkeypatch.setattr(pdfium.PdfDocument, "page_text", held_up)
    loop = asyncio.get_running_loop()
    dropped = loop.run_in_executor(None, extract_local, "first.pdf", pdf_bytes(["First"]))
    assert await loop.run_in_executor(None, inside.wait, 30)
    dropped.cancel()  # the draft lets go of it; its worker reads on
    assert pdfium._LOCK.locked()

    following = loop.run_in_executor(None, extract_local, "second.pdf", pdf_bytes(["Second"]))
    go_on.set()

    assert (await following).text == "--- page 1 ---\nSecond"
    assert library.calls["FPDF_LoadMemDocument64"] == 2
