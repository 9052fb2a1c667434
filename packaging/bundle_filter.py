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
    # Cuts the CJK fallback font at build time (cjk_font.py); the app never imports it.
    "fontTools",
    # Python's codecs for Japanese, Korean, Traditional Chinese and ISO-2022. The
    # app decodes UTF-8, UTF-16/32 and GB 18030 (documents/text.py: _codecs_cn
    # stays); without these their encodings are unknown (LookupError), and httpx
    # reads a response in an unknown charset as UTF-8.
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_codecs_hk",
    "_codecs_iso2022",
    # The C decimal module: nothing computes with Decimal, and were anything to,
    # decimal falls back to its pure-Python twin (_pydecimal, bundled).
    "_decimal",
    # Process pools (concurrent.futures.process, anyio.to_process): the app works
    # in threads and the event loop only.
    "multiprocessing",
)

#: pygments styles and formatters kept (module names): the inline HTML formatter
#: and the styles of the two themes (kimi_desktop/render/theme.py, by the module
#: pygments.styles.STYLE_MAP names for them). Every lexer stays: a fence may name
#: any language.
PYGMENTS_FORMATTERS = frozenset({"html", "_mapping"})
PYGMENTS_STYLES = frozenset({"default", "gh_dark", "_mapping"})

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

#: Libraries the target system provides, so the bundle carries none of its own:
#: - the X11 client libraries: the system's libGL (the graphics driver's, never
#:   bundled) and libxcb (which PyInstaller leaves to the system too) link them,
#:   so they are there wherever Qt's libraries load, and copies only duplicate them;
#: - fontconfig, and the FreeType it links: the system's fonts are configured for
#:   the system's fontconfig, and an older bundled one stops at configuration
#:   elements it does not know (losing the fonts they set up). Both are among the
#:   libraries the AppImage project's exclude list leaves to the system.
HOST_LIBRARIES = frozenset(
    {
        "libX11.so.6",
        "libX11-xcb.so.1",
        "libXau.so.6",
        "libXdmcp.so.6",
        "libfontconfig.so.1",
        "libfreetype.so.6",
    }
)
#: Libraries only those link (libXdmcp: libbsd and its libmd; fontconfig: expat;
#: FreeType: libpng). They are named because the reachability below follows
#: ``ldd``, which lists the system libraries' own dependencies as the binary's.
#: tests/packaging/test_bundle.py checks that no bundled binary links one itself.
HOST_LIBRARY_DEPENDENCIES = frozenset(
    {"libbsd.so.0", "libmd.so.0", "libexpat.so.1", "libpng16.so.16"}
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
        "imageformats/libqtiff",  # attachments are PNG, JPEG, WebP and GIF
        "imageformats/libqwbmp",
        "imageformats/libqicns",
        "platforminputcontexts/libqtvirtualkeyboardplugin",
        "wayland-shell-integration/libwl-shell-plugin",  # wl_shell: deprecated protocol
        "wayland-shell-integration/libivi-shell",  # in-vehicle infotainment
        "wayland-shell-integration/libfullscreen-shell-v1",
        # Server buffers: GPU buffers a Qt-based compositor shares with its clients
        # (QtWaylandCompositor's hardware integration), not for a desktop app.
        "wayland-graphics-integration-client/libvulkan-server",
        "wayland-graphics-integration-client/libdmabuf-server",
        "wayland-graphics-integration-client/libdrm-egl-server",
        "wayland-graphics-integration-client/libshm-emulation-server",
    }
)

#: Qt's own catalogs kept: its buttons and dialogs in the app's other language.
QT_TRANSLATIONS = frozenset({"qtbase_zh_CN.qm"})

#: Packages whose shared libraries Python loads with ctypes: no other binary links
#: them, so each is a root of its own (pypdfium2_raw: PDFium).
CTYPES_PACKAGES = frozenset({"pypdfium2_raw"})

_QT_LIB = re.compile(r"^(?:lib)?Qt6(\w+?)(?:\.so\.6|\.dll)$")


def qt_excludes(pyside_dir: Path) -> list[str]:
    """Every ``PySide6.Qt*`` binding except :data:`QT_MODULES`."""
    names = {path.name.split(".")[0] for path in pyside_dir.glob("Qt*.*")}
    return sorted(f"PySide6.{name}" for name in names - QT_MODULES if name.startswith("Qt"))


def pygments_excludes(pygments_dir: Path) -> list[str]:
    """The ``pygments.formatters.*`` and ``pygments.styles.*`` modules the app never loads."""
    excluded = []
    for package, kept in (("formatters", PYGMENTS_FORMATTERS), ("styles", PYGMENTS_STYLES)):
        names = {path.stem for path in (pygments_dir / package).glob("*.py")} - {"__init__"}
        excluded += [f"pygments.{package}.{name}" for name in sorted(names - kept)]
    return excluded


def wanted(dest: str) -> bool:
    """Whether a binary may stay by name (a Qt plugin, a Qt library, one the system has)."""
    parts = Path(dest).parts
    name = Path(dest).name
    if name in HOST_LIBRARIES | HOST_LIBRARY_DEPENDENCIES:
        return False
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
    go too, and so do Qt's translations except those of the languages the app
    speaks (:data:`QT_TRANSLATIONS`).
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
    """A Qt catalog the app never loads (ui/runtime/language.py loads ``qtbase_<lang>``)."""
    parts = Path(dest).parts
    return (
        "PySide6" in parts
        and "translations" in parts
        and dest.endswith(".qm")
        and Path(dest).name not in QT_TRANSLATIONS
    )


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
