"""Tinted icons as files, for style sheets: ``image: url(...)`` takes a path, not a QIcon.

The files are written once per colour into a folder of their own in the
temporary directory and removed when the app exits.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from PySide6.QtGui import QColor

from kimi_desktop.ui.icons.tinted import svg_source

_folder: list[Path] = []  # created on first use


def icon_file(name: str, colour: QColor) -> str:
    """The path of an SVG file of the icon ``name`` drawn in ``colour``, with forward
    slashes as style sheets want them."""
    rgb = colour.name(QColor.NameFormat.HexRgb)
    path = _icon_folder() / f"{name}-{rgb.lstrip('#')}.svg"
    if not path.exists():
        path.write_bytes(svg_source(name).replace(b"currentColor", rgb.encode("ascii")))
    return path.as_posix()


def _icon_folder() -> Path:
    if not _folder:
        folder = Path(tempfile.mkdtemp(prefix="kimi-desktop-icons-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _folder.append(folder)
    return _folder[0]
