"""The benchmark suite at its tiny ``--quick`` sizes, so the scripts cannot rot.

Only that every figure is produced and the checks behind them hold (every
streamed token reaches the view); never how fast anything was: timings on a
shared CI machine mean nothing.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_ALL = ROOT / "benchmarks" / "run_all.py"
EXPECTED = {
    "startup",
    "startup, whole process",
    "startup, 100,000 messages",
    "idle memory",
    "memory, long conversation open",
    "stream throughput",
    "UI gap while streaming (max)",
    "UI gap while streaming (p99)",
    "long conversation: first paint",
    "long conversation: scroll gap (max)",
    "long conversation: RSS growth",
    "search",
    "image: drop to ready",
    "image: UI gap (max)",
    "document: drop to ready",
    "document: UI gap (max)",
    "document: 2 MB text, drop to ready",
    "document: 2 MB text, UI gap (max)",
    "math: import ziamath",
    "math: first render (per formula)",
    "math: cached render (per formula)",
    "freeze: 19-byte nested quote",
    "freeze: 20 and 100 levels of nesting",
    "freeze: 1 MB line, streamed and reopened",
    "freeze: 1 MB line, pasted and sent",
    "freeze: 5 MB reply, streamed and reopened",
    "freeze: Show all of a 1 MB reply",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("bench")
    out = workdir / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(RUN_ALL),
            "--quick",
            "--json",
            str(out),
            "--cache-dir",
            str(workdir / "cache"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.exists(), f"run_all.py wrote no results:\n{done.stdout}\n{done.stderr}"
    payload: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    payload["_output"] = done.stdout + done.stderr
    payload["_status"] = done.returncode
    return payload


@pytest.mark.slow
def test_every_figure_is_measured(results: dict[str, Any]) -> None:
    figures = {f["name"]: f for f in results["figures"]}
    assert set(figures) == EXPECTED
    for name, figure in figures.items():
        assert figure["errors"] == [], f"{name}: {figure['errors']}"
        assert isinstance(figure["measured"], float | int), name
        assert math.isfinite(figure["measured"]), name
        assert figure["measured"] >= 0, name
        assert figure["baseline"] is not None, name
        assert figure["samples"], name
        assert figure["verdict"] in ("pass", "FAIL"), name
    assert results["_status"] == 0, results["_output"]


@pytest.mark.slow
def test_stream_displays_every_token(results: dict[str, Any]) -> None:
    stream = next(f for f in results["figures"] if f["name"] == "stream throughput")
    assert stream["details"]["every_token_displayed"] is True
    assert stream["details"]["tokens"] > 0
    assert stream["errors"] == []
