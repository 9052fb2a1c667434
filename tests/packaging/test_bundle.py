"""The built onedir bundle runs, stays within its size budget and carries its extras.

Slow: building takes a minute or more. Set KIMI_DESKTOP_BUNDLE=dist/kimi-desktop to
test a bundle built already (make package).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kimi_desktop import __version__
from tests.packaging.conftest import APP, run

pytestmark = pytest.mark.slow

#: The closing budget for the unpacked bundle.
MAX_BUNDLE_BYTES = 200 * 1024 * 1024


def test_version(bundle: Path) -> None:
    assert run([bundle / APP, "--version"]).stdout.strip() == f"Kimi Desktop {__version__}"


def test_smoke_test_shows_the_window_and_exits(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIMI_DESKTOP_HOME": str(home)}
    for name in ("KIMI_API_KEY", "MOONSHOT_API_KEY", "KIMI_BASE_URL"):
        env.pop(name, None)
    run([bundle / APP, "--smoke-test"], env=env, timeout=120)
    assert (home / "data" / "history.sqlite3").is_file()


def test_size_budget(bundle: Path) -> None:
    size = sum(p.lstat().st_size for p in bundle.rglob("*") if not p.is_dir())
    assert size <= MAX_BUNDLE_BYTES, f"bundle is {size / 2**20:.0f} MB"


def test_unused_qt_is_left_out(bundle: Path) -> None:
    names = {p.name for p in bundle.rglob("*")}
    for unwanted in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6Pdf.so.6", "libgtk-3.so.0"):
        assert unwanted not in names
    assert not list(bundle.rglob("*.qm")), "Qt translations are not used"
    assert not list(bundle.rglob("tkinter"))
    assert not [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]


def test_bundle_carries_the_desktop_integration(bundle: Path) -> None:
    share = bundle / "share"
    assert (share / "applications" / f"{APP}.desktop").is_file()
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / f"{APP}.png").is_file()
    assert os.access(bundle / "install.sh", os.X_OK)
    assert os.access(bundle / "uninstall.sh", os.X_OK)
