"""What a person hands over to be sent: a prompt's text and the files attached to it."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from kimi_desktop.domain.conversation import AttachedDocument, Attachment


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """An image to store with a new message; hash and size are derived from ``data``."""

    mime: str
    data: bytes
    width: int
    height: int
    name: str = ""

    def __repr__(self) -> str:  # bytes would flood logs and test output
        return (
            f"NewAttachment(mime={self.mime!r}, {self.width}x{self.height}, "
            f"{len(self.data)} bytes, name={self.name!r})"
        )

    def describe(self) -> Attachment:
        """The stored description; hashing happens here, outside any lock."""
        return Attachment(
            sha256=hashlib.sha256(self.data).hexdigest(),
            mime=self.mime,
            width=self.width,
            height=self.height,
            size=len(self.data),
            name=self.name,
        )


@dataclass(frozen=True, slots=True)
class Draft:
    """The composer's content when Send is pressed: the text as typed, and its attachments.

    The composer emits one of these, so whoever sends it never reaches back into
    the widgets for the images.
    """

    text: str
    attachments: tuple[NewAttachment, ...] = ()
    documents: tuple[AttachedDocument, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing a model could read: no attachment and no visible character."""
        return not self.attachments and not self.documents and not has_visible_text(self.text)


#: Characters that draw nothing although Unicode does not call them spaces or formats.
_FILLERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
#: Spaces, line breaks, control and format characters (zero-width spaces and joiners,
#: byte-order marks, bidi controls): invisible on their own.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def has_visible_text(text: str) -> bool:
    """Whether ``text`` holds a character that shows: a prompt of only zero-width
    spaces, bidi marks or Hangul fillers looks empty and is not sent."""
    return any(
        ch not in _FILLERS and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text
    )
