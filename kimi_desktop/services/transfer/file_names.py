"""File names made from conversation titles, safe on Windows, macOS and Linux alike.

A title is whatever a person typed or a model wrote: slashes, colons, a
trailing dot, ``CON``, a right-to-left override that makes ``gpj.exe`` look like
``exe.jpg``, or a thousand characters of Chinese (three bytes each on disk). The
name suggested for an export must survive every file system it may be copied to.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: Characters Windows forbids in names (macOS forbids ":" and Linux "/" too).
_FORBIDDEN: Final = frozenset('<>:"/\\|?*')
#: Names Windows reserves for devices, whatever the extension ("con.md" too).
_RESERVED: Final = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in "123456789¹²³"}
    | {f"lpt{n}" for n in "123456789¹²³"}
)
#: Most file systems allow 255 bytes a name; this leaves room for "_files", an
#: extension and a counter, and keeps paths well under Windows' 260 characters.
MAX_STEM_BYTES: Final = 120
MAX_STEM_CHARS: Final = 80

_SPACES = re.compile(r"\s+")


def safe_file_stem(title: str, fallback: str) -> str:
    """A file name without extension made from ``title`` (``fallback`` if nothing is left).

    Forbidden characters become "_", control and format characters (bidi
    overrides, zero-width spaces) go, runs of spaces become one, and leading dots
    and spaces (hidden files) and trailing dots and spaces (dropped by Windows)
    are trimmed; a reserved device name gets a "_" in front; the result is cut
    to :data:`MAX_STEM_CHARS` characters and :data:`MAX_STEM_BYTES` UTF-8 bytes.
    """
    text = unicodedata.normalize("NFC", title)
    kept = "".join(
        "_" if ch in _FORBIDDEN else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    stem = _trimmed(_SPACES.sub(" ", kept)[:MAX_STEM_CHARS])
    while len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        stem = _trimmed(stem[:-1])
    if not stem:
        stem = _trimmed(_SPACES.sub(" ", fallback)) or "export"
    if stem.split(".", 1)[0].rstrip().casefold() in _RESERVED:
        stem = "_" + stem
    return stem


def _trimmed(stem: str) -> str:
    return stem.strip(" .")
