"""What floats above the chat view's messages: the "Jump to latest" button and the focus ring.

Both are children of the view itself, not of its viewport, so they stay above
the message widgets the view places in the viewport and never scroll with them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolButton, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.ui.chat.message_icons import line_icon
from kimi_desktop.ui.chat.message_style import MessageStyle, mix_colours

#: The ring's width; the sidebar's list draws its focus ring as wide.
FOCUS_RING_WIDTH = 2
_RING_CORNER = 6  # the ring's corner radius


class JumpToLatestButton(QToolButton):
    """A small round button with a down arrow: back to the newest message.

    Shown by the view while the newest text is out of sight; a click scrolls
    to the bottom and the view follows the reply again.
    """

    SIDE = 36

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jumpToLatestButton")
        # TRANSLATORS: a round button over the chat that scrolls to the newest message.
        self.setAccessibleName(_("Jump to latest"))
        self.setToolTip(_("Jump to the latest message (End)"))
        self.setFixedSize(self.SIDE, self.SIDE)
        self.setIconSize(QSize(18, 18))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._fill = QColor()
        self._hover = QColor()
        self._border = QColor()
        self._ring = QColor()
        self.hide()

    def apply_style(self, style: MessageStyle) -> None:
        # Lifted a little from the background, as a floating control is in both themes.
        self._fill = mix_colours(style.background, style.text, 0.12 if style.dark else 0.03)
        self._hover = mix_colours(style.background, style.text, 0.2 if style.dark else 0.09)
        self._border = style.rule
        self._ring = style.accent
        self.setIcon(line_icon("arrow-down", style.text))
        self.update()

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self.update()

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        # Drawn by hand: a round, flat button looks the same in every style.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        circle = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        focused = self.hasFocus()
        pen = QPen(self._ring if focused else self._border, FOCUS_RING_WIDTH if focused else 1)
        painter.setPen(pen)
        painter.setBrush(self._hover if self.underMouse() or self.isDown() else self._fill)
        painter.drawEllipse(circle)
        side = self.iconSize()
        x = (self.width() - side.width()) // 2
        y = (self.height() - side.height()) // 2
        self.icon().paint(painter, x, y, side.width(), side.height())


class FocusRing(QWidget):
    """A rounded outline around the view's visible area while the view has keyboard focus.

    It passes every mouse event through and draws nothing but the outline. Its
    mask is the outline's band alone: a ring covering the whole viewport made Qt
    paint it again over every message that changed, on every frame of a scroll.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatFocusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.color = QColor()
        self.hide()

    def apply_style(self, style: MessageStyle) -> None:
        self.color = QColor(style.accent)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        band = FOCUS_RING_WIDTH + _RING_CORNER  # the corners' curve lies within this
        outer = QRegion(self.rect())
        inner = QRegion(self.rect().adjusted(band, band, -band, -band))
        edges = outer.subtracted(inner)
        # The straight edges need only the ring's width; the corners their curve.
        straight = QRegion(
            self.rect().adjusted(FOCUS_RING_WIDTH, band, -FOCUS_RING_WIDTH, -band)
        ).united(QRegion(self.rect().adjusted(band, FOCUS_RING_WIDTH, -band, -FOCUS_RING_WIDTH)))
        self.setMask(edges.subtracted(straight))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.color, FOCUS_RING_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = FOCUS_RING_WIDTH / 2
        painter.drawRoundedRect(
            QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), _RING_CORNER, _RING_CORNER
        )
