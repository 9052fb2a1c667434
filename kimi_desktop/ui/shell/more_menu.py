"""The top bar's "more" button: what the bar has no room for, in a menu and a tooltip."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QMenu, QToolButton, QWidget, QWidgetAction

from kimi_desktop.i18n import _
from kimi_desktop.ui.icons import set_icon
from kimi_desktop.ui.plain_text import plain_tooltip
from kimi_desktop.ui.shell.bar_fit import BarButton


class MoreButton(BarButton):
    """An icon ("…" as a drawn icon) that opens a menu of lines of text (the model's
    capabilities, the usage totals, the balance) and the commands whose buttons the
    bar has no room for (Instructions, Refresh models). Its tooltip holds the lines.

    Signals:
        refresh_requested()
        instructions_requested(): the conversation's instructions, from the menu.
    """

    refresh_requested = Signal()
    instructions_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBarMore")
        # TRANSLATORS: the top bar's button with what did not fit in the bar.
        self.setAccessibleName(_("More"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        set_icon(self, "ellipsis")
        menu = QMenu(self)
        menu.setObjectName("topBarMoreMenu")
        menu.aboutToShow.connect(self._fill)
        self.setMenu(menu)
        self._lines: list[str] = []
        self._refresh = False
        self._instructions: bool | None = None

    def set_contents(
        self, lines: Sequence[str], *, refresh: bool, instructions: bool | None = None
    ) -> None:
        """The lines the menu shows, whether it offers Refresh models, and whether it
        offers Instructions (``None``: no; else whether the conversation has some)."""
        self._lines = [line for line in lines if line]
        self._refresh = refresh
        self._instructions = instructions
        tip = [_("More"), *self._lines]
        if refresh:
            tip.append(_("Refresh the model list from the endpoint"))
        # Capabilities and balances come from providers: shown as the characters they are.
        self.setToolTip(plain_tooltip("\n".join(tip)))

    def lines(self) -> list[str]:
        return list(self._lines)

    def _fill(self) -> None:
        menu = self.menu()
        menu.clear()
        for line in self._lines:
            label = QLabel(line, menu)
            label.setObjectName("topBarMoreInfo")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setContentsMargins(12, 4, 12, 4)
            action = QWidgetAction(menu)
            action.setDefaultWidget(label)
            action.setEnabled(False)  # a line to read: the arrow keys skip it
            menu.addAction(action)
        if self._lines and (self._refresh or self._instructions is not None):
            menu.addSeparator()
        if self._instructions is not None:
            # TRANSLATORS: a menu command that opens the conversation's system prompt.
            instructions = menu.addAction(_("Instructions…"))
            instructions.setCheckable(True)
            instructions.setChecked(self._instructions)  # the conversation has some
            set_icon(instructions, "scroll-text", owner=menu, role=QPalette.ColorRole.Text)
            instructions.triggered.connect(self.instructions_requested)
        if self._refresh:
            refresh = menu.addAction(_("Refresh models"))
            set_icon(refresh, "refresh-cw", owner=menu, role=QPalette.ColorRole.Text)
            refresh.triggered.connect(self.refresh_requested)
