"""Images in prompts, end to end: drop, paste and attach, then what the server receives.

The whole app is built by ``app.build`` against the loopback fake Kimi server;
files are dropped on the window with real ``QDropEvent``\\ s, pasted through the
clipboard with Ctrl+V, and every request body is decoded back into a picture.
"""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragLeaveEvent, QDropEvent, QImage, QPainter
from PySide6.QtWidgets import QApplication, QToolButton

from kimi_desktop.app import AppParts
from kimi_desktop.images.limits import MAX_LONG_SIDE
from kimi_desktop.ui.composer.panel import BUSY_NOTICE
from tests.fakes import FakeKimiServer, anthropic_stream, openai_stream
from tests.loop_support import run_until
from tests.ui.app_driver import finish, send

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# -- fixtures and helpers ----------------------------------------------------------


def ui_shot(width: int, height: int, accent: str = "#2f6feb") -> QImage:
    """A screenshot-like picture: a sidebar, a title bar, cards and a button."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#f6f8fa"))
    painter = QPainter(image)
    painter.fillRect(0, 0, width // 5, height, QColor("#24292f"))
    painter.fillRect(width // 5, 0, width, height // 12, QColor(accent))
    for row in range(3):
        top = height // 6 + row * height // 4
        painter.fillRect(width // 4, top, width // 2, height // 6, QColor("white"))
        painter.fillRect(width // 4 + 12, top + 12, width // 3, 10, QColor("#57606a"))
    painter.fillRect(width - width // 6, height - height // 8, width // 8, height // 16, accent)
    painter.end()
    return image


def png_file(path: Path, width: int = 3000, height: int = 1500, accent: str = "#2f6feb") -> Path:
    assert ui_shot(width, height, accent).save(str(path), "PNG")
    return path


def png_bytes(width: int = 640, height: int = 400, accent: str = "#bf3989") -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    assert ui_shot(width, height, accent).save(buffer, "PNG")
    return bytes(array.data())


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drag_and_drop(parts: AppParts, mime: QMimeData) -> None:
    """Drag ``mime`` over the chat and drop it there; the overlay shows, then hides."""
    window = parts.window
    point = window.chat_view.mapTo(window, window.chat_view.rect().center())
    action, button = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, action, mime, button, none)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    assert window.drop_overlay.isVisible()
    assert window.drop_overlay.geometry().contains(point)
    drop = QDropEvent(QPointF(point), action, mime, button, none)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    assert not window.drop_overlay.isVisible()


def settle(loop: asyncio.AbstractEventLoop, parts: AppParts) -> None:
    """Run until every image being prepared is attached or refused."""
    loop.run_until_complete(parts.window.composer.wait_attached())


def sent_png(url: str) -> QImage:
    """The picture inside an ``image_url`` data URL, checked to be a PNG."""
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    return decoded_png(url.removeprefix(prefix))


def decoded_png(b64: str) -> QImage:
    raw = base64.b64decode(b64, validate=True)
    assert raw.startswith(PNG_SIGNATURE)
    image = QImage.fromData(raw, "PNG")
    assert not image.isNull()
    return image


def openai_images(message: dict) -> list[QImage]:
    content = message["content"]
    assert isinstance(content, list)
    return [sent_png(p["image_url"]["url"]) for p in content if p["type"] == "image_url"]


def openai_text(message: dict) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(p["text"] for p in content if p["type"] == "text")


def strip_cells(parts: AppParts) -> list[QToolButton]:
    """The thumbnails shown in the attachment strip, in order."""
    tray = parts.window.composer.tray
    buttons = tray.findChildren(QToolButton, "attachmentThumbnail")
    shown = [b for b in buttons if b.isVisibleTo(tray)]
    return sorted(shown, key=lambda b: b.mapTo(tray, QPoint(0, 0)).toTuple()[::-1])


def user_thumbnails(parts: AppParts, message_id: int) -> list[QImage]:
    widget = parts.window.chat_view.message_widget(message_id)
    assert widget is not None
    thumbs = [a.thumbnail for a in widget.item.attachments]
    assert all(not t.isNull() for t in thumbs)
    shown = [
        b for b in widget.findChildren(QToolButton, "attachmentThumbnail") if b.isVisibleTo(widget)
    ]
    assert len(shown) == len(thumbs)
    strip = widget._attachments
    assert strip.height() >= max(b.sizeHint().height() for b in shown)  # room was made
    return thumbs


# -- getting images in ---------------------------------------------------------------


def test_dropped_file_is_sent_downscaled_as_an_image_url(server, make_app, qloop, tmp_path) -> None:
    parts = make_app(server)
    shot = png_file(tmp_path / "dashboard.png", 3000, 1500)
    drag_and_drop(parts, file_mime(shot))
    settle(qloop, parts)

    tray = parts.window.composer.tray
    assert tray.isVisibleTo(parts.window)
    assert tray.objectName() == "attachmentStrip"
    [cell] = strip_cells(parts)
    size_text = cell.text()
    assert size_text.endswith(("KB", "bytes", "MB"))
    assert "dashboard.png" in cell.toolTip()
    assert "2048 × 1024" in cell.toolTip()
    assert not parts.window.composer.notice.isVisible()

    conversation_id = send(parts, "make this UI in React")
    finish(qloop, parts, conversation_id)

    [request] = server.chat_requests
    last = request.json()["messages"][-1]
    assert last["role"] == "user"
    assert openai_text(last) == "make this UI in React"
    [image] = openai_images(last)
    assert (image.width(), image.height()) == (MAX_LONG_SIDE, MAX_LONG_SIDE // 2)
    assert image.pixelColor(image.width() // 2, 5) == QColor("#2f6feb")  # the title bar
    assert not tray.isVisibleTo(parts.window)
    assert tray.images() == []
    user = parts.history.messages(conversation_id)[0]
    assert [a.name for a in user.attachments] == ["dashboard.png"]
    [thumb] = user_thumbnails(parts, user.id)
    assert thumb.width() > thumb.height()


def test_drag_leave_hides_the_overlay_and_text_drags_are_refused(server, make_app) -> None:
    parts = make_app(server)
    window = parts.window
    point = window.chat_view.mapTo(window, window.chat_view.rect().center())
    mime = file_mime(Path("/tmp/anything.png"))
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert window.drop_overlay.isVisible()
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not window.drop_overlay.isVisible()

    text = QMimeData()
    text.setText("just words")
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        text,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()
    assert not window.drop_overlay.isVisible()


@pytest.mark.parametrize("carrier", ["image/png bytes", "QImage"])
def test_dropped_image_data_is_attached_and_sent(server, make_app, qloop, carrier) -> None:
    parts = make_app(server)
    data = png_bytes(640, 400)
    mime = QMimeData()
    if carrier == "QImage":
        mime.setImageData(QImage.fromData(data))
    else:
        mime.setData("image/png", data)
    drag_and_drop(parts, mime)
    settle(qloop, parts)
    assert len(strip_cells(parts)) == 1

    conversation_id = send(parts, "what is this?")
    finish(qloop, parts, conversation_id)
    [image] = openai_images(server.chat_requests[-1].json()["messages"][-1])
    assert (image.width(), image.height()) == (640, 400)
    assert image == QImage.fromData(data).convertToFormat(image.format())


def test_pasted_image_becomes_an_attachment_not_text(server, make_app, qloop) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    composer.set_text("fix the spacing here:")
    mime = QMimeData()
    mime.setImageData(QImage(ui_shot(800, 500)))
    composer.edit.insertFromMimeData(mime)
    settle(qloop, parts)

    assert composer.text() == "fix the spacing here:"
    [cell] = strip_cells(parts)
    assert "pasted image" in cell.toolTip()
    conversation_id = send(parts, composer.text())
    finish(qloop, parts, conversation_id)
    [image] = openai_images(server.chat_requests[-1].json()["messages"][-1])
    assert (image.width(), image.height()) == (800, 500)


def test_ctrl_v_pastes_copied_image_files_and_image_data(
    server, make_app, qloop, qtbot, tmp_path
) -> None:
    parts = make_app(server)
    edit = parts.window.composer.edit
    edit.setFocus()
    first = png_file(tmp_path / "login.png", 1200, 800, "#1a7f37")
    second = png_file(tmp_path / "signup.png", 1200, 800, "#cf222e")
    clipboard = QApplication.clipboard()
    clipboard.setMimeData(file_mime(first, second))
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    settle(qloop, parts)
    assert [i.name for i in parts.window.composer.tray.images()] == ["login.png", "signup.png"]

    clipboard.setImage(ui_shot(300, 200, "#8250df"))
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    settle(qloop, parts)
    assert len(strip_cells(parts)) == 3
    assert edit.toPlainText() == ""  # nothing but images was pasted

    conversation_id = send(parts, "compare these three")
    finish(qloop, parts, conversation_id)
    images = openai_images(server.chat_requests[-1].json()["messages"][-1])
    assert [(i.width(), i.height()) for i in images] == [(1200, 800), (1200, 800), (300, 200)]
    clipboard.clear()


def test_images_dropped_on_the_composer_highlight_it_and_attach(
    server, make_app, qloop, qtbot, tmp_path
) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    composer.set_text("draft stays")
    shot = png_file(tmp_path / "form.png", 900, 600)
    mime = file_mime(shot)
    viewport = composer.edit.viewport()
    point = viewport.rect().center()
    action, button = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    enter = QDragEnterEvent(point, action, mime, button, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    assert composer.drop_overlay.isVisible()
    qtbot.waitUntil(lambda: composer.drop_overlay.geometry() == composer.rect())
    QApplication.sendEvent(
        viewport, QDropEvent(QPointF(point), action, mime, button, Qt.KeyboardModifier.NoModifier)
    )
    assert not composer.drop_overlay.isVisible()
    settle(qloop, parts)
    assert [i.name for i in composer.tray.images()] == ["form.png"]
    assert composer.text() == "draft stays"


# -- what is sent, and kept ------------------------------------------------------------


def test_anthropic_endpoint_gets_a_base64_image_block(make_app, qloop, tmp_path) -> None:
    with FakeKimiServer("moonshot-anthropic") as server:
        server.enqueue(anthropic_stream((), ("A login form.",)))
        parts = make_app(server)
        assert parts.endpoints.active_profile().protocol == "anthropic"
        parts.window.top_bar.set_models(
            parts.endpoints.models(parts.endpoints.active_id), "kimi-k2.5"
        )
        parts.window.attach_paths([str(png_file(tmp_path / "login.png", 2400, 1800))])
        settle(qloop, parts)
        conversation_id = send(parts, "what is this?")
        finish(qloop, parts, conversation_id)

        [request] = server.chat_requests
        assert request.path.endswith("/v1/messages")
        [user] = request.json()["messages"]
        image_block, text_block = user["content"]
        assert text_block == {"type": "text", "text": "what is this?"}
        assert image_block["type"] == "image"
        source = image_block["source"]
        assert (source["type"], source["media_type"]) == ("base64", "image/png")
        image = decoded_png(source["data"])
        assert (image.width(), image.height()) == (2048, 1536)
        assert parts.history.messages(conversation_id)[-1].text == "A login form."


def test_history_resends_the_image_and_restart_keeps_the_thumbnail(
    server, make_app, qloop, tmp_path
) -> None:
    home = tmp_path / "home"
    parts = make_app(server, home=home)
    parts.window.attach_paths([str(png_file(tmp_path / "mock.png", 1600, 1000))])
    settle(qloop, parts)
    server.enqueue(openai_stream([], ["A dashboard with three cards."]))
    conversation_id = send(parts, "describe it")
    finish(qloop, parts, conversation_id)
    server.enqueue(openai_stream([], ["Here is the React code."]))
    send(parts, "now write it in React")
    finish(qloop, parts, conversation_id)

    first, second = (r.json()["messages"] for r in server.chat_requests)
    assert [m["role"] for m in second] == ["user", "assistant", "user"]
    assert second[0] == first[0]  # the first turn, image included, is sent again
    [image] = openai_images(second[0])
    assert (image.width(), image.height()) == (1600, 1000)
    assert second[-1] == {"role": "user", "content": "now write it in React"}

    user = parts.history.messages(conversation_id)[0]
    [before] = user_thumbnails(parts, user.id)

    qloop.run_until_complete(parts.chat.shutdown())
    parts.window.close()
    parts.close()
    again = make_app(server, home=home)
    again.window.open_conversation(conversation_id)
    view = again.window.chat_view
    assert view.message_widget(user.id).item.attachments[0].thumbnail.isNull()  # decoding...
    run_until(
        qloop, lambda: not view.message_widget(user.id).item.attachments[0].thumbnail.isNull()
    )
    [after] = user_thumbnails(again, user.id)
    assert after == before
    again.window.new_conversation()
    again.window.open_conversation(conversation_id)  # decoded once: shown at once now
    assert user_thumbnails(again, user.id) == [before]
    assert (
        again.window.chat_view.message_widget(user.id)
        .item.attachments[0]
        .label.startswith("mock.png · ")
    )


def test_removed_thumbnail_is_not_sent_and_the_strip_hides_when_empty(
    server, make_app, qloop, tmp_path
) -> None:
    parts = make_app(server)
    tray = parts.window.composer.tray
    keep = png_file(tmp_path / "keep.png", 700, 500, "#1a7f37")
    drop = png_file(tmp_path / "drop.png", 700, 500, "#cf222e")
    parts.window.attach_paths([str(drop), str(keep)])
    settle(qloop, parts)
    cells = strip_cells(parts)
    assert len(cells) == 2
    assert all(c.text() for c in cells)  # the size under each thumbnail

    removes = [b for b in tray.findChildren(QToolButton, "attachmentRemove") if b.isVisibleTo(tray)]
    first_remove = min(removes, key=lambda b: b.mapTo(tray, QPoint(0, 0)).x())
    assert first_remove.toolTip() == "Remove drop.png"
    first_remove.click()
    assert [i.name for i in tray.images()] == ["keep.png"]
    assert len(strip_cells(parts)) == 1

    conversation_id = send(parts, "only the green one")
    finish(qloop, parts, conversation_id)
    [image] = openai_images(server.chat_requests[-1].json()["messages"][-1])
    assert image.pixelColor(image.width() // 2, 5) == QColor("#1a7f37")

    parts.window.attach_paths([str(drop)])
    settle(qloop, parts)
    assert tray.isVisibleTo(parts.window)
    tray.remove(0)
    assert not tray.isVisibleTo(parts.window)
    assert tray.images() == []


def test_send_while_images_are_prepared_says_so_and_waits(
    server, make_app, qloop, tmp_path
) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    composer.set_text("here it is")
    task = composer.attach([str(png_file(tmp_path / "big.png", 2600, 1600))])
    assert composer.tray.is_busy()  # busy at once, before the loop has run a step

    composer.send_button.click()
    assert composer.notice.isVisible()
    assert composer.notice.text() == BUSY_NOTICE
    assert composer.text() == "here it is"
    assert parts.window.presenter.conversation is None
    assert server.chat_requests == []

    assert qloop.run_until_complete(task) == []
    assert not composer.tray.is_busy()
    assert not composer.notice.isVisible()  # the notice goes once they are ready
    conversation_id = send(parts, composer.text())
    finish(qloop, parts, conversation_id)
    [image] = openai_images(server.chat_requests[-1].json()["messages"][-1])
    assert (image.width(), image.height()) == (2048, 1260)


def test_blind_model_offers_kimi_k2_5_then_sends(server, make_app, qloop, tmp_path) -> None:
    parts = make_app(server)
    qloop.run_until_complete(parts.endpoints.refresh_models(parts.endpoints.active_id))
    picker = parts.window.top_bar.model_picker
    picker.setCurrentIndex(picker.findText("kimi-k2-0905-preview"))
    composer = parts.window.composer
    parts.window.attach_paths([str(png_file(tmp_path / "page.png", 1000, 700))])
    settle(qloop, parts)

    composer.set_text("build this page")
    composer.send_button.click()
    assert server.chat_requests == []
    assert composer.notice.isVisible()
    assert "kimi-k2-0905-preview" in composer.notice.text()
    assert "cannot see images" in composer.notice.text()
    assert composer.notice_action.isVisible()
    assert composer.notice_action.text() == "Use kimi-k2.5"
    assert composer.text() == "build this page"
    assert len(composer.tray.images()) == 1

    composer.notice_action.click()
    assert picker.currentText() == "kimi-k2.5"
    assert not composer.notice.isVisible()
    composer.send_button.click()
    conversation_id = parts.window.presenter.conversation.id
    finish(qloop, parts, conversation_id)
    [request] = server.chat_requests
    body = request.json()
    assert body["model"] == "kimi-k2.5"
    [image] = openai_images(body["messages"][-1])
    assert (image.width(), image.height()) == (1000, 700)


# -- bad input ---------------------------------------------------------------------


def _notes(tmp_path: Path) -> Path:
    """A text file: attached as a document, not as an image."""
    path = tmp_path / "notes.txt"
    path.write_text("TODO: make the header sticky\n")
    return path


def _neither(tmp_path: Path) -> tuple[Path, str]:
    """A file that is neither an image nor a document that can be read."""
    path = tmp_path / "archive.7z"
    path.write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(range(256)) * 4)
    return path, (
        "“archive.7z” cannot be attached: only text files (such as .txt, .md, code, "
        ".csv or .json) and PDFs can be read."
    )


def _corrupt(tmp_path: Path) -> tuple[Path, str]:
    whole = png_file(tmp_path / "whole.png", 400, 300).read_bytes()
    path = tmp_path / "broken.png"
    path.write_bytes(whole[: len(whole) // 2])
    return path, "“broken.png” is damaged and cannot be read."


def _empty(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "empty.png"
    path.touch()
    return path, "“empty.png” is empty."


def _huge(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "huge.png"
    with path.open("wb") as file:
        file.write(png_file(tmp_path / "small.png", 64, 64).read_bytes())
        file.truncate(100 * 1024 * 1024)  # sparse: takes no room on disk
    return path, "“huge.png” is 100 MB; images up to 40 MB can be attached."


def _folder(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "screenshots"
    path.mkdir()
    png_file(path / "inside.png", 64, 64)
    return path, "“screenshots” is a folder or a device, not a file. Attach the files themselves."


def _missing(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "gone.png"
    path.symlink_to(tmp_path / "moved-away.png")
    return path, "“gone.png” cannot be found; it may have been moved or deleted."


BAD_INPUTS = {
    "neither image nor document": _neither,
    "corrupt": _corrupt,
    "empty": _empty,
    "100 MB": _huge,
    "folder": _folder,
    "missing": _missing,
}


def _attach_good_one_with_draft(parts: AppParts, qloop, tmp_path: Path) -> None:
    composer = parts.window.composer
    composer.set_text("make this UI in React")
    parts.window.attach_paths([str(png_file(tmp_path / "good.png", 500, 300))])
    settle(qloop, parts)
    assert [i.name for i in composer.tray.images()] == ["good.png"]


def _assert_refused(parts: AppParts, server: FakeKimiServer, sentence: str) -> None:
    composer = parts.window.composer
    assert composer.notice.isVisible()
    assert composer.notice.property("error") is True
    assert sentence in composer.notice.text().splitlines()
    assert composer.text() == "make this UI in React"
    assert [i.name for i in composer.tray.images()] == ["good.png"]
    assert len(strip_cells(parts)) == 1
    assert server.chat_requests == []
    assert parts.history.conversations() == []


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_file_is_refused_with_a_sentence_and_the_draft_kept(
    server, make_app, qloop, tmp_path, case
) -> None:
    parts = make_app(server)
    _attach_good_one_with_draft(parts, qloop, tmp_path)
    path, sentence = BAD_INPUTS[case](tmp_path)
    drag_and_drop(parts, file_mime(path))
    settle(qloop, parts)
    _assert_refused(parts, server, sentence)


def test_unreadable_file_is_refused(server, make_app, qloop, tmp_path, monkeypatch) -> None:
    parts = make_app(server)
    _attach_good_one_with_draft(parts, qloop, tmp_path)
    path = png_file(tmp_path / "secret.png", 64, 64)
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the open fail as it would for a user
        import kimi_desktop.images.sources as sources

        def refuse(file, *args, **kwargs):
            raise PermissionError(13, "Permission denied", str(file))

        monkeypatch.setattr(sources, "open", refuse, raising=False)
    parts.window.attach_paths([str(path)])
    settle(qloop, parts)
    _assert_refused(parts, server, "“secret.png” cannot be read: permission denied.")


def test_pasted_data_that_is_not_an_image_is_refused(server, make_app, qloop, tmp_path) -> None:
    parts = make_app(server)
    _attach_good_one_with_draft(parts, qloop, tmp_path)
    mime = QMimeData()
    mime.setData("image/png", b"<html>not a picture</html>")
    parts.window.composer.edit.insertFromMimeData(mime)
    settle(qloop, parts)
    _assert_refused(parts, server, "The data is not an image (png, jpeg, webp or gif).")


def test_a_ninth_image_is_refused_and_the_eight_stay(server, make_app, qloop, tmp_path) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    composer.set_text("make this UI in React")
    colours = [f"#{30 * i:02x}{200 - 20 * i:02x}5a" for i in range(9)]
    paths = [png_file(tmp_path / f"step{i + 1}.png", 320, 200, c) for i, c in enumerate(colours)]
    drag_and_drop(parts, file_mime(*paths[:8]))
    settle(qloop, parts)
    assert len(composer.tray.images()) == 8
    assert not composer.notice.isVisible()

    drag_and_drop(parts, file_mime(paths[8]))
    settle(qloop, parts)
    assert composer.notice.text() == (
        "“step9.png” was not attached. "
        "A message can carry up to 8 images, and this one already has 8."
    )
    assert composer.text() == "make this UI in React"
    assert [i.name for i in composer.tray.images()] == [f"step{i + 1}.png" for i in range(8)]
    assert len(strip_cells(parts)) == 8
    assert server.chat_requests == []


def test_non_images_in_a_drop_do_not_count_against_the_image_limit(
    server, make_app, qloop, tmp_path
) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    composer.set_text("make this UI in React")
    attached = [
        png_file(tmp_path / f"old{i}.png", 320, 200, f"#{40 * i:02x}3050") for i in range(3)
    ]
    drag_and_drop(parts, file_mime(*attached))
    settle(qloop, parts)
    empty, _ = _empty(tmp_path)
    folder, _ = _folder(tmp_path)
    text = _notes(tmp_path)
    bmp = tmp_path / "scan.bmp"
    assert ui_shot(40, 30).save(str(bmp), "BMP")
    new = [png_file(tmp_path / f"new{i}.png", 320, 200, f"#50{40 * i:02x}30") for i in range(2)]
    drag_and_drop(parts, file_mime(empty, new[0], folder, text, bmp, new[1]))
    settle(qloop, parts)
    assert [i.name for i in composer.tray.images()] == [
        "old0.png",
        "old1.png",
        "old2.png",
        "new0.png",
        "new1.png",
    ]
    # The images and the documents are checked side by side: each says its own.
    assert sorted(composer.notice.text().splitlines()) == [
        "“empty.png” is empty.",
        "“scan.bmp” is a BMP image; only png, jpeg, webp or gif images can be attached.",
        "“screenshots” is a folder or a device, not a file. Attach the files themselves.",
    ]
    assert [chip.name for chip in composer.tray.document_chips()] == ["notes.txt"]
    assert composer.text() == "make this UI in React"


def test_images_beyond_the_limit_are_named_and_the_first_ones_attached(
    server, make_app, qloop, tmp_path
) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    colours = [f"#{25 * i:02x}{200 - 15 * i:02x}5a" for i in range(10)]
    paths = [png_file(tmp_path / f"step{i + 1}.png", 320, 200, c) for i, c in enumerate(colours)]
    drag_and_drop(parts, file_mime(*paths[:3]))
    settle(qloop, parts)
    neither, sentence = _neither(tmp_path)
    drag_and_drop(parts, file_mime(*paths[3:6], neither, *paths[6:]))
    settle(qloop, parts)
    assert [i.name for i in composer.tray.images()] == [f"step{i + 1}.png" for i in range(8)]
    assert len(strip_cells(parts)) == 8
    assert sorted(composer.notice.text().splitlines()) == [
        sentence,
        "“step9.png” and “step10.png” were not attached. "
        "A message can carry up to 8 images, and this one already has 8.",
    ]


def test_a_failed_image_leaves_its_place_to_the_next_one(server, make_app, qloop, tmp_path) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    colours = [f"#{25 * i:02x}{200 - 15 * i:02x}5a" for i in range(9)]
    paths = [png_file(tmp_path / f"step{i + 1}.png", 320, 200, c) for i, c in enumerate(colours)]
    drag_and_drop(parts, file_mime(*paths[:6]))
    settle(qloop, parts)
    broken, broken_sentence = _corrupt(tmp_path)
    drag_and_drop(parts, file_mime(broken, paths[0], *paths[6:]))  # paths[0]: already there
    settle(qloop, parts)
    assert [i.name for i in composer.tray.images()] == [f"step{i + 1}.png" for i in range(8)]
    assert composer.notice.text().splitlines() == [
        broken_sentence,
        "“step1.png” is already attached.",
        "“step9.png” was not attached. "
        "A message can carry up to 8 images, and this one already has 8.",
    ]


def test_many_images_left_out_are_counted_after_the_first_names(
    server, make_app, qloop, tmp_path
) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    paths = [
        png_file(tmp_path / f"shot{i + 1}.png", 64, 48, f"#{20 * i:02x}6040") for i in range(13)
    ]
    drag_and_drop(parts, file_mime(*paths))
    settle(qloop, parts)
    assert len(composer.tray.images()) == 8
    assert composer.notice.text() == (
        "“shot9.png”, “shot10.png”, “shot11.png” and 2 more were not attached. "
        "A message can carry up to 8 images, and this one already has 8."
    )


def test_several_refusals_are_listed_and_the_good_ones_attached(
    server, make_app, qloop, tmp_path
) -> None:
    parts = make_app(server)
    composer = parts.window.composer
    good = png_file(tmp_path / "good.png", 500, 300)
    empty, _ = _empty(tmp_path)
    neither, sentence = _neither(tmp_path)
    drag_and_drop(parts, file_mime(empty, good, neither))
    settle(qloop, parts)
    assert sorted(composer.notice.text().splitlines()) == [sentence, "“empty.png” is empty."]
    assert [i.name for i in composer.tray.images()] == ["good.png"]

    drag_and_drop(parts, file_mime(good))
    settle(qloop, parts)
    assert composer.notice.text() == "“good.png” is already attached."
    assert len(composer.tray.images()) == 1


def test_images_attached_while_editing_the_last_prompt_are_sent(
    server, make_app, qloop, tmp_path
) -> None:
    parts = make_app(server)
    conversation_id = send(parts, "make a login form")
    finish(qloop, parts, conversation_id)
    user = parts.history.messages(conversation_id)[0]
    parts.window.chat_view.action_requested.emit("edit", user.id)
    parts.window.attach_paths([str(png_file(tmp_path / "form.png", 600, 400))])
    settle(qloop, parts)
    send(parts, "make this login form")
    finish(qloop, parts, conversation_id)
    [image] = openai_images(server.chat_requests[-1].json()["messages"][-1])
    assert (image.width(), image.height()) == (600, 400)
