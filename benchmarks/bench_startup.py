"""Startup time and memory: fresh processes until the main window is shown and idle.

Every figure here is a new process per run with ``QT_QPA_PLATFORM=offscreen``,
timed with one clock (``time.monotonic()``) from just before the process is
spawned (Python start-up and every import included) to the first idle event
loop turn after the main window's first paint. Baselines are interleaved run
for run.

- **startup**: ``startup_probe.py``, which imports the app as ``python -m
  kimi_desktop`` would and watches it from inside, with a new, empty
  ``KIMI_DESKTOP_HOME`` (the first-run path: directories, settings, a new
  history and its migrations, the welcome page). Baseline: a bare PySide6
  ``QMainWindow`` with one ``QTextBrowser``, measured the same way.
- **startup, whole process**: the real command, ``python -m kimi_desktop``,
  reporting by itself (``KIMI_DESKTOP_STARTUP_REPORT``, see
  ``kimi_desktop/ui/runtime/startup_report.py``); nothing of the probe runs in
  it. Baseline: ``bare_window.py``, the bare window reporting through the same
  class.
- **startup, 100,000 messages**: the probe with a history of 100,000 messages
  in 2,000 conversations; baseline: the probe with an empty history. Both homes
  are set up once and reused, as a user starts the app again. It must not grow
  with the history.
- **idle memory**: the resident set size :data:`startup_probe.SETTLE_S` after
  the first idle turn (the empty-history runs of *startup*); bare window as an
  informative baseline.
- **memory, long conversation open**: the same, after opening a conversation
  of 2,000 messages (1.2 MB, the long-conversation benchmark's) and letting it
  paint and settle; informative baseline: idle memory.

Run: ``python benchmarks/bench_startup.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import datasets
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
BARE_WINDOW = Path(__file__).with_name("bare_window.py")
TIMEOUT_S = 90
#: The app's history file inside a data folder (services/history_open.py).
HISTORY_FILE = "history.sqlite3"
REPORT_VARIABLE = "KIMI_DESKTOP_STARTUP_REPORT"

STARTUP = "startup"
WHOLE_PROCESS = "startup, whole process"
BIG_HISTORY = "startup, 100,000 messages"
IDLE_MEMORY = "idle memory"
OPEN_MEMORY = "memory, long conversation open"
STARTUP_BUDGET = Budget(1.3, relative=True)
WHOLE_PROCESS_BUDGET = Budget(1.3, relative=True)
#: "Must not grow with history size": within run-to-run noise of the empty history.
BIG_HISTORY_BUDGET = Budget(1.1, relative=True)
MEMORY_BUDGET = Budget(100)
OPEN_MEMORY_BUDGET = Budget(140)
FIGURES = (
    (STARTUP, "s", STARTUP_BUDGET),
    (WHOLE_PROCESS, "s", WHOLE_PROCESS_BUDGET),
    (BIG_HISTORY, "s", BIG_HISTORY_BUDGET),
    (IDLE_MEMORY, "MB", MEMORY_BUDGET),
    (OPEN_MEMORY, "MB", OPEN_MEMORY_BUDGET),
)
HISTORY_MESSAGES = 100_000
LONG_CONVERSATION = 2_000


@dataclass
class Probe:
    ready_s: float | None
    first_paint_s: float | None
    rss_mb: float | None
    error: str | None = None
    imports_s: float | None = None
    rss_open_mb: float | None = None
    cpu_s: float | None = None


def run_probe(target: str, home: Path | None = None, *, open_first: bool = False) -> Probe:
    """Start a fresh process showing ``target`` ("app" or "bare"); time it.

    ``home``: the ``KIMI_DESKTOP_HOME`` to use (default: a new, empty one);
    ``open_first``: open the history's first conversation once ready.
    """
    with tempfile.TemporaryDirectory(prefix="kimi-bench-home-") as scratch:
        result = Path(scratch) / "probe.json"
        env = child_environment(KIMI_DESKTOP_HOME=str(home or Path(scratch) / "kimi"))
        command = [sys.executable, str(PROBE), target, str(result)]
        if open_first:
            command.append("open")
        start = time.monotonic()
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
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
            rss_open_mb=data.get("rss_open_mb"),
            cpu_s=data.get("cpu_ready"),
        )


def run_whole_process(target: str) -> Probe:
    """``python -m kimi_desktop`` ("app") or ``bare_window.py`` ("bare"), as they are,
    from spawning to the report they write after their first paint; then terminated."""
    with tempfile.TemporaryDirectory(prefix="kimi-bench-home-") as scratch:
        result = Path(scratch) / "report.json"
        env = child_environment(
            KIMI_DESKTOP_HOME=str(Path(scratch) / "kimi"), **{REPORT_VARIABLE: str(result)}
        )
        command = (
            [sys.executable, "-m", "kimi_desktop"]
            if target == "app"
            else [
                sys.executable,
                str(BARE_WINDOW),
            ]
        )
        start = time.monotonic()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        data: dict[str, float] = {}
        while time.monotonic() - start < TIMEOUT_S and process.poll() is None:
            try:
                data = json.loads(result.read_text(encoding="utf-8"))
                break
            except (OSError, ValueError):  # not written yet, or half written
                time.sleep(0.005)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the app closes as its close button would
        try:
            _out, err = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            _out, err = process.communicate()
        if "ready" not in data:
            tail = (err or "").strip().splitlines()[-3:]
            return Probe(None, None, None, f"{target} (whole process): {' | '.join(tail)}")
        return Probe(
            ready_s=data["ready"] - start,
            first_paint_s=data["first_paint"] - start,
            rss_mb=data.get("rss_mb"),
        )


def prepared_homes(options: Options, scratch: Path) -> tuple[Path, Path, Path]:
    """Homes reused run after run: an empty history, 100,000 messages, a long conversation."""
    history_size = 2_000 if options.quick else HISTORY_MESSAGES
    long_size = 200 if options.quick else LONG_CONVERSATION
    sources = {
        "empty": None,
        "big": datasets.search_db(options.cache_dir, history_size),
        "long": datasets.long_conversation_db(options.cache_dir, long_size),
    }
    homes = []
    for name, source in sources.items():
        home = scratch / name
        (home / "data").mkdir(parents=True)
        if source is not None:
            shutil.copyfile(source, home / "data" / HISTORY_FILE)
        homes.append(home)
    return homes[0], homes[1], homes[2]


def _ready(probes: list[Probe]) -> list[float]:
    return [p.ready_s for p in probes if p.error is None and p.ready_s is not None]


def _errors(*groups: list[Probe]) -> list[str]:
    return [p.error for group in groups for p in group if p.error]


def _figure(
    name: str,
    unit: str,
    budget: Budget,
    subject: list[float],
    base: list[float],
    label: str,
    errors: list[str],
    details: dict[str, object] | None = None,
) -> Figure:
    if not subject or (budget.relative and not base):
        return Figure.failed(name, unit, budget, "; ".join(errors) or "no measurement")
    return Figure(
        name,
        unit,
        median(subject),
        budget,
        baseline=median(base) if base else None,
        baseline_label=label,
        samples=subject,
        baseline_samples=base,
        errors=errors,
        details=details or {},
    )


def measure(options: Options) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="kimi-bench-homes-") as scratch:
        empty_home, big_home, long_home = prepared_homes(options, Path(scratch))
        # Warm the OS file cache and the bytecode caches, and set the homes up, unmeasured.
        for warm in (
            lambda: run_probe("bare"),
            lambda: run_probe("app"),
            lambda: run_probe("app", empty_home),
            lambda: run_probe("app", big_home),
            lambda: run_whole_process("bare"),
            lambda: run_whole_process("app"),
        ):
            warm()
        bare, app = interleave(options.runs, lambda: run_probe("bare"), lambda: run_probe("app"))
        whole_bare, whole_app = interleave(
            options.runs, lambda: run_whole_process("bare"), lambda: run_whole_process("app")
        )
        empty, big = interleave(
            options.runs, lambda: run_probe("app", empty_home), lambda: run_probe("app", big_home)
        )
        opened = [
            run_probe("app", long_home, open_first=True) for _ in range(options.runs_at_most(3))
        ]
    smoke_s, smoke_status = smoke_test_seconds()
    smoke_errors = [] if smoke_status == 0 else [f"--smoke-test exited {smoke_status}"]
    ok_app = [p for p in app if p.error is None]
    ok_bare = [p for p in bare if p.error is None]
    startup_errors = _errors(bare, app) + smoke_errors
    return [
        _figure(
            STARTUP,
            "s",
            STARTUP_BUDGET,
            _ready(app),
            _ready(bare),
            "bare QMainWindow + QTextBrowser, same measurement",
            startup_errors,
            {
                "first_paint_s": median([p.first_paint_s for p in ok_app if p.first_paint_s]),
                "baseline_first_paint_s": median(
                    [p.first_paint_s for p in ok_bare if p.first_paint_s]
                ),
                "imports_s": median([p.imports_s for p in ok_app if p.imports_s]),
                "baseline_imports_s": median([p.imports_s for p in ok_bare if p.imports_s]),
                # CPU to the idle turn: steadier than wall time on a busy machine.
                "cpu_s": median([p.cpu_s for p in ok_app if p.cpu_s]),
                "baseline_cpu_s": median([p.cpu_s for p in ok_bare if p.cpu_s]),
                "smoke_test_process_s": smoke_s,
            }
            if ok_app and ok_bare
            else {},
        ),
        _figure(
            WHOLE_PROCESS,
            "s",
            WHOLE_PROCESS_BUDGET,
            _ready(whole_app),
            _ready(whole_bare),
            "bare_window.py (the same report), exec to first idle turn",
            _errors(whole_bare, whole_app),
        ),
        _figure(
            BIG_HISTORY,
            "s",
            BIG_HISTORY_BUDGET,
            _ready(big),
            _ready(empty),
            "the same start with an empty history",
            _errors(empty, big),
        ),
        _figure(
            IDLE_MEMORY,
            "MB",
            MEMORY_BUDGET,
            [p.rss_mb for p in ok_app if p.rss_mb is not None],
            [p.rss_mb for p in ok_bare if p.rss_mb is not None],
            "bare QMainWindow + QTextBrowser (RSS, informative)",
            startup_errors,
        ),
        _figure(
            OPEN_MEMORY,
            "MB",
            OPEN_MEMORY_BUDGET,
            [p.rss_open_mb for p in opened if p.error is None and p.rss_open_mb is not None],
            [p.rss_mb for p in opened if p.error is None and p.rss_mb is not None],
            f"the same process idle before opening it ({LONG_CONVERSATION:,} messages)",
            _errors(opened),
        ),
    ]


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


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__.splitlines()[0], argv)
    return report(measure(options), options)


if __name__ == "__main__":
    sys.exit(main())
