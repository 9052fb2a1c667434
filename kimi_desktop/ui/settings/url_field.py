"""The endpoint form's base URL: the field, what is wrong with it, and the fix in one click.

The findings come from :func:`~kimi_desktop.settings.url_repair.check_base_url`
as the user types, marked by severity; a suggested address (from the same
checks, or from a connection test that found a better one) becomes a button.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.settings.url_repair import UrlIssue
from kimi_desktop.ui.icons import Status, StatusLabel

_SEVERITIES = {"error": Status.ERROR, "warning": Status.WARNING, "hint": Status.HINT}


class StatusLines(QWidget):
    """Findings one under another, each with its status's icon.

    ``text()`` is their words, a line each, as a single label would give them.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(2)
        self._labels: list[StatusLabel] = []

    def show_lines(self, lines: Sequence[tuple[Status, str]]) -> None:
        """Show ``lines`` ((status, words) each), replacing those shown."""
        while len(self._labels) < len(lines):
            label = StatusLabel(self)
            label.setWordWrap(True)
            # Word-wrapped labels get more height than their text; keep it at the top.
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self._column.addWidget(label)
            self._labels.append(label)
        for index, label in enumerate(self._labels):
            if index < len(lines):
                label.show_status(*lines[index])
            else:
                label.clear()
            label.setVisible(index < len(lines))

    def lines(self) -> list[StatusLabel]:
        """The labels shown, in order."""
        return [label for label in self._labels if not label.isHidden()]

    def text(self) -> str:
        return "\n".join(label.text() for label in self.lines())

    def clear(self) -> None:
        self.show_lines(())


class BaseUrlField(QWidget):
    """The base URL field with its findings and the "Use <suggested URL>" button.

    Signals:
        suggestion_taken(): the user replaced the URL with the suggested one.
    """

    suggestion_taken = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("endpointBaseUrl")
        self.edit.setAccessibleName(_("Base URL"))
        self.edit.setToolTip(
            _("The prefix the provider documents, e.g. https://api.moonshot.ai/v1")
        )
        self.issues = StatusLines(self)
        self.issues.setObjectName("endpointUrlIssues")
        self.issues.setAccessibleName(_("Problems with the base URL"))
        self.suggest_button = QPushButton(self)
        self.suggest_button.setObjectName("useSuggestedUrlButton")
        self.suggest_button.setToolTip(_("Replace the base URL with the suggested one"))
        self.suggest_button.setAccessibleName(_("Use the suggested base URL"))
        self.suggest_button.clicked.connect(self._on_suggest_button_clicked)
        self.suggest_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.suggest_button.hide()
        self._suggested: str | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.edit)
        column.addWidget(self.issues)
        column.addWidget(self.suggest_button)

    def show_issues(self, issues: Sequence[UrlIssue], extra: Sequence[str] = ()) -> None:
        """List the findings, then ``extra`` problems (of other fields) as errors."""
        lines = [(_SEVERITIES[i.severity], i.message) for i in issues]
        lines += [(Status.ERROR, text) for text in extra]
        self.issues.show_lines(lines)
        self.issues.setVisible(bool(lines))

    def offer(self, url: str | None) -> None:
        """Offer ``url`` as the fix; ``None`` takes the offer back."""
        self._suggested = url
        # TRANSLATORS: a button that replaces the base URL with the suggested {url}.
        self.suggest_button.setText(_("Use {url}").format(url=url) if url else "")
        self.suggest_button.setVisible(url is not None)

    def _on_suggest_button_clicked(self) -> None:
        if self._suggested:
            self.edit.setText(self._suggested)
            self.suggestion_taken.emit()
