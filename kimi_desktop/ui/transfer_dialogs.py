"""Export and import as a person meets them: the File menu's actions, the file dialogs,
and one message saying what happened."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from kimi_desktop.i18n import _, ngettext
from kimi_desktop.services.transfer import (
    ConversationTransfer,
    Exported,
    ExportKind,
    TransferFailed,
    safe_file_stem,
)
from kimi_desktop.services.workers import BackgroundTasks
from kimi_desktop.ui.shell.startup_problems import OPEN_FOLDER, TITLE, open_folder

#: ``(parent, caption, start, filters) -> (path, chosen filter)``: QFileDialog's
#: static functions, or a stand-in in tests.
PathChooser = Callable[[QWidget, str, str, str], tuple[str, str]]

_MARKDOWN_SUFFIXES = (".md", ".markdown")


class TransferDialogs(QObject):
    """Asks where to export to or what to import, runs it off the GUI thread, and says
    how it went in a window-modal message (object name ``transferResult``).

    One export or import runs at a time: the actions are disabled meanwhile, and
    a request from elsewhere (the sidebar's menu) is answered with a sentence.
    The actions belong in the window's File menu: :attr:`export_conversation_action`
    (the conversation ``current_conversation`` names), :attr:`export_all_action`
    and :attr:`import_action`.

    Signals:
        finished(str text, bool ok): an export or import ended; ``text`` is what the
            message says.
        imported(list[int] ids): conversations were imported (the window may open one).
    """

    finished = Signal(str, bool)
    imported = Signal(list)

    def __init__(
        self,
        transfer: ConversationTransfer,
        window: QWidget,
        *,
        current_conversation: Callable[[], int | None],
        ask_save_path: PathChooser = QFileDialog.getSaveFileName,
        ask_open_path: PathChooser = QFileDialog.getOpenFileName,
    ) -> None:
        super().__init__(window)
        self._transfer = transfer
        self._window = window
        self._current = current_conversation
        # Public so a caller (or a test) can stand in for the file dialogs.
        self.ask_save_path = ask_save_path
        self.ask_open_path = ask_open_path
        self._folder = _documents_folder()
        self._tasks = BackgroundTasks()
        self._running: asyncio.Future[None] | None = None
        tasks = self._tasks
        self.destroyed.connect(lambda *_args: tasks.cancel_all())

        # TRANSLATORS: a File menu item: save the open conversation to a file.
        self.export_conversation_action = QAction(_("Export conversation…"), window)
        self.export_conversation_action.setObjectName("exportConversationAction")
        self.export_conversation_action.triggered.connect(lambda: self.export_conversation())
        # TRANSLATORS: a File menu item: save every conversation to one file.
        self.export_all_action = QAction(_("Export all…"), window)
        self.export_all_action.setObjectName("exportAllAction")
        self.export_all_action.triggered.connect(self.export_all)
        # TRANSLATORS: a File menu item: add conversations from an exported file.
        self.import_action = QAction(_("Import…"), window)
        self.import_action.setObjectName("importAction")
        self.import_action.triggered.connect(self.import_file)

    def actions(self) -> list[QAction]:
        """The File menu's actions, in menu order."""
        return [self.export_conversation_action, self.export_all_action, self.import_action]

    @property
    def running(self) -> bool:
        """Whether an export or import is under way."""
        return self._running is not None and not self._running.done()

    # -- the three commands --------------------------------------------------------

    def export_conversation(self, conversation_id: int | None = None) -> None:
        """Ask where to write a conversation (the open one by default), then write it
        as Markdown or JSON, as the chosen file type says."""
        if not self._free():
            return
        conversation_id = conversation_id if conversation_id is not None else self._current()
        title = None if conversation_id is None else self._transfer.title(conversation_id)
        if conversation_id is None or title is None:
            self._show(_("Open a conversation to export it."), ok=False)
            return
        stem = safe_file_stem(title, _("Conversation"))
        # TRANSLATORS: a file type in the export dialog.
        markdown = _("Markdown, to read") + " (*.md)"
        # TRANSLATORS: a file type in the export dialog.
        json = _("JSON, to import again") + " (*.json)"
        chosen, chosen_filter = self.ask_save_path(
            self._window,
            _("Export conversation"),
            str(self._folder / f"{stem}.md"),
            f"{markdown};;{json}",
        )
        if not chosen:
            return
        path = Path(chosen)
        kind = _kind_of(path, json_chosen=chosen_filter == json)
        path = _with_suffix(path, ".json" if kind is ExportKind.JSON else ".md")
        self._folder = path.parent
        name = title or _("New chat")
        self._start(
            self._run_export(self._transfer.export_conversation(conversation_id, path, kind), name)
        )

    def export_all(self) -> None:
        """Ask where to write every conversation, then write one JSON archive."""
        if not self._free():
            return
        today = datetime.date.today().isoformat()
        # TRANSLATORS: the suggested file name of an "Export all" archive; {date} is today.
        stem = safe_file_stem(_("Kimi Desktop conversations {date}").format(date=today), "export")
        chosen, _filter = self.ask_save_path(
            self._window,
            _("Export all conversations"),
            str(self._folder / f"{stem}.json"),
            _json_filters(),
        )
        if not chosen:
            return
        path = _with_suffix(Path(chosen), ".json")
        self._folder = path.parent
        self._start(self._run_export(self._transfer.export_all(path), None))

    def import_file(self) -> None:
        """Ask for a JSON export, then add what it holds as new conversations."""
        if not self._free():
            return
        chosen, _filter = self.ask_open_path(
            self._window, _("Import conversations"), str(self._folder), _json_filters()
        )
        if not chosen:
            return
        path = Path(chosen)
        self._folder = path.parent
        self._start(self._run_import(path))

    # -- running them -------------------------------------------------------------

    def _free(self) -> bool:
        if self.running:
            self._show(
                _("An export or import is still running; try again when it has finished."),
                ok=False,
            )
            return False
        return True

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        self._set_enabled(False)
        self._running = self._tasks.start(work)
        self._running.add_done_callback(lambda _task: self._set_enabled(True))

    def _set_enabled(self, enabled: bool) -> None:
        if not shiboken6.isValid(self):  # the window closed while it ran
            return
        for action in self.actions():
            action.setEnabled(enabled)

    async def _run_export(self, work: Coroutine[Any, Any, Exported], title: str | None) -> None:
        try:
            exported = await work
        except TransferFailed as exc:
            self._show(exc.sentence, ok=False)
            return
        self._show(_exported_text(exported, title), ok=True, folder=exported.path.parent)

    async def _run_import(self, path: Path) -> None:
        try:
            ids = await self._transfer.import_file(path)
        except TransferFailed as exc:
            self._show(exc.sentence, ok=False)
            return
        if not ids:
            self._show(
                _("“{name}” holds no conversations, so nothing was imported.").format(
                    name=path.name
                ),
                ok=True,
            )
            return
        count = len(ids)
        text = ngettext(
            "{count} conversation was imported from “{name}”; it is in the list as a new "
            "conversation.",
            "{count} conversations were imported from “{name}”; they are in the list as new "
            "conversations.",
            count,
        ).format(count=count, name=path.name)
        self.imported.emit(ids)
        self._show(text, ok=True)

    def _show(self, text: str, *, ok: bool, folder: Path | None = None) -> QMessageBox:
        """A window-modal message that does not block (the loop runs on)."""
        box = QMessageBox(
            QMessageBox.Icon.Information if ok else QMessageBox.Icon.Warning,
            _(TITLE),
            text,
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        box.setObjectName("transferResult")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextFormat(Qt.TextFormat.PlainText)
        if folder is not None:
            button = box.addButton(_(OPEN_FOLDER), QMessageBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda: open_folder(folder))
        # With a second button Qt picks no escape button, and Esc and closing would do nothing.
        box.setEscapeButton(QMessageBox.StandardButton.Ok)
        box.open()
        self.finished.emit(text, ok)
        return box


def _exported_text(exported: Exported, title: str | None) -> str:
    if title is None:
        return ngettext(
            "{count} conversation was exported to {path}.",
            "{count} conversations were exported to {path}.",
            exported.conversations,
        ).format(count=exported.conversations, path=exported.path)
    if exported.images_folder is not None:
        return _("“{title}” was exported to {path}; its images are in {folder}.").format(
            title=title, path=exported.path, folder=exported.images_folder
        )
    return _("“{title}” was exported to {path}.").format(title=title, path=exported.path)


def _kind_of(path: Path, *, json_chosen: bool) -> ExportKind:
    """The file's extension decides; without a known one, the chosen file type does."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return ExportKind.JSON
    if suffix in _MARKDOWN_SUFFIXES:
        return ExportKind.MARKDOWN
    return ExportKind.JSON if json_chosen else ExportKind.MARKDOWN


def _with_suffix(path: Path, suffix: str) -> Path:
    """``path`` with ``suffix`` added when the name has no extension of its kind."""
    known = _MARKDOWN_SUFFIXES if suffix == ".md" else (suffix,)
    return path if path.suffix.lower() in known else path.with_name(path.name + suffix)


def _json_filters() -> str:
    # TRANSLATORS: a file type in the export and import dialogs.
    return _("Kimi Desktop export") + " (*.json);;" + _("All files") + " (*)"


def _documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()
