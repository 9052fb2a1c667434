"""Tell image formats apart by their first bytes, and spot files cut short.

The extension of a dropped file says nothing reliable, so the format is read from
the content. The structure checks catch truncated and mangled files before they
reach Qt's decoders, which would otherwise log warnings and, for JPEG, happily
return a half-grey picture.
"""

from __future__ import annotations

import enum
import zlib

from kimi_desktop.i18n import N_


class ImageFormat(enum.Enum):
    """An image format Kimi accepts; the value is the MIME type."""

    PNG = "image/png"
    JPEG = "image/jpeg"
    WEBP = "image/webp"
    GIF = "image/gif"

    @property
    def mime(self) -> str:
        """The MIME type used in a ``data:`` URL."""
        return self.value

    @property
    def qt_name(self) -> bytes:
        """The format name Qt's image plugins answer to."""
        return self.name.lower().encode("ascii")


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Formats people drop that the model cannot take, for a more helpful refusal.
_OTHER_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    # TRANSLATORS: these fill {kind} in "“{name}” is {kind}; only … images can be attached."
    (0, b"BM", N_("a BMP image")),
    (0, b"II*\x00", N_("a TIFF image")),
    (0, b"MM\x00*", N_("a TIFF image")),
    (0, b"%PDF", N_("a PDF document")),
    (0, b"\x00\x00\x01\x00", N_("an icon file")),
    (4, b"ftypheic", N_("a HEIC photo")),
    (4, b"ftypheix", N_("a HEIC photo")),
    (4, b"ftypmif1", N_("a HEIF image")),
    (4, b"ftypavif", N_("an AVIF image")),
    (0, b"\xff\x0a", N_("a JPEG XL image")),
    (0, b"\x00\x00\x00\x0cJXL ", N_("a JPEG XL image")),
)


def sniff(data: bytes) -> ImageFormat | None:
    """The accepted format ``data`` is in, judged by its signature, or ``None``."""
    if data.startswith(_PNG_SIGNATURE):
        return ImageFormat.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return ImageFormat.JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return ImageFormat.GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageFormat.WEBP
    return None


def describe_other(data: bytes) -> str | None:
    """Name a recognised but unaccepted format ("a HEIC photo"), else ``None``.

    In English, marked for the catalog: translate it with ``_()`` where it is shown.
    """
    for offset, signature, description in _OTHER_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return description
    return None


def is_lossless(image_format: ImageFormat, data: bytes) -> bool:
    """Whether ``data`` was stored without loss (PNG, GIF, lossless WebP).

    Such images are usually screenshots or drawings, so they are kept lossless
    when re-encoded, which keeps text crisp.
    """
    if image_format is ImageFormat.WEBP:
        return _webp_first_bitstream(data) == b"VP8L"
    return image_format in (ImageFormat.PNG, ImageFormat.GIF)


def is_complete(image_format: ImageFormat, data: bytes) -> bool:
    """Whether ``data`` holds a structurally whole file of ``image_format``.

    Checks framing only (chunks, segments, blocks), not the compressed pixels.
    """
    check = {
        ImageFormat.PNG: _png_complete,
        ImageFormat.JPEG: _jpeg_complete,
        ImageFormat.GIF: _gif_complete,
        ImageFormat.WEBP: _webp_complete,
    }[image_format]
    try:
        return check(data)
    except IndexError:  # a length field pointed past the end
        return False


def _png_complete(data: bytes) -> bool:
    # Chunks are length, type, payload, CRC. A bad CRC on a critical chunk makes
    # libpng give up (and log), so check those here; ancillary ones it skips.
    view = memoryview(data)  # CRC over slices without copying the pixel data
    pos = len(_PNG_SIGNATURE)
    first = True
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data) or (first and (kind != b"IHDR" or length != 13)):
            return False
        is_critical = kind[0:1].isupper()
        crc = int.from_bytes(data[end - 4 : end], "big")
        if is_critical and zlib.crc32(view[pos + 4 : end - 4]) != crc:
            return False
        if kind == b"IEND":
            return True
        first = False
        pos = end
    return False


_JPEG_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})


def _jpeg_complete(data: bytes) -> bool:
    # Walk the header segments to the first start-of-scan, then expect an
    # end-of-image marker. Inside entropy-coded data 0xFF is always stuffed as
    # FF 00, so FF D9 there can only be the real end (anything after it, such as
    # the video of a "motion photo", is fine).
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            return False  # end of image before any scan
        if marker in _JPEG_STANDALONE_MARKERS:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            return False
        pos += 2 + length
        if marker == 0xDA:
            return data.find(b"\xff\xd9", pos) != -1
    return False


def _gif_complete(data: bytes) -> bool:
    # Header, logical screen descriptor, optional global colour table, then
    # extension and image blocks until the trailer. A file that stops cleanly
    # after a whole frame but lacks the trailer still shows in every browser,
    # so accept that too.
    pos = 13
    flags = data[10]
    if flags & 0x80:
        pos += 3 << ((flags & 0x07) + 1)
    frames = 0
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            return frames > 0
        if block == 0x21:
            pos = skip_gif_sub_blocks(data, pos + 2)
        elif block == 0x2C:
            local_flags = data[pos + 9]
            pos += 10
            if local_flags & 0x80:
                pos += 3 << ((local_flags & 0x07) + 1)
            pos = skip_gif_sub_blocks(data, pos + 1)  # after the LZW minimum code size
            frames += 1
        else:
            return False
        if pos > len(data):
            return False
    return frames > 0 and pos == len(data)


def skip_gif_sub_blocks(data: bytes, pos: int) -> int:
    """Position just past a chain of GIF data sub-blocks starting at ``pos``."""
    while True:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _webp_complete(data: bytes) -> bool:
    riff_size = int.from_bytes(data[4:8], "little")
    return riff_size >= 4 + 8 and len(data) >= 8 + riff_size


def _webp_first_bitstream(data: bytes) -> bytes | None:
    """The kind of the first image bitstream chunk: ``b"VP8 "`` (lossy) or ``b"VP8L"``."""
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        if kind in (b"VP8 ", b"VP8L"):
            return kind
        if kind == b"ANMF":  # an animation frame: 16 bytes of frame header, then chunks
            pos += 8 + 16
            continue
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        pos += 8 + size + (size & 1)
    return None
