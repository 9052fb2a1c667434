"""Window freezes: the longest GUI stall for each hostile message, against an ordinary one.

Each case builds a fresh offscreen window (1100x800) holding the real
``ChatView`` above the real ``ComposerPanel``, with the renderer warmed up as
the app does, and drives it from the event loop: every step (a streamed delta,
opening a conversation, a paste, a send) runs on its own turn, then the loop
runs until the result is shown and a moment longer, so paints and idle work
count too. A 5 ms precise QTimer ticks throughout; a case's figure is the
largest gap between ticks, the longest the window could not have answered a
click or a key. The budget is 250 ms for every case.

Cases (sizes with ``--quick`` in brackets):

- ``quote``: ``>>>>>>>>>>>>>>>> x`` (19 bytes with its newline) streamed a byte
  per flush, then the conversation opened again;
- ``deep``: 20 and 100 levels of quotes and of lists, streamed, then reopened;
- ``line``: a 1 MB line with no space [100 KB] streamed in 4 KB deltas, then reopened;
- ``paste``: the same line pasted into the composer, and sent (shown as the
  user's bubble, as the window does on send);
- ``huge``: a 5 MB markdown reply [500 KB] streamed in 16 KB deltas, then reopened;
- ``reveal``: "Show all" on a 1 MB reply [200 KB], until all of it is shown.

The baseline, in the same process, is an ordinary 2 KB reply streamed in
small deltas and reopened, measured the same way. Checks (a failed one makes
the figure an ERROR): the view holds every streamed character, the deep
quote's text is shown, the paste is kept whole, "Show all" shows every word.

Run: ``python benchmarks/bench_freezes.py [--quick] [--runs N] [--json PATH]``
(``--only quote,line`` for some cases; every run is one child process).
"""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (
    Budget,
    Figure,
    Options,
    child_environment,
    median,
    parse_options,
    report,
)

WINDOW_SIZE = (1100, 800)
SETTLE_MS = 150  # after the result is shown: paints, prerendering, layout catching up
TIMEOUT_S = 600  # a whole run
DRIVE_TIMEOUT_S = 120  # one drive of a window
BUDGET = Budget(250)

CASES: dict[str, str] = {
    "quote": "freeze: 19-byte nested quote",
    "deep": "freeze: 20 and 100 levels of nesting",
    "line": "freeze: 1 MB line, streamed and reopened",
    "paste": "freeze: 1 MB line, pasted and sent",
    "huge": "freeze: 5 MB reply, streamed and reopened",
    "reveal": "freeze: Show all of a 1 MB reply",
}
FIGURES = tuple((name, "ms", BUDGET) for name in CASES.values())

NESTED_QUOTE = ">>>>>>>>>>>>>>>> x\n"
QUIET_MS = 300  # a message shown in segments is complete once none was added for this long


def sizes(quick: bool) -> dict[str, int]:
    if quick:
        return {"line": 100_000, "huge": 500_000, "reveal": 300_000}
    return {"line": 1_000_000, "huge": 5_000_000, "reveal": 1_000_000}


def hex_line(size: int) -> str:
    return ("0123456789abcdef" * (size // 16 + 1))[:size]


def markdown_text(size: int, seed: int) -> str:
    from benchmarks.corpus import markdown_reply

    return markdown_reply(random.Random(seed), size)[:size]


def nested(levels: int) -> str:
    quotes = "\n".join(">" * level + f" quoted {level}" for level in range(1, levels + 1))
    items = "\n".join("  " * level + f"- item {level}" for level in range(levels))
    return quotes + "\n\n" + items + "\n"


# -- the child: one window per case -------------------------------------------------------


class Quiet:
    """True once ``value()`` is true-ish and unchanged for :data:`QUIET_MS`."""

    def __init__(self, value: Callable[[], object]) -> None:
        self._value = value
        self._last: object = None
        self._since = time.perf_counter()

    def __call__(self) -> bool:
        value = self._value()
        now = time.perf_counter()
        if value != self._last:
            self._last, self._since = value, now
        return bool(value) and now - self._since >= QUIET_MS / 1000


def segments_shown(view: Any, message_id: int) -> int:
    widget = view.message_widget(message_id)
    if widget is None:
        return 0
    shown = getattr(widget, "segments_shown", None)  # (a view from before segments: 1)
    return int(shown()) if shown is not None else 1


class Bench:
    """Builds windows and drives them from the event loop while a tick probe runs."""

    def __init__(self) -> None:
        from benchmarks.qt_support import application
        from kimi_desktop import render

        self.app = application()
        render.warm_up()  # as the app does once its window shows
        self.next_id = 1

    # -- windows ----------------------------------------------------------------

    def window(self) -> tuple[Any, Any, Any]:
        """A shown window with a chat view above a composer: (window, view, composer)."""
        from PySide6.QtWidgets import QVBoxLayout, QWidget

        from kimi_desktop.ui.chat.view import ChatView
        from kimi_desktop.ui.composer.panel import ComposerPanel

        window = QWidget()
        window.resize(*WINDOW_SIZE)
        layout = QVBoxLayout(window)
        layout.setContentsMargins(0, 0, 0, 0)
        view = ChatView(window)
        composer = ComposerPanel(window)
        layout.addWidget(view, 1)
        layout.addWidget(composer)
        window.show()
        self.wait(lambda: True, settle_ms=100)
        return window, view, composer

    def close(self, window: Any) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent

        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()

    def item(self, role: str, text: str, *, streaming: bool = False) -> Any:
        from kimi_desktop.domain import MessageStatus
        from kimi_desktop.ui.chat.items import MessageItem

        self.next_id += 1
        status = MessageStatus.STREAMING if streaming else MessageStatus.COMPLETE
        return MessageItem(self.next_id, role, text, status=status, model="kimi-k2.5")

    # -- driving ------------------------------------------------------------------

    def drive(
        self,
        steps: Sequence[Callable[[], object]],
        done: Callable[[], bool],
        *,
        spacing_ms: int = 0,
    ) -> float:
        """Run each step on its own turn (``spacing_ms`` apart), then until ``done()``
        and a moment longer; the largest gap between the probe's ticks, in ms."""
        from benchmarks.qt_support import TickProbe

        probe = TickProbe()
        probe.start()
        self._run(list(steps), done, spacing_ms, SETTLE_MS)
        probe.stop()
        return max(probe.gaps_ms())

    def wait(self, done: Callable[[], bool], *, settle_ms: int = SETTLE_MS) -> None:
        self._run([], done, 0, settle_ms)

    def _run(
        self,
        steps: list[Callable[[], object]],
        done: Callable[[], bool],
        spacing_ms: int,
        settle_ms: int,
    ) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        deadline = time.perf_counter() + DRIVE_TIMEOUT_S
        finished_at: list[float] = []

        def turn() -> None:
            if steps:
                steps.pop(0)()
                QTimer.singleShot(spacing_ms, turn)
            elif time.perf_counter() > deadline:
                loop.quit()
            elif not finished_at:
                if done():
                    finished_at.append(time.perf_counter())
                QTimer.singleShot(1, turn)
            elif time.perf_counter() - finished_at[0] < settle_ms / 1000:
                QTimer.singleShot(5, turn)
            else:
                loop.quit()

        QTimer.singleShot(0, turn)
        loop.exec()

    # -- what the cases share ------------------------------------------------------

    def stream_and_reopen(self, text: str, delta: int, *, spacing_ms: int = 0) -> tuple[float, str]:
        """Stream ``text`` as a reply in ``delta``-sized pieces, end it, then open the
        conversation again; the worst gap, and the text the view ended up with."""
        from kimi_desktop.domain import MessageStatus

        window, view, _ = self.window()
        prompt = self.item("user", "Please answer.")
        reply = self.item("assistant", "", streaming=True)
        view.set_messages([prompt])
        steps: list[Callable[[], object]] = [lambda: view.append_message(reply)]
        steps += [
            lambda start=start: view.append_content(reply.id, text[start : start + delta])
            for start in range(0, len(text), delta)
        ]

        def holds() -> str:
            widget = view.message_widget(reply.id)
            return widget.item.text if widget is not None and widget.item is not None else ""

        def shown() -> tuple[int, int] | None:
            if holds() != text:
                return None
            return len(text), segments_shown(view, reply.id)

        streamed = self.drive(steps, Quiet(shown), spacing_ms=spacing_ms)
        received = holds()
        final = dataclasses.replace(reply, text=text, status=MessageStatus.COMPLETE)
        self.drive([lambda: view.update_message(final)], lambda: True)
        self.close(window)

        window, view, _ = self.window()
        reopened = self.drive(
            [lambda: view.set_messages([prompt, final])],
            Quiet(lambda: segments_shown(view, reply.id)),
        )
        self.close(window)
        return max(streamed, reopened), received


# -- the cases ----------------------------------------------------------------------------

Result = dict[str, Any]


def case_baseline(bench: Bench, quick: bool) -> Result:
    text = markdown_text(2_000, seed=7)
    gap, received = bench.stream_and_reopen(text, 12, spacing_ms=2)
    return {"gap_ms": gap, "errors": [] if received == text else ["the reply lost text"]}


def case_quote(bench: Bench, quick: bool) -> Result:
    gap, received = bench.stream_and_reopen(NESTED_QUOTE, 1, spacing_ms=30)
    errors = [] if received == NESTED_QUOTE else ["the reply lost text"]
    return {"gap_ms": gap, "errors": errors, "bytes": len(NESTED_QUOTE.encode())}


def case_deep(bench: Bench, quick: bool) -> Result:
    gaps, errors = [], []
    for levels in (20, 100):
        text = nested(levels)
        gap, received = bench.stream_and_reopen(text, 64, spacing_ms=5)
        gaps.append(gap)
        if received != text:
            errors.append(f"{levels} levels: the reply lost text")
    return {
        "gap_ms": max(gaps),
        "errors": errors,
        "levels_20_ms": gaps[0],
        "levels_100_ms": gaps[1],
    }


def case_line(bench: Bench, quick: bool) -> Result:
    text = hex_line(sizes(quick)["line"])
    gap, received = bench.stream_and_reopen(text, 4096)
    errors = [] if received == text else ["the view lost streamed text"]
    return {"gap_ms": gap, "errors": errors, "characters": len(text)}


def case_paste(bench: Bench, quick: bool) -> Result:
    from PySide6.QtCore import QMimeData

    text = hex_line(sizes(quick)["line"])
    window, view, composer = bench.window()
    mime = QMimeData()
    mime.setText(text)
    pasted = bench.drive([lambda: composer.edit.insertFromMimeData(mime)], lambda: True)
    drafts: list[Any] = []
    composer.send_requested.connect(drafts.append)

    def send() -> None:
        composer.send_button.click()
        if drafts:  # as the window does: the prompt appears, the composer empties
            view.append_message(bench.item("user", drafts[-1].text))
            composer.clear_draft()

    sent = bench.drive([send], lambda: bool(drafts))
    errors = []
    if not drafts or drafts[-1].text != text:
        errors.append("the pasted text was not sent whole")
    bench.close(window)
    return {"gap_ms": max(pasted, sent), "errors": errors, "paste_ms": pasted, "send_ms": sent}


def case_huge(bench: Bench, quick: bool) -> Result:
    text = markdown_text(sizes(quick)["huge"], seed=11)
    gap, received = bench.stream_and_reopen(text, 16_384)
    errors = [] if received == text else ["the view lost streamed text"]
    return {"gap_ms": gap, "errors": errors, "characters": len(text)}


def case_reveal(bench: Bench, quick: bool) -> Result:
    from PySide6.QtWidgets import QPushButton

    text = markdown_text(sizes(quick)["reveal"], seed=13)
    from kimi_desktop.render.segments import segments

    window, view, _ = bench.window()
    reply = bench.item("assistant", text)
    view.set_messages([reply])
    bench.wait(Quiet(lambda: segments_shown(view, reply.id)))
    widget = view.message_widget(reply.id)
    button = widget.findChild(QPushButton, "showAllButton") if widget is not None else None
    errors = []
    if button is None or not button.isVisibleTo(widget):
        bench.close(window)
        return {"gap_ms": 0.0, "errors": ["no Show all button under a long reply"]}
    expected = len(segments(text))
    gap = bench.drive([button.click], lambda: segments_shown(view, reply.id) >= expected)
    if segments_shown(view, reply.id) < expected:
        errors.append("Show all did not show every segment")
    bench.close(window)
    return {"gap_ms": gap, "errors": errors, "characters": len(text)}


RUNNERS: dict[str, Callable[[Bench, bool], Result]] = {
    "quote": case_quote,
    "deep": case_deep,
    "line": case_line,
    "paste": case_paste,
    "huge": case_huge,
    "reveal": case_reveal,
}


def child(cases: list[str], quick: bool, result: Path) -> int:
    bench = Bench()
    results: dict[str, Result] = {"baseline": case_baseline(bench, quick)}
    for key in cases:
        try:
            results[key] = RUNNERS[key](bench, quick)
        except Exception as exc:  # a case that breaks must not hide the others
            results[key] = {"gap_ms": None, "errors": [f"{type(exc).__name__}: {exc}"]}
        result.write_text(json.dumps(results), encoding="utf-8")
        print(f"{key}: {results[key]['gap_ms']}", file=sys.stderr, flush=True)
    result.write_text(json.dumps(results), encoding="utf-8")
    return 0


# -- the parent ---------------------------------------------------------------------------


def run_child(cases: list[str], quick: bool, workdir: Path) -> dict[str, Result]:
    result = workdir / "freezes.json"
    result.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", ",".join(cases), str(result)]
    if quick:
        command.append("--quick")
    try:
        done = subprocess.run(
            command,
            env=child_environment(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        problem = "" if done.returncode == 0 else " | ".join(done.stderr.splitlines()[-3:])
    except subprocess.TimeoutExpired:
        problem = f"the run took longer than {TIMEOUT_S} s"
    results: dict[str, Result] = (
        json.loads(result.read_text(encoding="utf-8")) if result.exists() else {}
    )
    for key in ["baseline", *cases]:
        results.setdefault(key, {"gap_ms": None, "errors": [problem or "no result"]})
    return results


def measure(options: Options, cases: Sequence[str] = tuple(CASES)) -> list[Figure]:
    workdir = options.cache_dir / "tmp"
    workdir.mkdir(parents=True, exist_ok=True)
    runs = [run_child(list(cases), options.quick, workdir) for _ in range(options.runs_at_most(2))]
    baseline = [r["baseline"]["gap_ms"] for r in runs if r["baseline"]["gap_ms"] is not None]
    figures = []
    for key in cases:
        samples = [r[key]["gap_ms"] for r in runs if r[key]["gap_ms"] is not None]
        errors = sorted({e for r in runs for e in r[key]["errors"]})
        details = {
            k: v for k, v in runs[0][key].items() if k not in ("gap_ms", "errors") and v is not None
        }
        figures.append(
            Figure(
                CASES[key],
                "ms",
                median(samples) if samples else None,
                BUDGET,
                baseline=median(baseline) if baseline else None,
                baseline_label="an ordinary 2 KB reply streamed and reopened, same window",
                samples=samples,
                baseline_samples=baseline,
                errors=errors,
                details=details,
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1].split(","), "--quick" in argv, Path(argv[2]))
    only: list[str] = []
    if "--only" in argv:
        index = argv.index("--only")
        only = argv[index + 1].split(",")
        argv = argv[:index] + argv[index + 2 :]
        unknown = set(only) - set(CASES)
        if unknown:
            print(f"unknown cases: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
    options = parse_options(__doc__.splitlines()[0], argv)
    return report(measure(options, only or tuple(CASES)), options)


if __name__ == "__main__":
    sys.exit(main())
