"""The model picker: a typed or picked model id, and a list that says what each model
can do and what it costs.

Closed, the picker shows just the model id (what is sent). Open, each entry has
a second line: its capabilities (vision, video, reasoning, context) and, where
the endpoint is billed at known prices, the price of a million input and output
tokens.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from kimi_desktop.domain import ModelInfo, ThinkingMode
from kimi_desktop.i18n import _
from kimi_desktop.settings.known_models import is_legacy, thinking_mode
from kimi_desktop.settings.prices import Prices
from kimi_desktop.ui.plain_text import plain_tooltip
from kimi_desktop.ui.shell.elided import ElidingComboBox, ElidingLineEdit

#: The picker item's mark, drawn after its id: "(legacy)", "(not offered by this endpoint)".
MarkRole = Qt.ItemDataRole.UserRole + 1
#: The item's second line in the open list: capabilities and prices.
DetailRole = Qt.ItemDataRole.UserRole + 2

PriceLookup = Callable[[str], Prices | None]

_SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€"}
_PADDING_X, _PADDING_Y, _LINE_GAP = 10, 5, 1
_DETAIL_SCALE = 0.88


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


def _money(amount: float, currency: str) -> str:
    """ "$0.60", "¥4.00", "$0.155": two decimals unless the price has more."""
    decimals = 2 if round(amount, 2) == round(amount, 6) else 3
    locale = QLocale()
    locale.setNumberOptions(locale.numberOptions() | QLocale.NumberOption.OmitGroupSeparator)
    number = locale.toString(round(amount, decimals), "f", decimals)
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def price_text(prices: Prices) -> str:
    """ "$0.60 in · $3.00 out per 1M tokens": input (not cached) and output prices."""
    # TRANSLATORS: a model's prices in the model picker's list; {input} and {output}
    # are amounts like "$0.60", charged per million tokens.
    return _("{input} in · {output} out per 1M tokens").format(
        input=_money(prices.input_per_mtok, prices.currency),
        output=_money(prices.output_per_mtok, prices.currency),
    )


def detail_text(model: ModelInfo | None, prices: Prices | None) -> str:
    """The second line of a picker entry: capabilities, then prices."""
    parts = [capability_text(model) if model else "", price_text(prices) if prices else ""]
    return " · ".join(part for part in parts if part)


def model_notes(model_id: str, model: ModelInfo | None, *, offered: bool) -> list[str]:
    """Sentences about a model beyond its capabilities, for tooltips."""
    notes = []
    if is_legacy(model_id):
        notes.append(_("Moonshot has retired this model; pick a current one for new chats."))
    if not offered:
        notes.append(_("This endpoint does not list this model."))
    if model is not None and thinking_mode(model) is ThinkingMode.UNKNOWN:
        notes.append(_("The server decides whether this model reasons before answering."))
    return notes


class ModelItemDelegate(QStyledItemDelegate):
    """Draws a picker entry on two lines: the id with its mark (:data:`MarkRole`),
    and under it, smaller and muted, its details (:data:`DetailRole`).

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

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        self.initStyleOption(option, index)
        metrics = option.fontMetrics
        detail = index.data(DetailRole) or ""
        small_metrics = QFontMetrics(_detail_font(option.font))
        width = max(metrics.horizontalAdvance(option.text), small_metrics.horizontalAdvance(detail))
        height = metrics.height() + 2 * _PADDING_Y
        if detail:
            height += _LINE_GAP + small_metrics.height()
        return QSize(width + 2 * _PADDING_X, height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else None
        text, option.text = option.text, ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        main_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted_role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        area = option.rect.adjusted(_PADDING_X, _PADDING_Y, -_PADDING_X, -_PADDING_Y)
        metrics = option.fontMetrics
        painter.save()
        painter.setFont(option.font)
        painter.setPen(palette.color(main_role))
        first = QRect(area.left(), area.top(), area.width(), metrics.height())
        painter.drawText(
            first,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, first.width()),
        )
        detail = index.data(DetailRole) or ""
        if detail:
            small = _detail_font(option.font)
            painter.setFont(small)
            painter.setPen(palette.color(muted_role))
            small_metrics = painter.fontMetrics()
            second = QRect(
                area.left(), first.bottom() + 1 + _LINE_GAP, area.width(), small_metrics.height()
            )
            painter.drawText(
                second,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                small_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, second.width()),
            )
        painter.restore()


def _detail_font(font: QFont) -> QFont:
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(font.pointSizeF() * _DETAIL_SCALE)
    return small


class ModelPicker(ElidingComboBox):
    """The editable model picker: closed, the model id (elided with "…" when it does
    not fit); open, two-line entries at least as wide as their text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, min_chars=8, max_width=300)
        self.setEditable(True)
        self.setLineEdit(ElidingLineEdit(self))
        self.setInsertPolicy(ElidingComboBox.InsertPolicy.NoInsert)
        self.setItemDelegate(ModelItemDelegate(self))

    def add_model(
        self, model_id: str, model: ModelInfo | None, *, offered: bool, prices: Prices | None
    ) -> None:
        """Append an entry: the id, its marks, its second line and its tooltip.

        ``offered`` is False for a model the endpoint does not list (the open
        conversation used it); ``prices`` are the endpoint's for it, if known.
        """
        self.addItem(model_id, model_id)
        row = self.count() - 1
        marks = []
        if is_legacy(model_id):
            # TRANSLATORS: after a model id in the picker: Moonshot has retired the model.
            marks.append(_("(legacy)"))
        if not offered:
            # TRANSLATORS: after a model id in the picker: the open conversation used it.
            marks.append(_("(not offered by this endpoint)"))
        self.setItemData(row, " ".join(marks), MarkRole)
        self.setItemData(row, detail_text(model, prices), DetailRole)
        lines = [capability_text(model) if model else ""]
        lines += model_notes(model_id, model, offered=offered)
        text = "\n".join(line for line in lines if line) or model_id
        # Model ids and capabilities come from the provider: shown as the characters they are.
        self.setItemData(row, plain_tooltip(text), Qt.ItemDataRole.ToolTipRole)

    def text_room(self) -> int:
        edit = self.lineEdit()
        return edit.text_room() if isinstance(edit, ElidingLineEdit) else super().text_room()

    def shown_text(self) -> str:
        edit = self.lineEdit()
        return edit.shown_text() if isinstance(edit, ElidingLineEdit) else super().shown_text()

    def showPopup(self) -> None:
        """Open the list wide enough for its entries' second lines."""
        view = self.view()
        delegate = self.itemDelegate()
        option = QStyleOptionViewItem()
        option.initFrom(view)
        rows = (self.model().index(row, 0) for row in range(self.count()))
        widest = max((delegate.sizeHint(option, index).width() for index in rows), default=0)
        scroll = view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(min(widest + scroll + 2 * view.frameWidth(), 640))
        super().showPopup()
