"""The endpoint form's "Test connection" button and its verdict.

The test itself is the endpoint service's (it knows which transport to use);
this part runs it without blocking the dialog, keeps the focus where the user
left it, and drops the verdict as soon as it no longer describes the fields.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.services.connection_check import ConnectionReport
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings.profiles import EndpointProfile
from kimi_desktop.ui.icons import Status, StatusLabel


class ConnectionTestPanel(QWidget):
    """ "Test connection" over its result; one test at a time.

    ``showing`` answers which endpoint the form shows now: a verdict about
    another one is not shown.

    Signals:
        url_suggested(str url): the test found the base URL that probably works.
    """

    url_suggested = Signal(str)

    def __init__(
        self,
        endpoints: EndpointService,
        showing: Callable[[], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._endpoints = endpoints
        self._showing = showing
        self._task: asyncio.Task[None] | None = None
        self.button = QPushButton(_("Test connection"), self)
        self.button.setObjectName("testConnectionButton")
        self.button.setAccessibleName(_("Test connection"))
        self.button.setToolTip(_("Ask the endpoint for its models with this key"))
        self.result = StatusLabel(self)
        self.result.setObjectName("testConnectionResult")
        self.result.setAccessibleName(_("Connection test result"))
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Word-wrapped labels get more height than their text; keep it at the top.
        self.result.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.result.hide()  # no verdict, no room: an empty line would gap above Prices
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(self.button)
        column.addWidget(self.result)

    def start(self, profile: EndpointProfile, key: str) -> None:
        """Test ``profile`` with ``key``, replacing a test still running."""
        if self._task is not None:
            self._task.cancel()
        self._task = asyncio.ensure_future(self._run(profile, key))

    def refuse(self, problem: str) -> None:
        """Say why there is nothing to test yet."""
        self._say(Status.ERROR, _("Fix this first: {problem}").format(problem=problem))

    def forget(self) -> None:
        """Something the test depended on changed: its verdict (or a test running) goes."""
        self.stop()
        self.clear_result()

    def clear_result(self) -> None:
        """Show no verdict (another endpoint is shown; a test running goes on)."""
        self.result.clear()
        self.result.hide()

    def stop(self) -> None:
        """Cancel a test still running (the dialog is closing, or the fields changed)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
            self.button.setEnabled(True)

    async def _run(self, profile: EndpointProfile, key: str) -> None:
        had_focus = self.button.hasFocus()
        self.button.setEnabled(False)
        # Disabling the focused button moved the focus on to the next field; it
        # comes back afterwards unless the user has put it somewhere since.
        moved_to = QApplication.focusWidget() if had_focus else None
        self._say(None, _("Testing…"))
        try:
            report = await self._endpoints.check_connection(profile, key)
        finally:
            self.button.setEnabled(True)
        if moved_to is not None and QApplication.focusWidget() is moved_to:
            self.button.setFocus()
        if self._showing() == profile.id:
            self._show(report)

    def _say(self, status: Status | None, text: str) -> None:
        self.result.show_status(status, text)
        self.result.show()

    def _show(self, report: ConnectionReport) -> None:
        self._say(Status.OK if report.ok else Status.ERROR, report.text)
        if report.suggested_base_url:
            self.url_suggested.emit(report.suggested_base_url)
