"""Why a document cannot be attached, in words a person reads.

Every refusal is a :class:`DocumentError` whose message is a finished sentence
naming the file, in the reader's language, ready to show inline next to the
composer; ``problem`` lets code tell the cases apart without parsing text. One
function below builds each case, so the wording lives in one place.
"""

from __future__ import annotations

import enum

from kimi_desktop.documents.limits import format_size
from kimi_desktop.i18n import _, ngettext


class DocumentProblem(enum.Enum):
    """The kind of problem behind a :class:`DocumentError`."""

    UNSUPPORTED = "unsupported"
    NEEDS_FILES_API = "needs_files_api"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    ENCRYPTED = "encrypted"
    NO_TEXT_LAYER = "no_text_layer"
    DAMAGED = "damaged"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_LONG = "too_long"


class DocumentError(Exception):
    """A document that cannot be attached; ``str(error)`` is the sentence to show.

    ``name`` is the file name the sentence speaks of.
    """

    def __init__(self, message: str, problem: DocumentProblem, name: str) -> None:
        super().__init__(message)
        self.message = message
        self.problem = problem
        self.name = name

    def __repr__(self) -> str:
        return f"DocumentError({self.problem.name}, {self.message!r})"


def unsupported(name: str) -> DocumentError:
    message = _(
        "“{name}” cannot be attached: only text files (such as .txt, .md, code, "
        ".csv or .json) and PDFs can be read."
    )
    return DocumentError(message.format(name=name), DocumentProblem.UNSUPPORTED, name)


def needs_files_api(name: str) -> DocumentError:
    message = _(
        "“{name}” can only be read by Moonshot's files service. Choose a Moonshot "
        "endpoint, or save the file as PDF or text and attach that."
    )
    return DocumentError(message.format(name=name), DocumentProblem.NEEDS_FILES_API, name)


def too_large(name: str, size: int, limit: int) -> DocumentError:
    message = _("“{name}” is too large ({size}); documents up to {limit} can be attached.")
    return DocumentError(
        message.format(name=name, size=format_size(size), limit=format_size(limit)),
        DocumentProblem.TOO_LARGE,
        name,
    )


def empty(name: str) -> DocumentError:
    message = _("“{name}” is empty: there is no text in it.")
    return DocumentError(message.format(name=name), DocumentProblem.EMPTY, name)


def binary(name: str) -> DocumentError:
    message = _("“{name}” is not a text file: it holds binary data, which cannot be read as text.")
    return DocumentError(message.format(name=name), DocumentProblem.BINARY, name)


def undecodable(name: str) -> DocumentError:
    message = _(
        "“{name}” is in a text encoding that cannot be recognised (UTF-8, UTF-16 and "
        "GB18030 can). Save it as UTF-8 and attach it again."
    )
    return DocumentError(message.format(name=name), DocumentProblem.UNDECODABLE, name)


def encrypted(name: str) -> DocumentError:
    message = _(
        "“{name}” is protected by a password. Save a copy without the password and attach that."
    )
    return DocumentError(message.format(name=name), DocumentProblem.ENCRYPTED, name)


def no_text_layer(name: str) -> DocumentError:
    message = _(
        "“{name}” has no text layer (it is a scanned or image-only PDF). Attach a "
        "screenshot of the pages instead."
    )
    return DocumentError(message.format(name=name), DocumentProblem.NO_TEXT_LAYER, name)


def damaged(name: str) -> DocumentError:
    message = _("“{name}” is damaged and cannot be read as a PDF.")
    return DocumentError(message.format(name=name), DocumentProblem.DAMAGED, name)


def too_many_pages(name: str, pages: int, limit: int) -> DocumentError:
    message = ngettext(
        "“{name}” has {pages} page; documents of up to {limit} pages can be read.",
        "“{name}” has {pages} pages; documents of up to {limit} pages can be read.",
        pages,
    )
    return DocumentError(
        message.format(name=name, pages=f"{pages:,}", limit=f"{limit:,}"),
        DocumentProblem.TOO_MANY_PAGES,
        name,
    )


def too_long(name: str, limit: int) -> DocumentError:
    message = _(
        "“{name}” holds more than {limit} characters of text, more than a model can "
        "read at once. Attach the part you need."
    )
    return DocumentError(
        message.format(name=name, limit=f"{limit:,}"), DocumentProblem.TOO_LONG, name
    )
