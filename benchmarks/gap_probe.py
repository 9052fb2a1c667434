"""Work timed on the app's event loop while a timer ticks: how long it took, and how
long the window could not have answered meanwhile.

A benchmark of something the window does off its GUI thread (a dropped image, a
dropped document) measures two figures against one baseline: the time until the
work is done, and the UI gap, the largest gap between the ticks of a 5 ms
precise ``QTimer`` (:class:`~benchmarks.qt_support.TickProbe`) running on the
same qasync loop. The baseline is the least work that gives a comparable
result, run in a worker thread the same way (:func:`in_thread`), alternately
with the subject (:func:`~benchmarks.harness.interleave`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from benchmarks.harness import Budget, Figure, interleave, median

T = TypeVar("T")

#: How long the loop is left alone before each run, so one run's stragglers do not
#: land in the next one's gaps.
SETTLE_S = 0.02


@dataclass
class GapRun(Generic[T]):
    """One run: its time and its largest UI gap (ms), and what the work returned."""

    ms: float
    gap_ms: float
    result: T


def timed(work: Callable[[], Awaitable[T]]) -> GapRun[T]:
    """Run ``work()`` on the qasync loop with the tick probe running."""
    from benchmarks.qt_support import TickProbe, run_qt

    async def run() -> GapRun[T]:
        probe = TickProbe()
        await asyncio.sleep(SETTLE_S)
        probe.start()
        start = time.perf_counter()
        result = await work()
        elapsed = (time.perf_counter() - start) * 1000
        probe.stop()
        return GapRun(elapsed, max(probe.gaps_ms()), result)

    return run_qt(run())


def compare(
    runs: int, baseline: Callable[[], Awaitable[T]], subject: Callable[[], Awaitable[T]]
) -> tuple[list[GapRun[T]], list[GapRun[T]]]:
    """``runs`` timed runs of each, alternating, after one unseen run of each."""
    return interleave(runs, lambda: timed(baseline), lambda: timed(subject), warmup=True)


async def in_thread(read: Callable[..., T], *args: Any) -> T:
    """``read(*args)`` in a worker thread: the baseline's way of staying off the loop."""
    return await asyncio.to_thread(read, *args)


@dataclass(frozen=True)
class FigureNames:
    """The names and budgets of one workload's two figures: done, and the UI gap."""

    done: str
    done_budget: Budget
    gap: str
    gap_budget: Budget


def figures(
    names: FigureNames,
    base: Sequence[GapRun[Any]],
    subj: Sequence[GapRun[Any]],
    *,
    baseline_label: str,
    errors: Sequence[str] = (),
    details: dict[str, Any] | None = None,
) -> list[Figure]:
    """The time and the UI gap of ``subj`` against ``base``, in milliseconds; both
    carry ``errors`` (failed checks), the first also ``details``."""
    done = _figure(names.done, names.done_budget, [r.ms for r in subj], [r.ms for r in base])
    gap = _figure(names.gap, names.gap_budget, [r.gap_ms for r in subj], [r.gap_ms for r in base])
    for figure in (done, gap):
        figure.baseline_label = baseline_label
        figure.errors = list(errors)
    done.details = dict(details or {})
    return [done, gap]


def _figure(name: str, budget: Budget, samples: list[float], baseline: list[float]) -> Figure:
    return Figure(
        name,
        "ms",
        median(samples),
        budget,
        baseline=median(baseline),
        samples=samples,
        baseline_samples=baseline,
    )
