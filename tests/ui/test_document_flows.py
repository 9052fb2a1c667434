"""The whole app against the loopback server: a document dropped on the window goes
out with the question and shows under it, a reply that searched the web says so,
and both are there again after a restart."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from kimi_desktop.app import AppParts
from kimi_desktop.ui.chat.message_widget import MessageWidget
from kimi_desktop.ui.composer.document_preview import DocumentPreviewDialog
from kimi_desktop.ui.composer.document_summary import document_details
from kimi_desktop.ui.shell.main_window import attach_dialog_filters
from tests.fakes import openai_stream, web_search_arguments, web_search_stream
from tests.fakes.documents import pdf_bytes
from tests.ui.app_driver import finish, last_widget, send, shut_down

PAGES = ["Quarterly report", "Revenue grew by a third"]
USAGE = {"prompt_tokens": 120, "completion_tokens": 8, "total_tokens": 128}


def drop_on_window(parts: AppParts, *paths: Path) -> None:
    """Drag files over the chat (the overlay says what can be dropped) and drop them."""
    window = parts.window
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = window.chat_view.mapTo(window, window.chat_view.rect().center())
    action, button = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, action, mime, button, none)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    assert window.drop_overlay.isVisible()
    assert window.drop_overlay.text() == "Drop images or documents"
    QApplication.sendEvent(window, QDropEvent(QPointF(point), action, mime, button, none))
    assert not window.drop_overlay.isVisible()


def widget_of(parts: AppParts, message_id: int) -> MessageWidget:
    widget = parts.window.chat_view.message_widget(message_id)
    assert widget is not None
    return widget


def test_a_dropped_pdf_goes_out_with_the_question_and_shows_after_a_restart(
    server, make_app, qloop, qtbot, tmp_path
) -> None:
    home = tmp_path / "home"
    report = tmp_path / "report.pdf"
    report.write_bytes(pdf_bytes(PAGES))
    parts = make_app(server, home=home)
    composer = parts.window.composer

    drop_on_window(parts, report)
    qloop.run_until_complete(composer.wait_attached())
    [chip] = composer.tray.document_chips()
    assert chip.details().startswith("2 pages · ≈ ")
    [document] = composer.tray.attached_documents()

    server.enqueue(openai_stream([], ["It grew by a third."], usage=USAGE))
    conversation_id = send(parts, "How did revenue change?")
    finish(qloop, parts, conversation_id)

    messages = server.chat_requests[0].json()["messages"]
    blocks = [m["content"] for m in messages if m["role"] == "system"]
    assert any("report.pdf" in b and "Revenue grew by a third" in b for b in blocks)
    assert messages[-1] == {"role": "user", "content": "How did revenue change?"}
    assert composer.tray.document_chips() == []  # the draft went out with it
    prompt_id, reply_id = parts.window.chat_view.message_ids()
    assert [c.name for c in widget_of(parts, prompt_id).document_chips()] == ["report.pdf"]
    qtbot.waitUntil(lambda: "third" in widget_of(parts, reply_id).plain_text())
    shut_down(qloop, parts)

    again = make_app(server, home=home)
    again.window.open_conversation(conversation_id)
    prompt_id, _reply_id = again.window.chat_view.message_ids()
    [chip] = widget_of(again, prompt_id).document_chips()
    assert chip.name == "report.pdf"
    assert chip.details() == document_details(document)
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    [dialog] = [d for d in again.window.findChildren(DocumentPreviewDialog) if d.isVisible()]
    assert dialog.text.toPlainText() == document.text
    dialog.close()


def test_a_reply_that_searched_the_web_says_so_live_and_after_a_restart(
    server, make_app, qloop, monkeypatch, tmp_path
) -> None:
    home = tmp_path / "home"
    parts = make_app(server, home=home)
    window = parts.window
    # The loopback endpoint stands in for Moonshot's, which runs Kimi's search.
    monkeypatch.setattr(window.presenter.endpoint_presenter, "web_search_available", lambda: True)
    window.new_conversation()
    toggle = window.top_bar.web_search_toggle
    assert toggle.isVisibleTo(window)
    assert not toggle.isChecked()
    toggle.click()
    assert window.presenter.web_search()

    server.enqueue(web_search_stream([("call-1", web_search_arguments("s-1"))], usage=USAGE))
    server.enqueue(web_search_stream([("call-2", web_search_arguments("s-2"))], usage=USAGE))
    server.enqueue(openai_stream([], ["Sunny, 24 °C."], usage=USAGE))
    seen: list[str] = []
    parts.chat.web_searched.connect(
        lambda _id, _n: seen.append(last_widget(parts).web_search_text())
    )
    conversation_id = send(parts, "Weather in Paris today?")
    finish(qloop, parts, conversation_id)

    tools = server.chat_requests[0].json()["tools"]
    assert tools[0]["function"]["name"] == "$web_search"
    assert seen == ["Searched the web", "Searched the web 2 times"]  # as each search ran
    reply = last_widget(parts)
    assert reply.web_search_text() == "Searched the web 2 times"
    assert "Sunny" in reply.plain_text()
    shut_down(qloop, parts)

    again = make_app(server, home=home)
    again.window.open_conversation(conversation_id)
    assert last_widget(again).web_search_text() == "Searched the web 2 times"


def test_the_token_meter_measures_the_draft_and_the_conversation(server, make_app, qloop) -> None:
    parts = make_app(server)
    window = parts.window
    window.composer.set_text("How long is this prompt?")
    window.token_meter.flush()
    first = window.token_meter.reading
    assert first is not None
    assert first.tokens > 0
    assert window.composer.token_meter.isVisibleTo(window)

    server.enqueue(openai_stream([], ["A short answer, " * 20], usage=USAGE))
    conversation_id = send(parts, "How long is this prompt?")
    finish(qloop, parts, conversation_id)
    window.composer.set_text("And now?")
    window.token_meter.flush()
    later = window.token_meter.reading
    assert later is not None
    assert later.tokens > first.tokens


def test_the_attach_dialog_offers_images_documents_and_both() -> None:
    names = [f.split(" (")[0] for f in attach_dialog_filters().split(";;")]
    assert names == ["Images and documents", "Images", "Documents", "All files"]
    both, images, documents, _all = attach_dialog_filters().split(";;")
    for pattern in ("*.png", "*.pdf", "*.md", "*.py", "*.docx"):
        assert pattern in both
    assert "*.pdf" not in images
    assert "*.png" not in documents
    assert "*.csv" in documents
