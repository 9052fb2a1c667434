"""Startup time and idle memory: a fresh process until the main window is shown and idle.

Every run is a new process (``startup_probe.py``) with ``QT_QPA_PLATFORM=offscreen``
and a new, empty ``KIMI_DESKTOP_HOME``, so the app goes through its first-run
path: directories, settings, a new history database and its migrations, the
welcome page. The clock runs from just before the process is spawned (Python
start-up and every import included) to the first idle event loop turn after
the main window's first paint. The baseline, interleaved run for run, is a
bare PySide6 ``QMainWindow`` with one ``QTextBrowser``, measured the same way.

Idle memory is the app's resident set size half a second after that moment.

Run: ``python benchmarks/bench_startup.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (
    Budget,
    Figure,
    Options,
    child_environment,
    interleave,
    median,
    parse_options,
    report,
)

PROBE = Path(__file__).with_name("startup_probe.py")
TIMEOUT_S = 90

STARTUP = "startup"
IDLE_MEMORY = "idle memory"
STARTUP_BUDGET = Budget(1.5, relative=True)
MEMORY_BUDGET = Budget(120)
FIGURES = ((STARTUP, "s", STARTUP_BUDGET), (IDLE_MEMORY, "MB", MEMORY_BUDGET))


@dataclass
class Probe:
    ready_s: float | None
    first_paint_s: float | None
    rss_mb: float | None
    error: str | None = None
    imports_s: float | None = None


def run_probe(target: str) -> Probe:
    """Start a fresh process showing ``target`` ("app" or "bare"); time it."""
    with tempfile.TemporaryDirectory(prefix="kimi-bench-home-") as home:
        result = Path(home) / "probe.json"
        env = child_environment(KIMI_DESKTOP_HOME=str(Path(home) / "kimi"))
        start = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, str(PROBE), target, str(result)],
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Probe(None, None, None, f"{target}: no window within {TIMEOUT_S} s")
        try:
            data = json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if done.returncode != 0 or "ready" not in data:
            tail = done.stderr.strip().splitlines()[-3:]
            return Probe(None, None, None, f"{target}: exit {done.returncode}: {' | '.join(tail)}")
        return Probe(
            ready_s=data["ready"] - start,
            first_paint_s=data["first_paint"] - start,
            rss_mb=data["rss_settled_mb"],
            imports_s=data["import_done"] - start,
        )


def smoke_test_seconds() -> tuple[float, int]:
    """Wall time of one ``python -m kimi_desktop --smoke-test`` (includes its settle delay)."""
    with tempfile.TemporaryDirectory(prefix="kimi-bench-home-") as home:
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "kimi_desktop", "--smoke-test"],
            env=child_environment(KIMI_DESKTOP_HOME=home),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        return time.monotonic() - start, done.returncode


def measure(options: Options) -> list[Figure]:
    run_probe("bare")  # warm the OS file cache and the bytecode caches, unmeasured
    run_probe("app")
    bare, app = interleave(options.runs, lambda: run_probe("bare"), lambda: run_probe("app"))
    errors = [p.error for p in bare + app if p.error]
    ok_bare = [p for p in bare if p.error is None]
    ok_app = [p for p in app if p.error is None]
    if not ok_bare or not ok_app:
        return [
            Figure.failed(STARTUP, "s", STARTUP_BUDGET, "; ".join(errors)),
            Figure.failed(IDLE_MEMORY, "MB", MEMORY_BUDGET, "; ".join(errors)),
        ]
    smoke_s, smoke_status = smoke_test_seconds()
    if smoke_status != 0:
        errors.append(f"--smoke-test exited {smoke_status}")
    ready = [p.ready_s for p in ok_app if p.ready_s is not None]
    base_ready = [p.ready_s for p in ok_bare if p.ready_s is not None]
    rss = [p.rss_mb for p in ok_app if p.rss_mb is not None]
    base_rss = [p.rss_mb for p in ok_bare if p.rss_mb is not None]
    return [
        Figure(
            STARTUP,
            "s",
            median(ready),
            STARTUP_BUDGET,
            baseline=median(base_ready),
            baseline_label="bare QMainWindow + QTextBrowser, same measurement",
            samples=ready,
            baseline_samples=base_ready,
            errors=errors,
            details={
                "first_paint_s": median([p.first_paint_s for p in ok_app if p.first_paint_s]),
                "baseline_first_paint_s": median(
                    [p.first_paint_s for p in ok_bare if p.first_paint_s]
                ),
                "imports_s": median([p.imports_s for p in ok_app if p.imports_s]),
                "baseline_imports_s": median([p.imports_s for p in ok_bare if p.imports_s]),
                "smoke_test_process_s": smoke_s,
            },
        ),
        Figure(
            IDLE_MEMORY,
            "MB",
            median(rss),
            MEMORY_BUDGET,
            baseline=median(base_rss),
            baseline_label="bare QMainWindow + QTextBrowser (RSS, informative)",
            samples=rss,
            baseline_samples=base_rss,
            errors=errors,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__.splitlines()[0], argv)
    return report(measure(options), options)


if __name__ == "__main__":
    sys.exit(main())
