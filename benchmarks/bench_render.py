"""How much CPU does rendering a streamed reply cost, incrementally and naively?

Streams the 8.5 KB sample reply of the render tests (``LONG_REPLY`` in
``tests/unit/render/render_samples.py``) about 4 characters per delta and prints:
a full render (fresh renderer, and with its code already highlighted); the total
for ``IncrementalMarkdown`` rendering after every delta; and the total for
re-rendering the whole text after every delta, with and without the highlight
cache. It checks that the incremental result equals a full render.

Standalone, not one of ``run_all.py``'s experiments: it prints a breakdown of one
reply rather than a figure with a baseline and a budget, and the naive
re-rendering it compares against takes about 10 s of CPU on its own.

Run: ``python benchmarks/bench_render.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kimi_desktop.render import highlight
from kimi_desktop.render.incremental import IncrementalMarkdown
from kimi_desktop.render.markdown import MarkdownRenderer
from tests.unit.render.render_samples import LONG_REPLY

DELTA = 4


def deltas(text: str, size: int = DELTA) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def cpu(fn: object) -> float:
    assert callable(fn)
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    renderer = MarkdownRenderer()
    text = LONG_REPLY
    pieces = deltas(text)
    renderer.render(text)  # warm up lexers and caches

    full_warm = statistics.median(cpu(lambda: renderer.render(text)) for _ in range(20))
    cold = []
    for _ in range(20):
        fresh = MarkdownRenderer()  # no highlighted code cached yet
        cold.append(cpu(lambda fresh=fresh: fresh.render(text)))
    full_cold = statistics.median(cold)

    def incremental() -> IncrementalMarkdown:
        inc = IncrementalMarkdown(renderer)
        for piece in pieces:
            inc.append(piece)
            inc.html()
        return inc

    incremental_cpu = min(cpu(incremental) for _ in range(3))
    inc = incremental()
    assert inc.html() == renderer.render(text)

    def rerender_all() -> None:
        so_far = ""
        for piece in pieces:
            so_far += piece
            renderer.render(so_far)

    rerender_cpu = cpu(rerender_all)
    cache_size = highlight._RECENT_SIZE
    highlight._RECENT_SIZE = 0  # every render lexes all its code again
    try:
        rerender_uncached_cpu = cpu(rerender_all)
    finally:
        highlight._RECENT_SIZE = cache_size

    size = len(text.encode())
    print(f"reply: {size / 1024:.1f} KiB, {len(pieces)} deltas of {DELTA} characters")
    print(f"full render, fresh renderer:           {full_cold * 1000:8.2f} ms")
    print(f"full render, code already highlighted: {full_warm * 1000:8.2f} ms")
    print(
        f"incremental, html() after every delta: {incremental_cpu * 1000:8.1f} ms total, "
        f"{incremental_cpu / len(pieces) * 1e6:.0f} us per delta, "
        f"{inc.parsed_chars / len(pieces):.0f} chars parsed per delta"
    )
    print(
        f"re-render all after every delta:       {rerender_cpu * 1000:8.1f} ms total, "
        f"{rerender_cpu / len(pieces) * 1e6:.0f} us per delta "
        f"({rerender_cpu / incremental_cpu:.0f}x the incremental cost)"
    )
    print(
        f"  ... without the highlight cache:     {rerender_uncached_cpu * 1000:8.1f} ms total "
        f"({rerender_uncached_cpu / incremental_cpu:.0f}x)"
    )


if __name__ == "__main__":
    main()
