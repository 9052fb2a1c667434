"""The flat style: on and off read apart in both themes, disabled controls are greyed,
keyboard focus shows, and icons follow a theme switch."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.domain import ModelInfo
from kimi_desktop.ui.shell.style import palette_for, theme_colours
from kimi_desktop.ui.shell.top_bar import TopBar
from kimi_desktop.ui.spin_boxes import indented
from tests.ui.colours import contrast, dominant, inked

THEMES = pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])


@pytest.fixture
def bar(qtbot) -> TopBar:
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.set_models([ModelInfo("kimi-k2.5", None, 262144, True, True)], "kimi-k2.5")
    bar.set_web_search(available=True, on=False)
    bar.resize(bar.sizeHint())
    bar.show()
    qtbot.waitExposed(bar)
    return bar


@THEMES
def test_the_toggles_on_and_off_read_apart(bar: TopBar, themed, dark: bool) -> None:
    themed(dark)
    for toggle in (bar.thinking_toggle, bar.web_search_toggle):
        looks = {}
        for on in (False, True):
            toggle.setChecked(on)
            image = bar.grab().toImage()
            rect = toggle.geometry().adjusted(3, 3, -3, -3)  # inside its rounded border
            background = dominant(image, rect)
            looks[on] = (background, inked(image, rect, background))
        (off_bg, off_ink), (on_bg, on_ink) = looks[False], looks[True]
        assert contrast(on_bg, off_bg) >= 3, (toggle.objectName(), on_bg.name(), off_bg.name())
        assert contrast(on_ink, on_bg) >= 4.5, "the name and icon read on the accent"
        assert contrast(off_ink, off_bg) >= 4.5


@THEMES
def test_the_palette_greys_what_is_disabled(dark: bool) -> None:
    palette = palette_for(theme_colours(dark))
    window = palette.color(QPalette.ColorRole.Window)
    for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text):
        enabled = palette.color(QPalette.ColorGroup.Active, role)
        disabled = palette.color(QPalette.ColorGroup.Disabled, role)
        assert contrast(enabled, window) >= 7
        assert 1.5 <= contrast(disabled, window) < contrast(enabled, window) / 2


@THEMES
def test_a_disabled_icon_button_is_drawn_greyed(bar: TopBar, themed, dark: bool) -> None:
    themed(dark)
    button = bar.settings_button
    image = bar.grab().toImage()
    background = dominant(image, button.geometry())
    enabled_ink = inked(image, button.geometry(), background)
    button.setEnabled(False)
    image = bar.grab().toImage()
    disabled_ink = inked(image, button.geometry(), background)
    colours = theme_colours(dark)
    assert contrast(enabled_ink, QColor(colours["text"])) < 1.2
    assert contrast(disabled_ink, QColor(colours["disabled"])) < 1.2


@THEMES
def test_keyboard_focus_shows_on_an_input(qtbot, themed, dark: bool) -> None:
    themed(dark)
    window = QWidget()
    qtbot.addWidget(window)
    first, second = QLineEdit(window), QLineEdit(window)
    column = QVBoxLayout(window)
    column.addWidget(first)
    column.addWidget(second)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.mouseMove(window, window.rect().bottomRight())  # the pointer on neither input
    second.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(second.hasFocus)

    def border(edit: QLineEdit) -> QColor:
        image = window.grab().toImage()
        middle = edit.geometry().center().y()
        return image.pixelColor(edit.geometry().left(), middle).toRgb()  # its left border

    accent = QColor(theme_colours(dark)["highlight"])
    unfocused, focused = border(first), border(second)
    assert contrast(focused, accent) < 1.2
    assert contrast(unfocused, accent) > 1.3


def test_icons_follow_a_theme_switch(bar: TopBar, themed) -> None:
    button = bar.refresh_button
    for dark in (False, True, False):
        themed(dark)
        image = button.icon().pixmap(button.iconSize()).toImage()
        pixels = [
            image.pixelColor(x, y)
            for y in range(image.height())
            for x in range(image.width())
            if image.pixelColor(x, y).alpha() == 255
        ]
        text = QColor(theme_colours(dark)["text"])
        assert pixels
        assert all(contrast(pixel, text) < 1.1 for pixel in pixels), dark


@THEMES
def test_check_boxes_and_radio_buttons_show_their_outline(qtbot, themed, dark: bool) -> None:
    """An unticked box must be seen against the window (3:1, as WCAG asks of a
    control's outline), in the dark theme too."""
    themed(dark)
    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    boxes = [QCheckBox("Store the key in a file", window), QRadioButton("A choice", window)]
    for box in boxes:
        column.addWidget(box)
    window.show()
    qtbot.waitExposed(window)
    image = window.grab().toImage()
    background = QColor(theme_colours(dark)["window"])
    for box in boxes:
        option = QStyleOptionButton()
        box.initStyleOption(option)
        element = (
            QStyle.SubElement.SE_CheckBoxIndicator
            if isinstance(box, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonIndicator
        )
        indicator = box.style().subElementRect(element, option, box)
        indicator.translate(box.geometry().topLeft())
        assert contrast(inked(image, indicator, background), background) >= 3, box.text()


def first_ink_column(widget: QWidget, background: QColor) -> int:
    """The leftmost column, inside the border, where the widget's text starts."""
    image = widget.grab().toImage()
    middle = widget.height() // 2
    for x in range(3, widget.width()):
        if any(
            contrast(image.pixelColor(x, y), background) > 3 for y in range(middle - 4, middle + 5)
        ):
            return x
    return -1


@THEMES
def test_a_spin_box_text_lines_up_with_a_line_edit(qtbot, themed, dark: bool) -> None:
    themed(dark)
    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    edit = QLineEdit("Default", window)
    spin = indented(QSpinBox(window))
    spin.setRange(0, 10)
    spin.setSpecialValueText("Default")
    for widget in (edit, spin):
        column.addWidget(widget)
    window.show()
    qtbot.waitExposed(window)
    base = QColor(theme_colours(dark)["base"])
    assert abs(first_ink_column(spin, base) - first_ink_column(edit, base)) <= 2
