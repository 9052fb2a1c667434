"""How a row of the sidebar's list is drawn: heading, title, snippet, selection, focus.

The style sheet's ``::item`` rules cannot draw part of a line in bold or put
a heading above a row, so the rows are painted here, in the palette's colours
(light and dark themes alike):

- the first row of each date group carries its heading above it, in the
  muted colour, outside the row's hover and selection;
- a search result shows the conversation's title and under it the matching
  text, each match bold on a tinted background, the line cut around the
  first match (:func:`~.snippet_text.fit_runs`);
- the row the keyboard is on, while the list has focus, gets a 2-pixel ring:
  the highlight colour, or the highlighted-text colour on a selected row,
  so the focus shows on any background.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from kimi_desktop.ui.sidebar.roles import GroupRole, SnippetRole, TitleMatchRole
from kimi_desktop.ui.sidebar.snippet_text import Run, fit_runs, snippet_runs

_Index = QModelIndex | QPersistentModelIndex

PADDING_X: Final = 8
PADDING_Y: Final = 6
LINE_GAP: Final = 2
MARGIN_X: Final = 2  # between the row's rounded background and the list's edge
RADIUS: Final = 6
HEADING_TOP: Final = 10
HEADING_BOTTOM: Final = 4
FOCUS_RING_WIDTH: Final = 2
SNIPPET_SCALE: Final = 0.9
HOVER_ALPHA: Final = 28
MATCH_ALPHA: Final = 60
MATCH_ALPHA_SELECTED: Final = 70


def smaller_font(font: QFont, scale: float) -> QFont:
    """``font`` scaled (by point size, or pixel size when it has none)."""
    smaller = QFont(font)
    if font.pointSizeF() > 0:
        smaller.setPointSizeF(font.pointSizeF() * scale)
    elif font.pixelSize() > 0:
        smaller.setPixelSize(max(1, round(font.pixelSize() * scale)))
    return smaller


def bold_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


class ConversationDelegate(QStyledItemDelegate):
    """Paints the rows of :class:`~.conversation_list.ConversationListView`."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self._view = view
        # The last font rows were measured in, and the heights it gives (see _heights).
        self._measured: tuple[QFont, tuple[int, int, int]] | None = None

    # -- geometry ------------------------------------------------------------------

    def heading_height(self, font: QFont | None = None) -> int:
        metrics = QFontMetrics(self._heading_font(font or self._view.font()))
        return HEADING_TOP + metrics.height() + HEADING_BOTTOM

    def in_heading(self, rect: QRect, index: _Index, y: float) -> bool:
        """Whether ``y`` (viewport coordinates) falls on the heading drawn above the row."""
        return index.data(GroupRole) is not None and y < rect.top() + self.heading_height()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        row, snippet, heading = self._heights(option.font)
        height = row
        if index.data(SnippetRole):
            height += snippet
        if index.data(GroupRole) is not None:
            height += heading
        return QSize(max(option.rect.width(), 1), height)

    def _heights(self, font: QFont) -> tuple[int, int, int]:
        """A row's height in ``font``, and what a snippet and a heading add to it.

        Kept for the last font asked: the list measures every row when it is
        filled, and measuring the fonts again for each of 2,000 conversations took
        30 ms of start-up.
        """
        if self._measured is None or self._measured[0] != font:
            row = 2 * PADDING_Y + QFontMetrics(font).height()
            snippet = LINE_GAP + QFontMetrics(smaller_font(font, SNIPPET_SCALE)).height()
            self._measured = (QFont(font), (row, snippet, self.heading_height(font)))
        return self._measured[1]

    # -- painting ------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        font = option.font
        rect = QRect(option.rect)
        group = index.data(GroupRole)
        if group is not None:
            heading = self.heading_height(font)
            band = rect.adjusted(0, 0, 0, heading - rect.height())
            self._paint_heading(painter, option, band, group.title)
            painter.setFont(font)
            rect.setTop(rect.top() + heading)

        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        focused = bool(state & QStyle.StateFlag.State_HasFocus)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        item = QRectF(rect.adjusted(MARGIN_X, 1, -MARGIN_X, -1))
        if selected or hovered:
            fill = QColor(highlight)
            if not selected:
                fill.setAlpha(HOVER_ALPHA)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(item, RADIUS, RADIUS)
        if focused:
            ring = palette.color(QPalette.ColorRole.HighlightedText) if selected else highlight
            painter.setPen(QPen(ring, FOCUS_RING_WIDTH))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            inset = FOCUS_RING_WIDTH / 2
            painter.drawRoundedRect(item.adjusted(inset, inset, -inset, -inset), RADIUS, RADIUS)

        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        content = item.adjusted(PADDING_X, PADDING_Y, -PADDING_X, -PADDING_Y)
        title_height = QFontMetrics(font).height()
        title_match = index.data(TitleMatchRole)
        title_runs = (
            snippet_runs(title_match)
            if title_match
            else [Run(str(index.data(Qt.ItemDataRole.DisplayRole) or ""), False)]
        )
        line = QRectF(content.left(), content.top(), content.width(), title_height)
        tint = QColor(255, 255, 255, MATCH_ALPHA_SELECTED) if selected else QColor(highlight)
        if not selected:
            tint.setAlpha(MATCH_ALPHA)
        self._paint_runs(painter, line, title_runs, font, (text, text), tint)
        snippet = index.data(SnippetRole)
        if snippet:
            small = smaller_font(font, SNIPPET_SCALE)
            muted = text if selected else palette.color(QPalette.ColorRole.PlaceholderText)
            line = QRectF(
                content.left(),
                line.bottom() + LINE_GAP,
                content.width(),
                QFontMetrics(small).height(),
            )
            # The rest of the line is muted; the matches read in the text colour.
            self._paint_runs(painter, line, snippet_runs(snippet), small, (muted, text), tint)

    def _heading_font(self, font: QFont) -> QFont:
        heading = smaller_font(font, SNIPPET_SCALE)
        heading.setWeight(QFont.Weight.DemiBold)
        return heading

    def _paint_heading(
        self, painter: QPainter, option: QStyleOptionViewItem, band: QRect, text: str
    ) -> None:
        font = self._heading_font(option.font)
        painter.setFont(font)
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        area = band.adjusted(MARGIN_X + PADDING_X, HEADING_TOP, -MARGIN_X - PADDING_X, 0)
        title = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, area.width())
        painter.drawText(area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), title)

    def _paint_runs(
        self,
        painter: QPainter,
        line: QRectF,
        runs: list[Run],
        font: QFont,
        colours: tuple[QColor, QColor],
        tint: QColor,
    ) -> None:
        """Draw ``runs`` on one line cut to its width, each match bold on ``tint``;
        ``colours`` are the text's and the matches'."""
        bold = bold_font(font)
        metrics = QFontMetricsF(font)
        bold_metrics = QFontMetricsF(bold)

        def measure(text: str, match: bool) -> float:
            return (bold_metrics if match else metrics).horizontalAdvance(text)

        x = line.left()
        flags = int(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip
        )
        for run in fit_runs(runs, line.width(), measure):
            width = measure(run.text, run.match)
            box = QRectF(x, line.top(), width, line.height())
            if run.match:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(tint)
                painter.drawRoundedRect(box.adjusted(-1, 0, 1, 0), 3, 3)
            painter.setFont(bold if run.match else font)
            painter.setPen(colours[1] if run.match else colours[0])
            painter.drawText(box, flags, run.text)
            x += width
