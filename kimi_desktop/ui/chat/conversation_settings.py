"""``ConversationSettingsDialog``: what one conversation asks of the model, in one place.

The instructions (system prompt) the model gets before the conversation; the
output budget: the most tokens one reply may take, thinking included; thinking
(a switch, an effort level, or a line saying the model decides); web search
where the endpoint runs it; and a temperature where the model takes one (the
K2.5 family takes none but its own, so the row is not shown for it). The
budget's lowest step reads "Default (32,768)" and the temperature's "Model's
default": no setting of the conversation's own.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.domain import REASONING_EFFORTS, ThinkingMode
from kimi_desktop.i18n import _
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS, MIN_MAX_TOKENS
from kimi_desktop.services.presenter import ConversationSettings
from kimi_desktop.ui.spin_boxes import indented

#: The budget box moves in steps of this many tokens.
BUDGET_STEP = 4_096
#: The temperature box moves in steps of this much, from 0 to 1 (Moonshot's range).
TEMPERATURE_STEP = 0.1
#: The temperature box's value that stands for "the model's own".
NO_TEMPERATURE = -TEMPERATURE_STEP


def effort_titles() -> dict[str | None, str]:
    """The effort levels as the picker names them (``None``: the server's default)."""
    return {
        # TRANSLATORS: a reasoning effort level; Default leaves it to the server.
        None: _("Default"),
        # TRANSLATORS: a reasoning effort level (kimi-k3's "low").
        "low": _("Low"),
        # TRANSLATORS: a reasoning effort level (kimi-k3's "high").
        "high": _("High"),
        # TRANSLATORS: a reasoning effort level (kimi-k3's "max").
        "max": _("Max"),
    }


class ConversationSettingsDialog(QDialog):
    """Edits a conversation's instructions, budget, thinking, web search and temperature.

    Signals:
        conversation_settings_chosen(ConversationSettings): OK was pressed; every
            field as the dialog leaves it (unchanged ones as they came in).
        settings_chosen(str system_prompt, object max_tokens): OK was pressed;
            ``max_tokens`` is an int, or ``None`` for the default budget (the
            instructions and budget alone, for a caller that applies only those).
    """

    conversation_settings_chosen = Signal(object)
    settings_chosen = Signal(str, object)

    def __init__(self, settings: ConversationSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setObjectName("conversationSettingsDialog")
        self.setWindowTitle(_("Conversation settings"))
        self.setAccessibleName(self.windowTitle())
        self.form = QFormLayout()
        self._add_instructions(settings)
        self._add_budget(settings)
        self._add_thinking(settings)
        self._add_web_search(settings)
        self._add_temperature(settings)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(560, 460)

    # -- the rows ----------------------------------------------------------------

    def _add_instructions(self, settings: ConversationSettings) -> None:
        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setObjectName("systemPromptEdit")
        self.system_prompt.setPlainText(settings.system_prompt)
        self.system_prompt.setPlaceholderText(
            _("Instructions the model gets before this conversation (empty for none)")
        )
        self.system_prompt.setAccessibleName(_("Instructions"))
        self.system_prompt.setTabChangesFocus(True)
        self.form.addRow(_("Instructions (system prompt)"), self.system_prompt)

    def _add_budget(self, settings: ConversationSettings) -> None:
        locale = QLocale()
        self.budget = indented(QSpinBox(self))
        self.budget.setObjectName("outputBudgetSpin")
        # The lowest value stands for "no setting of its own": the default budget.
        self.budget.setRange(0, max(MIN_MAX_TOKENS, settings.budget_limit))
        self.budget.setSingleStep(BUDGET_STEP)
        self.budget.setGroupSeparatorShown(True)
        self.budget.setSpecialValueText(
            # TRANSLATORS: the output budget box's value when the conversation sets none;
            # {tokens} is a number like "32,768".
            _("Default ({tokens})").format(tokens=locale.toString(DEFAULT_MAX_TOKENS))
        )
        self.budget.setValue(settings.max_tokens or 0)
        self.budget.setAccessibleName(_("Output budget in tokens"))
        self.budget.setToolTip(
            _(
                "The most one reply may take, thinking included, in tokens (at most {limit})."
            ).format(limit=locale.toString(settings.budget_limit))
        )
        hint = QLabel(
            _(
                "Thinking uses the budget first. A reply that runs out can be continued, "
                "or asked again with a larger budget."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setObjectName("outputBudgetHint")
        self.form.addRow(_("Output budget (tokens)"), self.budget)
        # An empty label, not "": a row without one keeps the hint's unwrapped height
        # (see the WORKAROUND in ui/settings/endpoint_form.py).
        self.form.addRow(QLabel(self), hint)

    def _add_thinking(self, settings: ConversationSettings) -> None:
        """A switch, an effort picker or a sentence, as the model allows; nothing for
        a model that does not reason."""
        mode = settings.thinking_mode
        self.thinking_check = QCheckBox(_("Think before answering"), self)
        self.thinking_check.setObjectName("thinkingCheck")
        self.thinking_check.setChecked(settings.thinking is not False)
        self.thinking_check.setToolTip(
            _("The model reasons first: slower, and better at hard questions.")
        )
        self.effort_combo = QComboBox(self)
        self.effort_combo.setObjectName("effortCombo")
        self.effort_combo.setAccessibleName(_("Reasoning effort"))
        for effort in (None, *REASONING_EFFORTS):
            self.effort_combo.addItem(effort_titles()[effort], effort)
        self.effort_combo.setCurrentIndex(max(self.effort_combo.findData(settings.effort), 0))
        self.thinking_note = QLabel(self)
        self.thinking_note.setObjectName("thinkingNote")
        self.thinking_note.setWordWrap(True)
        if mode is ThinkingMode.ALWAYS:
            self.thinking_note.setText(_("Always on for this model."))
        elif mode is ThinkingMode.UNKNOWN:
            self.thinking_note.setText(_("The server decides whether this model thinks first."))
        shown = {
            ThinkingMode.SWITCHABLE: self.thinking_check,
            ThinkingMode.EFFORT: self.effort_combo,
            ThinkingMode.ALWAYS: self.thinking_note,
            ThinkingMode.UNKNOWN: self.thinking_note,
        }.get(mode)
        for widget in (self.thinking_check, self.effort_combo, self.thinking_note):
            widget.setVisible(widget is shown)
        if shown is not None:
            # TRANSLATORS: a row of the conversation's settings: how the model reasons.
            self.form.addRow(_("Thinking"), shown)

    def _add_web_search(self, settings: ConversationSettings) -> None:
        self.web_search_check = QCheckBox(_("Let Kimi search the web"), self)
        self.web_search_check.setObjectName("webSearchCheck")
        self.web_search_check.setChecked(settings.web_search)
        self.web_search_check.setToolTip(
            _("Kimi may look things up before answering; each search has a small price.")
        )
        self.web_search_check.setVisible(settings.web_search_available)
        if settings.web_search_available:
            # TRANSLATORS: a row of the conversation's settings.
            self.form.addRow(_("Web search"), self.web_search_check)

    def _add_temperature(self, settings: ConversationSettings) -> None:
        self.temperature = indented(QDoubleSpinBox(self))
        self.temperature.setObjectName("temperatureSpin")
        self.temperature.setDecimals(1)
        # The lowest value stands for "no setting of its own": the model's default.
        self.temperature.setRange(NO_TEMPERATURE, 1.0)
        self.temperature.setSingleStep(TEMPERATURE_STEP)
        # TRANSLATORS: the temperature box's value when the conversation sets none.
        self.temperature.setSpecialValueText(_("Model's default"))
        wanted = settings.temperature
        self.temperature.setValue(NO_TEMPERATURE if wanted is None else wanted)
        self.temperature.setAccessibleName(_("Temperature"))
        self.temperature.setToolTip(
            _(
                "From 0 to 1: lower gives focused, repeatable answers, higher more varied "
                "ones. Kimi K2.5 and later use their own and do not show this."
            )
        )
        # Hidden, not only disabled: the K2.5 family refuses any temperature but its own.
        self.temperature.setVisible(settings.temperature_accepted)
        if settings.temperature_accepted:
            self.form.addRow(_("Temperature"), self.temperature)

    # -- what was chosen -----------------------------------------------------------

    def max_tokens(self) -> int | None:
        """The budget chosen: ``None`` for the default, else at least the smallest allowed."""
        value = self.budget.value()
        return None if value == self.budget.minimum() else max(MIN_MAX_TOKENS, value)

    def chosen_temperature(self) -> float | None:
        """The temperature chosen (``None``: the model's own); unchanged where not shown."""
        if not self._settings.temperature_accepted:
            return self._settings.temperature
        value = round(self.temperature.value(), 1)
        return None if value < 0 else value

    def chosen_settings(self) -> ConversationSettings:
        """Every setting as the dialog leaves it; rows not shown keep what came in."""
        settings = self._settings
        mode = settings.thinking_mode
        thinking, effort = settings.thinking, settings.effort
        if mode is ThinkingMode.SWITCHABLE:
            thinking = self.thinking_check.isChecked()
        elif mode is ThinkingMode.EFFORT:
            chosen = self.effort_combo.currentData()
            effort = chosen if isinstance(chosen, str) else None
        web_search = settings.web_search
        if settings.web_search_available:
            web_search = self.web_search_check.isChecked()
        return replace(
            settings,
            system_prompt=self.system_prompt.toPlainText(),
            max_tokens=self.max_tokens(),
            thinking=thinking,
            effort=effort,
            web_search=web_search,
            temperature=self.chosen_temperature(),
        )

    def accept(self) -> None:
        chosen = self.chosen_settings()
        self.conversation_settings_chosen.emit(chosen)
        self.settings_chosen.emit(chosen.system_prompt, chosen.max_tokens)
        super().accept()
