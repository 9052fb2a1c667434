"""Reading a PDF keeps the garbage collector's full passes off the objects that existed before.

pypdf's allocations set off full collections in the reading thread, and a full
pass over every object of the app holds the GUI thread too long; while PDFs are
read, the objects that existed before are frozen out of the passes and put back
after, however the reading ends.
"""

import contextlib
import gc
from collections.abc import Iterator

import pytest

from kimi_desktop.documents import DocumentError, DocumentLimits, extract_local, pdf
from tests.fakes.documents import damaged_pdf, pdf_bytes


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_objects_are_set_aside_while_a_pdf_is_read_and_put_back_after(monkeypatch) -> None:
    seen: list[int] = []
    read = pdf._read

    def reading(name: str, data: bytes, limits: DocumentLimits) -> tuple[str, int]:
        seen.append(gc.get_freeze_count())
        return read(name, data, limits)

    monkeypatch.setattr(pdf, "_read", reading)
    document = extract_local("a.pdf", pdf_bytes(["One page"]))
    assert document.pages == 1
    assert seen[0] > 0
    assert gc.get_freeze_count() == 0


def test_a_refused_pdf_puts_them_back_too() -> None:
    with pytest.raises(DocumentError):
        extract_local("broken.pdf", damaged_pdf())
    assert gc.get_freeze_count() == 0


def test_they_come_back_when_the_last_of_several_pdfs_is_read() -> None:
    first, second = contextlib.ExitStack(), contextlib.ExitStack()
    first.enter_context(pdf._old_objects_set_aside())
    second.enter_context(pdf._old_objects_set_aside())  # another thread starts reading
    first.close()  # and the first PDF is read before it
    assert gc.get_freeze_count() > 0
    second.close()
    assert gc.get_freeze_count() == 0


def test_a_process_that_froze_its_objects_itself_is_left_frozen() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    extract_local("a.pdf", pdf_bytes(["One page"]))
    assert gc.get_freeze_count() >= frozen > 0
