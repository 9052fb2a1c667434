"""Shared fixtures: offscreen Qt, an isolated app home, and the qasync event loop."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line on the Qt widgets still alive at the end of the run, if Qt was used.

    Tests delete what they build; a growing count here means one of them leaks,
    and every later test pays for it (style changes re-polish every live widget).
    """
    widgets_module = sys.modules.get("PySide6.QtWidgets")
    app = widgets_module.QApplication.instance() if widgets_module else None
    if app is None:
        return
    widgets = widgets_module.QApplication.allWidgets()
    top_level = [w for w in widgets if w.isWindow()]
    terminalreporter.write_line(
        f"Qt widgets alive at the end: {len(widgets)}, of them top-level windows: {len(top_level)}"
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Hide what imports and collection built from the garbage collector, for good.

    Every test ends with a full collection (see below); walking the modules and
    test items each time cost about 75 ms a test, most of the unit tests' time.
    """
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config and data folder and no keys from the environment."""
    home = tmp_path / "kimi-home"
    monkeypatch.setenv("KIMI_DESKTOP_HOME", str(home))
    for name in ("KIMI_API_KEY", "MOONSHOT_API_KEY", "KIMI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    # The window speaks English unless a test asks for another language.
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return home


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A test that switched the language leaves English behind it."""
    yield
    from kimi_desktop import i18n

    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return
    i18n.install(i18n.SOURCE_LANGUAGE)
    import sys

    widgets = sys.modules.get("PySide6.QtWidgets")
    app = widgets.QApplication.instance() if widgets else None
    if app is not None:
        from kimi_desktop.ui.runtime.language import apply_qt_language

        apply_qt_language(app, i18n.SOURCE_LANGUAGE)


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_gui_thread() -> Iterator[None]:
    """Free cyclic garbage (closed qasync loops' timers) here, on the GUI thread.

    Autouse and declared first, so it is torn down last. Left to chance, the
    collection runs on whichever thread allocates next — a fake server's — and
    QObjects with timers destroyed there crash the process.
    """
    yield
    gc.collect()


@pytest.fixture(autouse=True, scope="session")
def _clipboard_left_empty() -> Iterator[None]:
    """The process owns no clipboard data when it exits: Qt's offscreen clipboard
    crashes at exit over data a test copied (a document preview's text did)."""
    yield
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()


@pytest.fixture(autouse=True)
def _no_generated_titles(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps built in tests ask for no generated titles (unless marked ``titles``): a title
    request would take a reply the test queued for its own prompts. The generator's
    own tests build it directly."""
    if request.node.get_closest_marker("titles") is None:
        from kimi_desktop.services import title_requests

        monkeypatch.setattr(
            title_requests.TitleGenerator, "_on_chat_message_changed", lambda *_args: None
        )


@pytest.fixture(autouse=True)
def memory_keyring(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> object:
    """An in-memory keyring for every test, unless it is marked ``real_keyring``.

    The machine's keyring is never touched by accident: its Secret Service
    backend would prompt, keep D-Bus sockets open, or hold real keys.
    """
    if request.node.get_closest_marker("real_keyring"):
        return None
    import keyring
    import keyring.core

    from tests.fakes.keyring import MemoryKeyring

    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def keyring_readers(memory_keyring, monkeypatch) -> list[threading.Thread]:
    """The thread of every read from the keyring."""
    readers: list[threading.Thread] = []
    read = memory_keyring.get_password

    def recording_read(service: str, username: str) -> str | None:
        readers.append(threading.current_thread())
        return read(service, username)

    monkeypatch.setattr(memory_keyring, "get_password", recording_read)
    return readers


@pytest.fixture
def qloop(qapp: object) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop on the test's QApplication, as the app runs it."""
    from kimi_desktop.ui.runtime.event_loop import AppEventLoop

    loop = AppEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(asyncio.sleep(0))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    asyncio.set_event_loop(None)
