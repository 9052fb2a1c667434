"""Where in an import file a problem is, and the sentences that name it.

A refusal names the part at fault ("image 2 of message 14 of conversation 3")
and the field, so a person who edited the file by hand can find it, and
anyone else knows the file is damaged rather than the app broken.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from kimi_desktop.i18n import _
from kimi_desktop.services.transfer.errors import TransferFailed

Part = Literal["image", "document", "turn"]


@dataclass(frozen=True, slots=True)
class Place:
    """A position in the file, counted from 1 as a person counts."""

    conversation: int = 0
    message: int = 0
    part: Part | None = None
    part_number: int = 0

    def in_message(self, number: int) -> Place:
        return replace(self, message=number, part=None, part_number=0)

    def in_part(self, part: Part, number: int) -> Place:
        return replace(self, part=part, part_number=number)

    def describe(self) -> str:
        values = {
            "conversation": self.conversation,
            "message": self.message,
            "number": self.part_number,
        }
        if not self.conversation:
            # TRANSLATORS: where a problem is in an import file: outside any conversation.
            return _("the file itself")
        if not self.message:
            # TRANSLATORS: where a problem is in an import file.
            return _("conversation {conversation}").format(**values)
        if self.part == "image":
            # TRANSLATORS: where a problem is in an import file.
            return _("image {number} of message {message} of conversation {conversation}").format(
                **values
            )
        if self.part == "document":
            # TRANSLATORS: where a problem is in an import file.
            return _(
                "document {number} of message {message} of conversation {conversation}"
            ).format(**values)
        if self.part == "turn":
            # TRANSLATORS: where a problem is in an import file: one of the turns a
            # reply's web searches added before its answer.
            return _(
                "web search turn {number} of message {message} of conversation {conversation}"
            ).format(**values)
        # TRANSLATORS: where a problem is in an import file.
        return _("message {message} of conversation {conversation}").format(**values)


def wrong_field(place: Place, field: str) -> TransferFailed:
    """A field is missing or is not of its type (text, a number, a list...)."""
    return TransferFailed(
        _(
            "Nothing was imported: the file is damaged. In {place}, “{field}” is missing "
            "or has the wrong type."
        ).format(place=place.describe(), field=field)
    )


def impossible_value(place: Place, field: str) -> TransferFailed:
    """A field has the right type but a value the app cannot use (a negative count,
    an unknown role, a time thousands of years away)."""
    return TransferFailed(
        _(
            "Nothing was imported: the file is damaged. In {place}, “{field}” has a value "
            "Kimi Desktop cannot use."
        ).format(place=place.describe(), field=field)
    )


def image_problem(place: Place, problem: str) -> TransferFailed:
    """What is wrong with an image's bytes (``problem`` is one of :func:`image_problems`)."""
    return TransferFailed(image_problems()[problem].format(place=place.describe()))


def image_problems() -> dict[str, str]:
    return {
        "base64": _(
            "Nothing was imported: the file is damaged. In {place}, the image data is not "
            "valid base64."
        ),
        "checksum": _(
            "Nothing was imported: the file is damaged. In {place}, the image's bytes do not "
            "match its SHA-256 checksum."
        ),
        "size": _(
            "Nothing was imported: the file is damaged. In {place}, the image's size does not "
            "match its bytes."
        ),
        "format": _(
            "Nothing was imported: the file is damaged. In {place}, the image's bytes are not "
            "an image of the type it names."
        ),
        "too_big": _(
            "Nothing was imported: in {place}, the image is larger than any image Kimi Desktop "
            "stores."
        ),
    }
