"""Full-text search over a large history: 100,000 stored messages.

The history (2,000 conversations of 50 messages, realistic word frequencies,
code in a third of the replies; 2,000 messages with ``--quick``) is generated
once into the cache directory through the app's own store, FTS triggers and all.

Each query of :data:`QUERIES` goes through ``HistoryService.search``, the call
the sidebar's search box makes (query parsing, title hits, message hits with
snippets, joins; up to 200 hits). The baseline, run alternately with it, is the
bare FTS5 lookup the search is built on: ``SELECT rowid ... MATCH ... ORDER BY
rowid DESC LIMIT 200`` (``LIKE`` for words too short for trigrams) on a second
connection to the same file.
The figure is the slowest query's median time.

Run: ``python benchmarks/bench_search.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import Budget, Figure, Options, median, parse_options, report

FULL_MESSAGES = 100_000
QUICK_MESSAGES = 2_000
LIMIT = 200  # what HistoryService.search asks the store for
REPEATS = 5  # queries are fast: several timings per run, the median of them kept

SEARCH = "search"
SEARCH_BUDGET = Budget(30)
FIGURES = ((SEARCH, "ms", SEARCH_BUDGET),)

#: What people type: a common word, a rarer one, two and three words, a
#: half-typed word, an identifier, words too short for the trigram index (one
#: found everywhere, one found nowhere, so every message is scanned), and a
#: word that matches nothing.
QUERIES = (
    "function",
    "keyring",
    "the window",
    "stream timeout",
    "quota balance exceeded",
    "asyn",
    "flush_buffer",
    "Qt",
    "C#",
    "zyxwvut",
)


def _bare(conn: sqlite3.Connection, query: str) -> int:
    words = query.split()
    indexed = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    if indexed:
        match = " ".join('"' + w.replace('"', '""') + '"' for w in indexed)
        rows = conn.execute(
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (match, LIMIT),
        ).fetchall()
    else:
        where = " AND ".join("text LIKE ?" for _ in short)
        rows = conn.execute(
            f"SELECT id FROM messages WHERE {where} ORDER BY id DESC LIMIT ?",
            (*[f"%{w}%" for w in short], LIMIT),
        ).fetchall()
    return len(rows)


def _timed_ms(fn: object, repeats: int = REPEATS) -> tuple[float, int]:
    assert callable(fn)
    times = []
    found = 0
    for _ in range(repeats):
        start = time.perf_counter()
        found = len(fn())
        times.append((time.perf_counter() - start) * 1000)
    return median(times), found


def measure(options: Options) -> list[Figure]:
    from benchmarks.datasets import search_db
    from kimi_desktop.services.history import HistoryService
    from kimi_desktop.store.conversations import ConversationRepository
    from kimi_desktop.store.db import Database

    count = QUICK_MESSAGES if options.quick else FULL_MESSAGES
    generated = time.perf_counter()
    path = search_db(options.cache_dir, count)
    generated = time.perf_counter() - generated
    database = Database.open(path)
    history = HistoryService(ConversationRepository(database))
    bare = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    per_query: dict[str, dict[str, object]] = {}
    app_runs: list[float] = []
    base_runs: list[float] = []
    errors: list[str] = []
    try:
        for query in QUERIES:  # warm the page cache, unmeasured
            history.search(query)
            _bare(bare, query)
        app_times: dict[str, list[float]] = {q: [] for q in QUERIES}
        base_times: dict[str, list[float]] = {q: [] for q in QUERIES}
        hits: dict[str, int] = {}
        for _ in range(options.runs):
            for query in QUERIES:
                base_ms, _found = _timed_ms(lambda q=query: range(_bare(bare, q)))
                app_ms, found = _timed_ms(lambda q=query: history.search(q))
                base_times[query].append(base_ms)
                app_times[query].append(app_ms)
                hits[query] = found
            app_runs.append(max(median(app_times[q][-1:]) for q in QUERIES))
            base_runs.append(max(median(base_times[q][-1:]) for q in QUERIES))
        for query in QUERIES:
            per_query[query] = {
                "ms": round(median(app_times[query]), 3),
                "baseline_ms": round(median(base_times[query]), 3),
                "hits": hits[query],
            }
        if hits["function"] == 0 or hits["zyxwvut"] != 0:
            errors.append(f"unexpected hit counts: {hits}")
    finally:
        bare.close()
        database.close()
    worst = max(QUERIES, key=lambda q: float(per_query[q]["ms"]))  # type: ignore[arg-type]
    return [
        Figure(
            SEARCH,
            "ms",
            float(per_query[worst]["ms"]),  # type: ignore[arg-type]
            SEARCH_BUDGET,
            baseline=float(per_query[worst]["baseline_ms"]),  # type: ignore[arg-type]
            baseline_label=f"bare FTS5 MATCH / LIKE on the same file (slowest query: {worst!r})",
            samples=app_runs,
            baseline_samples=base_runs,
            errors=errors,
            details={
                "messages": count,
                "database_mb": round(path.stat().st_size / 1e6, 1),
                "generation_s": round(generated, 2),
                "queries": per_query,
            },
        )
    ]


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__.splitlines()[0], argv)
    return report(measure(options), options)


if __name__ == "__main__":
    sys.exit(main())
