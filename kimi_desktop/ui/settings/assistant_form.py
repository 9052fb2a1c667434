"""``AssistantForm``: one assistant's fields in Settings, read-only for a built-in one.

Unset fields keep what the window says when a chat starts: the model picked,
the thinking and web-search toggles; the budget's lowest step is the app's
default and the temperature's the model's own. The temperature row is hidden
for a model that takes none (the K2.5 family), since it would never be sent.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import _
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS
from kimi_desktop.settings.assistants import (
    MAX_ASSISTANT_BUDGET,
    MAX_DESCRIPTION_CHARS,
    MAX_NAME_CHARS,
    THINKING_CHOICES,
    Assistant,
    ThinkingChoice,
)
from kimi_desktop.settings.known_models import KNOWN_MODELS, accepts_temperature
from kimi_desktop.ui.chat.conversation_settings import (
    BUDGET_STEP,
    NO_TEMPERATURE,
    TEMPERATURE_STEP,
)
from kimi_desktop.ui.spin_boxes import indented


def thinking_titles() -> dict[ThinkingChoice | None, str]:
    """How the thinking choices read in the form (``None``: the window's setting stays)."""
    return {
        # TRANSLATORS: an assistant's thinking choice: the window's Thinking toggle stays.
        None: _("As set in the window"),
        # TRANSLATORS: an assistant's thinking choice.
        "on": _("On"),
        # TRANSLATORS: an assistant's thinking choice.
        "off": _("Off"),
        # TRANSLATORS: an assistant's thinking choice, for models with effort levels (kimi-k3).
        "low": _("On, low effort"),
        # TRANSLATORS: an assistant's thinking choice, for models with effort levels (kimi-k3).
        "high": _("On, high effort"),
        # TRANSLATORS: an assistant's thinking choice, for models with effort levels (kimi-k3).
        "max": _("On, maximum effort"),
    }


class AssistantForm(QWidget):
    """Shows one assistant; for a user's assistant, every edit is announced.

    Signals:
        assistant_edited(Assistant): the shown assistant as the fields now say.
    """

    assistant_edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._assistant: Assistant | None = None
        self._filling = False
        locale = QLocale()

        self.built_in_note = QLabel(
            _("Built-in assistants cannot be changed. Duplicate one to make your own copy."),
            self,
        )
        self.built_in_note.setObjectName("builtInAssistantNote")
        self.built_in_note.setWordWrap(True)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("assistantName")
        self.name_edit.setMaxLength(MAX_NAME_CHARS)
        self.name_edit.setAccessibleName(_("Assistant name"))
        self.description_edit = QLineEdit(self)
        self.description_edit.setObjectName("assistantDescription")
        self.description_edit.setMaxLength(MAX_DESCRIPTION_CHARS)
        self.description_edit.setAccessibleName(_("Description"))
        self.description_edit.setPlaceholderText(_("One line saying what it is for"))
        self.prompt_edit = QPlainTextEdit(self)
        self.prompt_edit.setObjectName("assistantInstructions")
        self.prompt_edit.setAccessibleName(_("Instructions"))
        self.prompt_edit.setPlaceholderText(
            _("Instructions the model gets before every chat started with this assistant")
        )
        self.prompt_edit.setTabChangesFocus(True)

        self.model_combo = QComboBox(self)
        self.model_combo.setObjectName("assistantModel")
        self.model_combo.setEditable(True)
        self.model_combo.setAccessibleName(_("Model"))
        self.model_combo.setToolTip(_("Empty: the model picked in the window when the chat starts"))
        self.model_combo.addItem("")
        for known in KNOWN_MODELS:
            if not known.legacy:
                self.model_combo.addItem(known.info.id)
        line = self.model_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText(_("The model picked in the window"))

        self.thinking_combo = QComboBox(self)
        self.thinking_combo.setObjectName("assistantThinking")
        self.thinking_combo.setAccessibleName(_("Thinking"))
        titles = thinking_titles()
        for choice in (None, *THINKING_CHOICES):
            self.thinking_combo.addItem(titles[choice], choice)

        self.budget_spin = indented(QSpinBox(self))
        self.budget_spin.setObjectName("assistantBudget")
        self.budget_spin.setRange(0, MAX_ASSISTANT_BUDGET)
        self.budget_spin.setSingleStep(BUDGET_STEP)
        self.budget_spin.setGroupSeparatorShown(True)
        self.budget_spin.setSpecialValueText(
            _("Default ({tokens})").format(tokens=locale.toString(DEFAULT_MAX_TOKENS))
        )
        self.budget_spin.setAccessibleName(_("Output budget in tokens"))

        self.web_search_combo = QComboBox(self)
        self.web_search_combo.setObjectName("assistantWebSearch")
        self.web_search_combo.setAccessibleName(_("Web search"))
        self.web_search_combo.addItem(titles[None], None)
        self.web_search_combo.addItem(_("On"), True)
        self.web_search_combo.addItem(_("Off"), False)

        self.temperature_spin = indented(QDoubleSpinBox(self))
        self.temperature_spin.setObjectName("assistantTemperature")
        self.temperature_spin.setDecimals(1)
        self.temperature_spin.setRange(NO_TEMPERATURE, 1.0)
        self.temperature_spin.setSingleStep(TEMPERATURE_STEP)
        self.temperature_spin.setSpecialValueText(_("Model's default"))
        self.temperature_spin.setAccessibleName(_("Temperature"))
        self.temperature_spin.setToolTip(
            _("From 0 to 1, sent only to models that take one: Kimi K2.5 and later use their own.")
        )

        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("assistantProblem")
        self.problem_label.setWordWrap(True)

        # Laid out as the endpoint form is: labels without colons, the note in the
        # fields' column (an empty label: see the WORKAROUND in endpoint_form.py).
        self.fields = QFormLayout()
        self.fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields.addRow(QLabel(self), self.built_in_note)
        self.fields.addRow(_("Name"), self.name_edit)
        self.fields.addRow(_("Description"), self.description_edit)
        self.fields.addRow(_("Instructions (system prompt)"), self.prompt_edit)
        self.fields.addRow(_("Model"), self.model_combo)
        self.fields.addRow(_("Thinking"), self.thinking_combo)
        self.fields.addRow(_("Output budget (tokens)"), self.budget_spin)
        self.fields.addRow(_("Web search"), self.web_search_combo)
        self.fields.addRow(_("Temperature"), self.temperature_spin)
        self.fields.addRow(QLabel(self), self.problem_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.fields)

        self.name_edit.textEdited.connect(self._on_field_edited)
        self.description_edit.textEdited.connect(self._on_field_edited)
        self.prompt_edit.textChanged.connect(self._on_field_edited)
        self.model_combo.currentTextChanged.connect(self._on_field_edited)
        self.thinking_combo.currentIndexChanged.connect(self._on_field_edited)
        self.budget_spin.valueChanged.connect(self._on_field_edited)
        self.web_search_combo.currentIndexChanged.connect(self._on_field_edited)
        self.temperature_spin.valueChanged.connect(self._on_field_edited)
        self.show_assistant(None)

    def show_assistant(self, assistant: Assistant | None, problem: str = "") -> None:
        """Fill the fields (``None``: empty and disabled); ``problem`` says why it
        cannot be saved as it is."""
        self._assistant = assistant
        self._filling = True
        try:
            self.name_edit.setText(assistant.name if assistant else "")
            self.description_edit.setText(assistant.description if assistant else "")
            self.prompt_edit.setPlainText(assistant.system_prompt if assistant else "")
            self.model_combo.setCurrentText((assistant.model if assistant else None) or "")
            thinking = assistant.thinking if assistant else None
            self.thinking_combo.setCurrentIndex(max(self.thinking_combo.findData(thinking), 0))
            self.budget_spin.setValue((assistant.max_tokens if assistant else None) or 0)
            search = assistant.web_search if assistant else None
            self.web_search_combo.setCurrentIndex(
                next(
                    i
                    for i in range(self.web_search_combo.count())
                    if self.web_search_combo.itemData(i) is search
                )
            )
            temperature = assistant.temperature if assistant else None
            self.temperature_spin.setValue(NO_TEMPERATURE if temperature is None else temperature)
        finally:
            self._filling = False
        editable = assistant is not None and not assistant.built_in
        for field in (
            self.name_edit,
            self.description_edit,
            self.model_combo,
            self.thinking_combo,
            self.budget_spin,
            self.web_search_combo,
            self.temperature_spin,
        ):
            field.setEnabled(editable)
        # Read-only rather than disabled: a built-in's instructions stay readable and scroll.
        self.prompt_edit.setReadOnly(not editable)
        self.prompt_edit.setEnabled(assistant is not None)
        self.fields.setRowVisible(self.built_in_note, assistant is not None and assistant.built_in)
        self._show_temperature_row()
        self.show_problem(problem)

    def show_problem(self, sentence: str) -> None:
        self.problem_label.setText(sentence)
        self.fields.setRowVisible(self.problem_label, bool(sentence))

    def assistant(self) -> Assistant | None:
        """The shown assistant as the fields say (a built-in one as it is)."""
        shown = self._assistant
        if shown is None or shown.built_in:
            return shown
        thinking = self.thinking_combo.currentData()
        budget = self.budget_spin.value()
        model = self.model_combo.currentText().strip()
        if model and not accepts_temperature(model):
            temperature = shown.temperature  # its row is hidden: kept as it was
        else:
            value = round(self.temperature_spin.value(), 1)
            temperature = None if value < 0 else value
        return replace(
            shown,
            name=self.name_edit.text().strip(),
            description=self.description_edit.text().strip(),
            system_prompt=self.prompt_edit.toPlainText(),
            model=model or None,
            thinking=thinking if thinking in THINKING_CHOICES else None,
            max_tokens=budget or None,
            web_search=self.web_search_combo.currentData(),
            temperature=temperature,
        )

    def _show_temperature_row(self) -> None:
        """The temperature only where the model (if the assistant names one) takes one."""
        model = self.model_combo.currentText().strip()
        self.fields.setRowVisible(self.temperature_spin, not model or accepts_temperature(model))

    def _on_field_edited(self, *_args: object) -> None:
        if self._filling:
            return
        self._show_temperature_row()
        edited = self.assistant()
        if edited is not None and not edited.built_in:
            self._assistant = edited
            self.assistant_edited.emit(edited)
