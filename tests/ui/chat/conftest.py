"""The chat view as most tests here want it: a shown 900 × 700 ``ChatView``, and a clock
the test moves by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kimi_desktop.ui.chat.view import ChatView

MakeView = Callable[..., ChatView]


class FakeClock:
    """A clock that stands still until the test moves ``now``."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_view(qtbot) -> MakeView:
    """``make_view(height=700, **options)``: a ``ChatView(**options)`` 900 pixels wide,
    shown and exposed; qtbot deletes it after the test."""

    def make(*, height: int = 700, **options: Any) -> ChatView:
        widget = ChatView(**options)
        qtbot.addWidget(widget)
        widget.resize(900, height)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return make


@pytest.fixture
def view(make_view: MakeView) -> ChatView:
    """A shown ``ChatView`` on the real clock."""
    return make_view()
