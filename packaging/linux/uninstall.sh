#!/usr/bin/env bash
# Removes Kimi Desktop installed by install.sh (run it with the same PREFIX or
# XDG_DATA_HOME as the install). Conversations and settings are kept.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/install.sh" --uninstall
