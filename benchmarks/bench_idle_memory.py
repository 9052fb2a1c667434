"""Idle memory: the app's resident set size once its main window is shown and idle.

Measured by the startup experiment (``bench_startup.py``), which starts a fresh
process per run: idle with an empty history, and with a conversation of 2,000
messages open. This script runs it and reports only the memory figures;
``run_all.py`` takes every figure from the one experiment.

Idle means untouched: no key is pressed and the pointer never moves, so what
the app loads at the first input (the keyring and the key, the markdown
renderer and the message widgets) is not counted; once used, the app holds
about 20 MB more (measured: 92 MB idle, 112 MB a few seconds after a first
pointer movement, on a first run).

Run: ``python benchmarks/bench_idle_memory.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_startup
from benchmarks.harness import parse_options, report


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__.splitlines()[0], argv)
    memory = (bench_startup.IDLE_MEMORY, bench_startup.OPEN_MEMORY)
    figures = [f for f in bench_startup.measure(options) if f.name in memory]
    return report(figures, options)


if __name__ == "__main__":
    sys.exit(main())
