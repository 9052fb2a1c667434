"""Extraction runs in worker threads: the same answers as on one thread.

Text files share nothing; PDFs take turns inside PDFium (test_pdf_one_at_a_time).
"""

from concurrent.futures import ThreadPoolExecutor

from kimi_desktop.documents import DocumentError, DocumentProblem, extract_local
from tests.fakes.documents import encrypted_pdf, long_pdf, pdf_bytes

FILES = [
    ("a.pdf", long_pdf(6)),
    ("b.pdf", pdf_bytes(["Only page"])),
    ("c.txt", "第一行\n第二行\n".encode("gb18030")),
    ("d.md", b"# Heading\n"),
    ("e.pdf", encrypted_pdf(["locked"], user_password="pw")),
]


def _outcome(item: tuple[str, bytes]) -> object:
    name, data = item
    try:
        return extract_local(name, data)
    except DocumentError as error:
        return error.problem


def test_parallel_extraction_matches_sequential_extraction() -> None:
    expected = [_outcome(item) for item in FILES]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_outcome, FILES * 4))

    assert results == expected * 4
    assert expected[-1] is DocumentProblem.ENCRYPTED
