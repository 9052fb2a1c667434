#!/usr/bin/env bash
# Runs a command with an unlocked gnome-keyring on the current session bus (tests only).
set -euo pipefail
if command -v gnome-keyring-daemon >/dev/null; then
  export XDG_DATA_HOME="${XDG_DATA_HOME:-$(mktemp -d)}"
  # An empty password unlocks (and creates) the login keyring non-interactively.
  eval "$(printf '' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export KIMI_DESKTOP_TEST_SECRET_SERVICE=1
fi
exec "$@"
