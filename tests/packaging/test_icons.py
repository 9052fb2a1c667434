"""The icon build: every size from the SVG master, and well-formed ICO and ICNS files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageReader

from tests.packaging.conftest import APP, ICON_MASTER, PACKAGING, load_script

build_icons = load_script(PACKAGING / "build_icons.py")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_master_is_real_vector_art() -> None:
    svg = ICON_MASTER.read_text()
    assert "<path" in svg
    assert "<image" not in svg
    assert "data:" not in svg


@pytest.mark.parametrize("size", build_icons.HICOLOR_SIZES)
def test_every_hicolor_size_is_rendered(icons_dir: Path, size: int, qapp: object) -> None:
    path = icons_dir / "hicolor" / f"{size}x{size}" / "apps" / f"{APP}.png"
    assert png_size(path.read_bytes()) == (size, size)
    image = QImage(str(path))
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0  # outside the rounded tile
    assert image.pixelColor(size // 2, size // 2).alpha() == 255


def test_the_scalable_icon_is_the_master(icons_dir: Path) -> None:
    scalable = icons_dir / "hicolor" / "scalable" / "apps" / f"{APP}.svg"
    assert scalable.read_bytes() == ICON_MASTER.read_bytes()


def test_ico_holds_every_size(icons_dir: Path, qapp: object) -> None:
    data = (icons_dir / f"{APP}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(build_icons.ICO_SIZES))
    for index, size in enumerate(build_icons.ICO_SIZES):
        width, height, _, _, planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        assert (width or 256, height or 256, planes, bits) == (size, size, 1, 32)
        assert offset + length <= len(data)
        image = data[offset : offset + length]
        if size >= 256:
            assert png_size(image) == (size, size)
        else:
            header_size, dib_width, dib_height = struct.unpack("<Iii", image[:12])
            assert (header_size, dib_width, dib_height) == (40, size, 2 * size)
    # And Qt's own ICO reader agrees.
    array = QByteArray(data)  # QBuffer keeps a pointer, not a copy
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    assert QImageReader(buffer, b"ico").imageCount() == len(build_icons.ICO_SIZES)


def test_ico_pixels_match_the_png(icons_dir: Path, qapp: object) -> None:
    data = (icons_dir / f"{APP}.ico").read_bytes()
    offset = struct.unpack("<I", data[6 + 12 : 6 + 16])[0]  # the first entry: 16 px
    rows = data[offset + 40 : offset + 40 + 16 * 16 * 4]
    b, g, r, a = rows[(16 - 1 - 8) * 64 + 8 * 4 : (16 - 1 - 8) * 64 + 8 * 4 + 4]  # (8, 8)
    png = QImage(str(icons_dir / "hicolor" / "16x16" / "apps" / f"{APP}.png"))
    assert png.pixelColor(8, 8).getRgb() == (r, g, b, a)


def test_icns_holds_every_type(icons_dir: Path) -> None:
    data = (icons_dir / f"{APP}.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    found = {}
    position = 8
    while position < len(data):
        kind, length = (
            data[position : position + 4],
            struct.unpack(">I", data[position + 4 : position + 8])[0],
        )
        found[kind] = png_size(data[position + 8 : position + length])
        position += length
    assert position == len(data)
    assert found == {kind: (size, size) for kind, size in build_icons.ICNS_TYPES}
