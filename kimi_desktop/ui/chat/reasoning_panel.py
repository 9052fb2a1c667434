"""``ReasoningPanel``: Kimi's thinking, folded above the answer it led to."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QHideEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.ui.chat.message_style import MessageStyle


def format_duration(seconds: float) -> str:
    """``"6 s"``, ``"1 min 5 s"``: short enough for a header line."""
    whole = max(0, round(seconds))
    if whole < 60:
        # TRANSLATORS: a short duration in seconds, as in "Thought for 6 s".
        return _("{seconds} s").format(seconds=whole)
    minutes, rest = divmod(whole, 60)
    if rest:
        # TRANSLATORS: a short duration, as in "Thought for 1 min 5 s".
        return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=rest)
    # TRANSLATORS: a short duration in whole minutes, as in "Thought for 2 min".
    return _("{minutes} min").format(minutes=minutes)


class _Chevron(QToolButton):
    """The header: a flat button whose chevron turns when the panel opens."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._expanded = False
        self._muted = QColor()

    def set_expanded(self, expanded: bool) -> None:
        self._expanded = expanded
        self.update()

    def set_muted(self, color: QColor) -> None:
        self._muted = color
        self.update()

    def sizeHint(self) -> QSize:  # room for the chevron drawn left of the text
        hint = super().sizeHint()
        return QSize(hint.width() + 18, max(hint.height(), 26))

    def paintEvent(self, event: QPaintEvent) -> None:
        # Drawn by hand so the chevron looks the same in every style.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.underMouse() or self.hasFocus():
            hover = QColor(self._muted)
            hover.setAlpha(40)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(hover)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        pen = QPen(self._muted, 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        cx, cy = 12.0, self.height() / 2
        path = QPainterPath()
        if self._expanded:
            path.moveTo(cx - 4, cy - 2)
            path.lineTo(cx, cy + 2)
            path.lineTo(cx + 4, cy - 2)
        else:
            path.moveTo(cx - 2, cy - 4)
            path.lineTo(cx + 2, cy)
            path.lineTo(cx - 2, cy + 4)
        painter.drawPath(path)
        painter.setPen(self._muted)
        painter.setFont(self.font())
        text_rect = self.rect().adjusted(24, 0, -8, 0)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, self.text())


class _Body(QWidget):
    """The reasoning text behind a thin rule, like a quotation."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.rule = QColor()
        self.label = QLabel(self)
        self.label.setObjectName("reasoningText")
        self.label.setAccessibleName(_("Kimi's reasoning"))
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 2, 4, 4)
        layout.addWidget(self.label)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.rule)
        painter.drawRoundedRect(QRectF(5, 4, 2, max(0, self.height() - 8)), 1, 1)


class ReasoningPanel(QWidget):
    """The model's reasoning in a collapsible panel with an elapsed-time header.

    Live ("Thinking… 4 s", ticking each second) while the reasoning streams,
    "Thought for 6 s" once the answer starts, "Reasoning" when the duration is
    unknown. The panel does not decide when to open or close; its owner does,
    so the state survives the widget being recycled.

    Signals:
        toggled(bool expanded): the user opened or closed the panel.
    """

    toggled = Signal(bool)

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reasoningPanel")
        self._clock = clock
        self._started_at: float | None = None
        self._seconds: float | None = None
        self._expanded = False

        self._header = _Chevron(self)
        self._header.setObjectName("reasoningHeader")
        self._header.clicked.connect(self._on_header_clicked)
        self._body = _Body(self)
        self._body.setVisible(False)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._refresh_header)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._header, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self._body)
        self._refresh_header()

    # -- state -------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Show this reasoning text (the whole of it so far)."""
        if self._body.label.text() != text:
            self._body.label.setText(text)

    def text(self) -> str:
        return self._body.label.text()

    def set_thinking(self, started_at: float) -> None:
        """The model is thinking since ``started_at`` (on the panel's clock)."""
        self._started_at = started_at
        self._seconds = None
        self._update_ticker()
        self._refresh_header()

    def set_finished(self, seconds: float | None) -> None:
        """The reasoning ended after ``seconds`` (``None``: unknown)."""
        self._started_at = None
        self._update_ticker()
        self._seconds = seconds
        self._refresh_header()

    def is_thinking(self) -> bool:
        return self._started_at is not None

    def set_expanded(self, expanded: bool) -> None:
        """Open or close the panel without emitting :attr:`toggled`."""
        self._expanded = expanded
        self._body.setVisible(expanded)
        self._header.set_expanded(expanded)
        self._refresh_accessibility()

    def is_expanded(self) -> bool:
        return self._expanded

    def header_text(self) -> str:
        return self._header.text()

    def apply_style(self, style: MessageStyle) -> None:
        self._header.set_muted(style.muted)
        self._body.rule = style.rule
        palette = self._body.label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, style.reasoning)
        palette.setColor(QPalette.ColorRole.Text, style.reasoning)
        self._body.label.setPalette(palette)
        self._body.update()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_ticker()
        self._refresh_header()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._ticker.stop()

    # -- internals ---------------------------------------------------------------

    def _update_ticker(self) -> None:
        """Tick only while thinking and on screen."""
        if self._started_at is not None and self.isVisible():
            if not self._ticker.isActive():
                self._ticker.start()
        else:
            self._ticker.stop()

    def _on_header_clicked(self) -> None:
        self.set_expanded(not self._expanded)
        self.toggled.emit(self._expanded)

    def _refresh_header(self) -> None:
        if self._started_at is not None:
            elapsed = max(0.0, self._clock() - self._started_at)
            # TRANSLATORS: the header of the model's reasoning while it streams; {duration}
            # is how long it has been thinking so far ("4 s").
            text = _("Thinking… {duration}").format(duration=format_duration(elapsed))
        elif self._seconds is not None:
            duration = format_duration(max(1.0, self._seconds))
            # TRANSLATORS: the header of the model's reasoning once the answer started ("6 s").
            text = _("Thought for {duration}").format(duration=duration)
        else:
            # TRANSLATORS: the header of the model's reasoning when its duration is unknown.
            text = _("Reasoning")
        if text != self._header.text():
            self._header.setText(text)
            self._header.updateGeometry()
        self._refresh_accessibility()

    def _refresh_accessibility(self) -> None:
        header = self._header.text()
        if self._expanded:
            self._header.setToolTip(_("Hide Kimi's reasoning"))
            # TRANSLATORS: {header} is the panel's header, such as "Thought for 6 s".
            self._header.setAccessibleName(_("Hide reasoning ({header})").format(header=header))
        else:
            self._header.setToolTip(_("Show Kimi's reasoning"))
            # TRANSLATORS: {header} is the panel's header, such as "Thought for 6 s".
            self._header.setAccessibleName(_("Show reasoning ({header})").format(header=header))
