"""What the bundle leaves out: Qt plugins and libraries by name, then unreachable libraries."""

from __future__ import annotations

from pathlib import Path

import pygments
import PySide6
import pytest

from tests.packaging.conftest import PACKAGING, load_script

bundle_filter = load_script(PACKAGING / "bundle_filter.py")
QT = "PySide6/Qt"


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        (f"{QT}/lib/libQt6Core.so.6", True),
        (f"{QT}/lib/libQt6Svg.so.6", True),
        (f"{QT}/lib/libQt6Quick.so.6", False),
        (f"{QT}/lib/libQt6Pdf.so.6", False),
        ("PySide6/Qt6Qml.dll", False),
        (f"{QT}/plugins/platforms/libqxcb.so", True),
        (f"{QT}/plugins/platforms/libqwayland.so", True),
        (f"{QT}/plugins/platforms/libqvnc.so", False),
        (f"{QT}/plugins/imageformats/libqwebp.so", True),
        (f"{QT}/plugins/imageformats/libqpdf.so", False),
        (f"{QT}/plugins/platformthemes/libqgtk3.so", False),
        (f"{QT}/plugins/tls/libqopensslbackend.so", False),
        (f"{QT}/plugins/wayland-graphics-integration-client/libdmabuf-server.so", False),
        (f"{QT}/plugins/wayland-graphics-integration-client/libqt-plugin-wayland-egl.so", True),
        ("libssl.so.3", True),
        ("libX11.so.6", False),  # the system's, as libGL and libxcb are
        ("libfontconfig.so.1", False),
        ("libexpat.so.1", False),
        ("libxkbcommon-x11.so.0", True),
    ],
)
def test_wanted(dest: str, kept: bool) -> None:
    assert bundle_filter.wanted(dest) is kept


def test_pygments_keeps_the_themes_styles_and_the_html_formatter() -> None:
    from pygments.styles import STYLE_MAP

    from kimi_desktop.render.theme import DARK_PYGMENTS_STYLE, LIGHT_PYGMENTS_STYLE

    excluded = set(bundle_filter.pygments_excludes(Path(pygments.__file__).parent))
    for style in (LIGHT_PYGMENTS_STYLE, DARK_PYGMENTS_STYLE):
        assert f"pygments.styles.{STYLE_MAP[style].split('::')[0]}" not in excluded
    assert "pygments.formatters.html" not in excluded
    assert {"pygments.styles.monokai", "pygments.formatters.img"} <= excluded
    assert not [name for name in excluded if name.startswith("pygments.lexers")]


def test_only_the_used_bindings_stay() -> None:
    excluded = bundle_filter.qt_excludes(Path(PySide6.__file__).parent)
    assert {"PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtPdf"} <= set(excluded)
    assert not {"PySide6.QtCore", "PySide6.QtNetwork", "PySide6.QtSvg"} & set(excluded)


BINARIES = [
    ("PySide6/QtGui.abi3.so", "/src/QtGui.abi3.so", "EXTENSION"),
    (f"{QT}/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
    (f"{QT}/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
    (f"{QT}/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
    ("libxcb-cursor.so.0", "/src/libxcb-cursor.so.0", "BINARY"),
    ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY"),
    ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
]
LINKS = {
    "/src/QtGui.abi3.so": ["libQt6Gui.so.6", "libc.so.6"],
    "/src/libqxcb.so": ["libQt6Gui.so.6", "libxcb-cursor.so.0"],
    "/src/libqgtk3.so": ["libQt6Gui.so.6", "libgtk-3.so.0"],
    "/src/libgtk-3.so.0": ["libcairo.so.2"],
}
DATAS = [
    ("libQt6Gui.so.6", f"{QT}/lib/libQt6Gui.so.6", "SYMLINK"),
    ("libgtk.so", "libgtk-3.so.0", "SYMLINK"),
    (f"{QT}/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
    (f"{QT}/translations/qtbase_zh_CN.qm", "/src/qtbase_zh_CN.qm", "DATA"),
    ("certifi/cacert.pem", "/src/cacert.pem", "DATA"),
]


def test_prune_drops_what_only_dropped_plugins_linked() -> None:
    binaries, datas, dropped = bundle_filter.prune(BINARIES, DATAS, lambda p: LINKS.get(p, []))
    assert [dest for dest, _, _ in binaries] == [
        "PySide6/QtGui.abi3.so",
        f"{QT}/lib/libQt6Gui.so.6",
        f"{QT}/plugins/platforms/libqxcb.so",
        "libxcb-cursor.so.0",
    ]
    assert {dest for dest, _, _ in dropped} == {
        f"{QT}/plugins/platformthemes/libqgtk3.so",
        "libgtk-3.so.0",
        "libcairo.so.2",
    }
    # Qt's catalogs go, but for the app's other language.
    assert [dest for dest, _, _ in datas] == [
        "libQt6Gui.so.6",
        f"{QT}/translations/qtbase_zh_CN.qm",
        "certifi/cacert.pem",
    ]


def test_without_a_link_graph_only_names_count() -> None:
    binaries, _, dropped = bundle_filter.prune(BINARIES, DATAS, None)
    assert {dest for dest, _, _ in dropped} == {f"{QT}/plugins/platformthemes/libqgtk3.so"}
    assert len(binaries) == len(BINARIES) - 1
