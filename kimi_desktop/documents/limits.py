"""Every number that bounds reading a document, each with the reason behind it.

Sizes are in bytes with binary multiples (1 MB = 1024 * 1024 bytes), as the image
limits are, so a limit reads back as a round number in a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kimi_desktop.i18n import ngettext

KB: Final = 1024
MB: Final = 1024 * KB

MAX_UPLOAD_BYTES: Final = 100 * MB
"""Largest file Moonshot's files API takes ("each file must not exceed 100 MB",
platform.moonshot.ai/docs/api/files). Checked before an upload starts."""

MAX_LOCAL_BYTES: Final = 20 * MB
"""Largest file read on this computer. The whole file is held in memory while it
is read; 20 MB of plain text is about 20 million characters, ten times what
:data:`MAX_CHARS` lets through, and a PDF that size is mostly pictures and fonts,
whose text is what the page and character caps bound. Bigger files on a Moonshot
endpoint go to its files API instead (:data:`MAX_UPLOAD_BYTES`)."""

MAX_PAGES: Final = 500
"""Most PDF pages read. pypdf is pure Python: 4 ms a page of plain generated text,
17 to 19 ms a page of a TeX manual with embedded fonts (measured on a 2-core
server), so the cap keeps the worst case to about ten seconds in a worker thread.
At a typical 2,000 characters a page, 500 pages already hold more than a
256K-token context, so no document a model could read whole is refused."""

MAX_CHARS: Final = 2_000_000
"""Most characters of text kept from one document. At 1.5 (Chinese) to 4
(English) characters a token this is 500K tokens or more, beyond every Kimi
context, so nothing a model could read is refused here; whether a document fits
the chosen model is decided later, in tokens. It bounds memory and extraction
time for files that pass the byte limit."""


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """The bounds one extraction works within (tests pass small ones)."""

    max_bytes: int = MAX_LOCAL_BYTES
    max_pages: int = MAX_PAGES
    max_chars: int = MAX_CHARS


LOCAL_LIMITS: Final = DocumentLimits()
"""The limits for reading a document on this computer."""


def format_size(n_bytes: int) -> str:
    """A byte count as a person reads it in a sentence: "820 KB", "1.4 MB", "20 MB".

    The same shape as the image attachments' sizes, kept here because the two
    packages may not import each other.
    """
    if n_bytes < KB:
        return ngettext("{n} byte", "{n} bytes", n_bytes).format(n=n_bytes)
    value, unit = (n_bytes / MB, "MB") if n_bytes >= MB else (n_bytes / KB, "KB")
    text = f"{value:.1f}" if value < 9.95 else f"{value:.0f}"
    return f"{text.removesuffix('.0')} {unit}"
