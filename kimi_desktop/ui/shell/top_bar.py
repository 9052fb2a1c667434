"""The bar above the chat: endpoint, model (with capabilities), thinking, usage."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QLocale, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from kimi_desktop.domain import ModelInfo
from kimi_desktop.i18n import _
from kimi_desktop.settings.known_models import known_model
from kimi_desktop.ui.plain_text import plain_tooltip

ModelRole = Qt.ItemDataRole.UserRole + 1


def capability_text(model: ModelInfo) -> str:
    """ "vision · reasoning · 256K": what a person wants to know when picking."""
    parts = []
    if model.supports_images:
        # TRANSLATORS: a model capability, listed beside the model picker: it can see images.
        parts.append(_("vision"))
    if model.supports_reasoning:
        # TRANSLATORS: a model capability, listed beside the model picker: it can think first.
        parts.append(_("reasoning"))
    if model.context_length:
        # The context window in thousands of tokens ("256K"), digits as the window shows them.
        thousands = QLocale()
        thousands.setNumberOptions(
            thousands.numberOptions() | QLocale.NumberOption.OmitGroupSeparator
        )
        kilo = thousands.toString(model.context_length // 1024)
        parts.append(f"{kilo}K" if model.context_length >= 1024 else "")
    return " · ".join(p for p in parts if p)


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" rather than widen the window.

    A plain QLabel asks for its whole text as its minimum width, so a growing
    token count pushed the sidebar narrower as a conversation went on.
    """

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(
            min(hint.width(), self.fontMetrics().horizontalAdvance("0" * 6)), hint.height()
        )

    def paintEvent(self, event) -> None:
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )


class TopBar(QWidget):
    """Endpoint picker, model picker (typed ids allowed), thinking toggle, totals.

    Signals:
        endpoint_chosen(str endpoint_id)
        model_chosen(str model_id)
        thinking_toggled(bool)
        refresh_models_requested()
        settings_requested()
        system_prompt_requested()
    """

    endpoint_chosen = Signal(str)
    model_chosen = Signal(str)
    thinking_toggled = Signal(bool)
    refresh_models_requested = Signal()
    settings_requested = Signal()
    system_prompt_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        self._models: dict[str, ModelInfo] = {}
        self._updating = False
        self._reasons = True

        self.endpoint_picker = QComboBox(self)
        self.endpoint_picker.setObjectName("endpointPicker")
        self.endpoint_picker.setAccessibleName(_("Endpoint"))
        self.endpoint_picker.setToolTip(_("Which provider endpoint to talk to"))
        self.endpoint_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.endpoint_picker.setMinimumContentsLength(14)
        self.endpoint_picker.activated.connect(self._on_endpoint_activated)

        self.model_picker = QComboBox(self)
        self.model_picker.setObjectName("modelPicker")
        self.model_picker.setAccessibleName(_("Model"))
        self.model_picker.setToolTip(_("Model — pick one, or type a model id"))
        self.model_picker.setEditable(True)
        self.model_picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_picker.setMinimumContentsLength(18)
        self.model_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_picker.activated.connect(self._on_model_activated)
        typed = self.model_picker.lineEdit()
        assert typed is not None  # the picker is editable
        typed.editingFinished.connect(self._on_model_typed)

        self.refresh_button = QToolButton(self)
        self.refresh_button.setText("⟳")
        self.refresh_button.setToolTip(_("Refresh the model list from the endpoint"))
        self.refresh_button.setAccessibleName(_("Refresh models"))
        self.refresh_button.clicked.connect(self.refresh_models_requested)

        self.capabilities = ElidedLabel(self)
        self.capabilities.setObjectName("modelCapabilities")
        self.capabilities.setAccessibleName(_("Model capabilities"))

        self.thinking_toggle = QToolButton(self)
        self.thinking_toggle.setObjectName("thinkingToggle")
        # TRANSLATORS: a toggle button: whether the model reasons (thinks) before answering.
        self.thinking_toggle.setText(_("Thinking"))
        self.thinking_toggle.setCheckable(True)
        self.thinking_toggle.setChecked(True)
        self.thinking_toggle.setToolTip(_("Let the model reason before answering"))
        # TRANSLATORS: a toggle button: whether the model reasons (thinks) before answering.
        self.thinking_toggle.setAccessibleName(_("Thinking"))
        self.thinking_toggle.toggled.connect(self.thinking_toggled)

        self.usage_label = ElidedLabel(self)
        self.usage_label.setObjectName("usageLabel")
        self.usage_label.setAccessibleName(_("Conversation usage"))
        self.usage_label.setToolTip(_("Tokens used in this conversation"))
        self.credits_label = ElidedLabel(self)
        self.credits_label.setObjectName("creditsLabel")
        self.credits_label.setAccessibleName(_("Remaining balance"))
        self.credits_label.setToolTip(_("What the provider reports as left on this account"))

        self.system_prompt_button = QToolButton(self)
        self.system_prompt_button.setObjectName("systemPromptButton")
        # TRANSLATORS: a button that opens the conversation's system prompt.
        self.system_prompt_button.setText(_("Instructions"))
        self.system_prompt_button.setCheckable(True)
        self.system_prompt_button.setToolTip(_("The system prompt for this conversation"))
        self.system_prompt_button.setAccessibleName(_("Conversation instructions"))
        self.system_prompt_button.clicked.connect(self._on_system_prompt_clicked)

        self.settings_button = QToolButton(self)
        self.settings_button.setText("⚙")
        self.settings_button.setToolTip(_("Settings (Ctrl+,)"))
        self.settings_button.setAccessibleName(_("Settings"))
        self.settings_button.clicked.connect(self.settings_requested)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.endpoint_picker)
        layout.addWidget(self.model_picker)
        layout.addWidget(self.refresh_button)
        layout.addWidget(self.capabilities)
        layout.addWidget(self.thinking_toggle)
        layout.addWidget(self.system_prompt_button)
        layout.addStretch(1)
        layout.addWidget(self.usage_label)
        layout.addWidget(self.credits_label)
        layout.addWidget(self.settings_button)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    # -- filling -----------------------------------------------------------------

    def set_endpoints(self, endpoints: Sequence[tuple[str, str]], active: str | None) -> None:
        """``(id, name)`` pairs; selects ``active``."""
        self._updating = True
        self.endpoint_picker.clear()
        for endpoint_id, name in endpoints:
            self.endpoint_picker.addItem(name, endpoint_id)
        index = self.endpoint_picker.findData(active)
        self.endpoint_picker.setCurrentIndex(max(index, 0))
        self._updating = False

    def set_models(self, models: Sequence[ModelInfo], current: str | None) -> None:
        """The models of the active endpoint; ``current`` stays even if not listed."""
        self._updating = True
        self._models = {m.id: m for m in models}
        self.model_picker.clear()
        for model in models:
            self.model_picker.addItem(model.id, model.id)
            row = self.model_picker.count() - 1
            caps = capability_text(model)
            tooltip = plain_tooltip(caps or model.id)  # model ids come from the provider
            self.model_picker.setItemData(row, tooltip, Qt.ItemDataRole.ToolTipRole)
        if current and self.model_picker.findData(current) < 0:
            self.model_picker.addItem(current, current)
        self.model_picker.setCurrentIndex(max(self.model_picker.findData(current), 0))
        self._updating = False
        self._show_capabilities()

    def set_balance(self, text: str) -> None:
        """Show the account's remaining balance ("Balance ¥49.58"); "" hides it."""
        self.credits_label.setText(text)
        self.credits_label.setVisible(bool(text))

    def current_model(self) -> str:
        return self.model_picker.currentText().strip()

    def model_info(self, model_id: str) -> ModelInfo | None:
        """What the endpoint said about the model, else what the known-model table says."""
        return self._models.get(model_id) or known_model(model_id)

    def set_thinking(self, enabled: bool) -> None:
        self.thinking_toggle.setChecked(enabled)

    def thinking(self) -> bool | None:
        """``None`` (server default) when the model does not reason."""
        return self.thinking_toggle.isChecked() if self._reasons else None

    def set_has_system_prompt(self, has_prompt: bool) -> None:
        """The Instructions button looks pressed while the conversation has some."""
        self.system_prompt_button.setChecked(has_prompt)

    # -- slots -------------------------------------------------------------------

    def _on_system_prompt_clicked(self) -> None:
        # The checked look follows the conversation, not the click.
        self.system_prompt_button.setChecked(not self.system_prompt_button.isChecked())
        self.system_prompt_requested.emit()

    def _on_endpoint_activated(self, index: int) -> None:
        if not self._updating:
            self.endpoint_chosen.emit(self.endpoint_picker.itemData(index))

    def _on_model_activated(self, index: int) -> None:
        if not self._updating:
            self._show_capabilities()
            self.model_chosen.emit(self.current_model())

    def _on_model_typed(self) -> None:
        if not self._updating and self.current_model():
            self._show_capabilities()
            self.model_chosen.emit(self.current_model())

    def _show_capabilities(self) -> None:
        model = self.model_info(self.current_model())
        self.capabilities.setText(capability_text(model) if model else "")
        # Only a model known to reason is sent "thinking"; others get the server's default.
        self._reasons = model is not None and bool(model.supports_reasoning)
        self.thinking_toggle.setVisible(self._reasons)
