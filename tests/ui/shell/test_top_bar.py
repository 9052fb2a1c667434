"""TopBar: what grows with a conversation never widens the window."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kimi_desktop.domain import ModelInfo
from kimi_desktop.ui.shell.top_bar import TopBar


def test_long_usage_and_balance_do_not_raise_the_minimum_width(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_models([ModelInfo("kimi-k2.5", None, 262144, True, True)], "kimi-k2.5")
    bar.usage_label.setText("42 in · 76 out")
    bar.set_balance("Balance ¥4")
    narrow = bar.minimumSizeHint().width()

    usage = "1,234,567 in · 890,123 out · 456,789 cached · $12.3456"
    bar.usage_label.setText(usage)
    bar.set_balance("Balance ¥1,234,567.89 · 12,345 credits left")

    assert bar.minimumSizeHint().width() == narrow
    assert bar.usage_label.text() == usage  # shortened on screen only
    bar.resize(bar.sizeHint())
    bar.show()
    qtbot.waitExposed(bar)
    assert bar.usage_label.width() >= bar.usage_label.fontMetrics().horizontalAdvance(usage)


def typed(bar: TopBar, model_id: str) -> None:
    bar.model_picker.lineEdit().setText(model_id)
    bar.model_picker.lineEdit().editingFinished.emit()


def test_a_typed_model_id_shows_what_the_known_models_say(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_models([ModelInfo("kimi-k2.5", None, None, None, None)], "kimi-k2.5")

    typed(bar, "kimi-k2-thinking")
    assert "reasoning" in bar.capabilities.text()
    assert bar.thinking() is not None  # the toggle's state goes with the request

    typed(bar, "kimi-k2-0905-preview")
    assert "reasoning" not in bar.capabilities.text()
    assert bar.thinking() is None


def test_a_model_nobody_knows_gets_the_servers_default_thinking(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_models([ModelInfo("house-model", None, None, None, None)], "house-model")
    bar.show()

    assert bar.thinking() is None
    assert not bar.thinking_toggle.isVisible()
    assert bar.capabilities.text() == ""
