"""Export and import as a person does them: the sidebar's "Export…", the File menu's
actions, the file dialogs (stood in for), and the message that says what happened.

The app is the real one, built against the loopback fake server; the conversation
it exports was sent through the window with an image and answered with reasoning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from kimi_desktop.app import AppParts
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.transfer import images_folder
from kimi_desktop.store import ConversationRepository, Database
from kimi_desktop.ui.sidebar.panel import Sidebar
from kimi_desktop.ui.transfer_dialogs import TransferDialogs
from tests.fakes import moonshot_stream
from tests.fakes.dialects import MOONSHOT_REASONING
from tests.loop_support import run_until
from tests.ui.app_driver import finish, send
from tests.unit.services.transfer_samples import png_bytes


class Chooser:
    """Stands in for the file dialogs: answers with the next path, and records the asks."""

    def __init__(self) -> None:
        self.answers: list[tuple[str, str]] = []
        self.asked: list[tuple[str, str, str]] = []

    def __call__(self, _parent, caption: str, start: str, filters: str) -> tuple[str, str]:
        self.asked.append((caption, start, filters))
        return self.answers.pop(0) if self.answers else ("", "")


# A real popup menu on the offscreen platform, which cannot raise it or grab the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "does not support grabbing")
def test_the_context_menus_export_item_asks_for_that_conversation(qtbot, tmp_path) -> None:
    with Database.open(tmp_path / "history.sqlite3") as database:
        repo = ConversationRepository(database)
        repo.create_conversation("First")
        second = repo.create_conversation("Second")
        sidebar = Sidebar(HistoryService(repo))
        qtbot.addWidget(sidebar)
        sidebar.resize(300, 400)
        sidebar.show()
        sidebar.refresh()
        index = sidebar.model.index(sidebar.model.row_of(second.id))
        chosen: list[str] = []

        def choose_export() -> None:
            menu = QApplication.activePopupWidget()
            assert isinstance(menu, QMenu)
            chosen.extend(a.text() for a in menu.actions() if a.text())
            [export] = [a for a in menu.actions() if a.text() == "Export…"]
            export.trigger()
            menu.close()

        QTimer.singleShot(0, choose_export)
        with qtbot.waitSignal(sidebar.export_requested) as requested:
            sidebar.list.customContextMenuRequested.emit(
                sidebar.list.visualRect(index).center() + QPoint(0, 2)
            )

        assert requested.args == [second.id]
        assert chosen == ["Rename…", "Pin to top", "Export…", "Delete"]


@pytest.fixture
def transfer_app(server, make_app, qloop, tmp_path) -> tuple[AppParts, int]:
    """The app after one prompt with an image, answered with reasoning."""
    parts = make_app(server)
    picture = tmp_path / "screenshot.png"
    picture.write_bytes(png_bytes(40, 30))
    qloop.run_until_complete(parts.window.composer.attach([str(picture)]))
    server.enqueue(moonshot_stream())
    conversation_id = send(parts, "Make this UI in React")
    finish(qloop, parts, conversation_id)
    return parts, conversation_id


def wired(parts: AppParts, chooser: Chooser) -> TransferDialogs:
    """The dialogs ``app.build`` wired to the File menu and the sidebar, asking ``chooser``."""
    dialogs = parts.transfer
    assert dialogs is not None
    dialogs.ask_save_path = chooser
    dialogs.ask_open_path = chooser
    return dialogs


def run(qloop, dialogs: TransferDialogs, start) -> tuple[str, bool]:
    """Start a command, run the loop until its message shows, close it; returns it."""
    results: list[tuple[str, bool]] = []
    dialogs.finished.connect(lambda text, ok: results.append((text, ok)))
    start()
    run_until(qloop, lambda: bool(results))
    assert not dialogs.running
    boxes = [
        b for b in dialogs.parent().findChildren(QMessageBox, "transferResult") if b.isVisible()
    ]
    [box] = boxes
    assert box.text() == results[0][0]
    box.close()
    return results[0]


def test_export_and_import_round_trip_through_the_window(transfer_app, qloop, tmp_path) -> None:
    parts, conversation_id = transfer_app
    chooser = Chooser()
    dialogs = wired(parts, chooser)
    exported = tmp_path / "out" / "chat.json"
    exported.parent.mkdir()
    json_filter = chooser_filter = "JSON, to import again (*.json)"

    chooser.answers.append((str(exported.with_suffix("")), chooser_filter))  # no extension typed
    text, ok = run(qloop, dialogs, dialogs.export_conversation_action.trigger)

    assert ok
    assert text == f"“Make this UI in React” was exported to {exported}."
    caption, start, filters = chooser.asked[-1]
    assert (caption, Path(start).name) == ("Export conversation", "Make this UI in React.md")
    assert json_filter in filters
    document = json.loads(exported.read_text(encoding="utf-8"))
    prompt, reply = document["conversation"]["messages"]
    assert prompt["attachments"][0]["name"] == "screenshot.png"
    assert reply["reasoning"] == "".join(MOONSHOT_REASONING)

    rows = parts.window.conversation_model.rowCount()
    chooser.answers.append((str(exported), "Kimi Desktop export (*.json)"))
    text, ok = run(qloop, dialogs, dialogs.import_action.trigger)

    assert ok
    assert text.startswith("1 conversation was imported from “chat.json”")
    assert parts.window.conversation_model.rowCount() == rows + 1
    [imported] = [c.id for c in parts.history.conversations() if c.id != conversation_id]
    again = tmp_path / "out" / "again.json"
    chooser.answers.append((str(again), json_filter))
    run(qloop, dialogs, lambda: dialogs.export_conversation(imported))
    assert again.read_bytes() == exported.read_bytes()
    assert [m.reasoning for m in parts.history.messages(imported)] == [
        m.reasoning for m in parts.history.messages(conversation_id)
    ]


def test_the_sidebar_exports_markdown_with_its_images(transfer_app, qloop, tmp_path) -> None:
    parts, conversation_id = transfer_app
    chooser = Chooser()
    dialogs = wired(parts, chooser)
    path = tmp_path / "chat.md"
    chooser.answers.append((str(path), "Markdown, to read (*.md)"))

    text, ok = run(
        qloop, dialogs, lambda: parts.window.sidebar.export_requested.emit(conversation_id)
    )

    assert ok
    assert text.endswith(f"its images are in {images_folder(path)}.")
    markdown = path.read_text(encoding="utf-8")
    assert "<details><summary>Thinking</summary>" in markdown
    assert "](chat_files/image-1.png)" in markdown
    assert (images_folder(path) / "image-1.png").is_file()


def test_a_damaged_import_says_why_and_adds_nothing(transfer_app, qloop, tmp_path) -> None:
    parts, _conversation_id = transfer_app
    chooser = Chooser()
    dialogs = wired(parts, chooser)
    archive = tmp_path / "all.json"
    chooser.answers.append((str(archive), "Kimi Desktop export (*.json)"))
    text, ok = run(qloop, dialogs, dialogs.export_all_action.trigger)
    assert ok
    assert text == f"1 conversation was exported to {archive}."
    document = json.loads(archive.read_text(encoding="utf-8"))
    document["conversations"][0]["messages"][0]["attachments"][0]["sha256"] = "0" * 64
    archive.write_text(json.dumps(document), encoding="utf-8")
    before = [c.id for c in parts.history.conversations()]

    chooser.answers.append((str(archive), "Kimi Desktop export (*.json)"))
    text, ok = run(qloop, dialogs, dialogs.import_action.trigger)

    assert not ok
    assert text == (
        "Nothing was imported: the file is damaged. In image 1 of message 1 of "
        "conversation 1, the image's bytes do not match its SHA-256 checksum."
    )
    assert [c.id for c in parts.history.conversations()] == before
    assert parts.window.conversation_model.rowCount() == len(before)


def test_a_cancelled_dialog_does_nothing(transfer_app, qloop) -> None:
    parts, _conversation_id = transfer_app
    chooser = Chooser()
    dialogs = wired(parts, chooser)
    finished: list[str] = []
    dialogs.finished.connect(lambda text, _ok: finished.append(text))

    for action in dialogs.actions():
        action.trigger()

    assert len(chooser.asked) == 3
    assert finished == []
    assert not dialogs.running


def test_the_file_menu_offers_export_and_import(server, make_app) -> None:
    parts = make_app(server)
    [file_menu] = [a.menu() for a in parts.window.menuBar().actions() if a.menu() is not None]
    assert parts.transfer is not None
    assert file_menu.actions() == parts.transfer.actions()
    assert [a.text() for a in file_menu.actions()] == [
        "Export conversation…",
        "Export all…",
        "Import…",
    ]
