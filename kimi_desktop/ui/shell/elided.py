"""One-line widgets that shorten their text with "…" instead of widening the window,
or cutting it off with no sign that something is missing."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStylePainter,
    QWidget,
)

#: Horizontal room QLineEdit keeps between its contents rectangle and its text.
_LINE_EDIT_MARGIN = 2
#: A picker item's shorter text, shown on the closed face when the whole one does
#: not fit ("High" for "Effort: High").
ShortTextRole = Qt.ItemDataRole.UserRole + 10


def is_elided(widget: QWidget, text: str, width: int) -> bool:
    """Whether ``text`` in ``widget``'s font needs more than ``width`` pixels."""
    metrics = widget.fontMetrics()
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width) != text


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" rather than widen the window.

    A plain QLabel asks for its whole text as its minimum width, so a growing
    token count pushed the sidebar narrower as a conversation went on.
    """

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(
            min(hint.width(), self.fontMetrics().horizontalAdvance("0" * 6)), hint.height()
        )

    def shown_text(self) -> str:
        """The text as painted: elided to the label's width."""
        return self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )


class ElidingComboBox(QComboBox):
    """A picker whose closed face shows the current text, elided with "…" when it is
    narrower than the text.

    Its size hint is the width of the current text (up to ``max_width``), not of the
    longest item, and its minimum is ``min_chars`` characters: the bar it sits in
    decides how wide it is between the two (:meth:`full_width`, :meth:`compact_width`).
    """

    def __init__(
        self, parent: QWidget | None = None, *, min_chars: int = 8, max_width: int = 280
    ) -> None:
        super().__init__(parent)
        self.min_chars = min_chars
        self.max_width = max_width
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(min_chars)

    def _width_for_text(self, text_width: int) -> int:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        height = self.fontMetrics().height()
        size = self.style().sizeFromContents(
            QStyle.ContentsType.CT_ComboBox, option, QSize(text_width, height), self
        )
        return size.width()

    def full_width(self) -> int:
        """Wide enough for the whole current text (at most ``max_width``)."""
        text = self.fontMetrics().horizontalAdvance(self.currentText())
        return min(self.max_width, max(self._width_for_text(text + 4), self.compact_width()))

    def compact_width(self) -> int:
        """The narrowest it gets: ``min_chars`` average characters, or room for the
        longest short text (:data:`ShortTextRole`) its items have."""
        metrics = self.fontMetrics()
        shorts = (self.itemData(row, ShortTextRole) for row in range(self.count()))
        widest = max((metrics.horizontalAdvance(s) for s in shorts if s), default=0)
        return self._width_for_text(max(metrics.averageCharWidth() * self.min_chars, widest))

    def text_room(self) -> int:
        """How many pixels the current text has on the closed face."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return field.width()

    def shown_text(self) -> str:
        """The current text as the closed face shows it: whole, else its short text
        if it has one, else elided."""
        text, room = self.currentText(), self.text_room()
        short = self.currentData(ShortTextRole)
        if short and is_elided(self, text, room):
            text = short
        return self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)

    def sizeHint(self) -> QSize:
        return QSize(self.full_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.compact_width(), super().minimumSizeHint().height())

    def paintEvent(self, event) -> None:
        if self.isEditable():
            super().paintEvent(event)  # the line edit draws the text
            return
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class ElidingLineEdit(QLineEdit):
    """A line edit that, while it does not have the focus, shows a text too long
    for it elided with "…" (QLineEdit would show a cut-off piece of it).

    Editing shows the text as QLineEdit always does.
    """

    def text_room(self) -> int:
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        rect = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        rect = rect.marginsRemoved(self.textMargins())
        return rect.width() - 2 * _LINE_EDIT_MARGIN

    def shown_text(self) -> str:
        if self.hasFocus():
            return self.text()
        return self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.text_room()
        )

    def paintEvent(self, event) -> None:
        text = self.text()
        if self.hasFocus() or not is_elided(self, text, self.text_room()):
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelLineEdit, option, painter, self)
        rect = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        rect = rect.marginsRemoved(self.textMargins())
        rect.adjust(_LINE_EDIT_MARGIN, 0, -_LINE_EDIT_MARGIN, 0)
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        painter.setPen(self.palette().color(group, QPalette.ColorRole.Text))
        painter.drawText(
            rect,
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, rect.width()),
        )

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.setCursorPosition(0)  # when it fits again, show its start
