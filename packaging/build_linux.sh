#!/usr/bin/env bash
# Builds the Linux bundle and its release archive:
#   dist/kimi-desktop/                                   the onedir bundle (runs in place)
#   dist/kimi-desktop-<version>-linux-<arch>.tar.gz       bundle + install.sh + uninstall.sh
# Environment: PYTHON (default .venv/bin/python, with pyinstaller installed),
# DIST (default dist), BUILD (default build), SOURCE_DATE_EPOCH (archive timestamps).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
DIST=${DIST:-dist}
BUILD=${BUILD:-build}
APP=kimi-desktop

"$PYTHON" -c "import PyInstaller" 2>/dev/null ||
  { echo "PyInstaller is missing: $PYTHON -m pip install pyinstaller" >&2; exit 1; }
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' kimi_desktop/__init__.py)
arch=$(uname -m)
name="$APP-$version-linux-$arch"

echo "== bundle ($DIST/$APP)"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$BUILD/pyinstaller" packaging/kimi-desktop.spec
"$DIST/$APP/$APP" --version

# The CJK fallback font (kimi_desktop/ui/fonts.py) and its licence: Chinese text
# shows as boxes on a system without a CJK font if the bundle lacks it.
fonts="$DIST/$APP/_internal/kimi_desktop/fonts"
for file in wqy-microhei.ttc wqy-microhei.copyright Apache-2.0.txt README.txt; do
  [[ -s "$fonts/$file" ]] || {
    echo "The bundle lacks $fonts/$file: apt-get install fonts-wqy-microhei" >&2
    exit 1
  }
done

echo "== archive ($DIST/$name.tar.gz)"
staging="$BUILD/archive/$name"
rm -rf "$BUILD/archive"
mkdir -p "$staging"
cp -a "$DIST/$APP" "$staging/$APP"
cp -a packaging/linux/install.sh packaging/linux/uninstall.sh "$staging/"
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
tar -C "$BUILD/archive" --sort=name --owner=0 --group=0 --numeric-owner \
  --mtime="@$epoch" -cf - "$name" | gzip -9n >"$DIST/$name.tar.gz"

echo "== sizes"
du -sh "$DIST/$APP" "$DIST/$name.tar.gz"
"$PYTHON" packaging/bundle_size.py "$DIST/$APP" --top 10 ||
  echo "warning: the bundle is over its size budget" >&2
