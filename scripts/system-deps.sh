#!/usr/bin/env bash
# Installs the Debian packages Kimi Desktop needs, only those that are missing.
#   scripts/system-deps.sh          what the app needs to run (Qt's X11/EGL libraries, Python venv)
#   scripts/system-deps.sh --test   plus a virtual screen and a Secret Service for the tests
set -euo pipefail

packages=(python3 python3-venv python3-pip libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libx11-6 libx11-xcb1 libfontconfig1 libfreetype6
  libdbus-1-3 fonts-dejavu-core
  fonts-wqy-microhei)  # a CJK font: the window speaks Chinese too (the Linux bundle copies it)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(xvfb xauth xdotool dbus dbus-x11 gnome-keyring desktop-file-utils appstream)
  # The bundle's tests build it: ICU's data is trimmed with these (packaging/icu_data.py).
  packages+=(icu-devtools binutils gcc)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Please install these packages with your system's package manager: ${missing[*]}" >&2
  exit 0
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
