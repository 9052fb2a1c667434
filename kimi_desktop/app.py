"""The composition root: parse arguments, build every object, wire them, run the loop.

Nothing else in the package creates long-lived collaborators; everything is
passed in through constructors so tests can build any piece alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from kimi_desktop import __version__, render
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.settings.paths import AppPaths
from kimi_desktop.settings.schema import Preferences
from kimi_desktop.settings.secrets import SecretStore, environment_override
from kimi_desktop.settings.store import SettingsStore
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database
from kimi_desktop.ui.runtime.event_loop import AppEventLoop
from kimi_desktop.ui.runtime.single_instance import (
    DesktopApplication,
    SingleInstance,
    instance_key,
    raise_window,
)
from kimi_desktop.ui.shell.main_window import MainWindow
from kimi_desktop.ui.shell.style import apply_style, is_dark

_log = logging.getLogger("kimi_desktop")
#: --smoke-test: how long the event loop runs after the window shows.
SMOKE_TEST_MS = 500


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="kimi-desktop", description="A desktop chat client for Kimi K2 / K2.5."
    )
    parser.add_argument("--version", action="version", version=f"Kimi Desktop {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="use a built-in offline endpoint (no key needed)"
    )
    parser.add_argument(
        "--smoke-test", action="store_true", help="show the window, settle, and exit 0"
    )
    parser.add_argument("paths", nargs="*", help="images to attach to the next message")
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

    def close(self) -> None:
        """Release the database (the window is closed by its owner)."""
        self.database.close()


def build(
    app: QApplication,
    *,
    demo: bool = False,
    environ: Mapping[str, str] = os.environ,
) -> AppParts:
    """Build and wire every object of the app; nothing runs until the loop does.

    The qasync loop must be the current event loop already: the window starts
    asynchronous work (such as reading the key from the keyring) as it is built.
    """
    paths = AppPaths.from_environment(environ)
    settings = SettingsStore(paths)
    secrets = SecretStore(
        paths.ensure_config_dir(), store_keys_in_file=settings.preferences.store_keys_in_file
    )
    warnings = list(settings.load_warnings)
    try:
        override = environment_override(environ)
    except ValueError as exc:
        override, warnings = None, [*warnings, str(exc)]
    database = Database.open(paths.ensure_data_dir() / "history.sqlite3")
    repository = ConversationRepository(database)
    history = HistoryService(repository)
    history.housekeeping()
    endpoints = EndpointService(
        settings,
        secrets,
        environment=(override.profile, override.api_key) if override else None,
        demo=demo,
    )
    chat = ChatSession(repository, endpoints.open_client, sees_images=endpoints.sees_images)
    window = MainWindow(history=history, chat=chat, endpoints=endpoints, settings=settings)

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

        dialog = SettingsDialog(endpoints, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.preferences_changed.connect(apply_preferences)
        dialog.open()

    window.settings_requested.connect(open_settings)
    apply_preferences(settings.preferences)
    app.styleHints().colorSchemeChanged.connect(window.desktop_theme_changed)
    window.desktop_theme_changed.connect(follow_the_desktop)
    window.restore_geometry()
    return AppParts(window, chat, history, endpoints, settings, database, warnings)


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
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or DesktopApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Kimi Desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("kimi-desktop")
    icon = files("kimi_desktop.resources").joinpath("kimi-desktop.svg")
    app.setWindowIcon(QIcon.fromTheme("kimi-desktop", QIcon(str(icon))))
    paths = [str(Path(p).resolve()) for p in args.paths]
    instance = SingleInstance(instance_key(AppPaths.from_environment().data_dir))
    if not args.smoke_test and instance.try_forward(paths):
        return 0  # the running window took the files and came to the front
    # The loop exists before the window: building it may start asynchronous work.
    loop = AppEventLoop(app)
    asyncio.set_event_loop(loop)
    parts = build(app, demo=args.demo)
    window = parts.window
    if not args.smoke_test:
        instance.listen()

    def on_second_launch(forwarded: list[str]) -> None:
        raise_window(window)
        window.attach_paths(forwarded)

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
        QTimer.singleShot(
            0, lambda: QMessageBox.warning(window, "Kimi Desktop", "\n\n".join(parts.warnings))
        )
    window.attach_paths(paths)
    if args.smoke_test:
        QTimer.singleShot(SMOKE_TEST_MS, window.close)
    else:
        QTimer.singleShot(0, window.presenter.endpoint_presenter.refresh_models_if_keyed)
    # After the first paint, off the GUI thread: the first reply would otherwise
    # wait for markdown-it and the lexers while the user watches.
    QTimer.singleShot(0, lambda: loop.run_in_executor(None, render.warm_up))
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
        instance.close()
        parts.close()
    return 0
