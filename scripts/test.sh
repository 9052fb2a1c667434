#!/usr/bin/env bash
# Installs everything the checks need and runs them all: lint, types, layering, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh --test
if [[ ! -x .venv/bin/pytest ]] || [[ pyproject.toml -nt .venv/.installed-test ]]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,package]"
  # Bytecode now, not on the first launch: pip compiles the dependencies it
  # installs, but not an editable install's own sources.
  .venv/bin/python -m compileall -q -j 0 kimi_desktop
  touch .venv/.installed-test
fi
export QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy
echo "== import layering"; .venv/bin/lint-imports
echo "== tests"
# The keyring integration test needs a session bus with an unlocked Secret Service.
exec dbus-run-session -- bash scripts/with-keyring.sh .venv/bin/pytest "$@"
