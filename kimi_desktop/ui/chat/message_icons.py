"""The chat's button icons, by the names the chat uses, from the bundled Lucide set.

The chat colours its parts from its :class:`~.message_style.MessageStyle`, not
from a palette, so its icons are asked for in a colour: the style's muted ink
for a message's actions, its text for Jump to latest. A theme switch restyles
the messages, which ask again in the new colour.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon

from kimi_desktop.ui.icons import ICON_NAMES, coloured_icon

#: The chat's own names for its actions, and the Lucide icon each one shows.
_LUCIDE_NAMES = {
    "copy": "copy",
    "check": "check",
    "edit": "pencil",
    "delete": "trash-2",
    "regenerate": "refresh-cw",
    "arrow-down": "arrow-down",
}
_SIZE = 16


def line_icon(name: str, color: QColor) -> QIcon:
    """The icon ``name`` ("copy", "check", "edit", "delete", "regenerate", "arrow-down",
    or any bundled Lucide name such as "chevron-left") in ``color``."""
    lucide = _LUCIDE_NAMES.get(name, name)
    if lucide not in ICON_NAMES:
        raise KeyError(name)
    return coloured_icon(lucide, color, _SIZE)
