"""Settings: endpoints (add, edit, duplicate, remove, reorder, test) and preferences.

The dialog edits a working copy; nothing is written until OK, so Cancel really
cancels. On OK the whole copy goes to the endpoint service in one piece
(:meth:`~kimi_desktop.services.endpoints.EndpointService.apply`), which writes
the endpoints, the preferences and the keys (to the keyring, never into a
profile) and answers with what it could not do; the dialog shows that as it
closes. Where there is no keyring the endpoint form says so before a key is
typed and lets the user choose between this session only and a private file.

The parts: :mod:`.endpoint_list`, :mod:`.endpoint_form` (with :mod:`.keys`,
:mod:`.prices`, :mod:`.url_field` and :mod:`.connection_test`), the
generated :mod:`.preferences_page`, and :mod:`.assistants_page` (written on OK
too, before the endpoints).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import _
from kimi_desktop.services.assistants import AssistantService
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.settings_edits import EndpointsNotSaved
from kimi_desktop.settings.profiles import EndpointProfile
from kimi_desktop.ui.icons import Status, StatusLabel
from kimi_desktop.ui.settings.assistants_page import AssistantsPage
from kimi_desktop.ui.settings.endpoint_form import EndpointForm
from kimi_desktop.ui.settings.endpoint_list import EndpointListPanel
from kimi_desktop.ui.settings.preferences_page import PreferencesPage
from kimi_desktop.ui.settings.working_copy import WorkingCopy


class SettingsDialog(QDialog):
    """The settings window.

    Signals:
        preferences_changed(Preferences): saved preferences, to apply live.
    """

    preferences_changed = Signal(object)

    def __init__(
        self,
        endpoints: EndpointService,
        parent: QWidget | None = None,
        *,
        assistants: AssistantService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self.setAccessibleName(_("Settings"))
        self._endpoints = endpoints
        self._copy = WorkingCopy(endpoints)

        self.endpoint_panel = EndpointListPanel(self._copy, self)
        self.form = EndpointForm(endpoints, self._copy, self)
        self.preferences_page = PreferencesPage(endpoints.preferences, self)
        endpoints_page = QWidget(self)
        row = QHBoxLayout(endpoints_page)
        row.addWidget(self.endpoint_panel, 2)
        row.addWidget(self.form, 5)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(endpoints_page, _("Endpoints"))
        self.tabs.addTab(self.preferences_page, _("Preferences"))
        self.assistants_page = AssistantsPage(assistants, self) if assistants is not None else None
        if self.assistants_page is not None:
            self.tabs.addTab(self.assistants_page, _("Assistants"))
        self.error_label = StatusLabel(self)
        self.error_label.setObjectName("settingsError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        # Words only: some desktop themes give OK and Cancel dated pictograms.
        for button in self.buttons.buttons():
            button.setIcon(QIcon())
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        # The parts' most used controls by their documented names, for tests and tools.
        self.endpoint_list = self.endpoint_panel.view
        self.list_model = self.endpoint_panel.list_model
        self.add_menu = self.endpoint_panel.add_menu
        self.remove_button = self.endpoint_panel.remove_button
        self.name_edit = self.form.name_edit
        self.url_edit = self.form.url_field.edit
        self.key_required = self.form.key_required
        self.key_edit = self.form.key_field.edit
        self.key_note = self.form.key_storage.label
        self.test_button = self.form.connection_test.button
        self.test_result = self.form.connection_test.result

        self.endpoint_panel.current_changed.connect(self._on_endpoint_panel_current_changed)
        self.endpoint_panel.endpoint_added.connect(self._on_endpoint_panel_endpoint_added)
        self.form.endpoint_edited.connect(self.endpoint_panel.refresh)
        # One choice shown in two places: the form's note and the Preferences box.
        self.form.keys_in_file_chosen.connect(self.preferences_page.set_keys_in_file)
        self.preferences_page.keys_in_file_toggled.connect(self.form.set_keys_in_file)
        self.form.set_keys_in_file(self.preferences_page.keys_in_file())
        self._fill_list(select=endpoints.active_id)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        """As large as the form needs (at least 860 x 560), within the screen's free area."""
        size = self.sizeHint().expandedTo(QSize(860, 560))
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            size = size.boundedTo(screen.availableGeometry().size())
        self.resize(size)

    def _fill_list(self, select: str | None = None) -> None:
        """Show the endpoint list again with ``select`` (else the first) in the form."""
        self.endpoint_panel.fill(select)

    def _current_profile(self) -> EndpointProfile | None:
        """The endpoint the form shows, as last valid."""
        return self.form.current_profile()

    def _on_endpoint_panel_current_changed(self, endpoint_id: str) -> None:
        self.form.show_profile(endpoint_id or None)

    def _on_endpoint_panel_endpoint_added(self, custom: bool) -> None:
        self.form.focus_first_field(address=custom)

    def done(self, result: int) -> None:
        """Closing stops a connection test still running (its labels are going away)."""
        self.form.connection_test.stop()
        super().done(result)

    # -- saving ------------------------------------------------------------------

    def _on_buttons_accepted(self) -> None:
        if self._copy.invalid:
            endpoint_id, problem = next(iter(self._copy.invalid.items()))
            self.tabs.setCurrentIndex(0)
            current = self._current_profile()
            if current is None or current.id != endpoint_id:
                self._fill_list(select=endpoint_id)
            self._show_error(
                _("Fix “{name}” first: {problem}").format(
                    name=self._copy.name_of(endpoint_id), problem=problem
                )
            )
            return
        page = self.assistants_page
        unsaved = page.save() if page is not None else None
        if page is not None and unsaved:
            self.tabs.setCurrentWidget(page)
            self._show_error(unsaved)
            return
        preferences = self.preferences_page.preferences()
        preferences_changed = preferences != self._endpoints.preferences
        current = self._current_profile()
        edits = self._copy.edits(preferences, current.id if current is not None else None)
        try:
            notes = self._endpoints.apply(edits)
        except EndpointsNotSaved as exc:
            self._show_error(exc.sentence)
            return
        if preferences_changed:
            self.preferences_changed.emit(preferences)
        if notes:
            self._inform("\n\n".join(notes))
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error_label.show_status(Status.ERROR, text)
        self.error_label.show()

    def _inform(self, text: str) -> None:
        """Tell what happened to the keys, without blocking (the dialog is closing)."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Settings"),
            text,
            QMessageBox.StandardButton.Ok,
            self.parentWidget() or self,
        )
        box.setObjectName("settingsNotice")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
