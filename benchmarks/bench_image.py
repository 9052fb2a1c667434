"""A dropped 4K screenshot, from drop to ready to send, and the UI meanwhile.

The input is a 3840x2160 PNG that looks like a desktop app (sidebar, text,
code blocks, buttons; 1280x720 with ``--quick``), generated once into the cache
directory. A drop hands the app a file path; the subject is what the composer's
attachment strip then awaits: ``prepare_image_async(path)`` (sniff, validate,
decode, scale to the 2048-pixel limit, re-encode to fit the byte budget, hash)
and the strip's thumbnail, both in worker threads, on the qasync loop with a
5 ms precise QTimer ticking.

The baseline, run alternately with it in the same worker-thread way, is the
least work that gives a comparable result: ``QImage`` load, smooth scale to
the same size, PNG encode at the same compression level.

Run: ``python benchmarks/bench_image.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.gap_probe import FigureNames, compare, figures, in_thread
from benchmarks.harness import Budget, Figure, Options, median, parse_options, report

FULL_SIZE = (3840, 2160)
QUICK_SIZE = (1280, 720)

IMAGE = "image: drop to ready"
IMAGE_GAP = "image: UI gap (max)"
IMAGE_BUDGET = Budget(400)
IMAGE_GAP_BUDGET = Budget(50)
THUMBNAIL_SIDE = 112  # the strip's 56 px thumbnail at a device pixel ratio of 2
FIGURES = ((IMAGE, "ms", IMAGE_BUDGET), (IMAGE_GAP, "ms", IMAGE_GAP_BUDGET))
NAMES = FigureNames(IMAGE, IMAGE_BUDGET, IMAGE_GAP, IMAGE_GAP_BUDGET)


def _bare_prepare(path: Path) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage

    from kimi_desktop.images.limits import MAX_LONG_SIDE, PNG_QUALITY

    image = QImage(str(path))
    if max(image.width(), image.height()) > MAX_LONG_SIDE:
        image = image.scaled(
            MAX_LONG_SIDE,
            MAX_LONG_SIDE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stub types the format as bytes; PySide6 6.11 accepts only str.
    image.save(buffer, "PNG", PNG_QUALITY)  # type: ignore[call-overload]
    return bytes(array.data())


async def _drop_to_ready(path: Path) -> tuple[str, float]:
    """What the composer's attachment strip awaits for a dropped file.

    ``prepare_image_async``, then the strip's thumbnail in a worker thread, as
    ``ui/composer/attachment_tray.py`` does; returns a description and the prepare time (ms).
    """
    from kimi_desktop.images import make_thumbnail, prepare_image_async

    start = time.perf_counter()
    image = await prepare_image_async(path, name=path.name)
    prepared = (time.perf_counter() - start) * 1000
    thumbnail = await asyncio.to_thread(make_thumbnail, image.data, THUMBNAIL_SIDE)
    if thumbnail.isNull():
        raise RuntimeError("the thumbnail of the prepared image is empty")
    size = f"{len(image.data) / 1024:.0f} KB"
    return f"{image.width}x{image.height} {image.mime}, {size}", prepared


async def _bare(path: Path) -> tuple[str, float]:
    data = await in_thread(_bare_prepare, path)
    return f"{len(data) / 1024:.0f} KB", 0.0


def measure(options: Options) -> list[Figure]:
    from benchmarks.datasets import screenshot_png
    from benchmarks.qt_support import application, close_qt_loop

    application()
    width, height = QUICK_SIZE if options.quick else FULL_SIZE
    path = screenshot_png(options.cache_dir, width, height)
    try:
        base, subj = compare(options.runs, lambda: _bare(path), lambda: _drop_to_ready(path))
    finally:
        close_qt_loop()
    output, _prepare_ms = subj[-1].result
    details = {
        "input": f"{width}x{height} PNG, {path.stat().st_size / 1024:.0f} KB",
        "output": output,
        "prepare_image_async_ms": median([r.result[1] for r in subj]),
    }
    label = "QImage load + smooth scale + PNG encode, in a worker thread"
    return figures(NAMES, base, subj, baseline_label=label, details=details)


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__.splitlines()[0], argv)
    return report(measure(options), options)


if __name__ == "__main__":
    sys.exit(main())
