"""UI responsiveness while a long reply streams: gaps in a 5 ms timer's ticks.

Measured by the streaming experiment (``bench_stream.py``) during its app runs;
this script runs it and reports only the two gap figures (largest gap, 99th
percentile). ``run_all.py`` takes all its figures from one experiment.

Run: ``python benchmarks/bench_ui_responsiveness.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_stream
from benchmarks.harness import parse_options, report


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__.splitlines()[0], argv)
    wanted = {bench_stream.GAP_MAX, bench_stream.GAP_P99}
    return report([f for f in bench_stream.measure(options) if f.name in wanted], options)


if __name__ == "__main__":
    sys.exit(main())
