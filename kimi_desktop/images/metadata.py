"""Remove metadata from an image file without touching its pixels.

A photo's EXIF block can hold where it was taken (GPS), the camera's serial
number and a thumbnail of the uncropped original; PNG text chunks hold
whatever the tool that made it wrote (user names, file paths, prompts). None
of that helps the model, so none of it leaves the machine.

:func:`strip_metadata` rebuilds a file from an allowlist of the structures
that describe pixels, which is faster than a re-encode and keeps a JPEG from
losing quality a second time. It returns ``None`` for anything it does not
handle, which the caller re-encodes instead: an animation (APNG, animated GIF
or WebP), or a structure it cannot walk.

Callers must only strip images whose orientation and colour space need no
change, as the allowlists drop EXIF orientation and embedded colour profiles.
"""

from __future__ import annotations

from kimi_desktop.images.formats import ImageFormat, skip_gif_sub_blocks

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Pixel data and what is needed to show it as a decoder would. Everything else
# goes: tEXt, iTXt, zTXt, eXIf, tIME, iCCP (the image is sRGB already), bKGD
# and private chunks.
_PNG_KEPT = frozenset(
    {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"sRGB", b"gAMA", b"cHRM", b"sBIT", b"pHYs"}
)
_PNG_ANIMATION = b"acTL"


def strip_metadata(image_format: ImageFormat, data: bytes) -> bytes | None:
    """``data`` with every metadata block removed, or ``None`` to re-encode instead.

    ``data`` must have passed :func:`~kimi_desktop.images.formats.is_complete`.
    """
    strip = {
        ImageFormat.PNG: _strip_png,
        ImageFormat.JPEG: _strip_jpeg,
        ImageFormat.WEBP: _strip_webp,
        ImageFormat.GIF: _strip_gif,
    }[image_format]
    try:
        return strip(data)
    except IndexError:  # a length field pointed past the end
        return None


def _strip_png(data: bytes) -> bytes | None:
    view = memoryview(data)  # chunks are copied once, into the output
    parts = [view[: len(_PNG_SIGNATURE)]]
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if kind == _PNG_ANIMATION:
            return None
        if kind in _PNG_KEPT:
            parts.append(view[pos:end])
        if kind == b"IEND":
            return b"".join(parts)
        pos = end
    return None


# Segments that carry no pixel information. APP0 is kept only as JFIF and APP14
# only as Adobe's, which tells decoders how the colour channels are stored.
_JPEG_APP0, _JPEG_APP14, _JPEG_COMMENT = 0xE0, 0xEE, 0xFE
_JPEG_APPS = range(0xE0, 0xF0)
_JPEG_KEPT_APPS = {_JPEG_APP0: b"JFIF\x00", _JPEG_APP14: b"Adobe"}
_JPEG_RESTARTS = range(0xD0, 0xD8)
_JPEG_SOS, _JPEG_EOI = 0xDA, 0xD9


def _strip_jpeg(data: bytes) -> bytes | None:
    view = memoryview(data)
    parts = [view[:2]]  # start of image
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == _JPEG_EOI:
            # Whatever follows (a "motion photo" video, the images of a
            # multi-picture file) is not part of this image.
            parts.append(view[pos : pos + 2])
            return b"".join(parts)
        if marker in _JPEG_RESTARTS or marker == 0x01:
            return None  # only valid inside entropy-coded data
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if end > len(data):
            return None
        if marker == _JPEG_SOS:
            end = _entropy_end(data, end)
        if _jpeg_keeps(marker, data[pos + 4 : min(end, pos + 10)]):
            parts.append(view[pos:end])
        pos = end
    return None


def _jpeg_keeps(marker: int, payload_start: bytes) -> bool:
    if marker == _JPEG_COMMENT:
        return False
    if marker in _JPEG_APPS:
        signature = _JPEG_KEPT_APPS.get(marker)
        return signature is not None and payload_start.startswith(signature)
    return True


def _entropy_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data that starts at ``pos`` ends: at the next marker.

    Inside it, 0xFF is followed by 0x00 (a stuffed byte) or a restart marker.
    """
    while True:
        pos = data.find(b"\xff", pos)
        if pos == -1 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or following in _JPEG_RESTARTS:
            pos += 2
        elif following == 0xFF:  # fill bytes before a marker
            pos += 1
        else:
            return pos


# A still WebP is a RIFF container of chunks; only these describe pixels.
_WEBP_KEPT = frozenset({b"VP8 ", b"VP8L", b"ALPH"})
_WEBP_ANIMATION = frozenset({b"ANIM", b"ANMF"})
_VP8X_KEPT_FLAGS = 0x10  # alpha; the ICC, EXIF, XMP and animation flags go


def _strip_webp(data: bytes) -> bytes | None:
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    chunks: list[bytes] = []
    pos = 12
    while pos + 8 <= riff_end:
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        end = pos + 8 + size + (size & 1)  # chunks are padded to an even length
        if end > riff_end or kind in _WEBP_ANIMATION:
            return None
        if kind == b"VP8X":
            if size != 10:
                return None
            flags = bytes([data[pos + 8] & _VP8X_KEPT_FLAGS])
            chunks.append(data[pos : pos + 8] + flags + data[pos + 9 : end])
        elif kind in _WEBP_KEPT:
            chunks.append(data[pos:end])
        pos = end
    if not any(chunk[:4] in (b"VP8 ", b"VP8L") for chunk in chunks):
        return None
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


_GIF_EXTENSION, _GIF_IMAGE, _GIF_TRAILER = 0x21, 0x2C, 0x3B
_GIF_GRAPHIC_CONTROL = 0xF9  # transparency and delay; comments, application data
# (XMP, ICC, the loop count) and plain-text overlays go


def _strip_gif(data: bytes) -> bytes | None:
    view = memoryview(data)
    pos = 13  # header and logical screen descriptor
    flags = data[10]
    if flags & 0x80:
        pos += 3 << ((flags & 0x07) + 1)  # global colour table
    parts = [view[:pos]]
    control: memoryview | None = None  # the graphic control block of the next frame
    frames = 0
    while pos < len(data) and data[pos] != _GIF_TRAILER:
        block = data[pos]
        if block == _GIF_EXTENSION:
            end = skip_gif_sub_blocks(data, pos + 2)
            if data[pos + 1] == _GIF_GRAPHIC_CONTROL:
                control = view[pos:end]
        elif block == _GIF_IMAGE:
            if frames:
                return None  # an animation
            local_flags = data[pos + 9]
            end = pos + 10
            if local_flags & 0x80:
                end += 3 << ((local_flags & 0x07) + 1)
            end = skip_gif_sub_blocks(data, end + 1)  # after the LZW minimum code size
            if control is not None:
                parts.append(control)
            parts.append(view[pos:end])
            frames += 1
        else:
            return None
        if end > len(data):
            return None
        pos = end
    if not frames:
        return None
    return b"".join([*parts, bytes([_GIF_TRAILER])])
