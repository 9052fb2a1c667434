"""Add the freedesktop files and the install scripts to a Linux bundle.

    python packaging/linux/stage.py BUNDLE_DIR ICONS_DIR

``ICONS_DIR`` is the output of ``packaging/build_icons.py``. Afterwards the bundle
holds everything ``install.sh`` needs::

    BUNDLE_DIR/kimi-desktop                  the executable (PyInstaller's)
    BUNDLE_DIR/_internal/                    the rest of the app (PyInstaller's)
    BUNDLE_DIR/share/applications/kimi-desktop.desktop
    BUNDLE_DIR/share/metainfo/io.github.kimi_desktop.KimiDesktop.metainfo.xml
    BUNDLE_DIR/share/icons/hicolor/<size>/apps/kimi-desktop.{png,svg}
    BUNDLE_DIR/install.sh, BUNDLE_DIR/uninstall.sh
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DESKTOP_FILE = ROOT / "resources" / "kimi-desktop.desktop"
METAINFO_FILE = ROOT / "resources" / "io.github.kimi_desktop.KimiDesktop.metainfo.xml"
SCRIPTS = ("install.sh", "uninstall.sh")


def stage(bundle: Path, icons: Path) -> None:
    """Copy the desktop entry, metainfo, hicolor icons and scripts into ``bundle``."""
    share = bundle / "share"
    if share.exists():
        shutil.rmtree(share)
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    shutil.copyfile(DESKTOP_FILE, share / "applications" / DESKTOP_FILE.name)
    shutil.copyfile(METAINFO_FILE, share / "metainfo" / METAINFO_FILE.name)
    if not (icons / "hicolor").is_dir():
        raise FileNotFoundError(f"{icons}/hicolor: run packaging/build_icons.py first")
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    for name in SCRIPTS:
        shutil.copy2(HERE / name, bundle / name)
        (bundle / name).chmod(0o755)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    stage(Path(sys.argv[1]), Path(sys.argv[2]))
