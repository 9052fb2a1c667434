"""Settings: endpoints (add, edit, duplicate, remove, reorder, test) and preferences.

The dialog edits a working copy; nothing is written until OK, so Cancel really
cancels. Keys typed here go to the keyring through the endpoint service and
never into a profile. The preferences page is generated from the schema.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from kimi_desktop.services.connection_check import check_connection
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings.endpoints import (
    EndpointProfile,
    check_base_url,
    new_profile_id,
    validate_proxy_url,
)
from kimi_desktop.settings.presets import PRESETS, Preset
from kimi_desktop.settings.schema import SETTINGS, Preferences
from kimi_desktop.settings.store import SettingsStore

_PROTOCOLS = (("openai", "OpenAI chat completions"), ("anthropic", "Anthropic Messages"))
_STORED_KEY_HINT = "•••••••• (stored — type to replace)"


class SettingsDialog(QDialog):
    """The settings window.

    Signals:
        preferences_changed(Preferences): saved preferences, to apply live.
    """

    preferences_changed = Signal(object)

    def __init__(
        self, settings: SettingsStore, endpoints: EndpointService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.resize(820, 520)
        self._settings = settings
        self._endpoints = endpoints
        self._profiles: list[EndpointProfile] = list(settings.profiles)
        self._keys: dict[str, str] = {}
        self._loading = False
        self._pref_editors: dict[str, QWidget] = {}

        tabs = QTabWidget(self)
        tabs.addTab(self._build_endpoints_page(), "Endpoints")
        tabs.addTab(self._build_preferences_page(), "Preferences")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self._fill_list(select=self._endpoints.active_id)

    # -- endpoints page ----------------------------------------------------------

    def _build_endpoints_page(self) -> QWidget:
        page = QWidget(self)
        self.list_model = QStandardItemModel(self)
        self.endpoint_list = QListView(page)
        self.endpoint_list.setObjectName("endpointList")
        self.endpoint_list.setAccessibleName("Endpoints")
        self.endpoint_list.setModel(self.list_model)
        self.endpoint_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.endpoint_list.selectionModel().currentChanged.connect(
            self._on_endpoint_list_current_changed
        )

        add = QToolButton(page)
        add.setText("Add")
        add.setToolTip("Add an endpoint from a preset, or a custom one")
        add.setAccessibleName("Add endpoint")
        add.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(add)
        for preset in PRESETS:
            menu.addAction(preset.name, partial(self._add_preset, preset))
        menu.addSeparator()
        menu.addAction("Custom OpenAI-compatible server…", self._add_custom)
        add.setMenu(menu)
        row = QHBoxLayout()
        row.addWidget(add)
        for text, tip, slot in (
            ("Duplicate", "Duplicate the selected endpoint", self._duplicate),
            ("Remove", "Remove the selected endpoint", self._remove),
            ("↑", "Move up", lambda: self._move(-1)),
            ("↓", "Move down", lambda: self._move(1)),
        ):
            button = QToolButton(page)
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.endpoint_list, 1)
        left.addLayout(row)

        self.name_edit = QLineEdit(page)
        self.name_edit.setObjectName("endpointName")
        self.name_edit.setAccessibleName("Endpoint name")
        self.url_edit = QLineEdit(page)
        self.url_edit.setObjectName("endpointBaseUrl")
        self.url_edit.setAccessibleName("Base URL")
        self.url_edit.setToolTip(
            "The prefix the provider documents, e.g. https://api.moonshot.ai/v1"
        )
        self.url_issues = QLabel(page)
        self.url_issues.setWordWrap(True)
        self.url_issues.setObjectName("endpointUrlIssues")
        self.protocol_combo = QComboBox(page)
        self.protocol_combo.setObjectName("endpointProtocol")
        self.protocol_combo.setAccessibleName("Request format")
        for value, title in _PROTOCOLS:
            self.protocol_combo.addItem(title, value)
        self.proxy_edit = QLineEdit(page)
        self.proxy_edit.setAccessibleName("Proxy")
        self.proxy_edit.setPlaceholderText("optional: http://host:port or socks5://host:port")
        self.key_required = QCheckBox("This endpoint needs an API key", page)
        self.key_edit = QLineEdit(page)
        self.key_edit.setObjectName("endpointApiKey")
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        reveal = QAction("Show", self.key_edit)
        reveal.setCheckable(True)
        reveal.setToolTip("Show or hide the key")
        reveal.toggled.connect(
            lambda shown: self.key_edit.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        self.key_edit.addAction(reveal, QLineEdit.ActionPosition.TrailingPosition)
        self.test_button = QPushButton("Test connection", page)
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.setAccessibleName("Test connection")
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.test_result = QLabel(page)
        self.test_result.setObjectName("testConnectionResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Base URL", self.url_edit)
        form.addRow("", self.url_issues)
        form.addRow("Format", self.protocol_combo)
        form.addRow("Proxy", self.proxy_edit)
        form.addRow("", self.key_required)
        form.addRow("API key", self.key_edit)
        form.addRow("", self.test_button)
        form.addRow("", self.test_result)
        for widget in (self.name_edit, self.url_edit, self.proxy_edit):
            widget.textEdited.connect(self._on_field_edited)
        self.protocol_combo.activated.connect(self._on_field_edited)
        self.key_required.toggled.connect(self._on_field_edited)
        self.key_edit.textEdited.connect(self._on_key_edited)

        layout = QHBoxLayout(page)
        layout.addLayout(left, 2)
        layout.addLayout(form, 5)
        return page

    def _fill_list(self, select: str | None = None) -> None:
        self.list_model.clear()
        for profile in self._profiles:
            self.list_model.appendRow(QStandardItem(profile.name))
        ids = [p.id for p in self._profiles]
        row = ids.index(select) if select in ids else 0
        if self._profiles:
            self.endpoint_list.setCurrentIndex(self.list_model.index(row, 0))
        self._show_profile(row if self._profiles else -1)

    def _on_endpoint_list_current_changed(self, current: QModelIndex, _previous: object) -> None:
        self._show_profile(current.row())

    def _current_row(self) -> int:
        return self.endpoint_list.currentIndex().row()

    def _show_profile(self, row: int) -> None:
        self._loading = True
        profile = self._profiles[row] if 0 <= row < len(self._profiles) else None
        for widget in (self.name_edit, self.url_edit, self.proxy_edit, self.key_edit):
            widget.setEnabled(profile is not None)
            widget.clear()
        self.test_result.clear()
        if profile is not None:
            self.name_edit.setText(profile.name)
            self.url_edit.setText(profile.base_url)
            self.protocol_combo.setCurrentIndex(self.protocol_combo.findData(profile.protocol))
            self.proxy_edit.setText(profile.proxy or "")
            self.key_required.setChecked(profile.key_required)
            stored = self._endpoints.key(profile.id)
            self.key_edit.setText(self._keys.get(profile.id, ""))
            self.key_edit.setPlaceholderText(_STORED_KEY_HINT if stored else "Paste your API key")
            self._show_url_issues(profile)
        self._loading = False

    def _show_url_issues(self, profile: EndpointProfile) -> None:
        issues = check_base_url(profile.base_url, protocol=profile.protocol)
        self.url_issues.setText("\n".join(issue.message for issue in issues))

    def _on_field_edited(self, *_: object) -> None:
        row = self._current_row()
        if self._loading or not 0 <= row < len(self._profiles):
            return
        proxy = self.proxy_edit.text().strip() or None
        problems = validate_proxy_url(proxy) if proxy else []
        try:
            updated = replace(
                self._profiles[row],
                name=self.name_edit.text().strip() or self._profiles[row].name,
                base_url=self.url_edit.text().strip(),
                protocol=self.protocol_combo.currentData(),
                proxy=None if problems else proxy,
                key_required=self.key_required.isChecked(),
            )
        except ValueError as exc:
            self.url_issues.setText(str(exc)[:1].upper() + str(exc)[1:] + ".")
            return
        self._profiles[row] = updated
        self.list_model.item(row).setText(updated.name)
        self._show_url_issues(updated)
        if problems:
            self.url_issues.setText("\n".join([self.url_issues.text(), *problems]).strip())

    def _on_key_edited(self, text: str) -> None:
        row = self._current_row()
        if 0 <= row < len(self._profiles):
            self._keys[self._profiles[row].id] = text.strip()

    def _add(self, profile: EndpointProfile) -> None:
        ids = [p.id for p in self._profiles] + [p.id for p in self._settings.profiles]
        if profile.id in ids:
            profile = replace(profile, id=new_profile_id(profile.name, ids))
        self._profiles.append(profile)
        self._fill_list(select=profile.id)
        self.key_edit.setFocus()

    def _add_preset(self, preset: Preset) -> None:
        self._add(preset.to_profile())

    def _add_custom(self) -> None:
        ids = [p.id for p in self._profiles]
        self._add(
            EndpointProfile(
                id=new_profile_id("custom", ids),
                name="Custom server",
                base_url="http://127.0.0.1:8080/v1",
                key_required=False,
            )
        )
        self.url_edit.setFocus()

    def _duplicate(self) -> None:
        row = self._current_row()
        if 0 <= row < len(self._profiles):
            source = self._profiles[row]
            self._add(replace(source, name=f"{source.name} (copy)", preset=source.preset))

    def _remove(self) -> None:
        row = self._current_row()
        if 0 <= row < len(self._profiles):
            removed = self._profiles.pop(row)
            self._keys.pop(removed.id, None)
            self._fill_list(select=self._profiles[max(row - 1, 0)].id if self._profiles else None)

    def _move(self, step: int) -> None:
        row = self._current_row()
        target = row + step
        if 0 <= row < len(self._profiles) and 0 <= target < len(self._profiles):
            self._profiles[row], self._profiles[target] = (
                self._profiles[target],
                self._profiles[row],
            )
            self._fill_list(select=self._profiles[target].id)

    @asyncSlot()
    async def _on_test_button_clicked(self) -> None:
        row = self._current_row()
        if not 0 <= row < len(self._profiles):
            return
        profile = self._profiles[row]
        key = self._keys.get(profile.id) or self._endpoints.key(profile.id) or ""
        self.test_button.setEnabled(False)
        self.test_result.setText("Testing…")
        try:
            report = await check_connection(
                profile, key, transport=self._endpoints.transport_for(profile)
            )
        finally:
            self.test_button.setEnabled(True)
        mark = "✔" if report.ok else "✖"
        self.test_result.setText(f"{mark} {report.text}")

    # -- preferences page --------------------------------------------------------

    def _build_preferences_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        current = self._settings.preferences
        for spec in SETTINGS:
            value = getattr(current, spec.name)
            editor: QWidget
            if spec.kind == "bool":
                box = QCheckBox(spec.title, page)
                box.setChecked(bool(value))
                editor, label = box, ""
            elif spec.kind == "int":
                spin = QSpinBox(page)
                spin.setRange(spec.minimum or 0, spec.maximum or 999)
                spin.setValue(int(value))
                editor, label = spin, spec.title
            else:
                combo = QComboBox(page)
                for choice, title in spec.choices:
                    combo.addItem(title, choice)
                combo.setCurrentIndex(combo.findData(value))
                editor, label = combo, spec.title
            editor.setObjectName(f"preference_{spec.name}")
            editor.setToolTip(spec.description)
            editor.setAccessibleName(spec.title)
            self._pref_editors[spec.name] = editor
            form.addRow(label, editor)
        return page

    def _collected_preferences(self) -> Preferences:
        values: dict[str, object] = {}
        for name, editor in self._pref_editors.items():
            if isinstance(editor, QCheckBox):
                values[name] = editor.isChecked()
            elif isinstance(editor, QSpinBox):
                values[name] = editor.value()
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentData()
        preferences, _ = Preferences.from_dict(values)
        return preferences

    # -- saving ------------------------------------------------------------------

    def _on_buttons_accepted(self) -> None:
        warnings: list[str] = []
        try:
            self._save_profiles()
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Settings", f"The endpoints could not be saved: {exc}")
            return
        for endpoint_id, key in self._keys.items():
            if key and any(p.id == endpoint_id for p in self._profiles):
                warning = self._endpoints.save_key(endpoint_id, key)
                if warning:
                    warnings.append(warning)
        preferences = self._collected_preferences()
        if preferences != self._settings.preferences:
            self._settings.set_preferences(preferences)
            self.preferences_changed.emit(preferences)
        self._endpoints.reload()
        if warnings:
            QMessageBox.information(self, "Settings", "\n\n".join(warnings))
        self.accept()

    def _save_profiles(self) -> None:
        wanted = {p.id for p in self._profiles}
        for stored in list(self._settings.profiles):
            if stored.id not in wanted:
                self._settings.remove_profile(stored.id)
                self._endpoints.forget_key(stored.id)
        for index, profile in enumerate(self._profiles):
            existing = self._settings.profile(profile.id)
            if existing is None:
                self._settings.add_profile(profile, index)
            else:
                if existing != profile:
                    self._settings.update_profile(profile)
                self._settings.move_profile(profile.id, index)
