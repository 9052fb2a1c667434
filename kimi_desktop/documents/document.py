"""A document's text as it goes to the model, with what the composer shows about it."""

from __future__ import annotations

from dataclasses import dataclass

from kimi_desktop.documents.kinds import DocumentKind


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """The text read from one attached file, stored with its message and sent as is.

    ``text`` is the exact text the model reads (newlines normalised to ``\\n``;
    a PDF's pages under ``--- page N ---`` markers); it is stored once and never
    read again from the file, so every re-send is the same bytes. ``pages`` is
    set for a PDF, ``lines`` for a text file, ``encoding`` (a Python codec name:
    ``"utf-8"``, ``"utf-16-le"``, ``"gb18030"`` ...) for a text file. Text that
    Moonshot's files API extracted fits here too, with all three ``None``.
    """

    name: str
    kind: DocumentKind
    text: str
    pages: int | None = None
    lines: int | None = None
    encoding: str | None = None
