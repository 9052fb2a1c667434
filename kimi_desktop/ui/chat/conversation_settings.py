"""``ConversationSettingsDialog``: what one conversation asks of the model, in one place.

The instructions (system prompt) the model gets before the conversation, and the
output budget: the most tokens one reply may take, thinking included. The
budget's lowest step reads "Default (32,768)" and means no setting of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import _
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS, MIN_MAX_TOKENS
from kimi_desktop.services.presenter import ConversationSettings

#: The budget box moves in steps of this many tokens.
BUDGET_STEP = 4_096


class ConversationSettingsDialog(QDialog):
    """Edits a conversation's instructions and output budget.

    Signals:
        settings_chosen(str system_prompt, object max_tokens): OK was pressed;
            ``max_tokens`` is an int, or ``None`` for the default budget.
    """

    settings_chosen = Signal(str, object)

    def __init__(self, settings: ConversationSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationSettingsDialog")
        self.setWindowTitle(_("Conversation settings"))
        self.setAccessibleName(self.windowTitle())

        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setObjectName("systemPromptEdit")
        self.system_prompt.setPlainText(settings.system_prompt)
        self.system_prompt.setPlaceholderText(
            _("Instructions the model gets before this conversation (empty for none)")
        )
        self.system_prompt.setAccessibleName(_("Instructions"))
        self.system_prompt.setTabChangesFocus(True)

        locale = QLocale()
        self.budget = QSpinBox(self)
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

        form = QFormLayout()
        form.addRow(_("Instructions (system prompt):"), self.system_prompt)
        form.addRow(_("Output budget (tokens):"), self.budget)
        form.addRow("", hint)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(520, 360)

    def max_tokens(self) -> int | None:
        """The budget chosen: ``None`` for the default, else at least the smallest allowed."""
        value = self.budget.value()
        return None if value == self.budget.minimum() else max(MIN_MAX_TOKENS, value)

    def accept(self) -> None:
        self.settings_chosen.emit(self.system_prompt.toPlainText(), self.max_tokens())
        super().accept()
