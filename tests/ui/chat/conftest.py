"""The chat view as most tests here want it: a shown 900 × 700 ``ChatView``, and a clock
the test moves by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kimi_desktop.ui.chat import view as chat_view
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


def flush_costing(view: ChatView, monkeypatch: pytest.MonkeyPatch, flush_ms: float) -> None:
    """Run one ``_flush_frame`` of ``view`` as if showing its text took ``flush_ms``
    (the view's clock stands still otherwise)."""
    now = [0.0]  # (from zero: the times it adds are then exact)
    show_pending = view._show_pending

    def costly_show_pending(limit: int | None) -> tuple[int, bool]:
        result = show_pending(limit)
        now[0] += flush_ms / 1000
        return result

    monkeypatch.setattr(view, "_show_pending", costly_show_pending)
    monkeypatch.setattr(chat_view.time, "perf_counter", lambda: now[0])
    view._flush_frame()
    monkeypatch.undo()
