"""Reading a PDF leaves the garbage collector idle.

Each collection holds the GIL, and a full one walks every object of the app,
stalling the window for tens of milliseconds. A reader that keeps Python objects
for every page's words and operators sets collections off every few pages (pypdf:
19 on the file below), and some of them reach the older generations; PDFium
keeps its work in C and hands back one string a page.
"""

import gc
from collections.abc import Iterator

import pytest

from kimi_desktop.documents import extract_local
from tests.fakes.documents import long_pdf


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection from now to the end of the test."""
    started: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    extract_local("warm.pdf", long_pdf(1))  # the first read loads PDFium
    gc.callbacks.append(count)
    yield started
    gc.callbacks.remove(count)


def test_a_long_pdf_is_read_with_no_more_than_one_young_collection(
    collections: list[int],
) -> None:
    data = long_pdf(200)
    gc.collect()  # every generation starts from zero
    collections.clear()

    document = extract_local("book.pdf", data)

    assert document.pages == 200
    assert collections in ([], [0])
