"""The bar above the chat: endpoint, model, thinking, web search, instructions, usage.

The thinking control follows the model's :class:`~kimi_desktop.domain.ThinkingMode`:
a toggle where thinking can be switched, a label where it is always on, an effort
picker for a model that takes an effort, nothing otherwise.

The bar fits any width without cutting a word (:mod:`.bar_fit`): the pickers
show their whole text, then the toggles keep their names, and what no longer fits
goes compact — a toggle keeps its icon, the model's capabilities, the usage
totals, the balance and the refresh button move into the "more" menu, and the
pickers elide with "…" only at the narrowest.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from kimi_desktop.domain import ModelInfo, ThinkingMode
from kimi_desktop.i18n import _
from kimi_desktop.services.choices import ModelChoice
from kimi_desktop.settings.known_models import known_model, merge_model_info, thinking_mode
from kimi_desktop.ui.icons import set_icon
from kimi_desktop.ui.plain_text import plain_tooltip
from kimi_desktop.ui.shell.bar_fit import (
    BarButton,
    Part,
    button_part,
    choose_forms,
    fixed_part,
    optional_part,
    picker_part,
    width_needed,
)
from kimi_desktop.ui.shell.elided import ElidedLabel, ElidingComboBox, ShortTextRole
from kimi_desktop.ui.shell.model_picker import (
    MarkRole,
    ModelItemDelegate,
    ModelPicker,
    PriceLookup,
    capability_text,
    model_notes,
)
from kimi_desktop.ui.shell.more_menu import MoreButton

__all__ = ["ElidedLabel", "InfoLabel", "MarkRole", "TopBar", "capability_text"]

#: The older name of the picker's delegate.
MarkedItemDelegate = ModelItemDelegate

_MARGINS = (8, 6, 8, 6)
_SPACING = 6
_ICON = 16
#: A checked toggle's icon: the text colour on the accent background.
_ON_ACCENT = QPalette.ColorRole.HighlightedText


class InfoLabel(ElidedLabel):
    """A label of the bar whose text others set; says when it changes, so the bar
    can find it room or move it into the "more" menu.

    Signals:
        text_changed(str)
    """

    text_changed = Signal(str)

    def setText(self, text: str) -> None:
        if text != self.text():
            super().setText(text)
            self.text_changed.emit(text)


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
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._models: dict[str, ModelInfo] = {}
        self._updating = False
        self._updating_search = False
        self._fitting = False
        self._mode = ThinkingMode.SWITCHABLE
        self._search_available = False
        self._list_note = ""  # why the built-in models stand in ("": the endpoint's own)
        self._prices: PriceLookup = lambda _model_id: None
        self._overflowing: list[str] = []  # the parts now in the "more" menu
        self._narrowest = 0  # the width every part needs compact, as last fitted

        self.endpoint_picker = ElidingComboBox(self, min_chars=6, max_width=240)
        self.endpoint_picker.setObjectName("endpointPicker")
        self.endpoint_picker.setAccessibleName(_("Endpoint"))
        self.endpoint_picker.setToolTip(_("Which provider endpoint to talk to"))
        self.endpoint_picker.activated.connect(self._on_endpoint_activated)
        self.endpoint_picker.currentIndexChanged.connect(self._on_endpoint_shown)

        self.model_picker = ModelPicker(self)
        self.model_picker.setObjectName("modelPicker")
        self.model_picker.setAccessibleName(_("Model"))
        self.model_picker.setToolTip(_("Model — pick one, or type a model id"))
        self.model_picker.activated.connect(self._on_model_activated)
        typed = self.model_picker.lineEdit()
        assert typed is not None  # the picker is editable
        typed.editingFinished.connect(self._on_model_typed)

        self.refresh_button = self._tool_button("refreshModelsButton", "refresh-cw")
        self.refresh_button.setToolTip(_("Refresh the model list from the endpoint"))
        self.refresh_button.setAccessibleName(_("Refresh models"))
        self.refresh_button.clicked.connect(self.refresh_models_requested)

        self.capabilities = InfoLabel(self)
        self.capabilities.setObjectName("modelCapabilities")
        self.capabilities.setAccessibleName(_("Model capabilities"))

        self.thinking_toggle = self._tool_button("thinkingToggle", "brain", checked_role=_ON_ACCENT)
        # TRANSLATORS: a toggle button: whether the model reasons (thinks) before answering.
        self.thinking_toggle.setText(_("Thinking"))
        self.thinking_toggle.setChecked(True)
        self.thinking_toggle.setToolTip(_("Let the model reason before answering"))
        # TRANSLATORS: a toggle button: whether the model reasons (thinks) before answering.
        self.thinking_toggle.setAccessibleName(_("Thinking"))
        self.thinking_toggle.toggled.connect(self.thinking_toggled)

        self.web_search_toggle = self._tool_button(
            "webSearchToggle", "globe", checked_role=_ON_ACCENT
        )
        # TRANSLATORS: a toggle button: whether the model may search the web before answering.
        self.web_search_toggle.setText(_("Web search"))
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

        self.effort_picker = ElidingComboBox(self, min_chars=4, max_width=200)
        self.effort_picker.setObjectName("effortPicker")
        self.effort_picker.setAccessibleName(_("Reasoning effort"))
        self.effort_picker.setToolTip(
            _("How much the model reasons before answering; Default leaves it to the server")
        )
        # Each level also by its short name, shown alone when the bar is short of room.
        for effort, title, short in (
            # TRANSLATORS: a reasoning effort level; Default leaves it to the server.
            (None, _("Effort: Default"), _("Default")),
            # TRANSLATORS: a reasoning effort level (kimi-k3's "low").
            ("low", _("Effort: Low"), _("Low")),
            # TRANSLATORS: a reasoning effort level (kimi-k3's "high").
            ("high", _("Effort: High"), _("High")),
            # TRANSLATORS: a reasoning effort level (kimi-k3's "max").
            ("max", _("Effort: Max"), _("Max")),
        ):
            self.effort_picker.addItem(title, effort)
            self.effort_picker.setItemData(self.effort_picker.count() - 1, short, ShortTextRole)
        self.effort_picker.currentIndexChanged.connect(lambda _index: self._fit())

        self.usage_label = InfoLabel(self)
        self.usage_label.setObjectName("usageLabel")
        self.usage_label.setAccessibleName(_("Conversation usage"))
        self.usage_label.setToolTip(_("Tokens used in this conversation"))
        self.credits_label = InfoLabel(self)
        self.credits_label.setObjectName("creditsLabel")
        self.credits_label.setAccessibleName(_("Remaining balance"))
        self.credits_label.setToolTip(_("What the provider reports as left on this account"))
        for label in (self.capabilities, self.usage_label, self.credits_label):
            label.text_changed.connect(lambda _text: self._fit())

        self.system_prompt_button = self._tool_button(
            "systemPromptButton", "scroll-text", checked_role=QPalette.ColorRole.Highlight
        )
        # TRANSLATORS: a button that opens the conversation's system prompt.
        self.system_prompt_button.setText(_("Instructions"))
        self.system_prompt_button.setToolTip(_("The system prompt for this conversation"))
        self.system_prompt_button.setAccessibleName(_("Conversation instructions"))
        self.system_prompt_button.clicked.connect(self._on_system_prompt_clicked)

        self.more_button = MoreButton(self)
        self.more_button.refresh_requested.connect(self.refresh_models_requested)
        self.more_button.instructions_requested.connect(self.system_prompt_requested)
        self.more_menu = self.more_button.menu()

        self.settings_button = self._tool_button("settingsButton", "settings")
        self.settings_button.setToolTip(_("Settings (Ctrl+,)"))
        self.settings_button.setAccessibleName(_("Settings"))
        self.settings_button.clicked.connect(self.settings_requested)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(*_MARGINS)
        layout.setSpacing(_SPACING)
        # The bar sets its parts' forms itself (see _fit): its children's full
        # widths must never become the window's minimum.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        for widget in (
            self.endpoint_picker,
            self.model_picker,
            self.refresh_button,
            self.capabilities,
            self.thinking_toggle,
            self.thinking_label,
            self.effort_picker,
            self.web_search_toggle,
            self.system_prompt_button,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        for widget in (self.usage_label, self.credits_label, self.more_button):
            layout.addWidget(widget)
        layout.addWidget(self.settings_button)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._fit()

    def _tool_button(
        self, name: str, icon: str, *, checked_role: QPalette.ColorRole | None = None
    ) -> QToolButton:
        """A flat icon button; ``checked_role`` makes it a toggle whose icon takes that
        colour while checked."""
        button = BarButton(self)
        button.setObjectName(name)
        button.setCheckable(checked_role is not None)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        set_icon(button, icon, size=_ICON, checked_role=checked_role)
        return button

    # -- filling -----------------------------------------------------------------

    def set_endpoints(self, endpoints: Sequence[tuple[str, str]], active: str | None) -> None:
        """``(id, name)`` pairs; selects ``active``."""
        self._updating = True
        self.endpoint_picker.clear()
        for endpoint_id, name in endpoints:
            self.endpoint_picker.addItem(name, endpoint_id)
            # The name may be cut on the closed picker; its tooltip has it whole.
            self.endpoint_picker.setItemData(
                self.endpoint_picker.count() - 1, plain_tooltip(name), Qt.ItemDataRole.ToolTipRole
            )
        index = self.endpoint_picker.findData(active)
        self.endpoint_picker.setCurrentIndex(max(index, 0))
        self._updating = False
        self._fit()

    def set_price_lookup(self, prices: PriceLookup) -> None:
        """How to find a model's prices on the active endpoint (``None``: none known),
        for the picker's list; used from the next :meth:`set_models`."""
        self._prices = prices

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
            self.model_picker.add_model(
                model.id, self.model_info(model.id), offered=True, prices=self._prices(model.id)
            )
        if current and self.model_picker.findData(current) < 0:
            self.model_picker.add_model(
                current, self.model_info(current), offered=bool(note), prices=self._prices(current)
            )
        self.model_picker.setCurrentIndex(max(self.model_picker.findData(current), 0))
        self._updating = False
        self._show_capabilities()

    def set_balance(self, text: str) -> None:
        """Show the account's remaining balance ("Balance ¥49.58"); "" hides it."""
        self.credits_label.setText(text)

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
        self._search_available = available
        self._fit()

    def _on_web_search_toggled(self, on: bool) -> None:
        if not self._updating_search:
            self.web_search_toggled.emit(on)

    def set_has_system_prompt(self, has_prompt: bool) -> None:
        """The Instructions button looks pressed while the conversation has some."""
        self.system_prompt_button.setChecked(has_prompt)

    def overflowing(self) -> list[str]:
        """The parts the bar has no room for, now in its "more" menu, by name
        ("capabilities", "usage", "balance", "refresh", "thinking")."""
        return list(self._overflowing)

    # -- fitting the width -------------------------------------------------------

    def sizeHint(self) -> QSize:
        """Room for every part in full."""
        return QSize(self._needed(full=True), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        """Room for every part compact: the pickers elided, the rest icons or in the menu."""
        return QSize(self._needed(full=False), super().minimumSizeHint().height())

    def _needed(self, *, full: bool) -> int:
        left, _top, right, _bottom = _MARGINS
        parts = self._parts()
        return left + right + width_needed(parts, _SPACING, full=full)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit()

    def _parts(self) -> list[Part]:
        """The parts in the order their full form matters; the relevant ones only."""
        mode = self._mode
        parts = [
            picker_part("model", self.model_picker),
            picker_part("endpoint", self.endpoint_picker),
        ]
        if mode is ThinkingMode.SWITCHABLE:
            parts.append(button_part("thinking", self.thinking_toggle))
        elif mode is ThinkingMode.ALWAYS:
            parts.append(optional_part("thinking", self.thinking_label))
        elif mode is ThinkingMode.EFFORT:
            parts.append(picker_part("effort", self.effort_picker))
        if self._search_available:
            parts.append(button_part("web search", self.web_search_toggle))
        parts += [
            optional_part("refresh", self.refresh_button),
            self._instructions_part(),
        ]
        for name, label in (
            ("usage", self.usage_label),
            ("balance", self.credits_label),
            ("capabilities", self.capabilities),
        ):
            if label.text():
                parts.append(optional_part(name, label))
        parts.append(fixed_part("settings", self.settings_button))
        if any(part.compact == 0 for part in parts):
            parts.append(fixed_part("more", self.more_button))
        return parts

    def _instructions_part(self) -> Part:
        """The Instructions button with its name, or (short of room) in the menu."""
        button = self.system_prompt_button
        full = button_part("instructions", button)

        def show(on: bool) -> None:
            full.show(True)
            button.setVisible(on)

        return Part("instructions", 0, full.full, show)

    def _fit(self) -> None:
        """Give each part the form that fits the bar's width now."""
        if self._fitting:
            return
        self._fitting = True
        try:
            self._apply_forms()
        finally:
            self._fitting = False

    def _apply_forms(self) -> None:
        mode = self._mode
        relevant = {
            self.thinking_toggle: mode is ThinkingMode.SWITCHABLE,
            self.thinking_label: mode is ThinkingMode.ALWAYS,
            self.effort_picker: mode is ThinkingMode.EFFORT,
            self.web_search_toggle: self._search_available,
            self.capabilities: bool(self.capabilities.text()),
            self.usage_label: bool(self.usage_label.text()),
            self.credits_label: bool(self.credits_label.text()),
        }
        for widget, shown in relevant.items():
            if not shown:
                widget.setVisible(False)
        layout = self.layout()
        assert isinstance(layout, QBoxLayout)
        left, _top, right, _bottom = _MARGINS
        room = self.width() - left - right
        parts = self._parts()
        forms = choose_forms(parts, room, _SPACING)
        for part in parts:
            part.show(forms[part.name])
        self._overflowing = [
            part.name for part in parts if part.compact == 0 and not forms[part.name]
        ]
        self.more_button.setVisible(bool(self._overflowing))
        self.more_button.set_contents(
            self._more_lines(),
            refresh="refresh" in self._overflowing,
            instructions=(
                self.system_prompt_button.isChecked()
                if "instructions" in self._overflowing
                else None
            ),
        )
        # At once, not when the posted layout request comes: a resize while the
        # bar is shown arrives after its layout ran.
        layout.activate()
        narrowest = left + right + width_needed(parts, _SPACING, full=False)
        if narrowest != self._narrowest:
            self._narrowest = narrowest
            self.updateGeometry()  # another model's controls: the window's minimum changes

    def _more_lines(self) -> list[str]:
        """What the "more" menu shows of the parts it holds, as lines of text."""
        lines = []
        for name, label in (
            ("capabilities", self.capabilities),
            ("thinking", self.thinking_label),
            ("usage", self.usage_label),
            ("balance", self.credits_label),
        ):
            if name in self._overflowing:
                text = label.text()
                if name == "capabilities":
                    # TRANSLATORS: in the top bar's "more" menu: a model id and what it can do.
                    text = _("{model}: {capabilities}").format(
                        model=self.current_model(), capabilities=text
                    )
                lines.append(text)
        return lines

    # -- slots -------------------------------------------------------------------

    def _on_system_prompt_clicked(self) -> None:
        # The checked look follows the conversation, not the click.
        self.system_prompt_button.setChecked(not self.system_prompt_button.isChecked())
        self.system_prompt_requested.emit()

    def _on_endpoint_activated(self, index: int) -> None:
        if not self._updating:
            self.endpoint_chosen.emit(self.endpoint_picker.itemData(index))

    def _on_endpoint_shown(self, _index: int) -> None:
        # The name whole, should the picker have to cut it.
        lines = (self.endpoint_picker.currentText(), _("Which provider endpoint to talk to"))
        self.endpoint_picker.setToolTip(plain_tooltip("\n".join(line for line in lines if line)))
        self._fit()

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
        capabilities = capability_text(model) if model else ""
        self.capabilities.setText(capabilities)
        offered = bool(self._list_note) or model_id in self._models or not model_id
        lines = [
            _("Model — pick one, or type a model id"),
            capabilities,
            self._list_note,
            *model_notes(model_id, model, offered=offered),
        ]
        self.model_picker.setToolTip(plain_tooltip("\n".join(line for line in lines if line)))
        self._fit()
