"""The whole app built by ``app.build`` against a loopback fake server, for window tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kimi_desktop.app import AppParts, build
from tests.fakes import FakeKimiServer

MakeApp = Callable[..., AppParts]


@pytest.fixture
def server() -> Iterator[FakeKimiServer]:
    """A fake Moonshot endpoint."""
    with FakeKimiServer("moonshot") as fake:
        yield fake


@pytest.fixture
def make_app(qapp, qloop, tmp_path: Path) -> Iterator[MakeApp]:
    """``make_app(server, key=None, home=None)``: the app, its window shown, using ``server``.

    The server comes in through the environment (``KIMI_BASE_URL``), as a user
    would point the app at it; every app is shut down after the test.
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
        qloop.run_until_complete(parts.chat.shutdown())
        parts.window.close()
        parts.close()
