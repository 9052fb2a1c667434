"""TopBar: what grows with a conversation never widens the window."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from kimi_desktop.domain import ModelInfo
from kimi_desktop.services.choices import ModelChoice
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
    assert "reasoning, always on" in bar.capabilities.text()
    assert bar.thinking() is True  # it always thinks, whatever the toggle said

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


# -- the thinking control follows the model's mode ---------------------------------------


def shown(bar: TopBar) -> str:
    """Which thinking control is on screen: toggle, label, effort, or none."""
    visible = {
        "toggle": bar.thinking_toggle.isVisibleTo(bar),
        "label": bar.thinking_label.isVisibleTo(bar),
        "effort": bar.effort_picker.isVisibleTo(bar),
    }
    assert sum(visible.values()) <= 1, visible
    return next((name for name, on in visible.items() if on), "none")


MODELS = [
    ModelInfo("kimi-k2.6"),
    ModelInfo("kimi-k2.7-code"),
    ModelInfo("kimi-k3"),
    ModelInfo("kimi-k2-0905-preview"),
    ModelInfo("qwen3-32b", supports_reasoning=True),
    ModelInfo("my-local-model"),
]


def select(bar: TopBar, model_id: str) -> None:
    bar.model_picker.setCurrentIndex(bar.model_picker.findData(model_id))
    bar.model_picker.activated.emit(bar.model_picker.currentIndex())


def test_each_mode_shows_its_own_control_and_choice(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_models(MODELS, "kimi-k2.6")
    bar.show()

    assert shown(bar) == "toggle"
    bar.set_thinking(False)
    assert bar.choice() == ModelChoice("kimi-k2.6", False, None)

    select(bar, "kimi-k2.7-code")
    assert shown(bar) == "label"
    assert bar.thinking_label.text() == "Thinking (always on)"
    assert bar.choice() == ModelChoice("kimi-k2.7-code", True, None)  # never off

    select(bar, "kimi-k3")
    assert shown(bar) == "effort"
    options = [bar.effort_picker.itemText(i) for i in range(bar.effort_picker.count())]
    assert options == ["Effort: Default", "Effort: Low", "Effort: High", "Effort: Max"]
    assert bar.choice() == ModelChoice("kimi-k3", None, None)
    bar.set_effort("max")
    assert bar.choice() == ModelChoice("kimi-k3", None, "max")
    assert "reasoning effort" in bar.capabilities.text()
    assert "1M" in bar.capabilities.text()

    select(bar, "kimi-k2-0905-preview")
    assert shown(bar) == "none"
    assert bar.choice() == ModelChoice("kimi-k2-0905-preview", None, None)

    select(bar, "qwen3-32b")  # reasons, how is not known: the server decides
    assert shown(bar) == "none"
    assert bar.choice() == ModelChoice("qwen3-32b", None, None)
    assert "The server decides" in bar.model_picker.toolTip()

    select(bar, "my-local-model")
    assert shown(bar) == "none"
    assert "The server decides" not in bar.model_picker.toolTip()


def mark(bar: TopBar, model_id: str) -> str:
    """The item's text as the picker's list draws it."""
    picker = bar.model_picker
    index = picker.model().index(picker.findData(model_id), 0)
    option = QStyleOptionViewItem()
    picker.itemDelegate().initStyleOption(option, index)
    return option.text


def test_legacy_ids_are_marked_and_the_id_itself_is_kept(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_models([ModelInfo("kimi-k2.6"), ModelInfo("kimi-latest")], "kimi-latest")

    assert mark(bar, "kimi-latest") == "kimi-latest (legacy)"
    assert mark(bar, "kimi-k2.6") == "kimi-k2.6"
    assert bar.current_model() == "kimi-latest"  # what is sent is the bare id
    assert bar.model_picker.findText("kimi-latest") >= 0
    tip = bar.model_picker.itemData(
        bar.model_picker.findData("kimi-latest"), Qt.ItemDataRole.ToolTipRole
    )
    assert "retired" in tip


def test_a_conversations_unlisted_model_is_marked_as_not_offered(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_models([ModelInfo("my-local-model")], "kimi-k2.5")

    assert bar.current_model() == "kimi-k2.5"
    assert mark(bar, "kimi-k2.5") == "kimi-k2.5 (not offered by this endpoint)"
    assert "does not list this model" in bar.model_picker.toolTip()


def test_where_the_table_stands_in_the_tooltip_says_why(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    note = "This endpoint does not list its models; these are the known Kimi models."
    bar.set_models([ModelInfo("kimi-k2.5")], "typed-model", note)

    assert mark(bar, "typed-model") == "typed-model"  # typed here, not refused
    assert note in bar.model_picker.toolTip()
    bar.set_models([ModelInfo("kimi-k2.5")], "kimi-k2.5")
    assert note not in bar.model_picker.toolTip()


def test_capabilities_in_the_item_tooltips(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_models([ModelInfo("kimi-k2.6"), ModelInfo("kimi-k2.7-code")], "kimi-k2.6")

    def tip(model_id: str) -> str:
        row = bar.model_picker.findData(model_id)
        return bar.model_picker.itemData(row, Qt.ItemDataRole.ToolTipRole)

    assert tip("kimi-k2.6") == "vision · video · reasoning · 256K"
    assert tip("kimi-k2.7-code") == "vision · video · reasoning, always on · 256K"


def test_the_web_search_toggle_shows_only_where_offered_and_reports_only_clicks(qtbot) -> None:
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.show()
    toggled: list[bool] = []
    bar.web_search_toggled.connect(toggled.append)

    assert not bar.web_search_toggle.isVisible()
    bar.set_web_search(available=True, on=True)
    assert bar.web_search_toggle.isVisible()
    assert bar.web_search_toggle.isChecked()
    assert toggled == []  # set by the program: not a choice to save

    bar.web_search_toggle.click()
    assert toggled == [False]

    bar.set_web_search(available=False, on=True)
    assert not bar.web_search_toggle.isVisible()
    assert not bar.web_search_toggle.isChecked()  # never on where it cannot be used
