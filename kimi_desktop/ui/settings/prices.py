"""The endpoint page's price editor: what this endpoint charges, for cost estimates.

Input, cached-input and output prices per million tokens and a currency. All
empty means the endpoint has no prices of its own: Moonshot's list prices are
used where they apply (see :func:`~kimi_desktop.settings.known_models.list_prices_apply`),
otherwise no cost is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import N_, _
from kimi_desktop.settings.known_models import known_prices, list_prices_apply
from kimi_desktop.settings.prices import Prices, parse_prices
from kimi_desktop.settings.profiles import EndpointProfile
from kimi_desktop.ui.icons import Status, StatusLabel

_CURRENCIES = ("USD", "CNY", "EUR")
#: (key, label, object name, tooltip) of each price field; label and tooltip are shown.
_FIELDS = (
    # TRANSLATORS: the price of input tokens (what is sent to the model).
    ("input", N_("Input"), "endpointInputPrice", N_("Price per million input tokens")),
    (
        "cached",
        # TRANSLATORS: the price of input tokens served from the provider's cache.
        N_("Cached"),
        "endpointCachedPrice",
        N_("Price per million input tokens served from the cache (empty: same as input)"),
    ),
    # TRANSLATORS: the price of output tokens (what the model writes).
    ("output", N_("Output"), "endpointOutputPrice", N_("Price per million output tokens")),
)
NO_ESTIMATE_NOTE = N_(
    "Per million tokens, for every model of this endpoint. Leave empty and no cost is shown."
)


def list_prices_note() -> str:
    """What empty prices mean where Moonshot's list prices apply, with those prices."""
    k2_5, k2 = known_prices("kimi-k2.5"), known_prices("kimi-k2")
    assert k2_5 is not None  # both are in the table
    assert k2 is not None
    return _(
        "Per million tokens, for every model of this endpoint. Leave empty to use "
        "Moonshot's list prices (Kimi K2.5: ${input} input, ${cached} cached, "
        "${output} output; K2: ${k2_input}, ${k2_cached}, ${k2_output})."
    ).format(
        input=_money(k2_5.input_per_mtok),
        cached=_money(k2_5.cached_input_per_mtok),
        output=_money(k2_5.output_per_mtok),
        k2_input=_money(k2.input_per_mtok),
        k2_cached=_money(k2.cached_input_per_mtok),
        k2_output=_money(k2.output_per_mtok),
    )


def _money(amount: float) -> str:
    """A list price with two decimals, in the window's number format."""
    return QLocale().toString(round(amount, 2), "f", 2)


class PricesEditor(QWidget):
    """Three price fields and a currency, with a note saying what empty means.

    Signals:
        edited(): the user changed a price or the currency.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("endpointPrices")
        self._edits: dict[str, QLineEdit] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for key, title, name, tip in _FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(name)
            edit.setAccessibleName(_(tip))
            edit.setToolTip(_(tip))
            edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("0000.0000") + 16)
            edit.textEdited.connect(self.edited)
            label = QLabel(_(title), self)
            label.setBuddy(edit)
            row.addWidget(label)
            row.addWidget(edit)
            self._edits[key] = edit
        self.currency = QComboBox(self)
        self.currency.setObjectName("endpointCurrency")
        self.currency.setAccessibleName(_("Currency of the prices"))
        self.currency.setToolTip(_("A three-letter currency code, such as USD or CNY"))
        self.currency.setEditable(True)
        self.currency.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency.addItems(_CURRENCIES)
        self.currency.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.currency.editTextChanged.connect(self._on_currency_edit_text_changed)
        row.addWidget(self.currency)
        row.addStretch(1)
        self.note = StatusLabel(self)
        self.note.setObjectName("endpointPricesNote")
        self.note.setAccessibleName(_("What the prices are for"))
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(row)
        column.addWidget(self.note)
        self._loading = False
        self._hint = _(NO_ESTIMATE_NOTE)

    @property
    def input_edit(self) -> QLineEdit:
        return self._edits["input"]

    @property
    def cached_edit(self) -> QLineEdit:
        return self._edits["cached"]

    @property
    def output_edit(self) -> QLineEdit:
        return self._edits["output"]

    def show_profile(self, profile: EndpointProfile | None) -> None:
        """Fill the fields from ``profile`` (cleared for none), without emitting ``edited``."""
        self._loading = True
        prices = profile.prices if profile is not None else None
        values = (
            (prices.input_per_mtok, prices.cached_input_per_mtok, prices.output_per_mtok)
            if prices is not None
            else (None, None, None)
        )
        for edit, value in zip(self._edits.values(), values, strict=True):
            edit.setText("" if value is None else _format_price(value))
        self.currency.setCurrentText(prices.currency if prices is not None else "USD")
        self.show_hint(profile)
        self._loading = False

    def show_hint(self, profile: EndpointProfile | None) -> None:
        """Say what empty fields mean for ``profile`` (list prices or no estimate)."""
        applies = profile is not None and list_prices_apply(profile)
        placeholder = (
            # TRANSLATORS: in an empty price field: Moonshot's list price is used.
            _("list price")
            if applies
            # TRANSLATORS: in an empty price field: no price, so no cost is estimated.
            else _("none")
        )
        for edit in self._edits.values():
            edit.setPlaceholderText(placeholder)
        self._hint = list_prices_note() if applies else _(NO_ESTIMATE_NOTE)
        self.show_problem(None)

    def texts(self) -> tuple[str, str, str, str]:
        """The fields as typed (input, cached, output, currency), valid or not."""
        return (
            self.input_edit.text(),
            self.cached_edit.text(),
            self.output_edit.text(),
            self.currency.currentText(),
        )

    def set_texts(self, texts: tuple[str, str, str, str]) -> None:
        """Put back what :meth:`texts` returned, without emitting ``edited``."""
        self._loading = True
        for edit, text in zip(self._edits.values(), texts[:3], strict=True):
            edit.setText(text)
        self.currency.setCurrentText(texts[3])
        self._loading = False

    def prices(self) -> Prices | None:
        """The typed prices; ``None`` when all are empty; ``ValueError`` in words."""
        return parse_prices(*self.texts())

    def show_problem(self, problem: str | None) -> None:
        """Show what is wrong with the typed prices, or (``None``) what empty means."""
        if problem:
            self.note.show_status(Status.ERROR, problem)
        else:
            self.note.setText(self._hint)

    def _on_currency_edit_text_changed(self, text: str) -> None:
        if text != text.upper():
            self.currency.setEditText(text.upper())  # re-enters with upper-case text
            return
        if not self._loading:
            self.edited.emit()


def _format_price(value: float) -> str:
    """ "0.60", "2.50", "0.0375": two decimals, more only where the price has them."""
    text = f"{value:.2f}"
    return text if float(text) == value else f"{value:.10g}"
