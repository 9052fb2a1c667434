"""Opening a long stored conversation and scrolling it from top to bottom.

The history holds one conversation of 2,000 messages (about 1.1 MB of text:
prose, lists, tables, ~500 code blocks, reasoning on a third of the replies;
200 messages with ``--quick``), generated once into the cache directory.

Each run is a fresh process with an offscreen 1100x800 window, in which the
app's renderer has been warmed up as the app does after start-up
(``kimi_desktop.render.warm_up``: markdown-it and the common lexers):

1. *first paint*: load the messages through the repository, turn them into view
   items and ``ChatView.set_messages`` them, until the view has painted;
2. *scroll*: press Home, then page down one viewport per 16 ms frame (a fast
   drag of the scroll bar) until the end, while a 5 ms precise QTimer ticks;
   the figure is the largest gap between ticks. Beside it (details, not
   budgeted) the largest and 99th-percentile *CPU* time the GUI thread spent
   between two ticks, which waiting for a core on a busy machine does not swell;
3. *RSS growth*: resident memory after scrolling minus before opening.

The baseline, interleaved process for process, shows the same text as plain
text in a ``QPlainTextEdit`` (Qt's own fast, lazily laid out text view) and is
measured the same way.

Run: ``python benchmarks/bench_long_conversation.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
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
    percentile,
    report,
    rss_mb,
)

FULL_MESSAGES = 2_000
QUICK_MESSAGES = 200
WINDOW_SIZE = (1100, 800)
FRAME_MS = 16
SETTLE_MS = 300
TIMEOUT_S = 240

FIRST_PAINT = "long conversation: first paint"
SCROLL_GAP = "long conversation: scroll gap (max)"
RSS_GROWTH = "long conversation: RSS growth"
FIRST_PAINT_BUDGET = Budget(300)
SCROLL_GAP_BUDGET = Budget(25)
RSS_BUDGET = Budget(80)
FIGURES = (
    (FIRST_PAINT, "ms", FIRST_PAINT_BUDGET),
    (SCROLL_GAP, "ms", SCROLL_GAP_BUDGET),
    (RSS_GROWTH, "MB", RSS_BUDGET),
)


# -- the child process ----------------------------------------------------------------------


class _Scroller:
    """Drives one run in the child: open, paint, jump to the top, page to the end."""

    def __init__(self, kind: str, database: Path, result: Path) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QAbstractScrollArea, QPlainTextEdit, QVBoxLayout, QWidget

        from benchmarks.qt_support import PaintCounter, TickProbe, application
        from kimi_desktop.ui.chat.view import ChatView

        self.app = application()
        if kind == "app":
            from kimi_desktop import render

            render.warm_up()  # as the app does once its window shows
        self.kind = kind
        self.database = database
        self.result_path = result
        self.result: dict[str, object] = {}
        self.window = QWidget()
        self.window.resize(*WINDOW_SIZE)
        layout = QVBoxLayout(self.window)
        layout.setContentsMargins(0, 0, 0, 0)
        self.chat_view: ChatView | None = None
        self.plain_view: QPlainTextEdit | None = None
        self.view: QAbstractScrollArea
        if kind == "app":
            self.view = self.chat_view = ChatView()
        else:
            self.view = self.plain_view = QPlainTextEdit()
            self.plain_view.setReadOnly(True)
        layout.addWidget(self.view)
        self.paints = PaintCounter(self.view.viewport())
        self.probe = TickProbe()
        self.frame = QTimer()
        self.frame.setInterval(FRAME_MS)
        self.frame.timeout.connect(self._step)
        self.steps: list[float] = []
        self.window.show()
        QTimer.singleShot(SETTLE_MS, self._open)

    def _open(self) -> None:
        from PySide6.QtCore import QTimer

        from benchmarks.qt_support import paint_now
        from kimi_desktop.store.conversations import ConversationRepository
        from kimi_desktop.store.db import Database

        database = Database.open(self.database)
        repository = ConversationRepository(database)
        conversation = repository.list_conversations()[0]
        self.result["rss_before_mb"] = rss_mb()
        start = time.perf_counter()
        messages = repository.messages(conversation.id)
        if self.chat_view is not None:
            from kimi_desktop.ui.chat.items import MessageItem

            items = [MessageItem.from_stored(m) for m in messages]
            loaded = time.perf_counter()
            self.chat_view.set_messages(items)
        elif self.plain_view is not None:
            text = "\n\n".join(m.text for m in messages)
            loaded = time.perf_counter()
            self.plain_view.setPlainText(text)
        painted = paint_now(self.paints)
        end = time.perf_counter()
        database.close()
        self.result.update(
            messages=len(messages),
            characters=sum(len(m.text) + len(m.reasoning) for m in messages),
            load_ms=(loaded - start) * 1000,
            first_paint_ms=(end - start) * 1000,
            painted=painted,
        )
        QTimer.singleShot(SETTLE_MS, self._start_scrolling)

    def _start_scrolling(self) -> None:
        from benchmarks.qt_support import paint_now

        bar = self.view.verticalScrollBar()
        self.probe.start()
        start = time.perf_counter()
        bar.setValue(0)
        paint_now(self.paints)
        self.result["jump_to_top_ms"] = (time.perf_counter() - start) * 1000
        self.frame.start()

    def _step(self) -> None:
        from PySide6.QtCore import QTimer

        bar = self.view.verticalScrollBar()
        if bar.value() >= bar.maximum():
            self.frame.stop()
            self.probe.stop()
            QTimer.singleShot(SETTLE_MS, self._finish)
            return
        start = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        self.steps.append((time.perf_counter() - start) * 1000)

    def _finish(self) -> None:
        gaps = self.probe.gaps_ms()
        cpu_gaps = self.probe.cpu_gaps_ms()
        self.result.update(
            cpu_gap_max_ms=max(cpu_gaps, default=0.0),
            cpu_gap_p99_ms=percentile(cpu_gaps, 99) if cpu_gaps else 0.0,
            rss_after_mb=rss_mb(),
            steps=len(self.steps),
            step_max_ms=max(self.steps, default=0.0),
            gap_max_ms=max(gaps),
            gap_p99_ms=percentile(gaps, 99),
            gaps_over_budget=sum(g > SCROLL_GAP_BUDGET.limit for g in gaps),
            scroll_s=self.probe.stopped - self.probe.started,
        )
        self.result_path.write_text(json.dumps(self.result), encoding="utf-8")
        self.window.close()
        self.app.quit()


def child(kind: str, database: Path, result: Path) -> int:
    from PySide6.QtCore import QTimer

    scroller = _Scroller(kind, database, result)
    QTimer.singleShot(TIMEOUT_S * 1000, scroller.app.quit)
    return scroller.app.exec()


# -- the parent -----------------------------------------------------------------------------


def run_child(kind: str, database: Path, workdir: Path) -> dict[str, float]:
    result = workdir / f"long-{kind}.json"
    result.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(database), str(result)],
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S + 30,
        check=False,
    )
    if done.returncode != 0 or not result.exists():
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise RuntimeError(f"{kind} run failed (exit {done.returncode}): {tail}")
    data: dict[str, float] = json.loads(result.read_text(encoding="utf-8"))
    return data


def measure(options: Options) -> list[Figure]:
    from benchmarks.datasets import long_conversation_db

    count = QUICK_MESSAGES if options.quick else FULL_MESSAGES
    database = long_conversation_db(options.cache_dir, count)
    workdir = options.cache_dir / "tmp"
    workdir.mkdir(parents=True, exist_ok=True)
    runs = options.runs_at_most(3)
    try:
        plain, app = interleave(
            runs,
            lambda: run_child("plain", database, workdir),
            lambda: run_child("app", database, workdir),
        )
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return [
            Figure.failed(FIRST_PAINT, "ms", FIRST_PAINT_BUDGET, str(exc)),
            Figure.failed(SCROLL_GAP, "ms", SCROLL_GAP_BUDGET, str(exc)),
            Figure.failed(RSS_GROWTH, "MB", RSS_BUDGET, str(exc)),
        ]

    def column(runs: list[dict[str, float]], key: str) -> list[float]:
        return [float(r[key]) for r in runs]

    def growth(runs: list[dict[str, float]]) -> list[float]:
        return [r["rss_after_mb"] - r["rss_before_mb"] for r in runs]

    errors = [f"run {i + 1}: the view never painted" for i, r in enumerate(app) if not r["painted"]]
    label = "the same text in a QPlainTextEdit, same steps"
    first = app[0]
    return [
        Figure(
            FIRST_PAINT,
            "ms",
            median(column(app, "first_paint_ms")),
            FIRST_PAINT_BUDGET,
            baseline=median(column(plain, "first_paint_ms")),
            baseline_label=label,
            samples=column(app, "first_paint_ms"),
            baseline_samples=column(plain, "first_paint_ms"),
            errors=errors,
            details={
                "messages": first["messages"],
                "characters": first["characters"],
                "load_ms": median(column(app, "load_ms")),
            },
        ),
        Figure(
            SCROLL_GAP,
            "ms",
            median(column(app, "gap_max_ms")),
            SCROLL_GAP_BUDGET,
            baseline=median(column(plain, "gap_max_ms")),
            baseline_label=label,
            samples=column(app, "gap_max_ms"),
            baseline_samples=column(plain, "gap_max_ms"),
            details={
                "frames": median(column(app, "steps")),
                "baseline_frames": median(column(plain, "steps")),
                "scroll_s": median(column(app, "scroll_s")),
                "baseline_scroll_s": median(column(plain, "scroll_s")),
                "gap_p99_ms": median(column(app, "gap_p99_ms")),
                "cpu_gap_max_ms": median(column(app, "cpu_gap_max_ms")),
                "baseline_cpu_gap_max_ms": median(column(plain, "cpu_gap_max_ms")),
                "cpu_gap_p99_ms": median(column(app, "cpu_gap_p99_ms")),
                "baseline_cpu_gap_p99_ms": median(column(plain, "cpu_gap_p99_ms")),
                "baseline_gap_p99_ms": median(column(plain, "gap_p99_ms")),
                "gaps_over_budget": column(app, "gaps_over_budget"),
                "step_max_ms": median(column(app, "step_max_ms")),
                "jump_to_top_ms": median(column(app, "jump_to_top_ms")),
            },
        ),
        Figure(
            RSS_GROWTH,
            "MB",
            median(growth(app)),
            RSS_BUDGET,
            baseline=median(growth(plain)),
            baseline_label=label,
            samples=growth(app),
            baseline_samples=growth(plain),
            details={"rss_after_mb": median(column(app, "rss_after_mb"))},
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1], Path(argv[2]), Path(argv[3]))
    options = parse_options(__doc__.splitlines()[0], argv)
    return report(measure(options), options)


if __name__ == "__main__":
    sys.exit(main())
