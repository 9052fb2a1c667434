"""What the PyInstaller bundle leaves out, and the pruning that enforces it.

Used by ``kimi-desktop.spec``. PyInstaller's Qt hooks collect every plugin of the
types QtGui and friends declare, and then every library those plugins link: GTK
through the gtk3 platform theme, the eglfs stack for embedded screens, and so
on. :func:`prune` drops the plugins and Qt libraries the app has no use for,
then every library no longer reachable from what is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

#: A PyInstaller TOC entry: (destination name, source path, type code).
Entry = tuple[str, str, str]

#: PySide6 modules the app imports (QtDBus: keyring portals, input methods).
QT_MODULES = frozenset({"QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtSvg", "QtDBus"})

PYTHON_EXCLUDES = (
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "lib2to3",
    "pydoc_data",
    "test",
    "doctest",
    "pytest",
    "_pytest",
    "pytestqt",
    "pytest_asyncio",
    "mypy",
    "importlinter",
    "grimp",
    "hatchling",
    "setuptools",
    "pip",
    "PyInstaller",
    "IPython",
    "numpy",
    "PIL",
    # httpx's command-line client, whose import httpx tolerates failing.
    "httpx._main",
    "rich",
    "click",
)

#: Qt shared libraries that may stay (Qt6<name>); any other one is dropped.
QT_LIBS = frozenset(
    {
        "Core",
        "Gui",
        "Widgets",
        "Network",
        "Svg",
        "DBus",  # input methods (ibus), portals, accessibility
        "OpenGL",  # xcb GLX/EGL integration
        "XcbQpa",
        "WaylandClient",
        "WaylandEglClientHwIntegration",
    }
)

#: Qt plugins dropped, by type ("generic") or by type/file stem ("platforms/libqvnc").
QT_PLUGIN_EXCLUDES = frozenset(
    {
        "egldeviceintegrations",  # eglfs: embedded screens without a desktop
        "generic",  # evdev / tuio input: embedded only
        "networkinformation",  # the app does not use QNetworkInformation
        "tls",  # nor QSslSocket: httpx does HTTPS with Python's ssl
        "qmltooling",
        "platforms/libqeglfs",
        "platforms/libqlinuxfb",
        "platforms/libqminimal",
        "platforms/libqminimalegl",
        "platforms/libqvnc",
        "platforms/libqvkkhrdisplay",
        "platformthemes/libqgtk3",  # would bundle the build machine's whole GTK stack
        "imageformats/libqpdf",
        "imageformats/libqtga",
        "imageformats/libqwbmp",
        "imageformats/libqicns",
        "platforminputcontexts/libqtvirtualkeyboardplugin",
        "wayland-shell-integration/libwl-shell-plugin",  # wl_shell: deprecated protocol
        "wayland-shell-integration/libivi-shell",  # in-vehicle infotainment
        "wayland-shell-integration/libfullscreen-shell-v1",
        "wayland-graphics-integration-client/libvulkan-server",
    }
)

#: Packages whose shared libraries Python loads with ctypes: no other binary links
#: them, so each is a root of its own (pypdfium2_raw: PDFium).
CTYPES_PACKAGES = frozenset({"pypdfium2_raw"})

_QT_LIB = re.compile(r"^(?:lib)?Qt6(\w+?)(?:\.so\.6|\.dll)$")


def qt_excludes(pyside_dir: Path) -> list[str]:
    """Every ``PySide6.Qt*`` binding except :data:`QT_MODULES`."""
    names = {path.name.split(".")[0] for path in pyside_dir.glob("Qt*.*")}
    return sorted(f"PySide6.{name}" for name in names - QT_MODULES if name.startswith("Qt"))


def wanted(dest: str) -> bool:
    """Whether a binary may stay by name (a Qt plugin or a Qt library)."""
    parts = Path(dest).parts
    name = Path(dest).name
    if "plugins" in parts[:-1] and "PySide6" in parts:
        kind = parts[parts.index("plugins") + 1]
        return kind not in QT_PLUGIN_EXCLUDES and f"{kind}/{name.split('.')[0]}" not in (
            QT_PLUGIN_EXCLUDES
        )
    match = _QT_LIB.match(name)
    return match is None or match.group(1) in QT_LIBS


def is_root(entry: Entry) -> bool:
    """Loaded by Python or by Qt at run time rather than linked by another binary."""
    dest, _src, kind = entry
    parts = Path(dest).parts
    return (
        kind == "EXTENSION"
        or ("PySide6" in parts and "plugins" in parts)
        or Path(dest).name.startswith("libpython")
        or parts[0] in CTYPES_PACKAGES
    )


def prune(
    binaries: Iterable[Entry],
    datas: Iterable[Entry],
    imports_of: Callable[[str], Iterable[str]] | None,
) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """Drop unwanted binaries; returns (binaries, datas, dropped).

    With ``imports_of(path)`` (the libraries a binary links: PyInstaller's
    ``bindepend.get_imports``) only wanted roots and what they link, transitively,
    stay. That is right where nothing the app needs is loaded with dlopen() from
    the bundle (Linux); elsewhere pass None to filter by name only (Qt on Windows
    loads opengl32sw.dll at run time). Symlinks in ``datas`` to dropped binaries
    go too, and so do Qt's translations: the app installs no QTranslator.
    """
    binaries = list(binaries)
    if imports_of is None:
        kept = {dest for dest, _src, _kind in binaries if wanted(dest)}
    else:
        kept = _reachable(binaries, imports_of)
    all_binaries = {dest for dest, _src, _kind in binaries}
    kept_datas = [
        (dest, src, kind)
        for dest, src, kind in datas
        if not (kind == "SYMLINK" and src in all_binaries and src not in kept)
        and not _is_qt_translation(dest)
    ]
    return (
        [entry for entry in binaries if entry[0] in kept],
        kept_datas,
        [entry for entry in binaries if entry[0] not in kept],
    )


def _is_qt_translation(dest: str) -> bool:
    parts = Path(dest).parts
    return "PySide6" in parts and "translations" in parts and dest.endswith(".qm")


def _reachable(binaries: list[Entry], imports_of: Callable[[str], Iterable[str]]) -> set[str]:
    by_name = {Path(entry[0]).name: entry for entry in binaries}
    kept: set[str] = set()
    todo = [entry for entry in binaries if is_root(entry) and wanted(entry[0])]
    while todo:
        dest, src, _kind = todo.pop()
        if dest in kept:
            continue
        kept.add(dest)
        for name in imports_of(src):
            entry = by_name.get(Path(name).name)
            if entry is not None and entry[0] not in kept and wanted(entry[0]):
                todo.append(entry)
    return kept
