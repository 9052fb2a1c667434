"""A document in a few words: its kind, how long it is, and whether it reads as prose."""

from __future__ import annotations

import os

from PySide6.QtCore import QLocale

from kimi_desktop.domain import AttachedDocument
from kimi_desktop.i18n import N_, _, ngettext

_KIND_TITLES = {
    # TRANSLATORS: the kind of an attached document, in its preview's header.
    "text": N_("Text"),
    "pdf": "PDF",
    # TRANSLATORS: the kind of an attached document (.docx), in its preview's header.
    "docx": N_("Word document"),
    # TRANSLATORS: the kind of an attached document (.xlsx), in its preview's header.
    "xlsx": N_("Excel workbook"),
    # TRANSLATORS: the kind of an attached document (.pptx), in its preview's header.
    "pptx": N_("PowerPoint presentation"),
}

#: Text files read as prose (proportional font, wrapped); other text files are
#: code or data, shown in a fixed-width font with their lines kept whole.
_PROSE_EXTENSIONS = frozenset(
    {"txt", "text", "md", "markdown", "mdx", "rst", "adoc", "asciidoc", "org", "tex"}
    | {"srt", "vtt", "html", "htm", "xhtml"}
)
_PROSE_NAMES = frozenset(
    {"readme", "license", "licence", "copying", "authors", "changelog", "news", "todo"}
)


def count_text(n: int) -> str:
    """ "12,345": a whole count in the window's number format, with thousands separators."""
    locale = QLocale()
    locale.setNumberOptions(locale.numberOptions() & ~QLocale.NumberOption.OmitGroupSeparator)
    return locale.toString(n)


def approximate(tokens: int) -> int:
    """``tokens`` to two significant digits (8,437 -> 8,400): the count is an estimate."""
    if tokens < 100:
        return tokens
    scale = 10 ** (len(str(tokens)) - 2)
    return round(tokens / scale) * scale


def document_details(document: AttachedDocument) -> str:
    """ "12 pages · ≈ 8,400 tokens", "230 lines · ≈ 2,100 tokens": how long a document is."""
    parts: list[str] = []
    if document.pages:
        # TRANSLATORS: the length of an attached PDF; {count} is a number like "12".
        pages = ngettext("{count} page", "{count} pages", document.pages)
        parts.append(pages.format(count=count_text(document.pages)))
    elif document.lines:
        # TRANSLATORS: the length of an attached text file; {count} is a number like "230".
        lines = ngettext("{count} line", "{count} lines", document.lines)
        parts.append(lines.format(count=count_text(document.lines)))
    if document.tokens:
        # TRANSLATORS: an estimated token count, like "≈ 8,400 tokens".
        tokens = ngettext("≈ {count} token", "≈ {count} tokens", document.tokens)
        parts.append(tokens.format(count=count_text(approximate(document.tokens))))
    return " · ".join(parts)


def kind_title(kind: str) -> str:
    """ "PDF", "Word document": the kind of a document as its preview names it."""
    title = _KIND_TITLES.get(kind)
    return _(title) if title else kind.upper()


def kind_badge(name: str, kind: str) -> str:
    """The few letters on a chip's page icon: "PDF", "DOCX", or a text file's extension."""
    if kind != "text":
        return kind.upper()[:4]
    extension = os.path.splitext(name)[1].removeprefix(".")
    return extension.upper()[:4] if extension else "TXT"


def reads_as_prose(document: AttachedDocument) -> bool:
    """Whether the text is prose (a PDF, an office file, .txt, .md) rather than code or data."""
    if document.kind != "text":
        return True
    base = os.path.basename(document.name.replace("\\", "/")).lower()
    stem, extension = os.path.splitext(base)
    if not extension:
        return stem in _PROSE_NAMES
    return extension.removeprefix(".") in _PROSE_EXTENSIONS
