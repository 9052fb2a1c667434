"""``FlowLayout``: widgets side by side, wrapping onto the next line like words.

Qt has none of its own (its "Flow Layout Example" is sample code, not API); this
is that layout cut to what chips need: left to right, centred line by line,
with a height for every width so the parent can make room for the wrapped rows.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Lays its items out in rows that wrap at the available width, each row centred."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        """Place the items in ``rect`` (or only measure); returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows: list[list[QLayoutItem]] = [[]]
        line_width = 0
        for item in self._visible():
            width = item.sizeHint().width()
            if rows[-1] and line_width + self._spacing + width > area.width():
                rows.append([])
                line_width = 0
            line_width += width + (self._spacing if rows[-1] else 0)
            rows[-1].append(item)
        y = area.y()
        for row in rows:
            if not row:
                continue
            height = max(item.sizeHint().height() for item in row)
            used = sum(item.sizeHint().width() for item in row) + self._spacing * (len(row) - 1)
            x = area.x() + max(0, (area.width() - used) // 2)
            for item in row:
                hint = item.sizeHint()
                if place:
                    width = min(hint.width(), area.width())
                    item.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
                x += hint.width() + self._spacing
            y += height + self._spacing
        used_height = y - area.y() - (self._spacing if rows[0] else 0)
        return max(0, used_height) + margins.top() + margins.bottom()
