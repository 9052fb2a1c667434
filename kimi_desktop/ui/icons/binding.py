"""Icons that follow their widget's palette: redrawn on every theme or style change.

An icon is drawn when its widget is shown, in the palette it has then (the
application's style sheet has been applied by that time), and again whenever the
palette, the style or the pixel ratio changes while it is shown. A hidden widget
holds a blank icon of the right size meanwhile, so its size hint does not change
when the icon arrives, and nothing is drawn twice while the window is being
built and styled.
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractButton, QWidget

from kimi_desktop.ui.icons.tinted import icon

#: The events after which a widget's palette (or its screen) may want another rendering.
_REDRAW = frozenset(
    {
        QEvent.Type.PaletteChange,
        QEvent.Type.ApplicationPaletteChange,
        QEvent.Type.StyleChange,
        QEvent.Type.DevicePixelRatioChange,
    }
)


@dataclass(frozen=True)
class _Look:
    name: str
    role: QPalette.ColorRole
    checked_role: QPalette.ColorRole | None
    size: int
    filled: bool


class _ThemedIcon(QObject):
    """Keeps one button's or action's icon in its owner's palette colours.

    A child of the owner, so it ends with it; it watches the owner's events.
    """

    def __init__(self, owner: QWidget, target: QAbstractButton | QAction, look: _Look) -> None:
        super().__init__(owner)
        self.owner = owner
        self.target = target
        self.look = look
        self.stale = True
        owner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _REDRAW:
            self.stale = True
        if self.stale and (kind == QEvent.Type.Show or kind in _REDRAW):
            self.update()
        return False

    def update(self) -> None:
        """Draw the icon now if its owner is shown, else hold a blank one till then."""
        look = self.look
        if not self.owner.isVisible():
            self.target.setIcon(_blank(look.size))
            return
        self.stale = False
        self.target.setIcon(
            icon(
                look.name,
                look.role,
                look.size,
                palette=self.owner.palette(),
                checked_role=look.checked_role,
                filled=look.filled,
            )
        )


@cache
def _blank(size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


atexit.register(_blank.cache_clear)  # before Qt's exit handler, as the icon cache


def set_icon(
    target: QAbstractButton | QAction,
    name: str,
    *,
    role: QPalette.ColorRole = QPalette.ColorRole.ButtonText,
    checked_role: QPalette.ColorRole | None = None,
    size: int = 16,
    filled: bool = False,
    owner: QWidget | None = None,
) -> None:
    """Give ``target`` the icon ``name`` in its palette's ``role`` colour, and keep it so.

    A button is its own owner and gets ``size`` as its icon size; an action
    needs the ``owner`` that shows it (a line edit, a menu) for the palette.
    Calling again replaces the icon (Send becoming Stop, Copy becoming a check).
    """
    if owner is None:
        if not isinstance(target, QAbstractButton):
            raise TypeError("an action's icon needs the widget that shows it as its owner")
        owner = target
    if isinstance(target, QAbstractButton):
        target.setIconSize(QSize(size, size))
    look = _Look(name, role, checked_role, size, filled)
    binding = next(
        (b for b in owner.findChildren(_ThemedIcon) if b.target is target and b.owner is owner),
        None,
    )
    if binding is None:
        binding = _ThemedIcon(owner, target, look)
    else:
        binding.look = look
        binding.stale = True
    binding.update()
