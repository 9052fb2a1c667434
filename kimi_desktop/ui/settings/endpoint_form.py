"""The endpoint form: name, base URL, format, thinking switch, proxy, key, test, prices.

It edits the endpoint the list has selected, in the dialog's working copy.
Fields are checked as they are typed; an endpoint whose fields are not valid
yet keeps what was typed as a draft (and the reason, which OK shows) while the
profile keeps its last valid state. A connection test's verdict is cleared as
soon as anything it depended on is edited.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import N_, _
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.settings.presets import preset_by_id
from kimi_desktop.settings.profiles import THINKING_SWITCH_TITLES, EndpointProfile
from kimi_desktop.settings.secrets import KeyringStatus
from kimi_desktop.settings.url_repair import check_base_url, suggest_base_url
from kimi_desktop.settings.urls import validate_proxy_url
from kimi_desktop.ui.settings.connection_test import ConnectionTestPanel
from kimi_desktop.ui.settings.keys import KeyField, KeyStorageNote, key_placeholder
from kimi_desktop.ui.settings.prices import PricesEditor
from kimi_desktop.ui.settings.url_field import BaseUrlField
from kimi_desktop.ui.settings.working_copy import EndpointDraft, WorkingCopy

_PROTOCOLS = (
    ("openai", N_("OpenAI chat completions")),
    ("anthropic", N_("Anthropic Messages")),
)
_CUSTOM_DESCRIPTION = N_("An endpoint of your own: any server that speaks one of the two formats.")


class EndpointForm(QWidget):
    """The fields of one endpoint; empty and disabled when there is none.

    Signals:
        endpoint_edited(str endpoint_id): its name or address changed (the list shows them).
        keys_in_file_chosen(bool in_file): without a keyring, the user chose the key
            file (True) or this session only (False).
    """

    endpoint_edited = Signal(str)
    keys_in_file_chosen = Signal(bool)

    def __init__(
        self, endpoints: EndpointService, copy: WorkingCopy, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._endpoints = endpoints
        self._copy = copy
        self._current: str | None = None
        self._loading = False
        self._keyring: KeyringStatus | None = None
        self._keys_in_file = False
        self._build()

    def _build(self) -> None:
        self.description = QLabel(self)
        self.description.setObjectName("endpointDescription")
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("endpointName")
        self.name_edit.setAccessibleName(_("Endpoint name"))
        self.name_edit.setToolTip(_("The name the endpoint picker shows"))
        self.url_field = BaseUrlField(self)
        self.url_field.suggestion_taken.connect(self._on_url_field_suggestion_taken)
        self.protocol_combo = QComboBox(self)
        self.protocol_combo.setObjectName("endpointProtocol")
        self.protocol_combo.setAccessibleName(_("Request format"))
        self.protocol_combo.setToolTip(
            _(
                "OpenAI: <base>/chat/completions with a Bearer key. "
                "Anthropic: <base>/v1/messages with an x-api-key header."
            )
        )
        for value, title in _PROTOCOLS:
            self.protocol_combo.addItem(_(title), value)
        self.thinking_switch_combo = QComboBox(self)
        self.thinking_switch_combo.setObjectName("endpointThinkingSwitch")
        self.thinking_switch_combo.setAccessibleName(_("Thinking switch"))
        self.thinking_switch_combo.setToolTip(
            _(
                "How requests to this endpoint turn a model's thinking on or off: Moonshot's "
                "thinking field; chat_template_kwargs for vLLM or SGLang serving Kimi; "
                "reasoning_effort for servers that take an effort level; or not at all, "
                "leaving it to the server. Models that always think are never asked to stop."
            )
        )
        for switch, title in THINKING_SWITCH_TITLES.items():
            self.thinking_switch_combo.addItem(_(title), switch)
        self.proxy_edit = QLineEdit(self)
        self.proxy_edit.setObjectName("endpointProxy")
        self.proxy_edit.setAccessibleName(_("Proxy"))
        self.proxy_edit.setToolTip(_("Send this endpoint's requests through a proxy"))
        self.proxy_edit.setPlaceholderText(_("optional: http://host:port or socks5://host:port"))
        self.key_required = QCheckBox(_("This endpoint needs an API key"), self)
        self.key_required.setObjectName("endpointKeyRequired")
        self.key_required.setToolTip(_("Local servers often accept requests without a key"))
        self.key_field = KeyField(self)
        self.key_field.remove_button.clicked.connect(self._on_remove_key_button_clicked)
        self.key_storage = KeyStorageNote(self)
        self.key_storage.choice_changed.connect(self.keys_in_file_chosen)
        self.connection_test = ConnectionTestPanel(self._endpoints, lambda: self._current, self)
        self.connection_test.button.clicked.connect(self._on_test_button_clicked)
        self.connection_test.url_suggested.connect(self.url_field.offer)
        self.prices_editor = PricesEditor(self)

        key_column = QVBoxLayout()  # the field and the note under it, close together
        key_column.setContentsMargins(0, 0, 0, 0)
        key_column.setSpacing(4)
        key_column.addWidget(self.key_field)
        key_column.addWidget(self.key_storage)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # WORKAROUND: Qt 6.11's QFormLayout sizes a row without a label to at least its
        # field's plain size hint, ignoring the height for its width: wrapped text then
        # claims lines it does not use. An empty label makes such a row follow its width
        # (QFormLayoutPrivate::setupHfwLayoutData; no upstream report found).
        form.addRow(QLabel(self), self.description)
        form.addRow(_("Name"), self.name_edit)
        form.addRow(_("Base URL"), self.url_field)
        # TRANSLATORS: the request format an endpoint speaks (OpenAI or Anthropic).
        form.addRow(_("Format"), self.protocol_combo)
        form.addRow(_("Thinking switch"), self.thinking_switch_combo)
        form.addRow(_("Proxy"), self.proxy_edit)
        form.addRow(QLabel(self), self.key_required)
        form.addRow(_("API key"), key_column)
        form.addRow(QLabel(self), self.connection_test)
        form.addRow(_("Prices"), self.prices_editor)

        url_edit = self.url_field.edit
        for widget in (self.name_edit, url_edit, self.proxy_edit):
            widget.textEdited.connect(self._on_field_edited)
        # What a connection test depends on: its verdict goes when one changes.
        for edit in (url_edit, self.proxy_edit):
            edit.textEdited.connect(self._forget_test_result)
        self.protocol_combo.activated.connect(self._forget_test_result)
        self.key_required.toggled.connect(self._forget_test_result)
        self.protocol_combo.activated.connect(self._on_field_edited)
        # A provider without a model list is tested with a question that uses the switch.
        self.thinking_switch_combo.activated.connect(self._forget_test_result)
        self.thinking_switch_combo.activated.connect(self._on_field_edited)
        self.key_required.toggled.connect(self._on_field_edited)
        self.prices_editor.edited.connect(self._on_field_edited)
        self.key_field.edit.textEdited.connect(self._on_key_edited)

    # -- showing an endpoint -----------------------------------------------------

    def current_profile(self) -> EndpointProfile | None:
        """The endpoint shown, as last valid (its draft may differ)."""
        return self._copy.profile(self._current)

    def show_profile(self, endpoint_id: str | None) -> None:
        """Fill the fields from the working copy's endpoint (cleared for none)."""
        self._loading = True
        self._current = endpoint_id
        profile = self._copy.profile(endpoint_id)
        key_edit = self.key_field.edit
        for line in (self.name_edit, self.url_field.edit, self.proxy_edit, key_edit):
            line.clear()
        for widget in (
            self.name_edit,
            self.url_field.edit,
            self.proxy_edit,
            key_edit,
            self.key_field.show_button,
            self.key_field.remove_button,
            self.prices_editor,
            self.protocol_combo,
            self.thinking_switch_combo,
            self.key_required,
            self.connection_test.button,
        ):
            widget.setEnabled(profile is not None)
        self.connection_test.clear_result()
        self.description.clear()
        self.url_field.issues.clear()
        self.key_field.show_button.setChecked(False)
        self.prices_editor.show_profile(profile)
        if profile is not None:
            preset = preset_by_id(profile.preset)
            self.description.setText(_(preset.description) if preset else _(_CUSTOM_DESCRIPTION))
            self.name_edit.setText(profile.name)
            self.url_field.edit.setText(profile.base_url)
            self.protocol_combo.setCurrentIndex(self.protocol_combo.findData(profile.protocol))
            self.thinking_switch_combo.setCurrentIndex(
                self.thinking_switch_combo.findData(profile.thinking_switch)
            )
            self.proxy_edit.setText(profile.proxy or "")
            self.key_required.setChecked(profile.key_required)
            key_edit.setText(self._copy.keys.get(profile.id, ""))
            self._show_key_placeholder(profile)
            self.url_field.show_issues(check_base_url(profile.base_url, protocol=profile.protocol))
            self.url_field.offer(suggest_base_url(profile.base_url, profile.protocol))
            self._show_key_note()
            draft = self._copy.drafts.get(profile.id)
            if draft is not None:
                self._restore(draft)
        self._loading = False
        if profile is not None and profile.id in self._copy.drafts:
            self._on_field_edited()  # shows again what is wrong with the draft

    def focus_first_field(self, *, address: bool) -> None:
        """After an endpoint was added: its address next (a custom one), else its key."""
        if address:
            self.url_field.edit.setFocus()
            self.url_field.edit.selectAll()
        else:
            self.key_field.edit.setFocus()

    def _draft(self) -> EndpointDraft:
        return EndpointDraft(
            name=self.name_edit.text(),
            url=self.url_field.edit.text(),
            protocol=self.protocol_combo.currentIndex(),
            proxy=self.proxy_edit.text(),
            key_required=self.key_required.isChecked(),
            prices=self.prices_editor.texts(),
            thinking_switch=self.thinking_switch_combo.currentIndex(),
        )

    def _restore(self, draft: EndpointDraft) -> None:
        self.name_edit.setText(draft.name)
        self.url_field.edit.setText(draft.url)
        self.protocol_combo.setCurrentIndex(draft.protocol)
        self.proxy_edit.setText(draft.proxy)
        self.key_required.setChecked(draft.key_required)
        self.prices_editor.set_texts(draft.prices)
        self.thinking_switch_combo.setCurrentIndex(draft.thinking_switch)

    # -- keys --------------------------------------------------------------------

    def set_keys_in_file(self, in_file: bool) -> None:
        """The file opt-in as the preferences page has it now; the note follows."""
        self._keys_in_file = in_file
        self._show_key_note()

    def _show_key_placeholder(self, profile: EndpointProfile) -> None:
        """Say in the empty key field whether a key is stored, and offer to remove it."""
        location = self._endpoints.key_location(profile.id)
        removed = profile.id in self._copy.removed_keys and location is not None
        self.key_field.edit.setPlaceholderText(
            key_placeholder(location, removed=removed, key_required=profile.key_required)
        )
        stored = location is not None and not removed
        # Hidden rather than disabled: there is nothing to remove, and it says so.
        self.key_field.remove_button.setVisible(stored or bool(self._copy.keys.get(profile.id)))

    def _show_key_note(self) -> None:
        """Where a key typed here will go, said before it is typed."""
        if self._keyring is None:
            self._keyring = self._endpoints.keyring_status()
        self.key_storage.show_status(self._keyring, in_file=self._keys_in_file)

    def _on_key_edited(self, text: str) -> None:
        profile = self.current_profile()
        if profile is not None:
            self._copy.keys[profile.id] = text.strip()
            self._forget_test_result()
            self._show_key_placeholder(profile)

    def _on_remove_key_button_clicked(self) -> None:
        """Forget the typed key and, on OK, the stored one (placeholder says which)."""
        profile = self.current_profile()
        if profile is None:
            return
        self._copy.keys.pop(profile.id, None)
        self.key_field.edit.clear()
        if self._endpoints.key_location(profile.id) is not None:
            self._copy.removed_keys.add(profile.id)
        self._forget_test_result()
        self._show_key_placeholder(profile)
        self.key_field.edit.setFocus()

    # -- editing -----------------------------------------------------------------

    def _on_url_field_suggestion_taken(self) -> None:
        self._forget_test_result()
        self._on_field_edited()

    def _on_field_edited(self, *_args: object) -> None:
        current = self.current_profile()
        if self._loading or current is None:
            return
        url = self.url_field.edit.text().strip()
        protocol = self.protocol_combo.currentData()
        issues = check_base_url(url, protocol=protocol)
        proxy = self.proxy_edit.text().strip() or None
        problems = validate_proxy_url(proxy) if proxy else []
        name = self.name_edit.text().strip()
        if not name:
            problems.append(_("The endpoint needs a name."))
        self.url_field.show_issues(issues, problems)
        self.url_field.offer(suggest_base_url(url, protocol))
        try:
            prices = self.prices_editor.prices()
        except ValueError as exc:
            price_problem: str | None = str(exc)
        else:
            price_problem = None
        self.prices_editor.show_problem(price_problem)
        errors = problems + [i.message for i in issues if i.severity == "error"]
        if price_problem is not None:
            errors.append(_("Prices: {problem}").format(problem=price_problem))
        if errors:
            self._copy.invalid[current.id] = errors[0]
            self._copy.drafts[current.id] = self._draft()
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
                thinking_switch=self.thinking_switch_combo.currentData(),
            )
        except ValueError as exc:
            self._copy.invalid[current.id] = _sentence(str(exc))
            self._copy.drafts[current.id] = self._draft()
            self.url_field.show_issues(issues, [self._copy.invalid[current.id]])
            return
        self._copy.invalid.pop(current.id, None)
        self._copy.drafts.pop(current.id, None)
        self._copy.replace(updated)
        self.endpoint_edited.emit(updated.id)
        self._show_key_placeholder(updated)
        self.prices_editor.show_hint(updated)  # list prices may apply, or no longer

    # -- connection test ---------------------------------------------------------

    def _forget_test_result(self, *_args: object) -> None:
        if not self._loading:
            self.connection_test.forget()

    def _on_test_button_clicked(self) -> None:
        profile = self.current_profile()
        if profile is None:
            return
        if profile.id in self._copy.invalid:
            self.connection_test.refuse(self._copy.invalid[profile.id])
            return
        self.connection_test.start(profile, self._copy.key_for(profile))


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
