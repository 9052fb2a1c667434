"""What an empty conversation shows: a title, the assistants to start with, starter prompts.

The assistants are chips, one per assistant (the first few; the rest in a
"More" menu), the chosen one checked. A starter prompt is a card that chooses
its assistant, puts its words in the composer and, for a screenshot or a
document, opens the attach dialog; what happens is the presenter's to decide,
so the cards only say which was clicked. Everything is reachable with Tab and
pressed with Space or Enter.

When the view is too short for everything (a small screen, a large scale), the
hint goes first, then the title, then the starter prompts; the chips stay.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import N_, _
from kimi_desktop.services.assistants import starter_prompts
from kimi_desktop.settings.assistants import Assistant
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.flow_layout import FlowLayout
from kimi_desktop.ui.plain_text import plain_tooltip

TITLE = N_("Ask Kimi anything")
SUBTITLE = N_("Drop a screenshot to get the code for it, or paste an error to fix it.")
#: Assistants shown as chips; any more are in the "More" menu.
MAX_CHIPS = 6
#: The column's widest, so the chips and cards stay together on a wide window.
MAX_COLUMN_WIDTH = 640
_SPACING = 12


class ChatPlaceholder(QWidget):
    """The empty chat: title, hint, assistant chips and starter prompt cards.

    Signals:
        assistant_chosen(str assistant_id): a chip (or a "More" entry) was pressed.
        starter_chosen(StarterPrompt): a starter prompt's card was pressed.
    """

    assistant_chosen = Signal(str)
    starter_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatPlaceholder")
        self._style: MessageStyle | None = None
        self._shown: list[tuple[str, str, str]] = []  # (id, name, description) of the chips
        self._chosen = ""
        title, subtitle = _(TITLE), _(SUBTITLE)
        self._title = QLabel(title, self)
        self._title.setObjectName("chatPlaceholderTitle")
        self._subtitle = QLabel(subtitle, self)
        self._subtitle.setObjectName("chatPlaceholderHint")
        self._subtitle.setWordWrap(True)
        for label in (self._title, self._subtitle):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        self.chips = QWidget(self)
        self.chips.setObjectName("assistantChips")
        self.chips.setAccessibleName(_("Assistants"))
        self._chip_layout = FlowLayout(
            self.chips, spacing=8, row_alignment=Qt.AlignmentFlag.AlignHCenter
        )
        self._chip_layout.setContentsMargins(0, 0, 0, 0)
        # Not a QButtonGroup: an exclusive group takes Tab past its other buttons
        # (arrows move within it, choosing as they go); here Tab visits every chip.
        self._chips: list[QPushButton] = []
        self.more_button = QToolButton(self.chips)
        self.more_button.setObjectName("moreAssistantsButton")
        # TRANSLATORS: a button that lists the assistants not shown as chips.
        self.more_button.setText(_("More…"))
        self.more_button.setAccessibleName(_("More assistants"))
        self.more_button.setToolTip(_("More assistants"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setMenu(QMenu(self.more_button))
        self.more_button.hide()

        self.starters = QWidget(self)
        self.starters.setObjectName("starterPrompts")
        self.starters.setAccessibleName(_("Starter prompts"))
        grid = QGridLayout(self.starters)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self._cards: list[QPushButton] = []
        for index, starter in enumerate(starter_prompts()):
            card = QPushButton(starter.title, self.starters)
            card.setObjectName("starterPrompt")
            card.setAccessibleName(starter.title)
            card.setToolTip(plain_tooltip(starter.text.strip()))
            card.setCursor(Qt.CursorShape.PointingHandCursor)
            card.setAutoDefault(True)  # Enter presses it, as Space does
            card.clicked.connect(lambda _checked=False, s=starter: self.starter_chosen.emit(s))
            grid.addWidget(card, index // 2, index % 2)
            self._cards.append(card)

        column = QWidget(self)
        column.setMaximumWidth(MAX_COLUMN_WIDTH)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(_SPACING)
        for part in (self._title, self._subtitle, self.chips, self.starters):
            inner.addWidget(part)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 100)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        # The view gives the placeholder its whole viewport, however short (see _fit).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        # TRANSLATORS: the empty chat's title and hint, read out as one.
        self.setAccessibleName(_("{title}. {hint}").format(title=title, hint=subtitle))
        self._update_fonts()

    # -- what it shows -------------------------------------------------------------

    def text(self) -> str:
        return f"{self._title.text()} — {self._subtitle.text()}"

    def set_assistants(self, assistants: Sequence[Assistant], chosen_id: str = "") -> None:
        """Offer ``assistants`` as chips, ``chosen_id`` checked ("" for none).

        The chips are built again only when the list itself changed, so the one
        with the keyboard focus keeps it when only the choice moves.
        """
        shown = [(a.id, a.name, a.description) for a in assistants]
        if shown != self._shown:
            self._shown = shown
            self._build_chips(assistants)
        self._chosen = chosen_id
        for chip in self._chips:
            chip.setChecked(chip.property("assistantId") == chosen_id)
        for action in self.more_button.menu().actions():
            action.setChecked(action.data() == chosen_id)
        self._fit()

    def chip_buttons(self) -> list[QPushButton]:
        """The assistants' chips, in order."""
        return list(self._chips)

    def chip(self, assistant_id: str) -> QPushButton | None:
        """The chip of an assistant, if it has one (the first few have)."""
        return next((c for c in self._chips if c.property("assistantId") == assistant_id), None)

    def _build_chips(self, assistants: Sequence[Assistant]) -> None:
        focused = next((c.property("assistantId") for c in self._chips if c.hasFocus()), None)
        for chip in self._chips:
            self._chip_layout.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        self._chips = []
        self._chip_layout.removeWidget(self.more_button)
        menu = self.more_button.menu()
        menu.clear()
        for assistant in assistants[:MAX_CHIPS]:
            chip = QPushButton(assistant.name, self.chips)
            chip.setObjectName("assistantChip")
            chip.setCheckable(True)
            chip.setAutoDefault(True)  # Enter presses it, as Space does
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.setAccessibleName(assistant.name)
            chip.setAccessibleDescription(assistant.description)
            chip.setToolTip(plain_tooltip(assistant.description or assistant.name))
            chip.setProperty("assistantId", assistant.id)
            chip.clicked.connect(lambda _checked=False, i=assistant.id: self._choose(i))
            self._chips.append(chip)
            self._chip_layout.addWidget(chip)
            if assistant.id == focused:
                chip.setFocus()
        for assistant in assistants[MAX_CHIPS:]:
            action = menu.addAction(assistant.name)
            action.setCheckable(True)
            action.setData(assistant.id)
            action.setToolTip(assistant.description)
            action.triggered.connect(lambda _checked=False, i=assistant.id: self._choose(i))
        self._chip_layout.addWidget(self.more_button)
        self.more_button.setVisible(len(assistants) > MAX_CHIPS)
        order = [*self._chips, self.more_button, *self._cards]
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)
        if self._style is not None:
            self.apply_style(self._style)

    def _choose(self, assistant_id: str) -> None:
        # The checked chip follows the presenter's answer (set_assistants), not the click.
        for chip in self._chips:
            chip.setChecked(chip.property("assistantId") == self._chosen)
        self.assistant_chosen.emit(assistant_id)

    # -- looks ---------------------------------------------------------------------

    def apply_style(self, style: MessageStyle) -> None:
        self._style = style
        self._title.setPalette(style.apply_text_palette(self._title.palette()))
        self._subtitle.setPalette(style.apply_text_palette(self._subtitle.palette(), muted=True))
        rule, text, muted = style.rule.name(), style.text.name(), style.muted.name()
        accent = style.accent.name()
        tint = QColor(style.accent)
        tint.setAlpha(36)
        hover = style.hover.name(QColor.NameFormat.HexArgb)
        # A style sheet sets the labels' colours too: under one, palettes no longer do.
        self.setStyleSheet(
            f"""
            QLabel#chatPlaceholderTitle {{ color: {text}; }}
            QLabel#chatPlaceholderHint {{ color: {muted}; }}
            QPushButton#assistantChip, QToolButton#moreAssistantsButton {{
                border: 1px solid {rule}; border-radius: 14px; padding: 5px 14px;
                min-height: 16px; color: {text}; background: transparent;
            }}
            QPushButton#assistantChip:hover, QToolButton#moreAssistantsButton:hover {{
                background: {hover};
            }}
            QPushButton#assistantChip:checked {{
                border-color: {accent}; color: {accent};
                background: {tint.name(QColor.NameFormat.HexArgb)};
            }}
            QPushButton#assistantChip:focus, QToolButton#moreAssistantsButton:focus,
            QPushButton#starterPrompt:focus {{
                border: 2px solid {accent};
            }}
            QPushButton#starterPrompt {{
                border: 1px solid {rule}; border-radius: 10px; padding: 10px 14px;
                color: {text}; background: transparent; text-align: left;
            }}
            QPushButton#starterPrompt:hover {{ background: {hover}; }}
            """
        )

    def apply_font(self, font: QFont) -> None:
        self.setFont(font)
        self._subtitle.setFont(font)
        self._update_fonts()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._update_fonts()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _update_fonts(self) -> None:
        title = QFont(self.font())
        title.setPointSizeF(self.font().pointSizeF() * 1.6)
        title.setWeight(QFont.Weight.DemiBold)
        self._title.setFont(title)
        self._fit()

    def _fit(self) -> None:
        """Show what fits the height, dropping the hint, the title, then the starters."""
        layout = self.layout()
        if layout is None or self.height() <= 0:  # not built or laid out yet
            return
        margins = layout.contentsMargins()
        room = self.height() - margins.top() - margins.bottom()
        width = min(self.width() - margins.left() - margins.right(), MAX_COLUMN_WIDTH)
        parts = (self.chips, self.starters, self._title, self._subtitle)
        needed = {part: _height_for(part, width) + _SPACING for part in parts}
        total = sum(needed.values()) - _SPACING
        for part in (self._subtitle, self._title, self.starters):
            fits = total <= room
            part.setVisible(fits)
            if not fits:
                total -= needed[part]


def _height_for(widget: QWidget, width: int) -> int:
    """The height ``widget`` needs at ``width`` (wrapped text and chips grow taller)."""
    layout = widget.layout()
    if layout is not None and layout.hasHeightForWidth():
        return layout.heightForWidth(width)
    if widget.hasHeightForWidth():
        return widget.heightForWidth(width)
    return widget.sizeHint().height()
