"""The status bar's Undo button for the latest deletion."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton, QWidget

from kimi_desktop.i18n import _

#: How long a deletion can be undone from the status bar.
UNDO_MS = 8000


class UndoOffer(QPushButton):
    """One Undo button that undoes the latest deletion only, for a few seconds.

    A second deletion replaces the first offer instead of stacking another
    button; the first stays deleted, as it would in a file manager.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        # TRANSLATORS: a button that brings back the conversation just deleted.
        super().__init__(_("Undo"), parent)
        self.setObjectName("undoButton")
        self.setFlat(True)
        self.setAccessibleName(_("Undo delete"))
        self.setToolTip(_("Bring the deleted conversation back"))
        self.hide()
        self._undo: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.withdraw)
        self.clicked.connect(self._run)

    def offer(self, undo: Callable[[], None]) -> None:
        self._undo = undo
        self.show()
        self._timer.start(UNDO_MS)

    def withdraw(self) -> None:
        self._undo = None
        self.hide()
        self._timer.stop()

    def _run(self) -> None:
        undo = self._undo
        self.withdraw()
        if undo is not None:
            undo()
