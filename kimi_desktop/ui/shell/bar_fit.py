"""How a bar of controls fits a width: each part compact first, then, most important
first, each in full while the room lasts.

A part's compact form may be nothing at all (a label that moves into the
overflow menu) or a shorter one (a toggle without its text, a picker that
elides); its full form shows everything. Nothing is ever shown cut: what does
not fit in full stays compact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionToolButton, QToolButton, QWidget

from kimi_desktop.ui.shell.elided import ElidingComboBox

#: The pixels QToolButton puts between its icon and its text.
_ICON_TEXT_GAP = 4


@dataclass(frozen=True)
class Part:
    """One control of the bar, in the order its full form matters.

    ``compact`` and ``full`` are its widths in each form (0: not shown);
    ``show(full)`` puts it in that form.
    """

    name: str
    compact: int
    full: int
    show: Callable[[bool], None]


def choose_forms(parts: Sequence[Part], room: int, spacing: int) -> dict[str, bool]:
    """Which parts get their full form, by name, so that all of them fit in ``room``
    pixels with ``spacing`` between shown parts; the earlier parts first.

    A later part may still be full when an earlier, wider one was not.
    """

    def taken(width: int) -> int:
        return width + spacing if width > 0 else 0

    used = sum(taken(part.compact) for part in parts) - spacing
    chosen: dict[str, bool] = {}
    for part in parts:
        extra = taken(part.full) - taken(part.compact)
        chosen[part.name] = used + extra <= room
        if chosen[part.name]:
            used += extra
    return chosen


def width_needed(parts: Sequence[Part], spacing: int, *, full: bool) -> int:
    """The room all parts need, every one compact or every one full."""
    widths = [part.full if full else part.compact for part in parts]
    shown = [width for width in widths if width > 0]
    return sum(shown) + spacing * max(0, len(shown) - 1)


def picker_part(name: str, picker: ElidingComboBox) -> Part:
    """A picker: narrow and eliding, or as wide as its current text."""
    compact, full = picker.compact_width(), picker.full_width()

    def show(on: bool) -> None:
        picker.setFixedWidth(full if on else compact)
        picker.setVisible(True)

    return Part(name, compact, full, show)


def button_part(name: str, button: QToolButton) -> Part:
    """A tool button: its icon alone, or its text beside it."""
    compact, full = tool_button_width(button, text=False), tool_button_width(button, text=True)

    def show(on: bool) -> None:
        button.setVisible(True)
        button.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon
            if on
            else Qt.ToolButtonStyle.ToolButtonIconOnly
        )

    return Part(name, compact, full, show)


def optional_part(name: str, widget: QWidget) -> Part:
    """A widget shown whole, or not at all (its content goes elsewhere)."""
    return Part(name, 0, widget.sizeHint().width(), widget.setVisible)


def fixed_part(name: str, widget: QWidget) -> Part:
    """A widget always shown as it is."""
    width = widget.sizeHint().width()
    return Part(name, width, width, lambda _on: None)


def tool_button_width(button: QToolButton, *, text: bool) -> int:
    """The width ``button`` asks for with its text beside its icon, or its icon alone.

    Worked out from the style's size for the icon alone plus the text, without
    switching the button's style (switching would ask for a new layout from
    inside one), and without the two spaces QToolButton adds after the text,
    which the style sheet's padding already gives.
    """
    option = QStyleOptionToolButton()
    button.initStyleOption(option)
    option.toolButtonStyle = Qt.ToolButtonStyle.ToolButtonIconOnly
    icon = option.iconSize
    option.rect.setSize(icon)
    size = button.style().sizeFromContents(QStyle.ContentsType.CT_ToolButton, option, icon, button)
    if not text:
        return size.width()
    words = button.fontMetrics().size(int(Qt.TextFlag.TextShowMnemonic), button.text())
    return size.width() + _ICON_TEXT_GAP + words.width()


class BarButton(QToolButton):
    """A tool button as wide as :func:`tool_button_width` says, in either form."""

    def sizeHint(self) -> QSize:
        text = self.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        return QSize(tool_button_width(self, text=text), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
