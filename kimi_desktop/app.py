"""The composition root: parse arguments, build every object, wire them, run the loop.

Nothing else in the package creates long-lived collaborators; everything is
passed in through constructors so tests can build any piece alone.
"""

from __future__ import annotations

# Before any other import: no collections while the modules load (see release below).
from kimi_desktop.ui.runtime import import_collections

# isort: split
import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMenu

# isort: split
# Before the app's own modules: PySide6's import hook then checks each one cheaply.
import kimi_desktop.ui.runtime.module_scan  # noqa: F401

# isort: split
from kimi_desktop import __version__, i18n, render
from kimi_desktop.i18n import N_, _
from kimi_desktop.services.assistants import AssistantService
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.history_open import HistoryRefused, open_history
from kimi_desktop.settings.assistants import AssistantStore
from kimi_desktop.settings.built_in_assistants import BUILT_IN_IDS
from kimi_desktop.settings.paths import AppPaths
from kimi_desktop.settings.schema import Preferences
from kimi_desktop.settings.secrets import SecretStore, environment_override
from kimi_desktop.settings.store import SettingsStore, chosen_language
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database
from kimi_desktop.store.lock import DataDirBusyError, DataDirLock
from kimi_desktop.ui.fonts import install_cjk_fallback
from kimi_desktop.ui.runtime.desktop_application import (
    HANDOVER_TIMEOUT_MS,
    DesktopApplication,
    raise_window,
)
from kimi_desktop.ui.runtime.event_loop import AppEventLoop
from kimi_desktop.ui.runtime.first_input import OnFirstInput
from kimi_desktop.ui.runtime.first_paint import AfterFirstPaint
from kimi_desktop.ui.runtime.language import apply_qt_language
from kimi_desktop.ui.shell.main_window import MainWindow
from kimi_desktop.ui.shell.style import apply_style, is_dark

import_collections.release()  # every module the window needs is loaded

_log = logging.getLogger("kimi_desktop")
#: --smoke-test: how long the event loop runs after the window shows.
SMOKE_TEST_MS = 500
#: Said when another process holds the data folder and does not take the launch over.
ALREADY_RUNNING = N_(
    "Kimi Desktop is already running with this data folder ({folder}), but it does not "
    "answer. Wait until it has started, or close it, then start Kimi Desktop again."
)
#: --smoke-test while another instance holds the data folder: its history is not touched.
SMOKE_TEST_SKIPPED = N_(
    "Smoke test: another Kimi Desktop is using {folder}; its history was left alone and "
    "the window was not built."
)

if TYPE_CHECKING:
    from kimi_desktop.ui.runtime.single_instance import SingleInstance
    from kimi_desktop.ui.transfer_dialogs import TransferDialogs

#: Runs a piece of start-up work later, after the window's first paint.
Later = Callable[[Callable[[], None]], None]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; its help is in the language installed before (see :func:`main`).

    argparse's own headings ("usage:", "options:") stay in its words.
    """
    parser = argparse.ArgumentParser(
        prog="kimi-desktop",
        description=_("A desktop chat client for Kimi K2 / K2.5."),
        add_help=False,  # added below, so its help is translated like the others
    )
    parser.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    parser.add_argument(
        "--version",
        action="version",
        version=f"Kimi Desktop {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--demo", action="store_true", help=_("use a built-in offline endpoint (no key needed)")
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help=_(
            "show the window, settle, and exit 0 (at once, touching nothing, when another "
            "instance is using the data folder)"
        ),
    )
    parser.add_argument(
        "paths", nargs="*", help=_("images or documents to attach to the next message")
    )
    return parser.parse_args(argv)


@dataclass
class AppParts:
    """Everything :func:`build` wires together; tests drive the app through these."""

    window: MainWindow
    chat: ChatSession
    history: HistoryService
    endpoints: EndpointService
    settings: SettingsStore
    database: Database
    warnings: list[str]
    lock: DataDirLock | None = None
    """The data folder's lock, held until :meth:`close` (``None``: none could be taken)."""
    folder_to_show: Path | None = None
    """A damaged history was moved aside here; the warning offers to open it."""
    transfer: TransferDialogs | None = None
    """Export and import, as the File menu runs them."""

    def close(self) -> None:
        """Release the database and the data folder (the window is closed by its owner)."""
        try:
            self.database.close()
        finally:
            if self.lock is not None:
                self.lock.release()


def acquire_data_lock(data_dir: Path) -> DataDirLock | None:
    """Lock the data folder for this process; ``None`` when no lock file can be made.

    Raises :class:`DataDirBusyError` when another process holds it. Without a
    lock file (a read-only or full home) the app still starts: the history
    then opens read-only or in memory, and says so.
    """
    try:
        return DataDirLock.acquire(data_dir)
    except DataDirBusyError:
        raise
    except OSError as exc:
        _log.warning("the data folder %s cannot be locked: %s", data_dir, exc.strerror or exc)
        return None


def _config_dir(paths: AppPaths) -> Path:
    try:
        return paths.ensure_config_dir()
    except OSError:  # a read-only home: the settings say so when they fail to save
        return paths.config_dir


def install_language(paths: AppPaths, environ: Mapping[str, str] = os.environ) -> str:
    """Install the app's catalog for the language the preferences (or, by default,
    the locale) ask for; returns its code. No Qt needed: :func:`main` runs it
    before parsing the command line, so ``--help`` is in that language too."""
    return i18n.install(i18n.resolve(chosen_language(paths), environ))


def choose_language(
    app: QApplication, paths: AppPaths, environ: Mapping[str, str] = os.environ
) -> str:
    """Install the language the preferences (or, by default, the locale) ask for:
    the app's catalog and Qt's own; returns its code."""
    code = install_language(paths, environ)
    apply_qt_language(app, code)
    return code


def _add_transfer(
    window: MainWindow, database: Database, history: HistoryService, menu: QMenu
) -> TransferDialogs:
    """The File menu's export and import (into ``menu``), and "Export…" in a
    conversation's context menu. Loaded on purpose only here: with the archive
    and JSON code behind it, it takes longer than the rest of the window."""
    from kimi_desktop.services.transfer import ConversationTransfer
    from kimi_desktop.store.transfer import TransferStore
    from kimi_desktop.ui.transfer_dialogs import TransferDialogs

    transfer = ConversationTransfer(TransferStore(database), parent=window)
    transfer.conversations_imported.connect(lambda _ids: history.conversations_changed.emit())
    dialogs = TransferDialogs(
        transfer,
        window,
        current_conversation=lambda: (
            window.presenter.conversation.id if window.presenter.conversation else None
        ),
    )
    menu.addActions(dialogs.actions())
    window.sidebar.export_requested.connect(dialogs.export_conversation)
    dialogs.imported.connect(lambda ids: window.open_conversation(ids[0]) if ids else None)
    return dialogs


def build(
    app: QApplication,
    *,
    demo: bool = False,
    environ: Mapping[str, str] = os.environ,
    lock: DataDirLock | None = None,
    language_chosen: bool = False,
    later: Later | None = None,
) -> AppParts:
    """Build and wire every object of the app; nothing runs until the loop does.

    The language is chosen first, unless the caller did (``language_chosen``:
    :func:`main` does, before the command line is parsed).

    The qasync loop must be the current event loop already: the window starts
    asynchronous work (such as reading the key from the keyring) as it is built.

    The data folder is locked first (``lock``, when the caller took it already),
    so no other process's history is touched: raises :class:`DataDirBusyError`
    when another process holds it, and :class:`HistoryRefused` (with the
    sentence to show) when the history must not be opened. Anything else wrong
    with the files becomes a sentence in :attr:`AppParts.warnings`.

    ``later`` defers what the window's first paint does not need (asking the
    keyring for the key, the File menu's export and import:
    :attr:`AppParts.transfer` is ``None`` until it has run); without it
    everything is done now.
    """
    paths = AppPaths.from_environment(environ)
    if not language_chosen:
        choose_language(app, paths, environ)  # before anything says a word
    lock = lock if lock is not None else acquire_data_lock(paths.data_dir)
    settings = SettingsStore(paths)
    secrets = SecretStore(
        _config_dir(paths), store_keys_in_file=settings.preferences.store_keys_in_file
    )
    warnings = list(settings.load_warnings)
    try:
        override = environment_override(environ)
    except ValueError as exc:
        override, warnings = None, [*warnings, str(exc)]
    if override is not None:
        warnings += override.warnings  # plain http to a remote host, as Settings warns
    try:
        opened = open_history(paths.data_dir)  # with the start-up housekeeping
    except HistoryRefused:
        if lock is not None:
            lock.release()
        raise
    warnings += opened.warnings
    database = opened.database
    repository = ConversationRepository(database)
    history = HistoryService(repository)
    endpoints = EndpointService(
        settings,
        secrets,
        environment=(override.profile, override.api_key) if override else None,
        demo=demo,
    )
    chat = ChatSession(
        repository,
        endpoints.open_client,
        sees_images=endpoints.sees_images,
        key_of=endpoints.key,
    )
    assistants = AssistantService(AssistantStore(paths, reserved_ids=BUILT_IN_IDS), repository)
    warnings += assistants.load_warnings
    # The look first: a style sheet set on the application after the widgets
    # exist re-polishes every one of them (tens of milliseconds).
    apply_style(app, is_dark(settings.preferences.theme))
    window = MainWindow(
        history=history,
        chat=chat,
        endpoints=endpoints,
        settings=settings,
        assistants=assistants,
        later=later,
    )

    def apply_theme(theme: str) -> None:
        dark = is_dark(theme)
        apply_style(app, dark)
        window.set_dark(dark)

    def apply_preferences(preferences: Preferences) -> None:
        apply_theme(preferences.theme)
        window.apply_preferences()
        secrets.store_keys_in_file = preferences.store_keys_in_file

    def follow_the_desktop() -> None:
        if settings.preferences.theme == "system":
            apply_theme("system")

    def open_settings() -> None:
        from kimi_desktop.ui.settings.dialog import SettingsDialog  # loaded when first opened

        dialog = SettingsDialog(endpoints, window, assistants=assistants)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.preferences_changed.connect(apply_preferences)
        dialog.open()

    window.settings_requested.connect(open_settings)
    window.set_dark(is_dark(settings.preferences.theme))
    window.apply_preferences()
    secrets.store_keys_in_file = settings.preferences.store_keys_in_file
    app.styleHints().colorSchemeChanged.connect(window.desktop_theme_changed)
    window.desktop_theme_changed.connect(follow_the_desktop)
    window.restore_geometry()
    parts = AppParts(
        window,
        chat,
        history,
        endpoints,
        settings,
        database,
        warnings,
        lock=lock,
        folder_to_show=opened.folder_to_show,
    )
    # TRANSLATORS: the window's menu with export and import.
    file_menu = window.menuBar().addMenu(_("&File"))  # there from the start: no jump later

    def add_transfer() -> None:
        parts.transfer = _add_transfer(window, database, history, file_menu)

    (later or _now)(add_transfer)
    return parts


def _now(work: Callable[[], None]) -> None:
    work()


@contextlib.contextmanager
def closing_on_termination(window: MainWindow) -> Iterator[None]:
    """While inside, SIGTERM and Ctrl+C in a terminal close the window as its close
    button would: settings are saved and a reply in progress is kept, marked stopped.

    Python runs a signal handler only when it next runs bytecode, which an idle Qt
    loop may not do for a long time; the wake-up socket makes Qt notice at once.
    """
    reader, writer = socket.socketpair()
    for end in (reader, writer):
        end.setblocking(False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)

    def on_signal() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)
        window.close()

    notifier.activated.connect(on_signal)
    previous_fd = signal.set_wakeup_fd(writer.fileno())
    numbers = (signal.SIGINT, signal.SIGTERM)
    # A Python-level handler, so the C handler writes the wake-up byte; the byte does the work.
    previous = {number: signal.signal(number, lambda *_: None) for number in numbers}
    try:
        yield
    finally:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        for number, handler in previous.items():
            signal.signal(number, handler)
        reader.close()
        writer.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; returns when the last window closes."""
    install_language(AppPaths.from_environment())  # before --help and every other word
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or DesktopApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Kimi Desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("kimi-desktop")
    install_cjk_fallback()  # before any text is laid out: Chinese must never show as boxes
    icon = Path(__file__).with_name("resources") / "kimi-desktop.svg"
    app.setWindowIcon(QIcon.fromTheme("kimi-desktop", QIcon(str(icon))))
    paths = [str(Path(p).resolve()) for p in args.paths]
    apply_qt_language(app, i18n.language())  # Qt's own words, for what is said before the window
    data_dir = AppPaths.from_environment().data_dir
    try:
        lock = acquire_data_lock(data_dir)
    except DataDirBusyError:
        return _second_launch(
            _single_instance(data_dir), paths, data_dir, smoke_test=args.smoke_test
        )
    # Whoever holds the data folder's lock also listens for later launches, so
    # holding it means no one is there to take the files. Without a lock file
    # (a read-only home) ask the way the lock would have answered.
    instance: SingleInstance | None = None
    if lock is None and not args.smoke_test:
        instance = _single_instance(data_dir)
        if instance.try_forward(paths):
            return 0  # the running window took the files and came to the front
    # The loop exists before the window: building it may start asynchronous work.
    loop = AppEventLoop(app)
    asyncio.set_event_loop(loop)
    later: list[Callable[[], None]] = []
    try:
        parts = build(app, demo=args.demo, lock=lock, language_chosen=True, later=later.append)
    except HistoryRefused as exc:
        asyncio.set_event_loop(None)
        loop.close()
        refuse_to_start(exc.sentence)
        return 1
    window = parts.window
    after_paint = AfterFirstPaint(window)
    _report_startup_if_asked(window)

    def on_second_launch(forwarded: list[str]) -> None:
        raise_window(window)
        window.attach_paths(forwarded)

    def listen() -> None:
        nonlocal instance
        instance = instance or _single_instance(data_dir)
        # Holding the data folder's lock, this is the one instance: a lock file of the
        # handover that looks held is stale (a recycled PID), and is taken over.
        if not instance.listen(take_over=lock is not None):
            _log.warning("another launch cannot hand its files over to this window")
        instance.activated.connect(on_second_launch)

    if isinstance(app, DesktopApplication):
        app.files_opened.connect(on_second_launch)

    # The loop ends when the window has closed, not when Qt decides to quit: a
    # quit leaves Qt's loop before asyncio's callbacks for the close have run.
    app.setQuitOnLastWindowClosed(False)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    window.show()
    if parts.warnings:
        # Not blocking: a nested event loop would hold up closing and SIGTERM.
        QTimer.singleShot(0, lambda: _show_startup_problems(window, parts))
    window.attach_paths(paths)
    if args.smoke_test:
        QTimer.singleShot(SMOKE_TEST_MS, window.close)
    # What the first paint does not need, one piece per turn.
    for work in later:
        after_paint.later(work)
    if not args.smoke_test:
        # With the key, once it is read (at the first input; the cached list until then).
        window.presenter.endpoint_presenter.refresh_models_if_keyed()
        # A second launch meanwhile waits for this (HANDOVER_TIMEOUT_MS).
        after_paint.later(listen)
    # At the first key or pointer movement: the first reply or conversation opened
    # would otherwise wait for them, and a window left alone does not need them.
    # The key first, so the model list is fetched while the renderer warms.
    after_paint.later(lambda: _on_first_input(app, window, loop))
    try:
        with loop, closing_on_termination(window):
            try:
                loop.run_until_complete(closed.wait())
            except RuntimeError:
                _log.warning("the event loop was stopped before the window closed")
            # Replies still streaming are saved as stopped, even when Qt quit on its own.
            loop.run_until_complete(parts.chat.shutdown())
            loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        asyncio.set_event_loop(None)
        try:
            if instance is not None:
                instance.close()
        finally:
            parts.close()
    return 0


def _on_first_input(app: QApplication, window: MainWindow, loop: asyncio.AbstractEventLoop) -> None:
    """At the first key press or pointer movement: read the key (the model list is
    then refreshed), and warm what showing messages needs."""
    first_input = OnFirstInput(app)
    first_input.later(window.presenter.endpoint_presenter.want_keyring)
    first_input.later(lambda: _prepare_for_messages(loop))


def _prepare_for_messages(loop: asyncio.AbstractEventLoop) -> None:
    """Load what showing messages needs: markdown-it and the common lexers in a
    worker (a quarter of a second of CPU), then the message widgets on this thread
    (Qt types; some 40 ms), once the worker is done so the two do not compete.
    Then set aside for good what start-up made (:func:`freeze_start_up_objects`)."""

    def on_warmed(warming: asyncio.Future[None]) -> None:
        if warming.cancelled():
            return
        if warming.exception() is not None:
            _log.warning("warming the renderer failed: %s", warming.exception())
        import kimi_desktop.ui.chat.message_widget  # noqa: F401

        freeze_start_up_objects()

    loop.run_in_executor(None, render.warm_up).add_done_callback(on_warmed)


def freeze_start_up_objects() -> None:
    """Move every object alive now out of the garbage collector's reach (once the
    message widgets have loaded, after the first input).

    What start-up made (modules, classes, the window's Python side, the renderer
    and its lexers: some 70,000 objects) lives as long as the app, yet each full
    collection walks all of it again, 30 to 110 ms on a 2-core machine, landing
    in a scroll or a streamed reply. Frozen, a full collection walks only what
    was made since (measured: 30 ms down to 0.1 ms). Start-up leaves no cyclic
    garbage to strand (a full collection at this point finds none), so no
    collection runs first. The cost: a frozen object that later ends in a
    reference cycle is never freed, which is why this waits until what start-up
    builds for good is built.
    """
    gc.freeze()


def refuse_to_start(text: str) -> None:
    """Say why the app cannot start, in a message box (loaded only then)."""
    from kimi_desktop.ui.shell.startup_problems import refuse_to_start as say

    say(text)


def _show_startup_problems(window: MainWindow, parts: AppParts) -> None:
    from kimi_desktop.ui.shell.startup_problems import show_startup_problems

    show_startup_problems(window, parts.warnings, parts.folder_to_show)


def _single_instance(data_dir: Path) -> SingleInstance:
    """The channel to (or from) other launches; QtNetwork is loaded here, on first need."""
    from kimi_desktop.ui.runtime.single_instance import SingleInstance, instance_key

    return SingleInstance(instance_key(data_dir))


def _report_startup_if_asked(window: MainWindow, environ: Mapping[str, str] = os.environ) -> None:
    """Write when the window first painted, for the start-up benchmark (see
    :mod:`kimi_desktop.ui.runtime.startup_report`); nothing without the variable."""
    from kimi_desktop.ui.runtime.startup_report import REPORT_VARIABLE

    path = environ.get(REPORT_VARIABLE)
    if path:
        from kimi_desktop.ui.runtime.startup_report import StartupReport

        StartupReport(window, Path(path))


def _second_launch(
    instance: SingleInstance, paths: list[str], data_dir: Path, *, smoke_test: bool
) -> int:
    """Another process holds the data folder: hand over to it, or say why not."""
    if smoke_test:
        print(_(SMOKE_TEST_SKIPPED).format(folder=data_dir), file=sys.stderr)
        return 0
    # It may still be starting (the history, the window) and not listen yet.
    if instance.forward_when_ready(paths, HANDOVER_TIMEOUT_MS):
        return 0
    refuse_to_start(_(ALREADY_RUNNING).format(folder=data_dir))
    return 1
