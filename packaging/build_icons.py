"""Render the app icon from its SVG master into every bitmap a platform wants.

    python packaging/build_icons.py OUT_DIR [--svg kimi_desktop/resources/kimi-desktop.svg]

writes

    OUT_DIR/hicolor/<n>x<n>/apps/kimi-desktop.png   n = 16 ... 512   (freedesktop)
    OUT_DIR/hicolor/scalable/apps/kimi-desktop.svg                  (the master, copied)
    OUT_DIR/kimi-desktop.ico                                         (Windows)
    OUT_DIR/kimi-desktop.icns                                        (macOS)

Bitmaps are build output, never committed: QSvgRenderer draws each size from the
master, and the ICO and ICNS containers are written here by hand (both are a
small header, a table and the images).
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "kimi_desktop" / "resources" / "kimi-desktop.svg"
ICON_NAME = "kimi-desktop"

#: Sizes installed into the hicolor theme (the ones desktops ask for).
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: Sizes inside the .ico: 20 and 40 are the 125 % scaled small/large icons.
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
#: ICNS element types holding PNG data, and their pixel size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),  # 512 @2x
    (b"ic11", 32),  # 16 @2x
    (b"ic12", 64),  # 32 @2x
    (b"ic13", 256),  # 128 @2x
    (b"ic14", 512),  # 256 @2x
)


_app: QGuiApplication | None = None  # created here when the caller has none


def _ensure_app() -> None:
    """Painting needs a QGuiApplication; make one (offscreen) if there is none."""
    global _app
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QGuiApplication([sys.argv[0]])


class IconRenderer:
    """Draws the SVG master at any size and hands back PNG bytes or raw BGRA pixels."""

    def __init__(self, svg: Path) -> None:
        _ensure_app()
        self._renderer = QSvgRenderer(str(svg))
        if not self._renderer.isValid():
            raise ValueError(f"{svg}: not a valid SVG file")
        self._cache: dict[int, QImage] = {}

    def image(self, size: int) -> QImage:
        """The icon as a straight-alpha ARGB32 QImage of ``size`` x ``size``."""
        if size not in self._cache:
            image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            self._renderer.render(painter, QRectF(0, 0, size, size))
            painter.end()
            self._cache[size] = image.convertToFormat(QImage.Format.Format_ARGB32)
        return self._cache[size]

    def png(self, size: int) -> bytes:
        """PNG-encoded bytes of the icon at ``size``."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # WORKAROUND: PySide6 6.11's stubs declare the format as bytes; the binding
        # accepts only str.
        if not self.image(size).save(buffer, "PNG"):  # type: ignore[call-overload]
            raise RuntimeError(f"could not encode the {size} px icon as PNG")
        buffer.close()
        return bytes(data.data())

    def bgra_rows(self, size: int) -> list[bytes]:
        """Rows of straight-alpha BGRA pixels, top row first (what a DIB stores, flipped)."""
        image = self.image(size)
        stride = image.bytesPerLine()
        bits = bytes(image.constBits())
        # Format_ARGB32 is a native-endian 0xAARRGGBB word: B, G, R, A in memory on
        # little-endian machines, which is the DIB order. Swap on big-endian ones.
        rows = [bits[y * stride : y * stride + size * 4] for y in range(size)]
        if sys.byteorder == "big":
            rows = [_swap_words(row) for row in rows]
        return rows


def _swap_words(row: bytes) -> bytes:
    out = bytearray(row)
    out[0::4], out[1::4], out[2::4], out[3::4] = row[3::4], row[2::4], row[1::4], row[0::4]
    return bytes(out)


def ico_bytes(renderer: IconRenderer, sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """An ICO file: 32-bit DIB entries below 256 px (every Windows reads them), PNG at 256."""
    images = [_dib(renderer, size) if size < 256 else renderer.png(size) for size in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    directory = b""
    for size, data in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in the directory
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + directory + b"".join(images)


def _dib(renderer: IconRenderer, size: int) -> bytes:
    # BITMAPINFOHEADER with the height doubled (colour rows + AND-mask rows), rows
    # bottom-up; the all-zero AND mask defers to the alpha channel.
    mask_stride = ((size + 31) // 32) * 4
    pixels = b"".join(reversed(renderer.bgra_rows(size)))
    mask = bytes(mask_stride * size)
    header = struct.pack(
        "<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0
    )
    return header + pixels + mask


def icns_bytes(renderer: IconRenderer) -> bytes:
    """An ICNS file: big-endian ``'icns' + length``, then ``type + length + PNG`` elements."""
    elements = b""
    for kind, size in ICNS_TYPES:
        png = renderer.png(size)
        elements += kind + struct.pack(">I", 8 + len(png)) + png
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def build(out_dir: Path, svg: Path = SVG) -> list[Path]:
    """Write every icon file under ``out_dir``; returns the paths written."""
    renderer = IconRenderer(svg)
    written: list[Path] = []
    for size in HICOLOR_SIZES:
        target = out_dir / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(renderer.png(size))
        written.append(target)
    scalable = out_dir / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    written.append(scalable)
    for target, data in (
        (out_dir / f"{ICON_NAME}.ico", ico_bytes(renderer)),
        (out_dir / f"{ICON_NAME}.icns", icns_bytes(renderer)),
    ):
        target.write_bytes(data)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="where to write the icons")
    parser.add_argument("--svg", type=Path, default=SVG, help="the SVG master")
    args = parser.parse_args(argv)
    for path in build(args.out_dir, args.svg):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
