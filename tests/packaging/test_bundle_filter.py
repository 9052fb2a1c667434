"""What the bundle leaves out: Qt plugins and libraries by name, then unreachable libraries."""

from __future__ import annotations

from pathlib import Path

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
        ("libssl.so.3", True),
    ],
)
def test_wanted(dest: str, kept: bool) -> None:
    assert bundle_filter.wanted(dest) is kept


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
    assert [dest for dest, _, _ in datas] == ["libQt6Gui.so.6", "certifi/cacert.pem"]


def test_without_a_link_graph_only_names_count() -> None:
    binaries, _, dropped = bundle_filter.prune(BINARIES, DATAS, None)
    assert {dest for dest, _, _ in dropped} == {f"{QT}/plugins/platformthemes/libqgtk3.so"}
    assert len(binaries) == len(BINARIES) - 1
