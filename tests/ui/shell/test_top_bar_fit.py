"""The top bar fits the window: nothing important is cut at 1000 px, what has no room
moves into the "more" menu, and the window can be as narrow as 640 px."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QStyleOptionViewItem, QToolButton, QWidget, QWidgetAction

from kimi_desktop.domain import ModelInfo
from kimi_desktop.settings.prices import Prices
from kimi_desktop.ui.shell.bar_fit import Part, choose_forms, tool_button_width
from kimi_desktop.ui.shell.elided import ElidedLabel, ElidingComboBox
from kimi_desktop.ui.shell.model_picker import DetailRole
from kimi_desktop.ui.shell.top_bar import TopBar
from tests.loop_support import settle
from tests.ui.app_driver import finish, send

ENDPOINTS = [
    ("moonshot-global", "Moonshot AI (global)"),
    ("moonshot-anthropic", "Moonshot AI (Anthropic format)"),
]
USAGE = "1,234 in · 5,678 out · 1,000 cached · $0.0123"
BALANCE = "Balance ¥49.58"


def part(name: str, compact: int, full: int, shown: list[tuple[str, bool]]) -> Part:
    return Part(name, compact, full, lambda on: shown.append((name, on)))


def test_parts_go_full_in_order_while_they_fit() -> None:
    shown: list[tuple[str, bool]] = []
    parts = [
        part("model", 100, 160, shown),
        part("usage", 0, 200, shown),  # does not fit: it goes to the menu
        part("balance", 0, 60, shown),  # a later, smaller one still fits
        part("settings", 30, 30, shown),
    ]
    # compact: 100 + 30 + one gap of 6 = 136; model full +60; balance +66
    assert choose_forms(parts, 262, 6) == {
        "model": True,
        "usage": False,
        "balance": True,
        "settings": True,
    }
    assert choose_forms(parts, 135, 6)["model"] is False  # not even room for all compact


def cut(widget: QWidget) -> str:
    """ "" when ``widget`` shows its whole text; otherwise what it shows."""
    if isinstance(widget, ElidingComboBox):
        shown, whole = widget.shown_text(), widget.currentText()
    elif isinstance(widget, ElidedLabel):
        shown, whole = widget.shown_text(), widget.text()
    elif isinstance(widget, QToolButton):
        styled = widget.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        needed = tool_button_width(widget, text=styled)
        return "" if widget.width() >= needed else f"{widget.text()!r} at {widget.width()}"
    elif isinstance(widget, QLabel):
        return "" if widget.width() >= widget.sizeHint().width() else widget.text()
    else:
        return ""
    return "" if shown == whole else shown


def shown_parts(bar: TopBar) -> list[QWidget]:
    return [w for w in bar.findChildren(QWidget) if w.parent() is bar and w.isVisibleTo(bar)]


def assert_nothing_cut(bar: TopBar, *, pickers_may_elide: bool = False) -> None:
    """Every shown part shows its whole text (pickers at most elided with "…"), inside
    the bar and clear of each other."""
    widgets = sorted(shown_parts(bar), key=lambda w: w.x())
    for widget in widgets:
        shown = cut(widget)
        if pickers_may_elide and isinstance(widget, ElidingComboBox) and shown:
            assert shown.endswith("…"), shown
        else:
            assert shown == "", f"{widget.objectName()} shows {shown!r}"
        assert bar.rect().contains(widget.geometry()), widget.objectName()
    for left, right in pairwise(widgets):
        assert left.geometry().right() < right.geometry().left(), (left.objectName(), right)


def fill(window) -> None:
    bar = window.top_bar
    bar.set_endpoints(ENDPOINTS, "moonshot-anthropic")
    bar.set_web_search(available=True, on=True)
    bar.set_balance(BALANCE)
    bar.usage_label.setText(USAGE)


def test_at_1000_pixels_nothing_important_is_cut(server, make_app, qloop, qtbot) -> None:
    parts = make_app(server)
    window = parts.window
    finish(qloop, parts, send(parts, "hello"))
    fill(window)
    window.resize(1000, 700)
    settle(qloop)
    bar = window.top_bar
    qtbot.waitUntil(lambda: bar.width() < 800)

    assert_nothing_cut(bar)
    # The pickers and both toggles are whole; what has no room is in the menu.
    assert bar.endpoint_picker.shown_text() == "Moonshot AI (Anthropic format)"
    assert bar.model_picker.shown_text() == bar.current_model()
    for toggle in (bar.thinking_toggle, bar.web_search_toggle):
        assert toggle.isVisibleTo(bar)
        assert toggle.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    hidden = bar.overflowing()
    assert hidden, "at 1000 px something has to give"
    assert bar.more_button.isVisibleTo(bar)
    tip = bar.more_button.toolTip()
    for name, text in (("usage", USAGE), ("balance", BALANCE)):
        if name in hidden:
            assert text in tip
            assert any(text in line for line in bar.more_button.lines())
        else:  # shown whole in the bar
            assert text in [w.text() for w in shown_parts(bar) if isinstance(w, QLabel)]


def test_narrower_moves_more_into_the_menu_and_wider_brings_it_back(qtbot) -> None:
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_endpoints(ENDPOINTS, "moonshot-global")
    bar.set_models([ModelInfo("kimi-k2.5", None, 262144, True, True)], "kimi-k2.5")
    bar.set_web_search(available=True, on=False)
    bar.usage_label.setText(USAGE)
    bar.set_balance(BALANCE)
    bar.resize(bar.sizeHint())
    bar.show()
    qtbot.waitExposed(bar)
    assert bar.overflowing() == []
    assert not bar.more_button.isVisibleTo(bar)
    assert_nothing_cut(bar)

    bar.resize(bar.minimumSizeHint().width(), bar.height())
    assert {"usage", "balance", "capabilities", "refresh"} <= set(bar.overflowing())
    assert bar.thinking_toggle.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    assert bar.thinking_toggle.isVisibleTo(bar)  # as an icon, still one click away
    assert_nothing_cut(bar, pickers_may_elide=True)
    assert "Moonshot AI (global)" in bar.endpoint_picker.toolTip()  # whole, even if cut
    bar.more_button.menu().aboutToShow.emit()
    infos = [a for a in bar.more_menu.actions() if isinstance(a, QWidgetAction)]
    texts = [a.defaultWidget().text() for a in infos]
    assert USAGE in texts
    assert BALANCE in texts
    assert not any(a.isEnabled() for a in infos)  # lines to read: the arrow keys skip them
    commands = {a.text(): a for a in bar.more_menu.actions()}
    assert "Refresh models" in commands
    assert not commands["Instructions…"].icon().isNull()  # as on the bar's button
    asked: list[bool] = []
    bar.system_prompt_requested.connect(lambda: asked.append(True))
    commands["Instructions…"].trigger()  # the button's place, short of room
    assert asked == [True]

    bar.resize(bar.sizeHint())
    assert bar.overflowing() == []
    assert_nothing_cut(bar)


def test_the_window_fits_640_pixels_on_every_page(server, make_app, qloop) -> None:
    parts = make_app(server)
    window = parts.window
    finish(qloop, parts, send(parts, "hello"))
    fill(window)
    settle(qloop)
    assert window.minimumSizeHint().width() <= 640
    for model in ("kimi-k3", "kimi-k2.7-code", "kimi-k2.5"):  # each thinking control
        window.top_bar.set_models([ModelInfo(model)], model)
        assert window.minimumSizeHint().width() <= 640, model
    window.pages.setCurrentWidget(window.welcome)
    assert window.minimumSizeHint().width() <= 640
    window.pages.setCurrentWidget(window.chat_page)

    window.resize(640, 600)
    settle(qloop)
    assert window.width() == 640
    assert_nothing_cut(window.top_bar, pickers_may_elide=True)
    composer = window.composer
    inside = QRect(0, 0, composer.width(), composer.height())
    assert inside.contains(composer.send_button.geometry())


def test_picker_entries_show_capabilities_and_prices_the_closed_picker_the_id(qtbot) -> None:
    bar = TopBar()
    qtbot.addWidget(bar)
    prices = {"kimi-k2.5": Prices(0.6, 0.1, 3.0)}
    bar.set_price_lookup(prices.get)
    bar.set_models(
        [ModelInfo("kimi-k2.5", None, 262144, True, True), ModelInfo("house-model")], "kimi-k2.5"
    )
    picker = bar.model_picker

    def detail(model_id: str) -> str:
        return picker.itemData(picker.findData(model_id), DetailRole)

    assert detail("kimi-k2.5") == (
        "vision · video · reasoning · 256K · $0.60 in · $3.00 out per 1M tokens"
    )
    assert detail("house-model") == ""
    assert picker.currentText() == "kimi-k2.5"  # the closed picker: just the id
    assert picker.lineEdit().text() == "kimi-k2.5"

    delegate = picker.itemDelegate()
    option = QStyleOptionViewItem()
    option.initFrom(picker.view())
    two_lines = delegate.sizeHint(option, picker.model().index(picker.findData("kimi-k2.5"), 0))
    one_line = delegate.sizeHint(option, picker.model().index(picker.findData("house-model"), 0))
    assert two_lines.height() > one_line.height() + option.fontMetrics.height() // 2
