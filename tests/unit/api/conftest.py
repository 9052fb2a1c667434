"""Fixtures for the client tests: fake servers that are always stopped, whatever happens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fakes import FakeKimiServer


@pytest.fixture
def fake_server() -> Iterator[Callable[..., FakeKimiServer]]:
    """Start servers with ``fake_server("kimik2", api_key=...)``; all stop at teardown."""
    servers: list[FakeKimiServer] = []

    def start(dialect: str = "moonshot", **kwargs: Any) -> FakeKimiServer:
        server = FakeKimiServer(dialect, **kwargs)  # type: ignore[arg-type]
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()
    failures = [error for server in servers for error in server.errors]
    assert not failures, f"the fake server failed: {failures!r}"
