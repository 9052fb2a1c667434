"""The bar above the chat: endpoint, model (with capabilities), thinking, usage.

The thinking control follows the model's :class:`~kimi_desktop.domain.ThinkingMode`:
a toggle where thinking can be switched, a label where it is always on, an effort
picker for a model that takes an effort, nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QLocale, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

from kimi_desktop.domain import ModelInfo, ThinkingMode
from kimi_desktop.i18n import _
from kimi_desktop.services.choices import ModelChoice
from kimi_desktop.settings.known_models import (
    is_legacy,
    known_model,
    merge_model_info,
    thinking_mode,
)
from kimi_desktop.ui.plain_text import plain_tooltip

#: The picker item's mark, drawn after its id: "(legacy)", "(not offered by this endpoint)".
MarkRole = Qt.ItemDataRole.UserRole + 1


def capability_text(model: ModelInfo) -> str:
    """ "vision · video · reasoning · 256K": what a person wants to know when picking."""
    parts = []
    if model.supports_images:
        # TRANSLATORS: a model capability, listed beside the model picker: it can see images.
        parts.append(_("vision"))
    if model.supports_video:
        # TRANSLATORS: a model capability, listed beside the model picker: it can watch videos.
        parts.append(_("video"))
    parts.append(_reasoning_text(thinking_mode(model)))
    if model.context_length and model.context_length >= 1024:
        parts.append(_context_text(model.context_length))
    return " · ".join(p for p in parts if p)


def _reasoning_text(mode: ThinkingMode) -> str:
    if mode is ThinkingMode.ALWAYS:
        # TRANSLATORS: a model capability beside the model picker: it always thinks first.
        return _("reasoning, always on")
    if mode is ThinkingMode.EFFORT:
        # TRANSLATORS: a model capability beside the model picker: how much it thinks is chosen.
        return _("reasoning effort")
    if mode in (ThinkingMode.SWITCHABLE, ThinkingMode.UNKNOWN):
        # TRANSLATORS: a model capability, listed beside the model picker: it can think first.
        return _("reasoning")
    return ""


def _context_text(tokens: int) -> str:
    """The context window in thousands ("256K") or millions ("1M") of tokens,
    digits as the window shows them."""
    number = QLocale()
    number.setNumberOptions(number.numberOptions() | QLocale.NumberOption.OmitGroupSeparator)
    mega, rest = divmod(tokens, 1024 * 1024)
    if mega and not rest:
        return f"{number.toString(mega)}M"
    return f"{number.toString(tokens // 1024)}K"


class MarkedItemDelegate(QStyledItemDelegate):
    """Draws a picker item's mark (:data:`MarkRole`) after its text.

    The item's text stays the bare model id, so the editable picker shows and
    sends the id itself.
    """

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        mark = index.data(MarkRole)
        if mark:
            option.text = f"{option.text} {mark}"


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
    """Endpoint picker, model picker (typed ids allowed), thinking control, totals.

    :meth:`choice` is the model, thinking switch and effort a request should use.

    Signals:
        endpoint_chosen(str endpoint_id)
        model_chosen(str model_id)
        thinking_toggled(bool)
        web_search_toggled(bool): the person switched web search for this conversation.
        refresh_models_requested()
        settings_requested()
        system_prompt_requested()
    """

    endpoint_chosen = Signal(str)
    model_chosen = Signal(str)
    thinking_toggled = Signal(bool)
    web_search_toggled = Signal(bool)
    refresh_models_requested = Signal()
    settings_requested = Signal()
    system_prompt_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        self._models: dict[str, ModelInfo] = {}
        self._updating = False
        self._updating_search = False
        self._mode = ThinkingMode.SWITCHABLE
        self._list_note = ""  # why the built-in models stand in ("": the endpoint's own)

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
        self.model_picker.setItemDelegate(MarkedItemDelegate(self.model_picker))
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

        self.web_search_toggle = QToolButton(self)
        self.web_search_toggle.setObjectName("webSearchToggle")
        # TRANSLATORS: a toggle button: whether the model may search the web before answering.
        self.web_search_toggle.setText(_("Web search"))
        self.web_search_toggle.setCheckable(True)
        self.web_search_toggle.setToolTip(
            _(
                "Let Kimi search the web before answering, in this conversation. "
                "Each search is billed by the provider."
            )
        )
        self.web_search_toggle.setAccessibleName(_("Web search"))
        self.web_search_toggle.setVisible(False)
        self.web_search_toggle.toggled.connect(self._on_web_search_toggled)

        # TRANSLATORS: shown instead of the Thinking toggle for a model that always thinks.
        self.thinking_label = QLabel(_("Thinking (always on)"), self)
        self.thinking_label.setObjectName("thinkingAlwaysOn")
        self.thinking_label.setToolTip(
            _("This model always reasons before answering; it cannot be switched off.")
        )
        self.thinking_label.setAccessibleName(_("Thinking (always on)"))

        self.effort_picker = QComboBox(self)
        self.effort_picker.setObjectName("effortPicker")
        self.effort_picker.setAccessibleName(_("Reasoning effort"))
        self.effort_picker.setToolTip(
            _("How much the model reasons before answering; Default leaves it to the server")
        )
        self.effort_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for effort, title in (
            # TRANSLATORS: a reasoning effort level; Default leaves it to the server.
            (None, _("Effort: Default")),
            # TRANSLATORS: a reasoning effort level (kimi-k3's "low").
            ("low", _("Effort: Low")),
            # TRANSLATORS: a reasoning effort level (kimi-k3's "high").
            ("high", _("Effort: High")),
            # TRANSLATORS: a reasoning effort level (kimi-k3's "max").
            ("max", _("Effort: Max")),
        ):
            self.effort_picker.addItem(title, effort)

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
        layout.addWidget(self.thinking_label)
        layout.addWidget(self.effort_picker)
        layout.addWidget(self.web_search_toggle)
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

    def set_models(self, models: Sequence[ModelInfo], current: str | None, note: str = "") -> None:
        """The models of the active endpoint; ``current`` stays even if not listed.

        ``note`` is "" when ``models`` is the endpoint's own list (then a
        ``current`` it lacks is marked as not offered by it), else the sentence
        saying why the built-in models stand in, for the picker's tooltip.
        """
        self._updating = True
        self._models = {m.id: m for m in models}
        self._list_note = note
        self.model_picker.clear()
        for model in models:
            self._add_model(model.id, self.model_info(model.id), offered=True)
        if current and self.model_picker.findData(current) < 0:
            self._add_model(current, self.model_info(current), offered=bool(note))
        self.model_picker.setCurrentIndex(max(self.model_picker.findData(current), 0))
        self._updating = False
        self._show_capabilities()

    def _add_model(self, model_id: str, model: ModelInfo | None, *, offered: bool) -> None:
        picker = self.model_picker
        picker.addItem(model_id, model_id)
        row = picker.count() - 1
        marks = []
        if is_legacy(model_id):
            # TRANSLATORS: after a model id in the picker: Moonshot has retired the model.
            marks.append(_("(legacy)"))
        if not offered:
            # TRANSLATORS: after a model id in the picker: the open conversation used it.
            marks.append(_("(not offered by this endpoint)"))
        picker.setItemData(row, " ".join(marks), MarkRole)
        lines = [capability_text(model) if model else ""]
        lines += self._model_notes(model_id, model, offered=offered)
        text = "\n".join(line for line in lines if line) or model_id
        # Model ids and capabilities come from the provider: shown as the characters they are.
        picker.setItemData(row, plain_tooltip(text), Qt.ItemDataRole.ToolTipRole)

    def _model_notes(self, model_id: str, model: ModelInfo | None, *, offered: bool) -> list[str]:
        """Sentences about a model beyond its capabilities, for tooltips."""
        notes = []
        if is_legacy(model_id):
            notes.append(_("Moonshot has retired this model; pick a current one for new chats."))
        if not offered:
            notes.append(_("This endpoint does not list this model."))
        if model is not None and thinking_mode(model) is ThinkingMode.UNKNOWN:
            notes.append(_("The server decides whether this model reasons before answering."))
        return notes

    def set_balance(self, text: str) -> None:
        """Show the account's remaining balance ("Balance ¥49.58"); "" hides it."""
        self.credits_label.setText(text)
        self.credits_label.setVisible(bool(text))

    def current_model(self) -> str:
        return self.model_picker.currentText().strip()

    def model_info(self, model_id: str) -> ModelInfo | None:
        """What the endpoint said about the model, its gaps filled from the known-model
        table; for a model it did not list, what the table says."""
        listed = self._models.get(model_id)
        return known_model(model_id) if listed is None else merge_model_info(listed)

    def set_thinking(self, enabled: bool) -> None:
        self.thinking_toggle.setChecked(enabled)

    def thinking(self) -> bool | None:
        """The toggle for a model whose thinking can be switched; ``True`` for one
        that always thinks; ``None`` (the server's default) otherwise."""
        if self._mode is ThinkingMode.SWITCHABLE:
            return self.thinking_toggle.isChecked()
        return True if self._mode is ThinkingMode.ALWAYS else None

    def set_effort(self, effort: str | None) -> None:
        """Pick an effort level ("low", "high", "max"; ``None``: the server's default)."""
        self.effort_picker.setCurrentIndex(max(self.effort_picker.findData(effort), 0))

    def effort(self) -> str | None:
        """The effort picked for a model that takes one, else ``None``."""
        if self._mode is not ThinkingMode.EFFORT:
            return None
        effort = self.effort_picker.currentData()
        return effort if isinstance(effort, str) else None

    def choice(self) -> ModelChoice:
        """The model, thinking switch and effort a request should use."""
        return ModelChoice(self.current_model(), self.thinking(), self.effort())

    def set_web_search(self, *, available: bool, on: bool) -> None:
        """Show the web-search toggle where the endpoint offers Kimi's search, set to ``on``."""
        self._updating_search = True
        try:
            self.web_search_toggle.setChecked(available and on)
        finally:
            self._updating_search = False
        self.web_search_toggle.setVisible(available)

    def _on_web_search_toggled(self, on: bool) -> None:
        if not self._updating_search:
            self.web_search_toggled.emit(on)

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
        model_id = self.current_model()
        model = self.model_info(model_id)
        self._mode = thinking_mode(model) if model else ThinkingMode.NONE
        self.capabilities.setText(capability_text(model) if model else "")
        self.thinking_toggle.setVisible(self._mode is ThinkingMode.SWITCHABLE)
        self.thinking_label.setVisible(self._mode is ThinkingMode.ALWAYS)
        self.effort_picker.setVisible(self._mode is ThinkingMode.EFFORT)
        offered = bool(self._list_note) or model_id in self._models or not model_id
        lines = [
            _("Model — pick one, or type a model id"),
            self._list_note,
            *self._model_notes(model_id, model, offered=offered),
        ]
        self.model_picker.setToolTip(plain_tooltip("\n".join(line for line in lines if line)))
