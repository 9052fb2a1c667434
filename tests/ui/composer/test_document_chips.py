"""Documents in the composer: dropped, read, shown as chips, previewed, removed, sent.

Files are dropped on the prompt box with real ``QMimeData`` and drag events; the
draft's documents are the real ``DraftDocuments``, reading on this computer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QPalette,
)
from PySide6.QtWidgets import QApplication, QToolButton

from kimi_desktop.domain import AttachedDocument
from kimi_desktop.services.draft_documents import DraftDocuments
from kimi_desktop.ui.composer.document_chips import DocumentChip
from kimi_desktop.ui.composer.document_preview import (
    SHOWN_LINE,
    DocumentPreviewDialog,
    shown_lines,
)
from kimi_desktop.ui.composer.document_summary import (
    approximate,
    document_details,
    kind_badge,
    kind_title,
    reads_as_prose,
)
from kimi_desktop.ui.composer.panel import BUSY_NOTICE, READING_NOTICE, ComposerPanel
from tests.fakes.documents import pdf_bytes
from tests.fakes.documents import png_bytes as png_start


def png_image() -> bytes:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#2f6feb"))
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(array.data())


NOTES = "# Plan\n- make the header sticky\n- test on small screens\n"


@pytest.fixture
def composer(qtbot, qloop) -> ComposerPanel:
    documents = DraftDocuments()
    panel = ComposerPanel(documents=documents)
    documents.setParent(panel)
    qtbot.addWidget(panel)
    panel.resize(760, 240)
    panel.show()
    return panel


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "notes.md"
    path.write_text(NOTES, encoding="utf-8")
    return path


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(["Quarterly report", "Revenue grew by a third"]))
    return path


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop_on_box(composer: ComposerPanel, *paths: Path) -> None:
    """Drag files over the prompt box (the overlay shows) and drop them there."""
    viewport = composer.edit.viewport()
    mime = file_mime(*paths)
    point = viewport.rect().center()
    action, button, none = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(point, action, mime, button, none)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    assert composer.drop_overlay.isVisible()
    assert composer.drop_overlay.text() == "Drop images or documents"
    QApplication.sendEvent(viewport, QDropEvent(QPointF(point), action, mime, button, none))
    assert not composer.drop_overlay.isVisible()


def settle(qloop, composer: ComposerPanel) -> None:
    qloop.run_until_complete(composer.wait_attached())


def chips(composer: ComposerPanel) -> list[DocumentChip]:
    return [c for c in composer.tray.document_chips() if c.isVisibleTo(composer)]


def open_previews(composer: ComposerPanel) -> list[DocumentPreviewDialog]:
    return [d for d in composer.findChildren(DocumentPreviewDialog) if d.isVisible()]


def expected_details(document: AttachedDocument) -> str:
    length = f"{document.pages} pages" if document.pages else f"{document.lines} lines"
    return f"{length} · ≈ {approximate(document.tokens):,} tokens"


# -- dropping and reading -------------------------------------------------------------


def test_a_dropped_text_file_and_pdf_become_chips_with_their_length(
    composer, qloop, notes, report
) -> None:
    drop_on_box(composer, notes, report)

    reading = chips(composer)
    assert [c.name for c in reading] == ["notes.md", "report.pdf"]
    assert all(c.details() == "Reading…" and c.icon.spinning for c in reading)
    assert reading[0].accessibleName() == "Document notes.md, reading"
    settle(qloop, composer)

    ready = chips(composer)
    text, pdf = composer.tray.attached_documents()
    assert (text.kind, text.lines, text.text) == ("text", 3, NOTES)
    assert (pdf.kind, pdf.pages) == ("pdf", 2)
    assert "Revenue grew by a third" in pdf.text
    assert [c.details() for c in ready] == [expected_details(text), expected_details(pdf)]
    assert ready[0].details().startswith("3 lines · ≈ ")
    assert ready[1].details().startswith("2 pages · ≈ ")
    assert not any(c.icon.spinning for c in ready)
    assert ready[1].accessibleName() == f"Document report.pdf, {expected_details(pdf)}"
    assert "Click to preview." in ready[1].toolTip()
    assert composer.edit.toPlainText() == ""  # the paths never land in the text
    assert not composer.notice.isVisible()


def test_a_long_name_is_elided_in_the_middle(composer, qloop, tmp_path) -> None:
    path = tmp_path / ("quarterly-report-of-the-northern-region-" * 4 + "final.txt")
    path.write_text("figures\n")
    composer.attach([str(path)])
    settle(qloop, composer)
    [chip] = chips(composer)
    shown = chip.name_label.text()
    assert "…" in shown
    assert shown.startswith("quarterly-rep")
    assert shown.endswith("final.txt")
    assert chip.name == path.name  # the accessible name and tooltip keep it whole
    assert path.name in chip.accessibleName()


def test_send_waits_while_a_document_is_read_and_carries_it(composer, qloop, qtbot, report):
    composer.set_text("summarise this")
    composer.attach([str(report)])
    assert composer.tray.is_busy()
    with qtbot.assertNotEmitted(composer.send_requested):
        composer.send_button.click()
    assert composer.notice.text() == READING_NOTICE
    assert composer.notice.property("error") is False

    settle(qloop, composer)
    assert not composer.notice.isVisible()
    with qtbot.waitSignal(composer.send_requested) as sent:
        composer.send_button.click()
    (draft,) = sent.args
    assert draft.text == "summarise this"
    assert draft.attachments == ()
    assert draft.documents == composer.tray.attached_documents()
    [document] = draft.documents
    assert (document.name, document.kind, document.pages) == ("report.pdf", "pdf", 2)

    composer.clear_draft()
    assert chips(composer) == []
    assert composer.tray.attached_documents() == ()
    assert not composer.tray.isVisibleTo(composer)


def test_images_and_documents_share_the_strip_and_the_draft(
    composer, qloop, qtbot, notes, tmp_path
) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(png_image())
    composer.set_text("compare")
    composer.attach([str(shot), str(notes)])
    assert composer.tray.images_busy() or composer.tray.documents_busy()
    settle(qloop, composer)
    assert [i.name for i in composer.tray.images()] == ["shot.png"]
    assert [c.name for c in chips(composer)] == ["notes.md"]
    with qtbot.waitSignal(composer.send_requested) as sent:
        composer.send_button.click()
    (draft,) = sent.args
    assert [a.name for a in draft.attachments] == ["shot.png"]
    assert [d.name for d in draft.documents] == ["notes.md"]


def test_the_image_notice_stays_for_images_only(composer, qloop, qtbot) -> None:
    composer.attach([png_image()])
    with qtbot.assertNotEmitted(composer.send_requested):
        composer.send_button.click()
    assert composer.notice.text() == BUSY_NOTICE
    settle(qloop, composer)
    assert not composer.notice.isVisible()


# -- refusals -------------------------------------------------------------------------


def test_a_refused_document_names_the_file_and_keeps_the_draft(
    composer, qloop, notes, tmp_path
) -> None:
    composer.set_text("what do these say?")
    composer.attach([str(notes)])
    settle(qloop, composer)
    binary = tmp_path / "scan.txt"
    binary.write_bytes(png_start() * 8)
    empty = tmp_path / "empty.csv"
    empty.touch()

    refusals = qloop.run_until_complete(composer.attach([str(binary), str(empty)]))

    assert refusals == [
        "“scan.txt” is not a text file: it holds binary data, which cannot be read as text.",
        "“empty.csv” is empty: there is no text in it.",
    ]
    assert composer.notice.isVisible()
    assert composer.notice.property("error") is True
    assert composer.notice.text().splitlines() == refusals
    assert composer.text() == "what do these say?"
    assert [c.name for c in chips(composer)] == ["notes.md"]
    assert [d.name for d in composer.tray.attached_documents()] == ["notes.md"]


def test_an_image_only_pdf_says_to_attach_a_screenshot(composer, qloop, tmp_path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes([None, None]))
    qloop.run_until_complete(composer.attach([str(scan)]))
    assert "“scan.pdf” has no text layer" in composer.notice.text()
    assert "screenshot" in composer.notice.text()
    assert chips(composer) == []


# -- preview and removal ----------------------------------------------------------------


def test_clicking_a_chip_opens_its_text_read_only(composer, qloop, qtbot, report) -> None:
    composer.attach([str(report)])
    [reading] = chips(composer)
    qtbot.mouseClick(reading, Qt.MouseButton.LeftButton)
    assert open_previews(composer) == []  # nothing to show yet
    settle(qloop, composer)

    [chip] = chips(composer)
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    [dialog] = open_previews(composer)
    [document] = composer.tray.attached_documents()
    assert dialog.windowTitle() == "report.pdf"
    assert dialog.title.text() == "report.pdf"
    assert dialog.details.text() == f"PDF · {expected_details(document)}"
    assert dialog.text.toPlainText() == document.text
    assert dialog.text.isReadOnly()
    assert dialog.text.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert dialog.text.lineWrapMode() is dialog.text.LineWrapMode.WidgetWidth  # prose
    dialog.close()


def test_a_chip_is_reached_with_tab_and_opened_with_enter(composer, qloop, qtbot, notes) -> None:
    composer.attach([str(notes)])
    settle(qloop, composer)
    [chip] = chips(composer)
    assert chip.focusPolicy() & Qt.FocusPolicy.TabFocus
    chip.setFocus()
    qtbot.keyClick(chip, Qt.Key.Key_Return)
    [dialog] = open_previews(composer)
    assert dialog.text.toPlainText() == NOTES
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert open_previews(composer) == []


def test_code_is_previewed_in_a_fixed_font_with_whole_lines(qtbot) -> None:
    code = AttachedDocument("app.py", "text", "def main():\n    return 0\n", lines=2, tokens=9)
    dialog = DocumentPreviewDialog(code)
    qtbot.addWidget(dialog)
    assert dialog.text.lineWrapMode() is dialog.text.LineWrapMode.NoWrap
    assert dialog.text.font().fixedPitch() or dialog.text.font().styleHint() != 0
    assert dialog.details.text() == "Text · 2 lines · ≈ 9 tokens"


def test_removing_a_document_by_button_and_by_key(composer, qloop, notes, report) -> None:
    composer.attach([str(notes), str(report)])
    settle(qloop, composer)
    first, _second = chips(composer)
    remove = first.findChild(QToolButton, "documentRemove")
    assert remove.accessibleName() == "Remove notes.md"
    assert remove.toolTip()
    assert remove.focusPolicy() & Qt.FocusPolicy.TabFocus
    remove.click()
    assert [c.name for c in chips(composer)] == ["report.pdf"]
    assert [d.name for d in composer.tray.attached_documents()] == ["report.pdf"]

    [chip] = chips(composer)
    chip.setFocus()
    QApplication.sendEvent(chip, _key(Qt.Key.Key_Delete))
    assert chips(composer) == []
    assert not composer.tray.isVisibleTo(composer)


def test_a_document_removed_while_read_never_comes_back(composer, qloop, report) -> None:
    composer.attach([str(report)])
    [reading] = chips(composer)
    reading.findChild(QToolButton, "documentRemove").click()
    settle(qloop, composer)
    assert chips(composer) == []
    assert composer.tray.attached_documents() == ()
    assert not composer.tray.is_busy()


def test_chips_wrap_onto_more_rows_when_the_strip_is_narrow(composer, qloop, tmp_path) -> None:
    paths = []
    for i in range(6):
        path = tmp_path / f"chapter-{i + 1}.md"
        path.write_text(f"# Chapter {i + 1}\n")
        paths.append(str(path))
    composer.attach(paths)
    settle(qloop, composer)
    composer.resize(420, 400)
    QApplication.processEvents()
    tops = {c.mapTo(composer.tray, QPoint(0, 0)).y() for c in chips(composer)}
    assert len(tops) >= 3
    for chip in chips(composer):
        right = chip.mapTo(composer.tray, QPoint(chip.width(), 0)).x()
        assert right <= composer.tray.width()


# -- the words on a chip -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tokens", "shown"), [(7, 7), (99, 99), (2_134, 2_100), (8_437, 8_400), (123_456, 120_000)]
)
def test_token_counts_are_rounded_as_estimates(tokens, shown) -> None:
    assert approximate(tokens) == shown


def test_details_name_pages_or_lines_and_tokens() -> None:
    pdf = AttachedDocument("a.pdf", "pdf", "x", pages=12, tokens=8_437)
    text = AttachedDocument("b.txt", "text", "x", lines=230, tokens=2_134)
    one = AttachedDocument("c.txt", "text", "x", lines=1, tokens=1)
    remote = AttachedDocument("d.docx", "docx", "x", tokens=1_500)
    assert document_details(pdf) == "12 pages · ≈ 8,400 tokens"
    assert document_details(text) == "230 lines · ≈ 2,100 tokens"
    assert document_details(one) == "1 line · ≈ 1 token"
    assert document_details(remote) == "≈ 1,500 tokens"
    assert kind_title("docx") == "Word document"
    assert kind_badge("a.pdf", "pdf") == "PDF"
    assert kind_badge("b.py", "text") == "PY"
    assert kind_badge("Makefile", "text") == "TXT"


@pytest.mark.parametrize(
    ("name", "kind", "prose"),
    [
        ("report.pdf", "pdf", True),
        ("notes.md", "text", True),
        ("README", "text", True),
        ("main.rs", "text", False),
        ("data.csv", "text", False),
        ("Makefile", "text", False),
    ],
)
def test_prose_or_code(name, kind, prose) -> None:
    assert reads_as_prose(AttachedDocument(name, kind, "")) is prose


def test_a_very_long_line_is_shown_in_pieces_and_copied_whole(qtbot) -> None:
    line = "word " * 5_000  # 25,000 characters on one line
    text = f"first\n{line}\nlast"
    shown, continued = shown_lines(text)
    assert shown.replace("\n", "") == text.replace("\n", "")
    assert max(map(len, shown.split("\n"))) <= SHOWN_LINE
    assert continued == {2, 3}
    assert shown_lines("short\nlines") == ("short\nlines", frozenset())

    dialog = DocumentPreviewDialog(AttachedDocument("long.txt", "text", text, lines=3))
    qtbot.addWidget(dialog)
    dialog.text.selectAll()
    dialog.text.copy()
    assert QGuiApplication.clipboard().text() == text
    cursor = dialog.text.textCursor()
    cursor.setPosition(3)
    cursor.setPosition(6 + SHOWN_LINE + 4, cursor.MoveMode.KeepAnchor)
    dialog.text.setTextCursor(cursor)
    dialog.text.copy()
    # One piece break lies inside the selection: the copy has one character less.
    assert QGuiApplication.clipboard().text() == text[3 : 6 + SHOWN_LINE + 3]
    # The process must not own clipboard data it made from this dialog when it exits:
    # the offscreen platform then crashes at exit.
    QGuiApplication.clipboard().clear()


def test_chip_text_takes_the_muted_colour_of_its_palette(qtbot) -> None:
    document = AttachedDocument("a.pdf", "pdf", "x", pages=1, tokens=3)
    chip = DocumentChip("a.pdf", document)
    qtbot.addWidget(chip)
    for muted in ("#6e7781", "#8b949e"):
        palette = chip.palette()
        palette.setColor(QPalette.ColorRole.PlaceholderText, muted)
        chip.setPalette(palette)
        colour = chip.details_label.palette().color(QPalette.ColorRole.WindowText)
        assert colour.name() == muted


def _key(key: Qt.Key) -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)
