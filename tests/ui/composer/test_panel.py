"""The composer on its own: prompt keys, paste, the attachment strip, notices, preview."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragLeaveEvent, QImage
from PySide6.QtWidgets import QApplication, QLabel, QToolButton, QWidget

from kimi_desktop.domain import Draft
from kimi_desktop.ui.composer.attachment_tray import THUMB_SIDE
from kimi_desktop.ui.composer.image_preview import ImagePreviewDialog
from kimi_desktop.ui.composer.mime_sources import mime_has_attachments, sources_from_mime
from kimi_desktop.ui.composer.panel import BUSY_NOTICE, ComposerPanel


def png(width: int, height: int, colour: str = "#2f6feb") -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(array.data())


@pytest.fixture
def composer(qtbot, qloop) -> ComposerPanel:
    panel = ComposerPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 200)
    panel.show()
    return panel


def attach(qloop, composer: ComposerPanel, *sources: str | bytes) -> list[str]:
    return qloop.run_until_complete(composer.attach(list(sources)))


def visible_buttons(composer: ComposerPanel, name: str) -> list[QToolButton]:
    tray = composer.tray
    return [b for b in tray.findChildren(QToolButton, name) if b.isVisibleTo(tray)]


# -- the prompt box --------------------------------------------------------------------


def test_enter_sends_and_shift_enter_breaks_the_line(composer, qtbot) -> None:
    edit = composer.edit
    qtbot.keyClicks(edit, "first line")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, "second")
    with qtbot.waitSignal(composer.send_requested) as sent:
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert sent.args == [Draft("first line\nsecond")]

    edit.set_enter_sends(False)
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(composer.send_requested):
        qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_escape_stops_only_while_a_reply_runs(composer, qtbot) -> None:
    with qtbot.assertNotEmitted(composer.stop_requested):
        qtbot.keyClick(composer.edit, Qt.Key.Key_Escape)
    composer.set_running(True)
    assert not composer.send_button.isVisibleTo(composer)
    with qtbot.waitSignal(composer.stop_requested):
        qtbot.keyClick(composer.edit, Qt.Key.Key_Escape)
    with qtbot.assertNotEmitted(composer.send_requested):
        composer.send_button.click()  # hidden, but never sends over a running reply


def test_pasted_text_is_text_and_pasted_images_are_not(composer, qtbot, qloop) -> None:
    text = QMimeData()
    text.setText("hello")
    with qtbot.assertNotEmitted(composer.edit.attachments_received):
        composer.edit.insertFromMimeData(text)
    assert composer.text() == "hello"

    image = QMimeData()
    image.setData("image/png", png(40, 30))
    assert composer.edit.canInsertFromMimeData(image)
    with qtbot.waitSignal(composer.edit.attachments_received) as received:
        composer.edit.insertFromMimeData(image)
    assert received.args == [[png(40, 30)]]
    assert composer.text() == "hello"
    qloop.run_until_complete(composer.wait_attached())
    assert len(composer.tray.images()) == 1


def test_sources_from_mime_prefers_files_then_original_bytes(tmp_path: Path) -> None:
    files = QMimeData()
    files.setUrls([QUrl.fromLocalFile(str(tmp_path / "a.png")), QUrl("https://example.com/b.png")])
    files.setData("image/png", png(4, 4))
    assert sources_from_mime(files) == [str(tmp_path / "a.png")]

    raw = QMimeData()
    raw.setData("image/jpeg", b"\xff\xd8\xff original bytes")
    raw.setImageData(QImage.fromData(png(8, 8)))
    assert sources_from_mime(raw) == [b"\xff\xd8\xff original bytes"]

    only_image = QMimeData()
    only_image.setImageData(QImage.fromData(png(8, 6)))
    [data] = sources_from_mime(only_image)
    assert isinstance(data, bytes)
    assert QImage.fromData(data).size().toTuple() == (8, 6)

    remote = QMimeData()
    remote.setUrls([QUrl("https://example.com/b.png")])
    remote.setText("https://example.com/b.png")
    assert not mime_has_attachments(remote)
    assert sources_from_mime(remote) == []


# -- very large pastes -------------------------------------------------------------


def pasted_chips(composer: ComposerPanel) -> list[QWidget]:
    return [c for c in composer.findChildren(QWidget, "pastedText") if c.isVisibleTo(composer)]


def paste(composer: ComposerPanel, text: str) -> None:
    mime = QMimeData()
    mime.setText(text)
    composer.edit.insertFromMimeData(mime)


def test_a_huge_paste_is_held_as_pasted_text_and_sent_whole(composer, qtbot) -> None:
    line = "0123456789abcdef" * 20_000  # 320 KB on one line
    qtbot.keyClicks(composer.edit, "why?")

    paste(composer, line)

    assert composer.edit.toPlainText() == "why?"  # the box never lays the paste out
    [chip] = pasted_chips(composer)
    assert "Pasted text" in chip.findChild(QLabel).text()
    assert "KB" in chip.findChild(QLabel).text()
    assert composer.text() == "why?\n\n" + line
    with qtbot.waitSignal(composer.send_requested) as sent:
        qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert sent.args == [Draft("why?\n\n" + line)]

    composer.clear_draft()
    assert pasted_chips(composer) == []
    assert composer.text() == ""


def test_a_long_line_is_held_even_when_the_paste_is_small_enough(composer) -> None:
    paste(composer, "x" * 60_000)

    assert composer.edit.toPlainText() == ""
    assert len(pasted_chips(composer)) == 1
    assert composer.text() == "x" * 60_000


def test_pasted_text_can_be_removed(composer) -> None:
    paste(composer, "y" * 200_000)
    paste(composer, "z" * 200_000)
    assert len(pasted_chips(composer)) == 2

    pasted_chips(composer)[0].findChild(QToolButton, "pastedTextRemove").click()

    assert len(pasted_chips(composer)) == 1
    assert composer.text() == "z" * 200_000


def test_pasted_text_alone_can_be_sent(composer, qtbot) -> None:
    paste(composer, "w" * 150_000)

    with qtbot.waitSignal(composer.send_requested) as sent:
        composer.send_button.click()

    assert sent.args == [Draft("w" * 150_000)]


def test_a_huge_text_put_back_in_the_composer_is_held_too(composer) -> None:
    text = "question\n\n" + "v" * 300_000

    composer.set_text(text)

    assert composer.edit.toPlainText() == ""
    assert composer.text() == text
    composer.set_text("small")
    assert pasted_chips(composer) == []
    assert composer.text() == "small"


def test_an_ordinary_paste_stays_editable_text(composer) -> None:
    text = "\n".join(f"line {i} of a log" for i in range(2000))

    paste(composer, text)

    assert composer.edit.toPlainText() == text
    assert pasted_chips(composer) == []


# -- the strip ---------------------------------------------------------------------


def test_strip_shows_thumbnails_with_sizes_and_hides_when_empty(composer, qloop) -> None:
    tray = composer.tray
    assert not tray.isVisibleTo(composer)
    assert attach(qloop, composer, png(300, 150, "#1a7f37"), png(120, 240, "#cf222e")) == []
    assert tray.isVisibleTo(composer)
    thumbs = visible_buttons(composer, "attachmentThumbnail")
    assert len(thumbs) == 2
    for button in thumbs:
        assert button.text().endswith(("bytes", "KB"))
        assert button.iconSize().width() == THUMB_SIDE
        assert button.toolTip().endswith("Click to preview.")
        assert button.accessibleName().startswith("Attached image pasted image, ")
    icon = thumbs[0].icon().pixmap(THUMB_SIDE, THUMB_SIDE)
    assert not icon.isNull()

    removes = visible_buttons(composer, "attachmentRemove")
    removes[0].click()
    assert [i.width for i in tray.images()] == [120]
    visible_buttons(composer, "attachmentRemove")[0].click()
    assert tray.images() == []
    assert not tray.isVisibleTo(composer)


def test_clicking_a_thumbnail_asks_for_a_preview(composer, qloop, qtbot) -> None:
    data = png(500, 320)
    attach(qloop, composer, data)
    [thumb] = visible_buttons(composer, "attachmentThumbnail")
    with qtbot.waitSignal(composer.tray.preview_requested) as requested:
        thumb.click()
    [image] = requested.args
    assert image.data == data

    dialog = ImagePreviewDialog(image.data, "shot.png")
    qtbot.addWidget(dialog)
    label = dialog.findChild(QLabel)
    assert label.pixmap().size().toTuple() == (500, 320)
    assert dialog.windowTitle() == "shot.png"
    assert dialog.width() >= 320

    broken = ImagePreviewDialog(b"not an image", "broken")
    qtbot.addWidget(broken)
    assert broken.findChild(QLabel).text() == "This image cannot be shown."


def test_refusals_name_the_file_and_keep_the_rest(composer, qloop, tmp_path: Path) -> None:
    composer.set_text("draft")
    attach(qloop, composer, png(50, 50))
    folder = tmp_path / "shots"
    folder.mkdir()
    refusals = attach(qloop, composer, str(folder), png(60, 60, "#bf3989"))
    assert refusals == ["“shots” is a folder, not an image."]
    assert composer.notice.text() == "“shots” is a folder, not an image."
    assert composer.notice.property("error") is True
    assert composer.text() == "draft"
    assert len(composer.tray.images()) == 2

    refusals = attach(qloop, composer, *(png(10 + i, 10) for i in range(7)))
    assert refusals == [
        "The pasted image was not attached. "
        "A message can carry up to 8 images, and this one already has 8."
    ]
    assert len(composer.tray.images()) == 8  # the first six that fit

    composer.tray.remove(0)
    attach(qloop, composer, png(70, 70, "#8250df"))
    assert not composer.notice.isVisible()  # a new attempt clears the old notice
    assert len(composer.tray.images()) == 8


def test_send_waits_while_images_are_prepared(composer, qloop, qtbot) -> None:
    composer.set_text("look")
    busy: list[bool] = []
    composer.tray.busy_changed.connect(busy.append)
    task = composer.attach([png(900, 600)])
    assert composer.tray.is_busy()
    with qtbot.assertNotEmitted(composer.send_requested):
        composer.send_button.click()
    assert composer.notice.text() == BUSY_NOTICE
    assert composer.notice.property("error") is False

    qloop.run_until_complete(task)
    assert busy == [True, False]
    assert not composer.notice.isVisible()
    with qtbot.waitSignal(composer.send_requested) as sent:
        composer.send_button.click()
    (draft,) = sent.args
    assert draft.text == "look"
    assert [a.width for a in draft.attachments] == [i.width for i in composer.tray.images()]
    assert len(draft.attachments) == 1


def test_notice_action_runs_once_and_hides(composer, qtbot) -> None:
    calls: list[str] = []
    composer.show_notice("Model is blind.", action=("Use kimi-k2.5", lambda: calls.append("x")))
    assert composer.notice_action.isVisibleTo(composer)
    composer.notice_action.click()
    assert calls == ["x"]
    assert not composer.notice.isVisibleTo(composer)
    assert not composer.notice_action.isVisibleTo(composer)


def test_dragging_images_over_the_box_highlights_the_composer(composer, qtbot) -> None:
    viewport = composer.edit.viewport()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp/shot.png")])
    enter = QDragEnterEvent(
        viewport.rect().center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    assert composer.drop_overlay.isVisible()
    assert composer.drop_overlay.text() == "Drop images or documents"
    composer.resize(800, 220)
    qtbot.waitUntil(lambda: composer.drop_overlay.geometry() == composer.rect())
    QApplication.sendEvent(viewport, QDragLeaveEvent())
    assert not composer.drop_overlay.isVisible()

    text = QMimeData()
    text.setText("words")
    enter = QDragEnterEvent(
        QPointF(viewport.rect().center()).toPoint(),
        Qt.DropAction.CopyAction,
        text,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()  # text can still be dropped in the box ...
    assert not composer.drop_overlay.isVisible()  # ... without the image highlight


def test_images_and_thumbnails_are_made_off_the_gui_thread(composer, qloop, monkeypatch) -> None:
    import kimi_desktop.images as images

    threads: list[str] = []

    def recorded(function):
        def run(*args, **kwargs):
            threads.append(threading.current_thread().name)
            return function(*args, **kwargs)

        return run

    monkeypatch.setattr(images, "prepare_image", recorded(images.prepare_image))
    monkeypatch.setattr(images, "make_thumbnail", recorded(images.make_thumbnail))
    assert attach(qloop, composer, png(900, 600)) == []
    assert len(threads) == 2
    assert threading.main_thread().name not in threads
