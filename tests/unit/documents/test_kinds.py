"""Which files are documents, and of what kind."""

import pytest

from kimi_desktop.documents import DocumentKind, kind_of
from tests.fakes.documents import office_bytes, pdf_bytes, png_bytes


@pytest.mark.parametrize(
    "name",
    [
        "notes.txt",
        "README.md",
        "guide.rst",
        "main.py",
        "app.tsx",
        "Widget.kt",
        "server.go",
        "lib.rs",
        "core.hpp",
        "Program.cs",
        "deploy.ps1",
        "query.sql",
        "App.vue",
        "style.scss",
        "index.html",
        "feed.xml",
        "logo.svg",
        "table.csv",
        "table.tsv",
        "events.jsonl",
        "config.yaml",
        "pyproject.toml",
        "setup.cfg",
        "server.log",
        "thesis.tex",
        "Makefile",
        "Dockerfile",
        "LICENSE",
        ".gitignore",
        "C:\\Users\\me\\Notes.TXT",
        "/home/me/src/Main.JAVA",
    ],
)
def test_text_like_files_are_known_by_name(name: str) -> None:
    assert kind_of(name, b"anything") is DocumentKind.TEXT


@pytest.mark.parametrize("name", ["photo.png", "archive.zip", "setup.exe", "song.mp3", "data"])
def test_other_files_are_not_documents(name: str) -> None:
    assert kind_of(name, png_bytes()) is None


def test_a_pdf_is_known_by_its_magic_bytes_whatever_its_name() -> None:
    data = pdf_bytes(["Hello"])
    assert kind_of("report.pdf", data) is DocumentKind.PDF
    assert kind_of("report.txt", data) is DocumentKind.PDF
    assert kind_of("download", data) is DocumentKind.PDF


def test_a_pdf_name_without_the_header_is_still_a_pdf_so_it_can_be_called_damaged() -> None:
    assert kind_of("report.PDF", b"<html>not found</html>") is DocumentKind.PDF


def test_text_that_mentions_the_pdf_header_is_not_a_pdf() -> None:
    source = b'MAGIC = b"%PDF-"\nif data.startswith(MAGIC): ...\n'
    assert kind_of("sniff.py", source) is DocumentKind.TEXT


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("letter.docx", DocumentKind.DOCX),
        ("budget.XLSX", DocumentKind.XLSX),
        ("talk.pptx", DocumentKind.PPTX),
    ],
)
def test_office_files_are_recognised_but_need_the_files_api(name: str, kind: DocumentKind) -> None:
    assert kind_of(name, office_bytes()) is kind
    assert kind.needs_files_api


def test_text_and_pdf_are_read_here() -> None:
    assert not DocumentKind.TEXT.needs_files_api
    assert not DocumentKind.PDF.needs_files_api


def test_every_kind_has_a_media_type() -> None:
    assert DocumentKind.PDF.mime_type == "application/pdf"
    assert DocumentKind.TEXT.mime_type == "text/plain"
    assert DocumentKind.DOCX.mime_type.endswith("wordprocessingml.document")
    assert all("/" in kind.mime_type for kind in DocumentKind)
