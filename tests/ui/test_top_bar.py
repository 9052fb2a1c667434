"""TopBar: what grows with a conversation never widens the window."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kimi_desktop.domain import ModelInfo
from kimi_desktop.ui.top_bar import TopBar


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
