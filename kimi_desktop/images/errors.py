"""Why an image cannot be attached, in words a person reads.

Every refusal is an :class:`ImageRejected` whose message is a finished sentence
naming the file, in the reader's language, ready to show inline next to the
composer; ``reason`` lets code tell the cases apart without parsing text.
"""

from __future__ import annotations

import enum


class RejectReason(enum.Enum):
    """The kind of problem behind an :class:`ImageRejected`."""

    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    DAMAGED = "damaged"
    EMPTY = "empty"
    FOLDER = "folder"
    NOT_A_FILE = "not_a_file"
    NOT_FOUND = "not_found"
    UNREADABLE = "unreadable"
    FILE_TOO_LARGE = "file_too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    CANNOT_SHRINK = "cannot_shrink"
    TOO_MANY_IMAGES = "too_many_images"
    OVER_BUDGET = "over_budget"


class ImageRejected(Exception):
    """An image that cannot be attached; ``str(error)`` is the sentence to show.

    ``name`` is the file name the message speaks of ("" for unnamed data or for a
    whole batch).
    """

    def __init__(self, message: str, reason: RejectReason, name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.name = name

    def __repr__(self) -> str:
        return f"ImageRejected({self.reason.name}, {self.message!r})"


def about(name: str, named: str, unnamed: str, **values: object) -> str:
    """The sentence about the file ``name``, its placeholders filled.

    ``named`` quotes ``{name}`` ("“{name}” is empty."); ``unnamed`` is the same
    sentence for bare data, which has no name ("The image is empty."). Both come
    translated: each is a whole sentence for the translator.
    """
    return (named if name else unnamed).format(name=name, **values)
