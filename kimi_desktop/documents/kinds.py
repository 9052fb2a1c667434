"""What kind of document a file is, from its name and its first bytes.

Text-like files are known by name, since any byte sequence could be text in some
encoding; reading them later decides whether they really are. A PDF is known by
its magic bytes, whatever its name. Word, Excel and PowerPoint files are
recognised but only Moonshot's files API can read them (``needs_files_api``).
"""

from __future__ import annotations

import enum
import os

PDF_MAGIC = b"%PDF-"
# Readers accept the header anywhere in the first 1024 bytes (PDF 1.7, annex H.3),
# and some generators do put a few bytes of junk before it.
PDF_HEADER_WINDOW = 1024
ZIP_MAGIC = b"PK\x03\x04"


class DocumentKind(enum.Enum):
    """The kinds of document that can be attached; the value is stored with a message."""

    TEXT = "text"
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"

    @property
    def needs_files_api(self) -> bool:
        """Readable only by Moonshot's files API (purpose ``file-extract``), not here."""
        return self in _OFFICE_MIME_TYPES

    @property
    def mime_type(self) -> str:
        """The file's media type, as told to the model with its text."""
        if self is DocumentKind.TEXT:
            return "text/plain"
        if self is DocumentKind.PDF:
            return "application/pdf"
        return _OFFICE_MIME_TYPES[self]


_OFFICE_MIME_TYPES = {
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

_OFFICE_EXTENSIONS = {
    "docx": DocumentKind.DOCX,
    "xlsx": DocumentKind.XLSX,
    "pptx": DocumentKind.PPTX,
}

_TEXT_EXTENSION_WORDS = (
    # prose and markup
    "txt text md markdown mdx rst adoc asciidoc org tex bib log srt vtt "
    "html htm xhtml xml svg "
    # data and configuration
    "csv tsv json jsonl ndjson json5 geojson ipynb yaml yml toml ini cfg conf "
    "properties env lock "
    # code
    "py pyi pyw js mjs cjs ts mts cts tsx jsx java kt kts go rs c h cc cpp cxx hpp hh hxx "
    "m mm cs fs fsx vb rb php swift scala sc groovy gradle clj cljs edn ex exs erl hrl hs "
    "ml mli elm jl zig nim dart lua r pl pm tcl sh bash zsh fish ps1 psm1 bat cmd sql vue "
    "svelte astro css scss sass less styl proto graphql gql tf hcl nix cmake mk asm s f f90 "
    "pas lisp el scm rkt sol v sv vhd diff patch"
)
TEXT_EXTENSIONS = frozenset(_TEXT_EXTENSION_WORDS.split())
"""Extensions of files read as text (lower case, without the dot). Moonshot's files
API lists the same family (.txt, .md, .csv, .json, .log, .html, .yaml, .ini,
.conf and code: platform.moonshot.ai/docs/api/files); ``.ts`` may also be an MPEG
stream, which the binary check then refuses."""

_TEXT_FILE_NAME_WORDS = (
    "makefile gnumakefile dockerfile containerfile vagrantfile gemfile rakefile procfile "
    "jenkinsfile readme license licence copying authors changelog news todo notice codeowners "
    ".gitignore .gitattributes .dockerignore .editorconfig .env .bashrc .zshrc .profile "
    ".vimrc"
)
TEXT_FILE_NAMES = frozenset(_TEXT_FILE_NAME_WORDS.split())
"""Whole names (lower case) of text files that have no extension."""


def kind_of(name: str, data: bytes) -> DocumentKind | None:
    """The kind of document ``name`` holding ``data`` is, or ``None`` if none we take.

    Data that starts with the PDF header is a PDF whatever its name. A name ending
    in ``.pdf`` is a PDF even without the header, so that a broken one is reported
    as damaged rather than as an unknown kind of file. Office files are told by
    name only; a damaged one is the files API's to report.
    """
    if data.startswith(PDF_MAGIC):
        return DocumentKind.PDF
    base = os.path.basename(name.replace("\\", "/")).lower()
    extension = os.path.splitext(base)[1].removeprefix(".")
    if extension == "pdf":
        return DocumentKind.PDF
    if extension in _OFFICE_EXTENSIONS:
        return _OFFICE_EXTENSIONS[extension]
    if extension in TEXT_EXTENSIONS or base in TEXT_FILE_NAMES:
        return DocumentKind.TEXT
    return None


def has_pdf_header(data: bytes) -> bool:
    """Whether ``data`` carries the PDF header where readers look for it."""
    return PDF_MAGIC in data[:PDF_HEADER_WINDOW]
