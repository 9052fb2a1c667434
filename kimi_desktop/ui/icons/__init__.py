"""The window's line icons: a few of Lucide's SVGs, tinted to the palette in use.

The files in ``lucide/`` are copied unchanged from the ``lucide-static`` npm
package, version 1.62.0 (https://lucide.dev, ISC licence; its text, with the
MIT notice of the icons that come from Feather, is ``lucide/LICENSE``). Only the
icons the window uses are bundled: 34 files, 14 KB. Each is a 24 x 24 outline
drawn with ``stroke="currentColor"``; :func:`icon` puts a palette colour in its
place and renders the result for every pixel ratio the screens use, so one file
serves the light and the dark theme, disabled buttons and 2x displays alike.

:func:`set_icon` gives a button or an action an icon that follows its owner's
palette: it is drawn again whenever the palette or the style changes (the
theme switch, a style sheet), with nothing for the caller to refresh.
:class:`StatusLabel` puts a status's icon (connected, failed, a warning, a
hint) before a label's words, in the label's text colour.
"""

from __future__ import annotations

from kimi_desktop.ui.icons.binding import set_icon
from kimi_desktop.ui.icons.status_label import STATUS_ICONS, Status, StatusLabel
from kimi_desktop.ui.icons.tinted import ICON_NAMES, coloured_icon, icon, icon_pixmap, svg_source

__all__ = [
    "ICON_NAMES",
    "STATUS_ICONS",
    "Status",
    "StatusLabel",
    "coloured_icon",
    "icon",
    "icon_pixmap",
    "set_icon",
    "svg_source",
]
