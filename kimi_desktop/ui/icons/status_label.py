"""A label whose words can carry a status icon: connected, failed, a warning, a hint.

The icon stands before the text (before its first line when it wraps) in the
label's own text colour, so it follows the theme and any colour a style sheet
gives the label (red for an error). It is drawn, not typed: the text stays the
words alone, for copying, for screen readers and for tests, and the words say
what the icon shows, so neither colour nor the picture is the only signal.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QIcon, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from kimi_desktop.ui.icons.tinted import icon


class Status(StrEnum):
    """What a status line says about the thing it describes."""

    OK = "ok"
    ERROR = "error"
    WARNING = "warning"
    HINT = "hint"


#: The Lucide icon of each status.
STATUS_ICONS = {
    Status.OK: "circle-check",
    Status.ERROR: "circle-x",
    Status.WARNING: "triangle-alert",
    Status.HINT: "info",
}
_GAP = 5  # between the icon and the text


class StatusLabel(QLabel):
    """A plain-text label that shows an icon for its :class:`Status` before the text.

    :meth:`show_status` sets both; ``setText`` and ``clear`` drop the status. The
    label keeps its left margin free for the icon while it has one (for a
    right-aligned single line the icon stands just before the text instead).
    The ``status`` property ("ok", "error", "warning", "hint" or "") is there for
    style sheets and tests.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._status: Status | None = None
        self.setProperty("status", "")

    @property
    def status(self) -> Status | None:
        return self._status

    def show_status(self, status: Status | None, text: str) -> None:
        """Show ``text`` with the icon of ``status`` (``None``: the text alone)."""
        super().setText(text)
        self._set_status(status if text else None)

    def setText(self, text: str) -> None:
        """Show ``text`` without a status icon."""
        super().setText(text)
        self._set_status(None)

    def clear(self) -> None:
        super().clear()
        self._set_status(None)

    def icon_size(self) -> int:
        """The icon's side in pixels: about a line of the label's font."""
        return max(12, min(24, self.fontMetrics().height() - 1))

    def icon_rect(self) -> QRect | None:
        """Where the icon is drawn; ``None`` without a status."""
        if self._status is None:
            return None
        side = self.icon_size()
        metrics = self.fontMetrics()
        flags = int(self.alignment())
        if self.wordWrap():
            flags |= Qt.TextFlag.TextWordWrap
        text = metrics.boundingRect(self.contentsRect(), flags, self.text())
        x = max(0, text.left() - _GAP - side)
        y = text.top() + (metrics.height() - side) // 2
        return QRect(x, max(0, y), side, side)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        where = self.icon_rect()
        if where is None or self._status is None:
            return
        painter = QPainter(self)
        self.status_icon().paint(
            painter,
            where,
            Qt.AlignmentFlag.AlignCenter,
            QIcon.Mode.Normal if self.isEnabled() else QIcon.Mode.Disabled,
        )
        painter.end()

    def status_icon(self) -> QIcon:
        """The icon shown, in the label's text colour now (a null icon without a status)."""
        if self._status is None:
            return QIcon()
        return icon(
            STATUS_ICONS[self._status],
            QPalette.ColorRole.WindowText,
            self.icon_size(),
            palette=self.palette(),
        )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._reserve_room()

    def _set_status(self, status: Status | None) -> None:
        if status == self._status:
            return
        self._status = status
        self.setProperty("status", status.value if status else "")
        self._reserve_room()
        self.update()

    def _reserve_room(self) -> None:
        margins = self.contentsMargins()
        left = self.icon_size() + _GAP if self._status is not None else 0
        if margins.left() != left:
            margins.setLeft(left)
            self.setContentsMargins(margins)
