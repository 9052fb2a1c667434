"""Settings: endpoints (add, edit, duplicate, remove, reorder, test) and preferences.

The dialog edits a working copy; nothing is written until OK, so Cancel really
cancels. Keys typed here go to the keyring through the endpoint service and
never into a profile, and "Remove key" deletes a stored one the same way; where
there is no keyring the dialog says so before the key is typed and lets the
user choose between this session only and a private file. A connection test's
verdict is cleared as soon as anything it depended on is edited. Each endpoint
may have prices of its own (see :mod:`.settings_prices`). The preferences page
is generated from the schema.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
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
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.services.connection_check import ConnectionReport, check_connection
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings.endpoints import (
    EndpointProfile,
    UrlIssue,
    check_base_url,
    new_profile_id,
    suggest_base_url,
    validate_proxy_url,
)
from kimi_desktop.settings.presets import PRESETS, Preset, preset_by_id
from kimi_desktop.settings.schema import SETTINGS, Preferences
from kimi_desktop.settings.secrets import KeyringStatus
from kimi_desktop.settings.store import SettingsStore
from kimi_desktop.ui.settings.keys import KeyStorageNote, key_placeholder
from kimi_desktop.ui.settings.prices import PricesEditor

_PROTOCOLS = (("openai", "OpenAI chat completions"), ("anthropic", "Anthropic Messages"))
_SEVERITY_MARKS = {"error": "✖", "warning": "⚠", "hint": "→"}
_CUSTOM_DESCRIPTION = "An endpoint of your own: any server that speaks one of the two formats."
_KEY_PLACES = {
    "keyring": "the system keyring",
    "file": "the key file",
    "session": "this session's memory",
}


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
        self.setAccessibleName("Settings")
        self.resize(860, 560)
        self._settings = settings
        self._endpoints = endpoints
        self._profiles: list[EndpointProfile] = list(settings.profiles)
        self._keys: dict[str, str] = {}
        # Endpoints whose stored key is to be deleted on OK ("Remove key").
        self._removed_keys: set[str] = set()
        self._invalid: dict[str, str] = {}
        # What was typed for an endpoint whose fields are not valid yet, so that
        # selecting another endpoint and coming back (or OK) does not lose it.
        self._drafts: dict[str, _Draft] = {}
        self._loading = False
        self._pref_editors: dict[str, QWidget] = {}
        self._keyring: KeyringStatus | None = None
        self._test_task: asyncio.Task[None] | None = None
        self._suggested_url: str | None = None

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_endpoints_page(), "Endpoints")
        self.tabs.addTab(self._build_preferences_page(), "Preferences")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("settingsError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._fill_list(select=self._endpoints.active_id)

    # -- endpoints page ----------------------------------------------------------

    def _build_endpoints_page(self) -> QWidget:
        page = QWidget(self)
        self.list_model = QStandardItemModel(self)
        self.endpoint_list = QListView(page)
        self.endpoint_list.setObjectName("endpointList")
        self.endpoint_list.setAccessibleName("Endpoints")
        self.endpoint_list.setToolTip("Your endpoints, in the order the endpoint picker lists them")
        self.endpoint_list.setModel(self.list_model)
        self.endpoint_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.endpoint_list.selectionModel().currentChanged.connect(
            self._on_endpoint_list_current_changed
        )

        self.add_button = QToolButton(page)
        self.add_button.setObjectName("addEndpointButton")
        self.add_button.setText("Add ▾")
        self.add_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.add_button.setToolTip("Add an endpoint from a preset, or a custom one")
        self.add_button.setAccessibleName("Add endpoint")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self.add_button)
        for preset in PRESETS:
            action = self.add_menu.addAction(preset.name, partial(self._add_preset, preset))
            action.setToolTip(preset.description)
        self.add_menu.setToolTipsVisible(True)
        self.add_menu.addSeparator()
        self.add_menu.addAction("Custom server…", self._add_custom)
        self.add_button.setMenu(self.add_menu)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.add_button)
        self.duplicate_button = self._tool_button(
            page, "Duplicate", "Duplicate the selected endpoint (with its key)", self._duplicate
        )
        self.remove_button = self._tool_button(
            page, "Remove", "Remove the selected endpoint and its stored key", self._remove
        )
        self.up_button = self._tool_button(page, "↑", "Move up", lambda: self._move(-1))
        self.down_button = self._tool_button(page, "↓", "Move down", lambda: self._move(1))
        for button in (self.duplicate_button, self.remove_button, self.up_button):
            row.addWidget(button)
        row.addWidget(self.down_button)
        row.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.endpoint_list, 1)
        left.addLayout(row)

        self.description = QLabel(page)
        self.description.setObjectName("endpointDescription")
        self.description.setWordWrap(True)
        self.name_edit = QLineEdit(page)
        self.name_edit.setObjectName("endpointName")
        self.name_edit.setAccessibleName("Endpoint name")
        self.name_edit.setToolTip("The name the endpoint picker shows")
        self.url_edit = QLineEdit(page)
        self.url_edit.setObjectName("endpointBaseUrl")
        self.url_edit.setAccessibleName("Base URL")
        self.url_edit.setToolTip(
            "The prefix the provider documents, e.g. https://api.moonshot.ai/v1"
        )
        self.url_issues = QLabel(page)
        self.url_issues.setWordWrap(True)
        self.url_issues.setObjectName("endpointUrlIssues")
        self.url_issues.setAccessibleName("Problems with the base URL")
        self.suggest_button = QPushButton(page)
        self.suggest_button.setObjectName("useSuggestedUrlButton")
        self.suggest_button.setToolTip("Replace the base URL with the suggested one")
        self.suggest_button.setAccessibleName("Use the suggested base URL")
        self.suggest_button.clicked.connect(self._on_suggest_button_clicked)
        self.suggest_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.suggest_button.hide()
        self.protocol_combo = QComboBox(page)
        self.protocol_combo.setObjectName("endpointProtocol")
        self.protocol_combo.setAccessibleName("Request format")
        self.protocol_combo.setToolTip(
            "OpenAI: <base>/chat/completions with a Bearer key. "
            "Anthropic: <base>/v1/messages with an x-api-key header."
        )
        for value, title in _PROTOCOLS:
            self.protocol_combo.addItem(title, value)
        self.proxy_edit = QLineEdit(page)
        self.proxy_edit.setObjectName("endpointProxy")
        self.proxy_edit.setAccessibleName("Proxy")
        self.proxy_edit.setToolTip("Send this endpoint's requests through a proxy")
        self.proxy_edit.setPlaceholderText("optional: http://host:port or socks5://host:port")
        self.key_required = QCheckBox("This endpoint needs an API key", page)
        self.key_required.setObjectName("endpointKeyRequired")
        self.key_required.setToolTip("Local servers often accept requests without a key")
        self.key_edit = QLineEdit(page)
        self.key_edit.setObjectName("endpointApiKey")
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setToolTip("Kept in the system keyring, never in a settings file")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_key_button = QToolButton(page)
        self.show_key_button.setObjectName("showKeyButton")
        self.show_key_button.setText("Show")
        self.show_key_button.setCheckable(True)
        self.show_key_button.setToolTip("Show or hide the key")
        self.show_key_button.setAccessibleName("Show the API key")
        self.show_key_button.toggled.connect(self._on_show_key_button_toggled)
        metrics = self.show_key_button.fontMetrics()
        self.show_key_button.setMinimumWidth(
            max(metrics.horizontalAdvance(text) for text in ("Show", "Hide")) + 16
        )
        self.remove_key_button = QToolButton(page)
        self.remove_key_button.setObjectName("removeKeyButton")
        self.remove_key_button.setText("Remove key")
        self.remove_key_button.setToolTip(
            "Forget this endpoint's key: it is deleted from where it is stored when you click OK"
        )
        self.remove_key_button.setAccessibleName("Remove the stored API key")
        self.remove_key_button.clicked.connect(self._on_remove_key_button_clicked)
        key_row = QHBoxLayout()
        key_row.setContentsMargins(0, 0, 0, 0)
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key_button)
        key_row.addWidget(self.remove_key_button)
        self.key_storage = KeyStorageNote(page)
        self.key_storage.choice_changed.connect(self._on_key_storage_choice_changed)
        self.key_note = self.key_storage.label
        self.test_button = QPushButton("Test connection", page)
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.setAccessibleName("Test connection")
        self.test_button.setToolTip("Ask the endpoint for its models with this key")
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.test_result = QLabel(page)
        self.test_result.setObjectName("testConnectionResult")
        self.test_result.setAccessibleName("Connection test result")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.description, self.url_issues, self.test_result):
            # Word-wrapped labels get more height than their text; keep it at the top.
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        test_column = QVBoxLayout()
        test_column.setContentsMargins(0, 6, 0, 0)
        test_column.addWidget(self.test_button)
        test_column.addWidget(self.test_result)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        url_column = _column(self.url_edit, self.url_issues, self.suggest_button)
        key_column = _column(key_row, self.key_storage)
        self.prices_editor = PricesEditor(page)
        self.prices_editor.edited.connect(self._on_field_edited)
        form.addRow("", self.description)
        form.addRow("Name", self.name_edit)
        form.addRow("Base URL", url_column)
        form.addRow("Format", self.protocol_combo)
        form.addRow("Proxy", self.proxy_edit)
        form.addRow("", self.key_required)
        form.addRow("API key", key_column)
        form.addRow("", test_column)
        form.addRow("Prices", self.prices_editor)
        for widget in (self.name_edit, self.url_edit, self.proxy_edit):
            widget.textEdited.connect(self._on_field_edited)
        # What a connection test depends on: its verdict goes when one changes.
        for edit in (self.url_edit, self.proxy_edit):
            edit.textEdited.connect(self._forget_test_result)
        self.protocol_combo.activated.connect(self._forget_test_result)
        self.key_required.toggled.connect(self._forget_test_result)
        self.protocol_combo.activated.connect(self._on_field_edited)
        self.key_required.toggled.connect(self._on_field_edited)
        self.key_edit.textEdited.connect(self._on_key_edited)

        layout = QHBoxLayout(page)
        layout.addLayout(left, 2)
        layout.addLayout(form, 5)
        return page

    @staticmethod
    def _tool_button(parent: QWidget, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(parent)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.clicked.connect(slot)
        return button

    def _fill_list(self, select: str | None = None) -> None:
        self.list_model.clear()
        for profile in self._profiles:
            item = QStandardItem(profile.name)
            item.setToolTip(profile.base_url)
            self.list_model.appendRow(item)
        ids = [p.id for p in self._profiles]
        row = ids.index(select) if select in ids else 0
        if self._profiles:
            self.endpoint_list.setCurrentIndex(self.list_model.index(row, 0))
        self._show_profile(row if self._profiles else -1)

    def _on_endpoint_list_current_changed(self, current: QModelIndex, _previous: object) -> None:
        self._show_profile(current.row())

    def _current_row(self) -> int:
        return self.endpoint_list.currentIndex().row()

    def _current_profile(self) -> EndpointProfile | None:
        row = self._current_row()
        return self._profiles[row] if 0 <= row < len(self._profiles) else None

    def _show_profile(self, row: int) -> None:
        self._loading = True
        profile = self._profiles[row] if 0 <= row < len(self._profiles) else None
        for line in (self.name_edit, self.url_edit, self.proxy_edit, self.key_edit):
            line.clear()
        enabled: tuple[QWidget, ...] = (
            self.name_edit,
            self.url_edit,
            self.proxy_edit,
            self.key_edit,
            self.show_key_button,
            self.remove_key_button,
            self.prices_editor,
            self.protocol_combo,
            self.key_required,
            self.test_button,
            self.duplicate_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        )
        for widget in enabled:
            widget.setEnabled(profile is not None)
        self.test_result.clear()
        self.description.clear()
        self.url_issues.clear()
        self.show_key_button.setChecked(False)
        self.prices_editor.show_profile(profile)
        if profile is not None:
            preset = preset_by_id(profile.preset)
            self.description.setText(preset.description if preset else _CUSTOM_DESCRIPTION)
            self.name_edit.setText(profile.name)
            self.url_edit.setText(profile.base_url)
            self.protocol_combo.setCurrentIndex(self.protocol_combo.findData(profile.protocol))
            self.proxy_edit.setText(profile.proxy or "")
            self.key_required.setChecked(profile.key_required)
            self.key_edit.setText(self._keys.get(profile.id, ""))
            self._show_key_placeholder(profile)
            self._show_url_issues(profile)
            self._show_key_note()
            draft = self._drafts.get(profile.id)
            if draft is not None:
                self._restore(draft)
        self._loading = False
        if profile is not None and profile.id in self._drafts:
            self._on_field_edited()  # shows again what is wrong with the draft

    def _draft(self) -> _Draft:
        return _Draft(
            name=self.name_edit.text(),
            url=self.url_edit.text(),
            protocol=self.protocol_combo.currentIndex(),
            proxy=self.proxy_edit.text(),
            key_required=self.key_required.isChecked(),
            prices=self.prices_editor.texts(),
        )

    def _restore(self, draft: _Draft) -> None:
        self.name_edit.setText(draft.name)
        self.url_edit.setText(draft.url)
        self.protocol_combo.setCurrentIndex(draft.protocol)
        self.proxy_edit.setText(draft.proxy)
        self.key_required.setChecked(draft.key_required)
        self.prices_editor.set_texts(draft.prices)

    def _show_key_placeholder(self, profile: EndpointProfile) -> None:
        """Say in the empty key field whether a key is stored, and offer to remove it."""
        location = self._endpoints.key_location(profile.id)
        removed = profile.id in self._removed_keys and location is not None
        self.key_edit.setPlaceholderText(
            key_placeholder(location, removed=removed, key_required=profile.key_required)
        )
        stored = location is not None and not removed
        # Hidden rather than disabled: there is nothing to remove, and it says so.
        self.remove_key_button.setVisible(stored or bool(self._keys.get(profile.id)))

    def _file_opt_in(self) -> QCheckBox | None:
        box = self._pref_editors.get("store_keys_in_file")
        return box if isinstance(box, QCheckBox) else None

    def _show_key_note(self) -> None:
        """Where a key typed here will go, said before it is typed."""
        if self._keyring is None:
            self._keyring = self._endpoints.keyring_status()
        in_file = self._file_opt_in()
        self.key_storage.show_status(
            self._keyring, in_file=in_file is not None and in_file.isChecked()
        )

    def _on_key_storage_choice_changed(self, in_file: bool) -> None:
        # The same choice as the Preferences checkbox; saved with it on OK.
        box = self._file_opt_in()
        if box is not None:
            box.setChecked(in_file)

    def _show_url_issues(self, profile: EndpointProfile) -> None:
        self._set_url_issues(check_base_url(profile.base_url, protocol=profile.protocol))
        self._offer_url(suggest_base_url(profile.base_url, profile.protocol))

    def _set_url_issues(self, issues: Sequence[UrlIssue], extra: Sequence[str] = ()) -> None:
        lines = [f"{_SEVERITY_MARKS[i.severity]} {i.message}" for i in issues]
        lines += [f"{_SEVERITY_MARKS['error']} {text}" for text in extra]
        self.url_issues.setText("\n".join(lines))
        self.url_issues.setVisible(bool(lines))

    def _offer_url(self, url: str | None) -> None:
        self._suggested_url = url
        self.suggest_button.setText(f"Use {url}" if url else "")
        self.suggest_button.setVisible(url is not None)

    def _on_suggest_button_clicked(self) -> None:
        if self._suggested_url:
            self.url_edit.setText(self._suggested_url)
            self._forget_test_result()
            self._on_field_edited()

    def _on_show_key_button_toggled(self, shown: bool) -> None:
        self.key_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        self.show_key_button.setText("Hide" if shown else "Show")

    def _on_field_edited(self, *_: object) -> None:
        row = self._current_row()
        if self._loading or not 0 <= row < len(self._profiles):
            return
        current = self._profiles[row]
        url = self.url_edit.text().strip()
        protocol = self.protocol_combo.currentData()
        issues = check_base_url(url, protocol=protocol)
        proxy = self.proxy_edit.text().strip() or None
        problems = validate_proxy_url(proxy) if proxy else []
        name = self.name_edit.text().strip()
        if not name:
            problems.append("The endpoint needs a name.")
        self._set_url_issues(issues, problems)
        self._offer_url(suggest_base_url(url, protocol))
        try:
            prices = self.prices_editor.prices()
        except ValueError as exc:
            price_problem: str | None = str(exc)
        else:
            price_problem = None
        self.prices_editor.show_problem(price_problem)
        errors = problems + [i.message for i in issues if i.severity == "error"]
        if price_problem is not None:
            errors.append(f"Prices: {price_problem}")
        if errors:
            self._invalid[current.id] = errors[0]
            self._drafts[current.id] = self._draft()
            return
        try:
            updated = replace(
                current,
                name=name,
                base_url=url,
                protocol=protocol,
                proxy=proxy,
                key_required=self.key_required.isChecked(),
                prices=prices,
            )
        except ValueError as exc:
            self._invalid[current.id] = _sentence(str(exc))
            self._drafts[current.id] = self._draft()
            self._set_url_issues(issues, [self._invalid[current.id]])
            return
        self._invalid.pop(current.id, None)
        self._drafts.pop(current.id, None)
        self._profiles[row] = updated
        item = self.list_model.item(row)
        item.setText(updated.name)
        item.setToolTip(updated.base_url)
        self._show_key_placeholder(updated)
        self.prices_editor.show_hint(updated)  # list prices may apply, or no longer

    def _on_key_edited(self, text: str) -> None:
        profile = self._current_profile()
        if profile is not None:
            self._keys[profile.id] = text.strip()
            self._forget_test_result()
            self._show_key_placeholder(profile)

    def _on_remove_key_button_clicked(self) -> None:
        """Forget the typed key and, on OK, the stored one (placeholder says which)."""
        profile = self._current_profile()
        if profile is None:
            return
        self._keys.pop(profile.id, None)
        self.key_edit.clear()
        if self._endpoints.key_location(profile.id) is not None:
            self._removed_keys.add(profile.id)
        self._forget_test_result()
        self._show_key_placeholder(profile)
        self.key_edit.setFocus()

    def _add(self, profile: EndpointProfile, key: str = "", index: int | None = None) -> None:
        ids = [p.id for p in self._profiles] + [p.id for p in self._settings.profiles]
        if profile.id in ids:
            profile = replace(profile, id=new_profile_id(profile.name, ids))
        names = {p.name for p in self._profiles}
        if profile.name in names:
            number = 2
            while f"{profile.name} ({number})" in names:
                number += 1
            profile = replace(profile, name=f"{profile.name} ({number})")
        if key:
            self._keys[profile.id] = key
        self._profiles.insert(len(self._profiles) if index is None else index, profile)
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
        self.url_edit.selectAll()

    def _duplicate(self) -> None:
        source = self._current_profile()
        if source is not None:
            key = self._key_for(source)
            copy = replace(source, name=f"{source.name} (copy)")
            self._add(copy, key, index=self._current_row() + 1)

    def _remove(self) -> None:
        row = self._current_row()
        if 0 <= row < len(self._profiles):
            removed = self._profiles.pop(row)
            self._keys.pop(removed.id, None)
            self._removed_keys.discard(removed.id)  # its key goes with it anyway
            self._invalid.pop(removed.id, None)
            self._drafts.pop(removed.id, None)
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

    def _key_for(self, profile: EndpointProfile) -> str:
        """The key as it will be after OK: typed, else stored (unless being removed)."""
        typed = self._keys.get(profile.id)
        if typed or profile.id in self._removed_keys:
            return typed or ""
        return self._endpoints.key(profile.id) or ""

    # -- connection test ---------------------------------------------------------

    def _forget_test_result(self, *_: object) -> None:
        """Something the test depended on changed: its verdict (or a test running) goes."""
        if self._loading:
            return
        if self._test_task is not None:
            self._test_task.cancel()
            self._test_task = None
            self.test_button.setEnabled(True)
        self.test_result.clear()

    def _on_test_button_clicked(self) -> None:
        profile = self._current_profile()
        if profile is None:
            return
        if profile.id in self._invalid:
            self.test_result.setText(f"✖ Fix this first: {self._invalid[profile.id]}")
            return
        if self._test_task is not None:
            self._test_task.cancel()
        self._test_task = asyncio.ensure_future(self._run_test(profile))

    async def _run_test(self, profile: EndpointProfile) -> None:
        key = self._key_for(profile)
        had_focus = self.test_button.hasFocus()
        self.test_button.setEnabled(False)
        # Disabling the focused button moved the focus on to the next field; it
        # comes back afterwards unless the user has put it somewhere since.
        moved_to = QApplication.focusWidget() if had_focus else None
        self.test_result.setText("Testing…")
        try:
            report = await check_connection(
                profile, key, transport=self._endpoints.transport_for(profile)
            )
        finally:
            self.test_button.setEnabled(True)
        if moved_to is not None and QApplication.focusWidget() is moved_to:
            self.test_button.setFocus()
        current = self._current_profile()
        if current is not None and current.id == profile.id:
            self._show_report(report)

    def _show_report(self, report: ConnectionReport) -> None:
        mark = "✔" if report.ok else "✖"
        self.test_result.setText(f"{mark} {report.text}")
        if report.suggested_base_url:
            self._offer_url(report.suggested_base_url)

    def done(self, result: int) -> None:
        """Closing stops a connection test still running (its labels are going away)."""
        if self._test_task is not None:
            self._test_task.cancel()
            self._test_task = None
        super().done(result)

    # -- preferences page --------------------------------------------------------

    def _build_preferences_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        current = self._settings.preferences
        section = None
        for spec in SETTINGS:
            if spec.section != section:
                section = spec.section
                heading = QLabel(f"<b>{section}</b>", page)
                heading.setObjectName(f"preferenceSection_{section}")
                form.addRow(heading)
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
            if not isinstance(editor, QCheckBox):  # a number or a choice needs no full width
                editor.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            editor.setObjectName(f"preference_{spec.name}")
            editor.setToolTip(spec.description)
            editor.setAccessibleName(spec.title)
            editor.setAccessibleDescription(spec.description)
            self._pref_editors[spec.name] = editor
            note = QLabel(spec.description, page)
            note.setObjectName(f"preferenceNote_{spec.name}")
            note.setWordWrap(True)
            note.setEnabled(False)  # drawn in the muted colour
            note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            form.addRow(label, _column(editor, note))
        in_file = self._pref_editors.get("store_keys_in_file")
        if isinstance(in_file, QCheckBox):
            in_file.toggled.connect(lambda _: self._show_key_note())
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
        if self._invalid:
            endpoint_id, problem = next(iter(self._invalid.items()))
            self.tabs.setCurrentIndex(0)
            current = self._current_profile()
            if current is None or current.id != endpoint_id:
                self._fill_list(select=endpoint_id)
            self._show_error(f"Fix “{self._name_of(endpoint_id)}” first: {problem}")
            return
        before = {p.id: p for p in self._settings.profiles}
        try:
            self._save_profiles()
        except (OSError, ValueError) as exc:
            self._show_error(f"The endpoints could not be saved: {exc}")
            return
        notes: list[str] = []
        preferences = self._collected_preferences()
        old = self._settings.preferences
        if preferences != old:
            if old.store_keys_in_file and not preferences.store_keys_in_file:
                self._endpoints.stop_storing_keys_in_file()
            try:
                self._settings.set_preferences(preferences)
            except OSError as exc:
                notes.append(f"The preferences could not be saved ({exc}); they apply until quit.")
            self.preferences_changed.emit(preferences)
        changed: set[str] = set()
        for profile in self._profiles:
            key = self._keys.get(profile.id)
            if key:
                note = self._endpoints.save_key(profile.id, key)
                if note:
                    notes.append(f"{profile.name}: {note}")
                changed.add(profile.id)
            elif profile.id in self._removed_keys:
                note = self._remove_key(profile)
                if note:
                    notes.append(f"{profile.name}: {note}")
                changed.add(profile.id)
            stored = before.get(profile.id)
            if stored is None or _wire_differs(stored, profile):
                changed.add(profile.id)
        self._endpoints.reload(changed)
        chosen = self._current_profile()
        if (
            chosen is not None
            and chosen.id in changed
            and self._endpoints.needs_key(self._endpoints.active_id)
            and not self._endpoints.needs_key(chosen.id)
        ):
            # The endpoint in use cannot work without a key; use the one just set up.
            self._endpoints.set_active(chosen.id)
        if notes:
            self._inform("\n\n".join(notes))
        self.accept()

    def _remove_key(self, profile: EndpointProfile) -> str | None:
        """Delete the endpoint's stored key; a sentence to show if that did not work."""
        self._endpoints.forget_key(profile.id)
        left = self._endpoints.key_location(profile.id)
        if left is not None:
            return f"The key could not be removed from {_KEY_PLACES.get(left, left)}."
        status = self._endpoints.keyring_status()
        if not status.available and status.reason in ("locked", "error"):
            return (
                f"{_first_sentence(status.message)} If it holds a copy of the key, that "
                "copy could not be removed; try again once the keyring works."
            )
        return None

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

    def _show_error(self, text: str) -> None:
        self.error_label.setText(f"✖ {text}")
        self.error_label.show()

    def _inform(self, text: str) -> None:
        """Tell what happened to the keys, without blocking (the dialog is closing)."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Settings",
            text,
            QMessageBox.StandardButton.Ok,
            self.parentWidget() or self,
        )
        box.setObjectName("settingsNotice")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _name_of(self, endpoint_id: str) -> str:
        return next((p.name for p in self._profiles if p.id == endpoint_id), endpoint_id)


@dataclass(frozen=True, slots=True)
class _Draft:
    """An endpoint's fields as typed, while they are not valid yet."""

    name: str
    url: str
    protocol: int
    proxy: str
    key_required: bool
    prices: tuple[str, str, str, str]


def _column(*items: QWidget | QHBoxLayout) -> QVBoxLayout:
    """One form cell holding a field and the notes under it, close together."""
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    for item in items:
        if isinstance(item, QHBoxLayout):
            column.addLayout(item)
        else:
            column.addWidget(item)
    return column


def _wire_differs(a: EndpointProfile, b: EndpointProfile) -> bool:
    """Whether requests would go elsewhere or differently (so models are worth refetching)."""
    return (a.base_url, a.protocol, a.proxy, a.key_required) != (
        b.base_url,
        b.protocol,
        b.proxy,
        b.key_required,
    )


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
