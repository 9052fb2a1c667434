"""Reading a text file whose encoding nobody wrote down.

The order is the one that can be trusted most to the one that can be trusted
least: a byte-order mark says the encoding outright; strict UTF-8 almost never
decodes text that is not UTF-8; GB18030 decodes nearly anything, so it is kept
only when the result reads like Chinese text. Binary data is refused before any
guess, so an image or an archive renamed ``.txt`` never reaches the model as noise.
"""

from __future__ import annotations

import codecs
import re

from kimi_desktop.documents import errors

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that do not occur in text. Tab, line feed, vertical tab, form
# feed and carriage return do, and so does escape (colour codes in logs).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")

MAX_CONTROL_SHARE = 0.01
"""Above one control character in a hundred, a file is binary. Text files hold
almost none; binary formats are full of them (and of NUL, which alone decides)."""

MIN_GB2312_SHARE = 0.8
"""Share of the non-ASCII characters, once decoded as GB18030, that must be in
GB2312, the 6,763 hanzi and the punctuation that make up nearly all of written
simplified Chinese. Text in a Western or Cyrillic code page that happens to decode
as GB18030 turns into rare characters outside it (an accented letter followed by
an ASCII letter makes a GBK-only hanzi), and so does Big5 or Shift-JIS text."""


def decode_text(name: str, data: bytes) -> tuple[str, str]:
    """The text in ``data`` with its newlines made ``\\n``, and the codec that read it.

    Raises :class:`~kimi_desktop.documents.errors.DocumentError` for binary data,
    text in no encoding recognised here, and a file with nothing but white space.
    """
    if not data:
        raise errors.empty(name)
    text, encoding = _decode(name, data)
    if not text.strip():
        raise errors.empty(name)
    return normalise_newlines(text), encoding


def normalise_newlines(text: str) -> str:
    """``text`` with Windows (CR LF) and old Mac (CR) line ends made ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def count_lines(text: str) -> int:
    """Lines in normalised ``text``; a final newline does not start another line."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _decode(name: str, data: bytes) -> tuple[str, str]:
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                text = data[len(mark) :].decode(codec)
            except UnicodeDecodeError:
                raise errors.undecodable(name) from None
            if _text_looks_binary(text):
                raise errors.binary(name)
            return text, codec
    if _bytes_look_binary(data):
        raise errors.binary(name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise errors.undecodable(name) from None
    if not _reads_as_chinese(text) or _text_looks_binary(text):
        raise errors.undecodable(name)
    return text, "gb18030"


def _bytes_look_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > len(data) * MAX_CONTROL_SHARE


def _text_looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = _CONTROL_CHARS.subn("", text)[1]
    return controls > len(text) * MAX_CONTROL_SHARE


def _reads_as_chinese(text: str) -> bool:
    ascii_count = len(text.encode("ascii", "ignore"))
    non_ascii = len(text) - ascii_count
    if not non_ascii:
        return True
    # GB2312 (EUC-CN) writes ASCII as one byte and each of its own characters as two.
    in_gb2312 = (len(text.encode("gb2312", "ignore")) - ascii_count) // 2
    return in_gb2312 >= non_ascii * MIN_GB2312_SHARE
