"""Reading PDFs: the text of every page, and every way a PDF can refuse to give it."""

import io

import pytest

from kimi_desktop import i18n
from kimi_desktop.documents import (
    LOCAL_LIMITS,
    DocumentError,
    DocumentKind,
    DocumentLimits,
    DocumentProblem,
    extract_local,
)
from tests.fakes.documents import (
    damaged_pdf,
    encrypted_pdf,
    long_pdf,
    pdf_bytes,
    truncated_pdf,
)

PAGES = [
    "Quarterly report\nRevenue grew by 12 percent.",
    "Costs (in thousands) fell.\nSee the appendix \\ notes.",
    "Outlook: steady.",
]


def _refusal(name: str, data: bytes, limits: DocumentLimits = LOCAL_LIMITS) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        extract_local(name, data, limits=limits)
    assert caught.value.name == name
    assert f"“{name}”" in str(caught.value)
    return caught.value


@pytest.mark.parametrize("compressed", [False, True])
def test_every_page_is_read_under_its_page_marker(compressed: bool) -> None:
    doc = extract_local("report.pdf", pdf_bytes(PAGES, compressed=compressed))

    assert doc.kind is DocumentKind.PDF
    assert doc.pages == 3
    assert doc.lines is None
    assert doc.encoding is None
    assert doc.text == (
        "--- page 1 ---\nQuarterly report\nRevenue grew by 12 percent.\n\n"
        "--- page 2 ---\nCosts (in thousands) fell.\nSee the appendix \\ notes.\n\n"
        "--- page 3 ---\nOutlook: steady."
    )


def test_a_page_without_text_keeps_its_number() -> None:
    doc = extract_local("mixed.pdf", pdf_bytes(["Cover text", None, "Back page"]))

    assert doc.pages == 3
    assert doc.text == "--- page 1 ---\nCover text\n\n--- page 2 ---\n\n\n--- page 3 ---\nBack page"


def test_a_word_hyphenated_across_two_lines_keeps_the_page_s_lines() -> None:
    page = "A carefully hyphen-\nated word, and - dashes -\nhere"

    assert extract_local("essay.pdf", pdf_bytes([page])).text == f"--- page 1 ---\n{page}"


def test_page_markers_do_not_follow_the_window_language() -> None:
    data = pdf_bytes(PAGES)
    english = extract_local("report.pdf", data)
    i18n.install("zh_CN")

    assert extract_local("report.pdf", data) == english


def test_a_fifty_page_pdf_is_read_whole() -> None:
    doc = extract_local("book.pdf", long_pdf(50))

    assert doc.pages == 50
    assert doc.text.count("--- page ") == 50
    assert "--- page 50 ---\n" in doc.text
    assert "line 40 of page 50." in doc.text


def test_a_pdf_locked_with_a_password_is_refused() -> None:
    error = _refusal("payslip.pdf", encrypted_pdf(["Salary: secret"], user_password="1234"))

    assert error.problem is DocumentProblem.ENCRYPTED
    assert "password" in str(error)


def test_a_pdf_that_opens_without_a_password_is_read() -> None:
    # Encrypted only to restrict editing and printing, as many bank statements are.
    doc = extract_local("statement.pdf", encrypted_pdf(["Balance: 42.00"], user_password=""))

    assert doc.text == "--- page 1 ---\nBalance: 42.00"


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_aes_encryption_is_refused_with_a_password_and_read_without_one(algorithm: str) -> None:
    # What current office programs write; pypdf needs a crypto library to write it.
    pytest.importorskip("cryptography")
    from pypdf import PdfReader, PdfWriter

    def locked(user_password: str) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["Account 42"]))))
        writer.encrypt(user_password, "owner-secret", algorithm=algorithm)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert _refusal("locked.pdf", locked("pw")).problem is DocumentProblem.ENCRYPTED
    assert extract_local("open.pdf", locked("")).text == "--- page 1 ---\nAccount 42"


def test_an_image_only_pdf_is_refused_with_a_screenshot_suggestion() -> None:
    error = _refusal("scan.pdf", pdf_bytes([None, None]))

    assert error.problem is DocumentProblem.NO_TEXT_LAYER
    assert str(error) == (
        "“scan.pdf” has no text layer (it is a scanned or image-only PDF). "
        "Attach a screenshot of the pages instead."
    )


@pytest.mark.parametrize(
    "data",
    [damaged_pdf(), truncated_pdf(PAGES), b"<!DOCTYPE html><title>404</title>"],
    ids=["noise", "truncated", "not-a-pdf"],
)
def test_a_damaged_pdf_is_refused(data: bytes) -> None:
    error = _refusal("broken.pdf", data)

    assert error.problem is DocumentProblem.DAMAGED
    assert "damaged" in str(error)


def test_an_empty_pdf_file_is_refused_as_empty() -> None:
    assert _refusal("nothing.pdf", b"").problem is DocumentProblem.EMPTY


def test_a_pdf_with_no_pages_is_refused_as_empty() -> None:
    assert _refusal("blank.pdf", pdf_bytes([])).problem is DocumentProblem.EMPTY


def test_more_pages_than_the_cap_are_refused_before_any_is_read() -> None:
    error = _refusal("atlas.pdf", pdf_bytes(["a", "b", "c"]), DocumentLimits(max_pages=2))

    assert error.problem is DocumentProblem.TOO_MANY_PAGES
    assert str(error) == "“atlas.pdf” has 3 pages; documents of up to 2 pages can be read."


def test_the_page_cap_itself_is_allowed() -> None:
    assert extract_local("ok.pdf", pdf_bytes(["a", "b"]), limits=DocumentLimits(max_pages=2))


def test_more_text_than_the_character_cap_is_refused() -> None:
    error = _refusal("long.pdf", long_pdf(3), DocumentLimits(max_chars=1000))

    assert error.problem is DocumentProblem.TOO_LONG


def test_a_pdf_over_the_size_limit_is_refused() -> None:
    data = long_pdf(5)
    error = _refusal("big.pdf", data, DocumentLimits(max_bytes=len(data) - 1))

    assert error.problem is DocumentProblem.TOO_LARGE
