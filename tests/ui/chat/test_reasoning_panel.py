"""ReasoningPanel: header texts, ticking, expanding."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QTimer

from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.reasoning_panel import ReasoningPanel, format_duration
from tests.ui.chat.conftest import FakeClock


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (4.4, "4 s"), (59.6, "1 min"), (65, "1 min 5 s"), (600, "10 min")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(10.0)


@pytest.fixture
def panel(qtbot, clock) -> ReasoningPanel:
    widget = ReasoningPanel(clock=clock)
    widget.apply_style(MessageStyle.for_dark(False))
    qtbot.addWidget(widget)
    return widget


def test_unknown_duration(panel):
    assert panel.objectName() == "reasoningPanel"
    assert panel.header_text() == "Reasoning"
    assert not panel.is_expanded()


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_live_header_ticks_each_second(panel, clock, qtbot):
    panel.show()  # it only ticks on screen
    panel.set_thinking(10.0)
    assert panel.is_thinking()
    assert panel.header_text() == "Thinking… 0 s"
    clock.now = 14.2
    qtbot.waitUntil(lambda: panel.header_text() == "Thinking… 4 s", timeout=2500)
    panel.set_finished(6.0)
    assert not panel.is_thinking()
    assert panel.header_text() == "Thought for 6 s"
    clock.now = 30
    qtbot.wait(1100)
    assert panel.header_text() == "Thought for 6 s"  # stopped ticking


def test_hidden_panel_does_not_tick(panel, clock):
    panel.set_thinking(10.0)
    assert not panel.findChild(QTimer).isActive()
    clock.now = 20.0
    panel.set_thinking(10.0)
    assert panel.header_text() == "Thinking… 10 s"


def test_short_thought_reads_one_second(panel):
    panel.set_finished(0.2)
    assert panel.header_text() == "Thought for 1 s"


def test_click_toggles_and_emits(panel, qtbot):
    panel.set_text("Step one.\nStep two.")
    header = panel.findChild(object, "reasoningHeader")
    body_label = panel.findChild(object, "reasoningText")
    with qtbot.waitSignal(panel.toggled) as signal:
        header.click()
    assert signal.args == [True]
    assert panel.is_expanded()
    assert body_label.isVisibleTo(panel)
    assert body_label.text() == "Step one.\nStep two."
    assert "Hide" in header.toolTip()
    with qtbot.waitSignal(panel.toggled) as signal:
        header.click()
    assert signal.args == [False]
    assert not body_label.isVisibleTo(panel)
    assert "Show" in header.toolTip()


def test_set_expanded_does_not_emit(panel, qtbot):
    with qtbot.assertNotEmitted(panel.toggled):
        panel.set_expanded(True)
    assert panel.is_expanded()


def test_reasoning_text_is_plain_and_selectable(panel):
    from PySide6.QtCore import Qt

    panel.set_text("<b>not bold</b>")
    label = panel.findChild(object, "reasoningText")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
