"""The whole app built by ``app.build`` against a loopback fake server, for window tests.

Every test deletes what it builds: a window left alive costs every later test
(a palette or style change re-polishes every live widget), so a check after
each test deletes any top-level widget the test left behind and fails it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from kimi_desktop.app import AppParts, build
from tests.fakes import FakeKimiServer
from tests.ui.app_driver import shut_down

MakeApp = Callable[..., AppParts]


def _delete_later_now() -> None:
    """Run the deferred deletes ``deleteLater`` posted; plain event processing skips them."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _address(widget: QWidget) -> int:
    return shiboken6.getCppPointer(widget)[0]


@pytest.fixture(autouse=True)
def _no_leaked_windows(qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves a top-level widget alive, after deleting it.

    Autouse, so it is torn down after the test's own fixtures (``make_app``)
    and after pytest-qt has closed the widgets given to ``qtbot.addWidget``.
    """
    _delete_later_now()
    before = {_address(w) for w in QApplication.topLevelWidgets()}
    yield
    _delete_later_now()
    left = [w for w in QApplication.topLevelWidgets() if _address(w) not in before]
    names = sorted(f"{type(w).__name__}({w.objectName()!r})" for w in left)
    for widget in left:
        widget.close()
        widget.deleteLater()
    _delete_later_now()
    if names:
        pytest.fail(
            "the test left top-level widgets alive (give widgets it builds to "
            f"qtbot.addWidget, parent dialogs to them): {', '.join(names)}",
            pytrace=False,
        )


@pytest.fixture
def server() -> Iterator[FakeKimiServer]:
    """A fake Moonshot endpoint."""
    with FakeKimiServer("moonshot") as fake:
        yield fake


@pytest.fixture
def make_app(qapp, qloop, tmp_path: Path) -> Iterator[MakeApp]:
    """``make_app(server, key=None, home=None)``: the app, its window shown, using ``server``.

    The server comes in through the environment (``KIMI_BASE_URL``), as a user
    would point the app at it; every app is shut down and its window deleted
    after the test.
    """
    built: list[AppParts] = []

    def make(server: FakeKimiServer, *, key: str | None = None, home: Path | None = None):
        environ = {
            "KIMI_DESKTOP_HOME": str(home or tmp_path / "home"),
            "KIMI_BASE_URL": server.base_url,
            "KIMI_API_KEY": server.api_key if key is None else key,
        }
        parts = build(qapp, environ=environ)
        parts.window.show()
        built.append(parts)
        return parts

    yield make
    for parts in built:
        shut_down(qloop, parts)
    built.clear()
    _delete_later_now()


@pytest.fixture
def restore_style(qapp: QApplication) -> Iterator[None]:
    """Put back the application's style, palette and style sheet a test changes."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)
