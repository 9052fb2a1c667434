#!/usr/bin/env bash
# Runs a command with an unlocked gnome-keyring on the current session bus (tests only).
#
# Meant to run inside `dbus-run-session`, so the daemon, its throwaway keyring
# and the bus all end with the command. KIMI_DESKTOP_TEST_SECRET_SERVICE=1 is
# exported only once the default collection answers as unlocked, so the keyring
# integration test runs exactly when it can pass.
set -euo pipefail

default_collection_unlocked() {
  dbus-send --session --print-reply --dest=org.freedesktop.secrets \
    /org/freedesktop/secrets/aliases/default \
    org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null |
    grep -q 'boolean false'
}

if [[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v gnome-keyring-daemon >/dev/null &&
  command -v dbus-send >/dev/null; then
  keyring_home="$(mktemp -d)"
  trap 'rm -rf "$keyring_home"' EXIT
  # --unlock reads a password from stdin and creates the login keyring with it,
  # which also becomes the default collection. An empty password does not
  # create one (clients then fail with "Prompt dismissed"), so use a throwaway.
  if env_lines="$(printf 'kimi-desktop-tests' |
    XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"; then
    eval "$env_lines"
    for _ in $(seq 50); do
      if default_collection_unlocked; then
        export KIMI_DESKTOP_TEST_SECRET_SERVICE=1
        break
      fi
      sleep 0.1
    done
  fi
  if [[ -z "${KIMI_DESKTOP_TEST_SECRET_SERVICE:-}" ]]; then
    echo "with-keyring.sh: no unlocked Secret Service; the keyring test will be skipped" >&2
  fi
  # Not exec: the trap removes the throwaway keyring when the command ends.
  "$@"
  exit $?
fi
echo "with-keyring.sh: no session bus or gnome-keyring; the keyring test will be skipped" >&2
exec "$@"
