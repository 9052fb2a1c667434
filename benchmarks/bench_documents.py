"""A dropped document, from drop to ready to send, and the UI meanwhile.

Two inputs, generated once into the cache directory
(:mod:`benchmarks.document_inputs`; sizes with ``--quick`` in brackets):

- a 200-page PDF [20 pages], about 2.5 KB of text a page, three pages in four
  typeset as pdfTeX writes them (Type 1 fonts with ToUnicode maps, an
  ``/Encoding /Differences`` font, kerned ``TJ`` arrays with no space
  characters, font switches mid-line) and one in four as office programs write
  them (a ``Type0`` font with two-byte codes, some Chinese lines);
- a 2 MB markdown file [200 KB] in UTF-8 with some Chinese (2,000,000 bytes:
  the app reads at most 2,000,000 characters of a document).

A drop hands the composer a path; the subject is what happens until its chip
is ready: the real ``DraftDocuments.add_sources`` on the qasync loop (size
check, read and extraction in worker threads, as the app does with no files
API), and, once the document is ready, what the composer does on the GUI
thread: build the document's context block and give it to the real
``TokenMeter`` for its local estimate. A 5 ms precise QTimer ticks throughout;
the UI gap is the largest gap between its ticks.

The baseline, run alternately with it, is the least work that gives the same
text: for the PDF, pypdfium2 opening it and taking every page's text
(``get_text_range``) in a worker thread; for the text file, reading and decoding
it as UTF-8 in one.
Checks (a failed one makes the figure an ERROR): the document is attached with
no refusal, with every page (and every page's "Checkpoint N reached." intact)
or every line, and the meter's estimate is the chip's.

Run: ``python benchmarks/bench_documents.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.gap_probe import FigureNames, compare, figures, in_thread, timed
from benchmarks.harness import Budget, Figure, Options, median, parse_options, report

if TYPE_CHECKING:
    from kimi_desktop.domain import AttachedDocument

PAGES, QUICK_PAGES = 200, 20
# 2 MB, not 2 MiB: the app reads at most 2,000,000 characters of one document
# (kimi_desktop.documents.limits.MAX_CHARS), and this text is mostly ASCII.
TEXT_BYTES, QUICK_TEXT_BYTES = 2_000_000, 200_000
PDF_RUNS = 3  # at most: a run of each side reads the whole PDF

PDF_READY = "document: drop to ready"
PDF_GAP = "document: UI gap (max)"
TEXT_READY = "document: 2 MB text, drop to ready"
TEXT_GAP = "document: 2 MB text, UI gap (max)"
READY_BUDGET = Budget(1000)
GAP_BUDGET = Budget(50)
FIGURES = (
    (PDF_READY, "ms", READY_BUDGET),
    (PDF_GAP, "ms", GAP_BUDGET),
    (TEXT_READY, "ms", READY_BUDGET),
    (TEXT_GAP, "ms", GAP_BUDGET),
)
PDF_NAMES = FigureNames(PDF_READY, READY_BUDGET, PDF_GAP, GAP_BUDGET)
TEXT_NAMES = FigureNames(TEXT_READY, READY_BUDGET, TEXT_GAP, GAP_BUDGET)
CONTEXT = 262_144  # kimi-k2.5's context, for the meter's reading

#: What a run gives back: a description, the composer's GUI-thread time (ms) and the
#: failed checks.
Outcome = tuple[str, float, list[str]]


# -- the subject: the composer's documents ------------------------------------------------


def _checks(path: Path, document: AttachedDocument, page_count: int | None) -> list[str]:
    """What must hold of the attached document; each failure as a sentence."""
    if page_count is None:
        expected = path.read_bytes().decode("utf-8")
        return [] if document.text == expected else ["the text file's text changed"]
    # the text under each page's marker (the first item is what comes before page 1)
    pages = re.split(r"^--- page \d+ ---$", document.text, flags=re.MULTILINE)[1:]
    errors = []
    if not document.pages == len(pages) == page_count:
        errors.append(f"{document.pages} pages and {len(pages)} page texts of {page_count}")
    lost = [n for n, text in enumerate(pages, 1) if f"Checkpoint {n} reached." not in text]
    if lost:
        errors.append(f"the text of {len(lost)} pages is not whole (first: page {lost[0]})")
    return errors


async def _drop_to_ready(path: Path, page_count: int | None) -> Outcome:
    """``DraftDocuments.add_sources([path])`` until the chip is ready, and the
    composer's work then: the context block, the token meter's local estimate.

    Returns a description, the GUI-thread time of the composer's work (ms) and
    the failed checks. (The app has imported these modules long before a drop.)
    """
    from kimi_desktop.services.document_context import document_block
    from kimi_desktop.services.draft_documents import DraftDocuments
    from kimi_desktop.services.token_meter import TokenMeter

    documents = DraftDocuments()
    meter = TokenMeter()
    meter.set_model("kimi-k2.5", CONTEXT, None)
    meter_ms: list[float] = []

    def on_changed() -> None:  # as the composer tells its meter
        ready = documents.documents()
        if ready:
            start = time.perf_counter()
            meter.set_draft("", (), [document_block(document) for document in ready])
            meter.flush()
            meter_ms.append((time.perf_counter() - start) * 1000)

    documents.changed.connect(on_changed)
    try:
        refusals = await documents.add_sources([str(path)])
        ready = documents.documents()
        errors = list(refusals)
        if len(ready) != 1:
            return "nothing", sum(meter_ms), [*errors, f"{len(ready)} documents, not one"]
        [document] = ready
        errors += _checks(path, document, page_count)
        if meter.reading is None or meter.reading.tokens != document.tokens:
            errors.append("the meter's estimate is not the chip's")
        size = f"{document.pages} pages" if document.pages else f"{document.lines} lines"
        return f"{size}, ~{document.tokens:,} tokens", sum(meter_ms), errors
    finally:
        meter.close()
        meter.deleteLater()
        documents.deleteLater()


# -- the baseline: the same text with nothing around it ------------------------------------


def _bare_pdf(path: Path) -> str:
    import pypdfium2

    # Closing the document closes its pages here, not in a garbage collection
    # that might come while the app's own reading is inside PDFium.
    with pypdfium2.PdfDocument(path) as pdf:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def _bare_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


async def _bare(path: Path) -> Outcome:
    read = _bare_pdf if path.suffix == ".pdf" else _bare_text
    text = await in_thread(read, path)
    return f"{len(text):,} characters", 0.0, []


# -- measuring ------------------------------------------------------------------------------


def _measure_one(path: Path, page_count: int | None, runs: int) -> list[Figure]:
    def subject() -> Awaitable[Outcome]:
        return _drop_to_ready(path, page_count)

    first = timed(subject)  # pays loading PDFium, as a first drop does
    base, subj = compare(runs, lambda: _bare(path), subject)
    output, _meter_ms, _errors = subj[-1].result
    details = {
        "input": f"{path.name}, {path.stat().st_size / 1024:.0f} KB",
        "output": output,
        "first_drop_ms": first.ms,
        "first_drop_gap_ms": first.gap_ms,
        "composer_gui_ms": median([r.result[1] for r in subj]),
    }
    if page_count is None:
        names, label = TEXT_NAMES, "read + UTF-8 decode, in a worker thread"
    else:
        names = PDF_NAMES
        label = "pypdfium2 PdfDocument + get_text_range of every page, in a worker thread"
    errors = sorted({error for run in subj for error in run.result[2]})
    return figures(names, base, subj, baseline_label=label, errors=errors, details=details)


def measure(options: Options) -> list[Figure]:
    from benchmarks.document_inputs import book_pdf, text_file
    from benchmarks.qt_support import application, close_qt_loop

    application()
    # What the window has imported before anything is dropped; pypdfium2 is not
    # among them (the first PDF imports it in its worker thread).
    import kimi_desktop.services.document_context
    import kimi_desktop.services.draft_documents
    import kimi_desktop.services.token_meter  # noqa: F401

    pages = QUICK_PAGES if options.quick else PAGES
    pdf = book_pdf(options.cache_dir, pages)
    text = text_file(options.cache_dir, QUICK_TEXT_BYTES if options.quick else TEXT_BYTES)
    try:
        measured = _measure_one(pdf, pages, options.runs_at_most(PDF_RUNS))
        measured += _measure_one(text, None, options.runs)
    finally:
        close_qt_loop()
    return measured


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__.splitlines()[0], argv)
    return report(measure(options), options)


if __name__ == "__main__":
    sys.exit(main())
