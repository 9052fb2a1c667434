"""Run every benchmark against the loopback fake server and check the performance budget.

Each experiment runs in a process of its own (nothing one leaves behind, such
as memory, caches or threads, can colour the next) and writes its figures as
JSON; this script prints the machine (processor, cores, load average at the
start and the end, Python, PySide6), then one table (figure, measured,
baseline, ratio, budget, verdict) in lines of at most 100 characters, and ends
with a one-line summary (passed, failed, errors). It writes everything to
``bench-results/results.json``.

    python benchmarks/run_all.py              # the full suite, about 4 minutes
    python benchmarks/run_all.py --quick      # tiny sizes, one run: CI keeps it working
    python benchmarks/run_all.py --runs 3 --only stream,search --json out.json

Generated inputs (the 100,000-message history, the 4K screenshot...) are built
on first use into ``bench-results/cache`` and reused. The exit status is 1 when
a correctness check failed or an experiment crashed (``ERROR``); budgets that
are missed (``FAIL``) only fail the run with ``--strict``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import (
    bench_documents,
    bench_freezes,
    bench_image,
    bench_long_conversation,
    bench_math,
    bench_search,
    bench_startup,
    bench_stream,
)
from benchmarks.harness import (
    DEFAULT_CACHE_DIR,
    DEFAULT_RUNS,
    RESULTS_DIR,
    Figure,
    Options,
    child_environment,
    format_machine,
    format_summary,
    format_table,
    load_average,
    machine,
    write_json,
)

DEFAULT_JSON = RESULTS_DIR / "results.json"
TIMEOUT_S = 900


@dataclass(frozen=True)
class Experiment:
    key: str
    module: ModuleType

    @property
    def script(self) -> Path:
        assert self.module.__file__ is not None
        return Path(self.module.__file__)


#: In this order: start-up first, while the machine is quietest.
EXPERIMENTS = (
    Experiment("startup", bench_startup),
    Experiment("search", bench_search),
    Experiment("image", bench_image),
    Experiment("documents", bench_documents),
    Experiment("math", bench_math),
    Experiment("stream", bench_stream),
    Experiment("long", bench_long_conversation),
    Experiment("freezes", bench_freezes),
)


def run_experiment(
    experiment: Experiment, options: Options, runs: int | None, workdir: Path
) -> tuple[list[Figure], float]:
    """Run one experiment script; its figures, or ERROR rows if it could not finish."""
    out = workdir / f"{experiment.key}.json"
    command = [sys.executable, str(experiment.script), "--json", str(out)]
    command += ["--cache-dir", str(options.cache_dir)]
    if options.quick:
        command.append("--quick")
    if runs is not None:
        command += ["--runs", str(runs)]
    start = time.monotonic()
    try:
        done = subprocess.run(
            command,
            env=child_environment(PYTHONPYCACHEPREFIX=str(options.cache_dir / "pycache")),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        problem = None
        if not out.exists():
            tail = " | ".join(done.stderr.strip().splitlines()[-4:])
            problem = f"{experiment.script.name} exited {done.returncode}: {tail}"
    except subprocess.TimeoutExpired:
        problem = f"{experiment.script.name} took longer than {TIMEOUT_S} s"
    elapsed = time.monotonic() - start
    if problem is not None:
        return [
            Figure.failed(name, unit, budget, problem)
            for name, unit, budget in experiment.module.FIGURES
        ], elapsed
    payload = json.loads(out.read_text(encoding="utf-8"))
    return [Figure.from_json(f) for f in payload["figures"]], elapsed


def parse_args(argv: Sequence[str] | None) -> tuple[Options, int | None, list[Experiment], bool]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one run, for CI")
    parser.add_argument("--runs", type=int, default=None, help="interleaved runs per side")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"default {DEFAULT_JSON}")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated experiments: " + ",".join(e.key for e in EXPERIMENTS),
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is missed")
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    chosen = [e for e in EXPERIMENTS if not args.only or e.key in args.only.split(",")]
    unknown = set(filter(None, args.only.split(","))) - {e.key for e in EXPERIMENTS}
    if unknown:
        parser.error(f"unknown experiments: {', '.join(sorted(unknown))}")
    options = Options(
        quick=args.quick,
        runs=args.runs or (1 if args.quick else DEFAULT_RUNS),
        json_path=args.json,
        cache_dir=args.cache_dir.resolve(),
    )
    return options, args.runs, chosen, args.strict


def main(argv: Sequence[str] | None = None) -> int:
    options, runs, experiments, strict = parse_args(argv)
    figures: list[Figure] = []
    durations: dict[str, float] = {}
    where = machine()  # (with the load average before anything ran)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kimi-bench-") as workdir:
        for experiment in experiments:
            print(f"== {experiment.key} ({experiment.script.name})", end="", flush=True)
            measured, elapsed = run_experiment(experiment, options, runs, Path(workdir))
            durations[experiment.key] = round(elapsed, 1)
            verdicts = ", ".join(f.verdict for f in measured)
            print(f"  {elapsed:.0f} s  [{verdicts}]", flush=True)
            figures += measured
    total = time.monotonic() - started
    load_at_end = load_average()
    assert options.json_path is not None
    write_json(
        options.json_path,
        figures,
        options,
        durations_s={**durations, "total": round(total, 1)},
        load_average_at_end=load_at_end,
        machine_at_start=where,
    )
    print()
    print(format_machine(where, load_at_end))
    print()
    print(format_table(figures))
    print(f"\nResults in {options.json_path}, after {total:.0f} s.")
    print(format_summary(figures))
    if any(f.verdict == "ERROR" for f in figures):
        return 1
    return 1 if strict and any(f.verdict == "FAIL" for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
