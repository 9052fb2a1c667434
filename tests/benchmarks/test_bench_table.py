"""What ``make bench`` prints: a table that fits 100 columns whatever the figures, the
machine it ran on, and a closing line of verdicts."""

from __future__ import annotations

from benchmarks.harness import (
    TABLE_WIDTH,
    Budget,
    Figure,
    format_machine,
    format_summary,
    format_table,
    machine,
)


def figures() -> list[Figure]:
    return [
        Figure("search", "ms", 12.5, Budget(30), baseline=0.6, baseline_label="bare FTS5"),
        Figure(
            "startup, whole process: python start to the first idle turn after the first paint",
            "s",
            0.4,
            Budget(1.3, relative=True),
            baseline=0.25,
            baseline_label="the bare window, started the same way and reporting the same" * 2,
        ),
        Figure("long conversation: scroll gap (max)", "ms", 31.0, Budget(25), baseline=21.0),
        Figure.failed("stream throughput", "x", Budget(1.3, relative=True), "it crashed " * 20),
    ]


def test_the_table_fits_the_width_and_keeps_every_cell() -> None:
    table = format_table(figures())
    lines = table.splitlines()
    assert max(map(len, lines)) <= TABLE_WIDTH
    assert lines[0].split() == ["figure", "measured", "baseline", "ratio", "budget", "verdict"]
    long_name = next(line for line in lines if line.startswith("startup, whole process"))
    assert long_name.split()[-4:] == ["1.60x", "<=", "1.3x", "FAIL"]
    assert any(line.strip() == "idle turn after the first paint" for line in lines)  # wrapped
    assert any(line.rstrip().endswith("pass") and "search" in line for line in lines)
    assert "ERROR" in table
    assert "baseline = bare FTS5" in table


def test_the_summary_counts_each_verdict() -> None:
    assert format_summary(figures()) == "4 figures: 1 passed, 2 failed, 1 error"
    assert format_summary(figures()[:1]) == "1 figures: 1 passed, 0 failed, 0 errors"


def test_the_machine_line_names_the_processor_cores_load_and_versions() -> None:
    where = machine()
    text = format_machine(where, (0.5, 0.25, 0.125))
    assert max(map(len, text.splitlines())) <= TABLE_WIDTH
    flat = " ".join(text.split())
    assert f"{where['cpus']} cores" in flat
    assert "0.50 0.25 0.12 at the end" in flat
    assert f"Python {where['python']}" in flat
    assert f"PySide6 {where['pyside6']}" in flat
    assert (where["cpu"] or "unknown CPU") in flat
    assert "unknown at the end" in " ".join(format_machine(where, None).split())
