#!/usr/bin/env bash
# Installs Kimi Desktop into .venv (first run only) and launches it. Arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
if [[ ! -x .venv/bin/kimi-desktop ]] || [[ pyproject.toml -nt .venv/.installed ]]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e .
  # Bytecode now, not on the first launch: pip compiles the dependencies it
  # installs, but not an editable install's own sources.
  .venv/bin/python -m compileall -q -j 0 kimi_desktop
  touch .venv/.installed
fi
exec .venv/bin/kimi-desktop "$@"
