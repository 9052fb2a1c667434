"""Formulas: importing ziamath, typesetting and drawing a formula the first time, and again.

A formula is shown in two steps: ``kimi_desktop.render.math.typeset`` (LaTeX to
SVG with ziamath, done by the renderer, which must know whether it parses) and
``kimi_desktop.ui.chat.math_images.formula_image`` (the SVG drawn by QtSvg at the
text's size). Both are cached.

- import: ziamath imported and set up, in a fresh process (it reads the STIX
  Two Math font it ships); the baseline is markdown-it with its plugins, which
  the renderer imports anyway.
- first render: each of 20 typical formulas typeset and drawn once, in a fresh
  process with ziamath already imported (median per formula; the slowest and the
  total are in the details).
- cached render: the same again once cached, per formula; the baseline is one
  dictionary lookup of the same key.

Run: ``python benchmarks/bench_math.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (
    Budget,
    Figure,
    Options,
    child_environment,
    median,
    parse_options,
    percentile,
    report,
)
from kimi_desktop.render.math import formula_url, typeset
from kimi_desktop.ui.chat.math_images import formula_image

IMPORT = "math: import ziamath"
FIRST = "math: first render (per formula)"
CACHED = "math: cached render (per formula)"
IMPORT_BUDGET = Budget(400)
FIRST_BUDGET = Budget(50)
CACHED_BUDGET = Budget(20)
FIGURES = (
    (IMPORT, "ms", IMPORT_BUDGET),
    (FIRST, "ms", FIRST_BUDGET),
    (CACHED, "us", CACHED_BUDGET),
)
TIMEOUT_S = 120
CACHED_ROUNDS = 500

#: (LaTeX, display): what replies about maths, physics and machine learning hold.
FORMULAS = (
    (r"E = mc^2", False),
    (r"\frac{a}{b}", False),
    (r"x^2 + y^2 = z^2", False),
    (r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", True),
    (r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}", True),
    (r"\alpha + \beta = \gamma", False),
    (r"\lim_{x \to 0} \frac{\sin x}{x} = 1", True),
    (r"\mathbf{A}\mathbf{x} = \mathbf{b}", False),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", True),
    (r"\nabla \cdot \mathbf{E} = \frac{\rho}{\varepsilon_0}", True),
    (r"f(x) = \sum_{n=0}^\infty \frac{f^{(n)}(a)}{n!}(x-a)^n", True),
    (r"\sqrt{x^2+1}", False),
    (r"O(n \log n)", False),
    (r"p(x) = \frac{1}{\sigma\sqrt{2\pi}} e^{-\frac{(x-\mu)^2}{2\sigma^2}}", True),
    (r"\binom{n}{k}", False),
    (r"a \leq b \iff b \geq a", False),
    (r"\hat{y} = \theta^T x", False),
    (r"\mathbb{R}^n", False),
    (r"\left( \frac{a}{b} \right)^2", False),
    (r"\text{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}", True),
)
QUICK_FORMULAS = FORMULAS[:5]


def _text_metrics() -> object:
    from PySide6.QtGui import QFont

    from kimi_desktop.ui.chat.math_images import TextMetrics

    font = QFont()
    font.setPixelSize(15)
    return TextMetrics.of(font)


def _render(latex: str, display: bool, text: object) -> None:
    """What showing one formula costs: typeset it (the renderer), then draw it (the window)."""
    if typeset(latex, display=display) is None:
        raise RuntimeError(f"{latex!r} did not typeset")
    if formula_image(formula_url(latex, display=display), "#1f2328", text, 1.0) is None:
        raise RuntimeError(f"{latex!r} was not drawn")


def child(quick: bool) -> None:
    """One fresh process: import times, then each formula the first time (printed as JSON)."""
    start = time.perf_counter()
    import markdown_it
    import mdit_py_plugins.tasklists  # noqa: F401

    baseline_ms = (time.perf_counter() - start) * 1000
    from PySide6.QtGui import QGuiApplication

    from kimi_desktop.render import math

    app = QGuiApplication.instance() or QGuiApplication([])
    start = time.perf_counter()
    math._ziamath()
    import_ms = (time.perf_counter() - start) * 1000
    text = _text_metrics()
    firsts, as_code = [], []
    renderer = markdown_it.MarkdownIt("commonmark")
    for latex, display in QUICK_FORMULAS if quick else FORMULAS:
        start = time.perf_counter()
        _render(latex, display, text)
        firsts.append((time.perf_counter() - start) * 1000)
        # The baseline: the same source shown as a code span, as it would be without math.
        start = time.perf_counter()
        renderer.render(f"`{latex}`")
        as_code.append((time.perf_counter() - start) * 1000)
    print(
        json.dumps(
            {
                "import_ms": import_ms,
                "baseline_ms": baseline_ms,
                "first_ms": firsts,
                "as_code_ms": as_code,
            }
        )
    )
    del app


def _cold_run(options: Options) -> dict[str, object]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child"]
    if options.quick:
        command.append("--quick")
    done = subprocess.run(
        command,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _cached_us(formulas: tuple[tuple[str, bool], ...]) -> tuple[float, float]:
    """Microseconds per formula once cached, and for one dictionary lookup of its key."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    text = _text_metrics()
    for latex, display in formulas:
        _render(latex, display, text)
    start = time.perf_counter()
    for _ in range(CACHED_ROUNDS):
        for latex, display in formulas:
            _render(latex, display, text)
    cached = (time.perf_counter() - start) / (CACHED_ROUNDS * len(formulas)) * 1e6
    table = {(formula_url(f, display=d), "#1f2328", text, 1.0): f for f, d in formulas}
    keys = list(table)
    start = time.perf_counter()
    for _ in range(CACHED_ROUNDS):
        for key in keys:
            table.get(key)
    lookup = (time.perf_counter() - start) / (CACHED_ROUNDS * len(keys)) * 1e6
    del app
    return cached, lookup


def measure(options: Options) -> list[Figure]:
    formulas = QUICK_FORMULAS if options.quick else FORMULAS
    runs = [_cold_run(options) for _ in range(options.runs_at_most(5))]
    imports = [float(run["import_ms"]) for run in runs]  # type: ignore[arg-type]
    baselines = [float(run["baseline_ms"]) for run in runs]  # type: ignore[arg-type]
    firsts: list[list[float]] = [list(run["first_ms"]) for run in runs]  # type: ignore[call-overload]
    per_run_median = [median(times) for times in firsts]
    as_code = [median(list(run["as_code_ms"])) for run in runs]  # type: ignore[call-overload]
    every_first = [t for times in firsts for t in times]
    cached, lookup = _cached_us(formulas)
    details = {
        "formulas": len(formulas),
        "first_total_ms": median([sum(times) for times in firsts]),
        "first_slowest_ms": max(every_first),
        "first_p90_ms": percentile(every_first, 90),
        "first_by_formula_ms": {
            latex: round(median([times[i] for times in firsts]), 2)
            for i, (latex, _) in enumerate(formulas)
        },
    }
    for name, value in details.items():
        if name != "first_by_formula_ms":
            print(f"{name}: {value if isinstance(value, int) else round(value, 2)}")
    return [
        Figure(
            IMPORT,
            "ms",
            median(imports),
            IMPORT_BUDGET,
            baseline=median(baselines),
            baseline_label="import markdown-it and its plugins",
            samples=imports,
            baseline_samples=baselines,
        ),
        Figure(
            FIRST,
            "ms",
            median(per_run_median),
            FIRST_BUDGET,
            baseline=median(as_code),
            baseline_label="the same source rendered as a markdown code span",
            samples=per_run_median,
            baseline_samples=as_code,
            details=details,
        ),
        Figure(
            CACHED,
            "us",
            cached,
            CACHED_BUDGET,
            samples=[cached],
            baseline=lookup,
            baseline_label="one dictionary lookup of the same key",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if "--child" in arguments:
        child("--quick" in arguments)
        return 0
    options = parse_options(__doc__.splitlines()[0], arguments)
    return report(measure(options), options)


if __name__ == "__main__":
    sys.exit(main())
