"""The application object and raising its window: what a launch needs before the window.

Kept apart from :mod:`kimi_desktop.ui.runtime.single_instance`, which brings in
QtNetwork: the first launch only listens for a second one after its window has
painted, so that import waits until then.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QWidget

#: How long a second launch waits for the running app to listen (it may still be
#: opening its history and building its window).
HANDOVER_TIMEOUT_MS = 30_000


class DesktopApplication(QApplication):
    """The QApplication, plus the files the OS hands to the running app.

    macOS never starts a second copy: Finder's "Open With" and drops on the Dock
    icon reach the running app as a ``QFileOpenEvent``, which is sent to the
    application object itself (overriding ``event`` here costs nothing for the
    events of other objects, unlike an application-wide event filter).

    Signals:
        files_opened(list[str]): the OS asked the app to open these paths.
    """

    files_opened = Signal(list)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QFileOpenEvent) and event.file():
            self.files_opened.emit([event.file()])
            return True
        return super().event(event)


def raise_window(window: QWidget) -> None:
    """Bring ``window`` to the front: un-minimise, raise, ask for focus.

    The window manager has the last word: X11 and Wayland compositors may only
    flash the taskbar entry instead of moving focus.
    """
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
