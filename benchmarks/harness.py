"""What every benchmark shares: options, interleaved runs, figures, verdicts, output.

A *figure* is one number with a budget, measured side by side with its baseline
in the same process run: baseline and subject alternate (baseline, subject,
baseline, subject, ...) so that a noisy neighbour slows both alike, and each
side reports the median of its runs. A budget is either relative (``<= 1.5x``
the baseline) or absolute (``<= 300 ms``); a figure whose correctness checks
failed (a token never shown, a crash) is an ``ERROR`` whatever its time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench-results"
DEFAULT_CACHE_DIR = RESULTS_DIR / "cache"
DEFAULT_RUNS = 5

T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    """Command-line options every benchmark script accepts.

    ``quick`` shrinks every workload to a tiny size (CI: the scripts must keep
    running, the numbers mean little); ``runs`` is the number of interleaved
    baseline/subject pairs; ``cache_dir`` keeps generated inputs between runs.
    """

    quick: bool = False
    runs: int = DEFAULT_RUNS
    json_path: Path | None = None
    cache_dir: Path = DEFAULT_CACHE_DIR

    def runs_at_most(self, limit: int) -> int:
        """``runs``, capped for workloads too slow to repeat many times."""
        return max(1, min(self.runs, limit))


def parse_options(description: str, argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for CI")
    parser.add_argument(
        "--runs", type=int, default=None, help=f"interleaved runs per side (default {DEFAULT_RUNS})"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE_DIR,
        help="where generated inputs (databases, images) are kept between runs",
    )
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else (1 if args.quick else DEFAULT_RUNS)
    if runs < 1:
        parser.error("--runs must be at least 1")
    return Options(quick=args.quick, runs=runs, json_path=args.json, cache_dir=args.cache_dir)


# -- figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """``measured <= limit`` (absolute, in the figure's unit) or ``<= limit x baseline``."""

    limit: float
    relative: bool = False

    def describe(self, unit: str) -> str:
        return f"<= {self.limit:g}x" if self.relative else f"<= {self.limit:g} {unit}"


@dataclass
class Figure:
    """One measured number, its baseline from the same run, and its budget.

    ``samples``/``baseline_samples`` are the per-run values the medians come
    from. ``errors`` lists failed correctness checks; ``details`` holds whatever
    else explains the number (sizes, per-query times, worst runs).
    """

    name: str
    unit: str
    measured: float | None
    budget: Budget
    baseline: float | None = None
    baseline_label: str = ""
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.baseline:
            return None
        return self.measured / self.baseline

    @property
    def verdict(self) -> str:
        if self.errors or self.measured is None:
            return "ERROR"
        if self.budget.relative:
            ratio = self.ratio
            if ratio is None:
                return "ERROR"
            return "pass" if ratio <= self.budget.limit else "FAIL"
        return "pass" if self.measured <= self.budget.limit else "FAIL"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["budget"] = {
            "limit": self.budget.limit,
            "relative": self.budget.relative,
            "text": self.budget.describe(self.unit),
        }
        data["ratio"] = self.ratio
        data["verdict"] = self.verdict
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        budget = data["budget"]
        return cls(
            name=data["name"],
            unit=data["unit"],
            measured=data["measured"],
            budget=Budget(budget["limit"], budget["relative"]),
            baseline=data.get("baseline"),
            baseline_label=data.get("baseline_label", ""),
            samples=list(data.get("samples", [])),
            baseline_samples=list(data.get("baseline_samples", [])),
            errors=list(data.get("errors", [])),
            details=dict(data.get("details", {})),
        )

    @classmethod
    def failed(cls, name: str, unit: str, budget: Budget, error: str) -> Figure:
        """A figure that could not be measured at all."""
        return cls(name=name, unit=unit, measured=None, budget=budget, errors=[error])


# -- measuring ---------------------------------------------------------------------


def interleave(
    runs: int, baseline: Callable[[], T], subject: Callable[[], T], *, warmup: bool = False
) -> tuple[list[T], list[T]]:
    """Alternate baseline and subject ``runs`` times; ``warmup`` first runs each once unseen."""
    if warmup:
        baseline()
        subject()
    base: list[T] = []
    subj: list[T] = []
    for _ in range(runs):
        base.append(baseline())
        subj.append(subject())
    return base, subj


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return float(ordered[min(rank, len(ordered)) - 1])


def rss_mb() -> float:
    """This process's resident set size (Linux ``/proc``; ``ru_maxrss`` elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a measured child process: offscreen, no keys, unbuffered.

    Bytecode caching is switched back on (``PYTHONDONTWRITEBYTECODE`` removed),
    with the caches kept apart under ``PYTHONPYCACHEPREFIX``: an installed app
    always runs from compiled bytecode, so start-up must not be timed compiling
    every module from source.
    """
    env = dict(os.environ)
    for name in ("KIMI_API_KEY", "MOONSHOT_API_KEY", "KIMI_BASE_URL", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(DEFAULT_CACHE_DIR / "pycache"))
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


# -- output --------------------------------------------------------------------------


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = (
        f"{value:.0f}"
        if abs(value) >= 100
        else f"{value:.1f}"
        if abs(value) >= 10
        else (f"{value:.2f}")
    )
    return f"{text} {unit}".strip()


#: The widest a printed line may be; a longer figure name wraps within its column.
TABLE_WIDTH = 100


def format_table(figures: Sequence[Figure], width: int = TABLE_WIDTH) -> str:
    """Every figure next to its baseline, budget and verdict, then the notes (what each
    baseline is, what failed), in lines of at most ``width`` characters.

    Any figure renders: the columns take the width their cells need, and the name
    column gives way when the table would be wider than ``width``.
    """
    headers = ("figure", "measured", "baseline", "ratio", "budget", "verdict")
    rows = []
    for fig in figures:
        ratio = fig.ratio
        rows.append(
            (
                fig.name,
                _number(fig.measured, fig.unit),
                _number(fig.baseline, fig.unit) if fig.baseline is not None else "-",
                f"{ratio:.2f}x" if ratio is not None else "-",
                fig.budget.describe(fig.unit),
                fig.verdict,
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    room = width - sum(widths[1:]) - 2 * (len(headers) - 1)
    widths[0] = max(len(headers[0]), min(widths[0], room))
    lines = [_row(headers, widths), "  ".join("-" * w for w in widths)]
    for row in rows:
        name = textwrap.wrap(row[0], widths[0], subsequent_indent="  ") or [""]
        lines.append(_row((name[0], *row[1:]), widths))
        lines += name[1:]
    notes = []
    for fig in figures:
        if fig.baseline_label:
            notes.append(f"{fig.name}: baseline = {fig.baseline_label}")
        notes += [f"{fig.name}: ERROR {error}" for error in fig.errors]
    if notes:
        lines.append("")
        for note in notes:
            lines += textwrap.wrap(note, width, initial_indent="  ", subsequent_indent="      ")
    return "\n".join(lines)


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def format_summary(figures: Sequence[Figure]) -> str:
    """One line: how many figures passed, missed their budget, or could not be measured."""
    verdicts = [fig.verdict for fig in figures]
    errors = verdicts.count("ERROR")
    return (
        f"{len(figures)} figures: {verdicts.count('pass')} passed, "
        f"{verdicts.count('FAIL')} failed, {errors} {'error' if errors == 1 else 'errors'}"
    )


def cpu_model() -> str:
    """The processor's name, as the system gives it ("" if it does not)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "cpu model"):
                    return " ".join(value.split())
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> tuple[float, float, float] | None:
    """The system's load averages over 1, 5 and 15 minutes (None where unknown)."""
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return None


def machine() -> dict[str, Any]:
    """Where the numbers came from."""
    import PySide6

    return {
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "load_average": load_average(),
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "platform": platform.platform(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def format_machine(
    at_start: dict[str, Any], load_at_end: Sequence[float] | None, width: int = TABLE_WIDTH
) -> str:
    """The machine in a line or two: processor, cores, load at the start and the end of
    the run, Python and PySide6."""

    def load(values: Sequence[float] | None) -> str:
        return " ".join(f"{v:.2f}" for v in values) if values else "unknown"

    text = (
        f"machine: {at_start['cpu'] or 'unknown CPU'}, {at_start['cpus']} cores; "
        f"load {load(at_start['load_average'])} at the start, {load(load_at_end)} at the end; "
        f"Python {at_start['python']}, PySide6 {at_start['pyside6']}; {at_start['platform']}"
    )
    return "\n".join(textwrap.wrap(text, width, subsequent_indent="  "))


def write_json(path: Path, figures: Sequence[Figure], options: Options, **extra: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": machine(),
        "options": {"quick": options.quick, "runs": options.runs},
        **extra,
        "figures": [fig.to_json() for fig in figures],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def report(figures: Sequence[Figure], options: Options) -> int:
    """Print the table, write JSON if asked; exit status 1 if a check (not a budget) failed."""
    print(format_table(figures), flush=True)
    if options.json_path is not None:
        write_json(options.json_path, figures, options)
    return 1 if any(fig.errors for fig in figures) else 0
