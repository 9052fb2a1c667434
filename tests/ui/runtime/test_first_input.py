"""Work queued for the first sign of use runs once a key or the pointer moves, not before."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kimi_desktop.ui.runtime.first_input import OnFirstInput


def test_work_waits_for_the_first_key_and_runs_once_in_order(qtbot, qapp) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    watch = OnFirstInput(qapp)
    ran: list[str] = []
    watch.later(lambda: ran.append("first"))
    watch.later(lambda: ran.append("second"))
    qtbot.wait(20)  # shows that a window merely shown and painted starts nothing
    assert ran == []
    assert not watch.done

    qtbot.keyClick(edit, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: watch.done)
    assert ran == ["first", "second"]
    assert edit.text() == "a"  # the key itself was not taken
    qtbot.keyClick(edit, Qt.Key.Key_B)  # later input runs nothing again
    assert ran == ["first", "second"]
    watch.later(lambda: ran.append("late"))  # queued after the first input: runs at once
    assert ran == ["first", "second", "late"]
    watch.deleteLater()


def test_a_click_counts_as_use(qtbot, qapp) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    watch = OnFirstInput(qapp)
    ran: list[str] = []
    watch.later(lambda: ran.append("warmed"))
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ran == ["warmed"])
    watch.deleteLater()


def test_now_runs_the_queue_and_a_failing_piece_does_not_stop_the_rest(qapp, caplog) -> None:
    watch = OnFirstInput(qapp)
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("broken")

    watch.later(broken)
    watch.later(lambda: ran.append("next"))
    watch.now()
    assert ran == ["next"]
    assert "broken" in caplog.text
    watch.now()  # once only
    assert ran == ["next"]
    watch.deleteLater()
