"""Start-up work queued for after the window's first paint runs then, one piece a turn."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kimi_desktop.ui.runtime.first_paint import AfterFirstPaint


def test_work_waits_for_the_first_paint_and_runs_in_order(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    after = AfterFirstPaint(window, fallback_ms=60_000)
    ran: list[str] = []
    after.later(lambda: ran.append("first"))
    after.later(lambda: ran.append("second"))
    qtbot.wait(20)  # shows that nothing runs before the window is shown
    assert ran == []
    window.show()
    qtbot.waitUntil(lambda: ran == ["first", "second"])
    assert after.painted
    after.later(lambda: ran.append("late"))  # queued after the paint: runs soon
    qtbot.waitUntil(lambda: ran == ["first", "second", "late"])


def test_a_failing_piece_does_not_stop_the_rest(qtbot, caplog) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    after = AfterFirstPaint(window, fallback_ms=60_000)
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("broken")

    after.later(broken)
    after.later(lambda: ran.append("next"))
    window.show()
    qtbot.waitUntil(lambda: ran == ["next"])
    assert "broken" in caplog.text


def test_the_work_runs_when_the_window_never_paints(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    after = AfterFirstPaint(window, fallback_ms=10)
    ran: list[str] = []
    after.later(lambda: ran.append("anyway"))
    qtbot.waitUntil(lambda: ran == ["anyway"])


def test_idle_once_painted_and_every_piece_has_run(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    after = AfterFirstPaint(window, fallback_ms=60_000)
    ran: list[str] = []
    after.later(lambda: ran.append("first"))
    after.later(lambda: ran.append("second"))
    assert not after.idle  # not painted yet
    window.show()
    qtbot.waitUntil(lambda: after.idle)
    assert ran == ["first", "second"]
    after.later(lambda: ran.append("late"))
    assert not after.idle
    qtbot.waitUntil(lambda: after.idle)
    assert ran == ["first", "second", "late"]
