#!/usr/bin/env bash
# Builds "Kimi Desktop.app" and a .dmg. Run on a Mac, from any folder:
#   packaging/macos/build_macos.sh
# Environment:
#   PYTHON             Python with the app and pyinstaller installed (default .venv/bin/python)
#   CODESIGN_IDENTITY  "Developer ID Application: ..." to sign (hardened runtime); unsigned if unset
#   NOTARY_PROFILE     a `xcrun notarytool store-credentials` profile to notarize and staple the .dmg
# The .app matches the Python's architecture (arm64 or x86_64): build on each, or use a
# universal2 Python and pass --target-arch universal2 to PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-.venv/bin/python}
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' kimi_desktop/__init__.py)
arch=$(uname -m)
app="dist/Kimi Desktop.app"
dmg="dist/kimi-desktop-$version-macos-$arch.dmg"

"$PYTHON" packaging/build_icons.py build/icons
"$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
  packaging/kimi-desktop.spec
"$app/Contents/MacOS/kimi-desktop" --version

if [[ -n "${CODESIGN_IDENTITY:-}" ]]; then
  codesign --force --deep --timestamp --options runtime \
    --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY" "$app"
  codesign --verify --strict --verbose=2 "$app"
fi

rm -f "$dmg"
if command -v create-dmg >/dev/null; then
  # https://github.com/create-dmg/create-dmg: a window with the app and an Applications link.
  create-dmg --volname "Kimi Desktop" --volicon build/icons/kimi-desktop.icns \
    --window-size 540 360 --icon-size 128 --icon "Kimi Desktop.app" 140 170 \
    --hide-extension "Kimi Desktop.app" --app-drop-link 400 170 "$dmg" "$app"
else
  staging=$(mktemp -d)
  cp -R "$app" "$staging/"
  ln -s /Applications "$staging/Applications"
  hdiutil create -volname "Kimi Desktop" -srcfolder "$staging" -ov -format UDZO "$dmg"
  rm -rf "$staging"
fi

if [[ -n "${NOTARY_PROFILE:-}" ]]; then
  [[ -n "${CODESIGN_IDENTITY:-}" ]] && codesign --sign "$CODESIGN_IDENTITY" --timestamp "$dmg"
  xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
fi
du -sh "$app" "$dmg"
