"""Telling the user what went wrong at start-up, in words, never as a traceback.

:func:`show_startup_problems` lists the warnings (damaged settings moved aside,
a history opened read-only) over the main window without blocking it: no nested
event loop, so closing the window or SIGTERM still quit at once. When a damaged
history was moved aside it offers "Open folder". :func:`refuse_to_start` is for
the cases where the app does not start at all (another instance holds the
folder and does not answer, a history from a newer version): there is no
window yet, so it blocks until read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from kimi_desktop.i18n import N_, _

_log = logging.getLogger(__name__)

# TRANSLATORS: the app's name, the title of the message boxes shown at start-up.
TITLE = N_("Kimi Desktop")
# TRANSLATORS: a button: show the folder where a damaged file was kept.
OPEN_FOLDER = N_("Open folder")


def show_startup_problems(
    parent: QWidget, warnings: Sequence[str], folder: Path | None = None
) -> QMessageBox | None:
    """A window-modal, non-blocking message box with the warnings; ``None`` if there are none.

    ``folder``: where a damaged file was kept, offered with an "Open folder" button.
    """
    if not warnings:
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _(TITLE),
        "\n\n".join(warnings),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("startupProblems")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if folder is not None:
        button = box.addButton(_(OPEN_FOLDER), QMessageBox.ButtonRole.ActionRole)
        button.clicked.connect(lambda: open_folder(folder))
    box.open()
    return box


def open_folder(folder: Path) -> None:
    """Show ``folder`` in the desktop's file manager."""
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        _log.warning("could not open %s in a file manager", folder)


def refuse_to_start(text: str) -> None:
    """Say why the app does not start, and wait until the message was read."""
    _log.info("not starting: %s", text)
    box = QMessageBox(QMessageBox.Icon.Critical, _(TITLE), text, QMessageBox.StandardButton.Ok)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
