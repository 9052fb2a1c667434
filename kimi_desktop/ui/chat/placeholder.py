"""What an empty conversation shows: a friendly prompt in the middle of the view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kimi_desktop.i18n import N_, _
from kimi_desktop.ui.chat.message_style import MessageStyle

TITLE = N_("Ask Kimi anything")
SUBTITLE = N_("Drop a screenshot to get the code for it, or paste an error to fix it.")


class ChatPlaceholder(QWidget):
    """A centred title and hint, shown while the conversation has no messages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatPlaceholder")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        title, subtitle = _(TITLE), _(SUBTITLE)
        self._title = QLabel(title, self)
        self._title.setObjectName("chatPlaceholderTitle")
        self._subtitle = QLabel(subtitle, self)
        self._subtitle.setObjectName("chatPlaceholderHint")
        self._subtitle.setWordWrap(True)
        for label in (self._title, self._subtitle):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 64)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(self._title)
        layout.addWidget(self._subtitle)
        layout.addStretch(1)
        # TRANSLATORS: the empty chat's title and hint, read out as one.
        self.setAccessibleName(_("{title}. {hint}").format(title=title, hint=subtitle))
        self._update_fonts()

    def text(self) -> str:
        return f"{self._title.text()} — {self._subtitle.text()}"

    def apply_style(self, style: MessageStyle) -> None:
        self._title.setPalette(style.apply_text_palette(self._title.palette()))
        self._subtitle.setPalette(style.apply_text_palette(self._subtitle.palette(), muted=True))

    def apply_font(self, font: QFont) -> None:
        self.setFont(font)
        self._subtitle.setFont(font)
        self._update_fonts()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._update_fonts()

    def _update_fonts(self) -> None:
        title = QFont(self.font())
        title.setPointSizeF(self.font().pointSizeF() * 1.6)
        title.setWeight(QFont.Weight.DemiBold)
        self._title.setFont(title)
