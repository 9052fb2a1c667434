"""Images made on the fly for the image tests: every format, odd headers, EXIF.

No QGuiApplication is needed: QImage, QPainter on a QImage (without text) and
the image plugins all work without one.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Sequence

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter


class ImageFactory:
    """Builds test images as ``QImage`` and as encoded bytes."""

    def picture(self, width: int, height: int, *, alpha: bool = False) -> QImage:
        """A small picture: left half red, right half blue (transparent corner if alpha)."""
        fmt = QImage.Format.Format_ARGB32 if alpha else QImage.Format.Format_RGB32
        image = QImage(width, height, fmt)
        image.fill(QColor("#1d4ed8"))
        painter = QPainter(image)
        painter.fillRect(0, 0, width // 2, height, QColor("#dc2626"))
        if alpha:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.fillRect(0, 0, width // 4, height // 4, Qt.GlobalColor.transparent)
        painter.end()
        return image

    def screenshot(self, width: int, height: int) -> QImage:
        """A flat-coloured UI: bars, panels, buttons and lines standing in for text."""
        rnd = random.Random(width * height)
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(QColor("#f6f7f9"))
        painter = QPainter(image)
        unit = max(1, width // 480)
        painter.fillRect(0, 0, width, 14 * unit, QColor("#1f2937"))
        painter.fillRect(0, 14 * unit, 64 * unit, height, QColor("#ffffff"))
        for row in range(min(60, height // (8 * unit))):
            y = 20 * unit + row * 8 * unit
            painter.fillRect(6 * unit, y, rnd.randint(20, 50) * unit, 2 * unit, QColor("#374151"))
            painter.fillRect(80 * unit, y, rnd.randint(60, 360) * unit, 2 * unit, QColor("#111827"))
        for i, colour in enumerate(("#2563eb", "#9ca3af", "#059669")):
            rect = QRect((80 + i * 40) * unit, height - 20 * unit, 34 * unit, 10 * unit)
            painter.fillRect(rect, QColor(colour))
        painter.end()
        return image

    def noise(self, width: int, height: int, *, alpha: bool = False, seed: int = 1) -> QImage:
        """Random pixels: compresses badly in every format."""
        channels = 4 if alpha else 3
        raw = random.Random(seed).randbytes(width * height * channels)
        fmt = QImage.Format.Format_RGBA8888 if alpha else QImage.Format.Format_RGB888
        return QImage(raw, width, height, width * channels, fmt).copy()

    def encode(self, image: QImage, fmt: str, quality: int = -1) -> bytes:
        """``image`` saved by Qt in ``fmt`` ("png", "jpeg", "webp")."""
        array = QByteArray()
        buffer = QBuffer(array)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QImageWriter(buffer, fmt.encode())
        writer.setQuality(quality)
        assert writer.write(image), writer.errorString()
        buffer.close()
        return bytes(array.data())

    def gif(self, frames: Sequence[QImage]) -> bytes:
        """An (animated when several frames) GIF89a; Qt reads GIF but cannot write it."""
        width, height = frames[0].width(), frames[0].height()
        palette = [(r * 51, g * 51, b * 51) for r in range(6) for g in range(6) for b in range(6)]
        palette += [(0, 0, 0)] * (256 - len(palette))
        table = [QColor(*rgb).rgb() for rgb in palette]
        out = bytearray(b"GIF89a")
        out += struct.pack("<HHBBB", width, height, 0xF7, 0, 0)
        out += b"".join(bytes(rgb) for rgb in palette)
        if len(frames) > 1:
            out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
        for frame in frames:
            indexed = frame.convertToFormat(QImage.Format.Format_Indexed8, table)
            stride = indexed.bytesPerLine()
            bits = bytes(indexed.constBits())
            pixels = b"".join(bits[y * stride : y * stride + width] for y in range(height))
            out += b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # 0.1 s per frame
            out += b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
            out += b"\x08" + _sub_blocks(_lzw_uncompressed(pixels))
        out += b"\x3b"
        return bytes(out)

    def jpeg_with_orientation(self, image: QImage, orientation: int) -> bytes:
        """``image`` as JPEG carrying an EXIF APP1 segment with ``Orientation``."""
        jpeg = self.encode(image, "jpeg", 95)
        ifd_entry = struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)  # SHORT, 1 value
        tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + b"\x00\x01" + ifd_entry + b"\x00" * 4
        payload = b"Exif\x00\x00" + tiff
        app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
        return jpeg[:2] + app1 + jpeg[2:]

    def png_with_chunks(self, png: bytes, chunks: Sequence[tuple[bytes, bytes]]) -> bytes:
        """``png`` with ``(type, payload)`` chunks inserted just before its first IDAT."""
        at = png.index(b"IDAT") - 4
        return png[:at] + b"".join(_chunk(kind, payload) for kind, payload in chunks) + png[at:]

    def jpeg_with_segments(self, jpeg: bytes, segments: Sequence[tuple[int, bytes]]) -> bytes:
        """``jpeg`` with ``(marker, payload)`` segments inserted right after its SOI."""
        inserted = b"".join(
            bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
            for marker, payload in segments
        )
        return jpeg[:2] + inserted + jpeg[2:]

    def exif(self, *, orientation: int = 1, gps: bytes = b"") -> bytes:
        """A TIFF-structured EXIF block with ``Orientation`` and, if given, opaque
        ``gps`` bytes standing in for a GPS sub-IFD (the tests look for them)."""
        ifd_entry = struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)  # SHORT, 1 value
        return b"MM\x00\x2a" + struct.pack(">I", 8) + b"\x00\x01" + ifd_entry + b"\x00" * 4 + gps

    def webp_extended(self, webp: bytes, extra: Sequence[tuple[bytes, bytes]]) -> bytes:
        """A simple (VP8 or VP8L) ``webp`` rewritten in the extended format, with
        ``(fourcc, payload)`` chunks (such as EXIF and XMP) after the bitstream and
        the VP8X flags that announce them."""
        assert webp[12:16] in (b"VP8 ", b"VP8L")
        image = QImage.fromData(webp)
        flags = 0
        for kind, _ in extra:
            flags |= {b"EXIF": 0x08, b"XMP ": 0x04, b"ICCP": 0x20}.get(kind, 0)
        canvas = (image.width() - 1).to_bytes(3, "little") + (image.height() - 1).to_bytes(
            3, "little"
        )
        body = b"WEBP" + _riff_chunk(b"VP8X", bytes([flags, 0, 0, 0]) + canvas) + webp[12:]
        body += b"".join(_riff_chunk(kind, payload) for kind, payload in extra)
        return b"RIFF" + struct.pack("<I", len(body)) + body

    def gif_with_extensions(
        self, gif: bytes, extensions: Sequence[tuple[int, Sequence[bytes]]]
    ) -> bytes:
        """``gif`` with extension blocks inserted before its first frame's graphic
        control block: ``(label, sub_blocks)``, e.g. ``(0xFE, [b"a comment"])`` or
        ``(0xFF, [b"XMP DataXMP", b"<x:xmpmeta ...>"])`` (each under 256 bytes)."""
        at = gif.index(b"\x21\xf9")
        blocks = b"".join(
            b"\x21" + bytes([label]) + b"".join(bytes([len(b)]) + b for b in sub_blocks) + b"\x00"
            for label, sub_blocks in extensions
        )
        return gif[:at] + blocks + gif[at:]

    def png_header_only(self, width: int, height: int, *, bit_depth: int = 8) -> bytes:
        """A structurally whole PNG whose header claims ``width`` x ``height`` RGBA
        pixels but whose data holds a single empty row: a decompression-bomb shape."""
        ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, 6, 0, 0, 0)
        idat = zlib.compress(b"\x00")
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _riff_chunk(kind: bytes, payload: bytes) -> bytes:
    padding = b"\x00" if len(payload) % 2 else b""
    return kind + struct.pack("<I", len(payload)) + payload + padding


def _lzw_uncompressed(pixels: bytes) -> bytes:
    """GIF LZW data that never compresses: 9-bit literal codes, with a clear code
    often enough that the decoder's table never grows past 9 bits."""
    clear, end = 256, 257
    codes: list[int] = []
    for start in range(0, len(pixels), 200):
        codes.append(clear)
        codes.extend(pixels[start : start + 200])
    codes.append(end)
    out = bytearray()
    bits = count = 0
    for code in codes:  # packed least significant bit first
        bits |= code << count
        count += 9
        while count >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            count -= 8
    if count:
        out.append(bits)
    return bytes(out)


def _sub_blocks(data: bytes) -> bytes:
    out = bytearray()
    for start in range(0, len(data), 255):
        block = data[start : start + 255]
        out += bytes([len(block)]) + block
    return bytes(out + b"\x00")


@pytest.fixture
def factory() -> ImageFactory:
    """Makes test images."""
    return ImageFactory()
