"""The composer's ``tokenMeter``: the prompt's size against the model's context.

It only shows what a :class:`~kimi_desktop.services.token_meter.TokenMeter`
announces: small and muted while the prompt fits, amber with a warning icon
near the limit, red with the same icon over it; the tooltip says what sending
will do. Hidden while there is nothing to measure.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.services.token_meter import TokenMeter
from kimi_desktop.services.token_reading import (
    Level,
    TokenReading,
    reading_explanation,
    reading_text,
)
from kimi_desktop.ui.icons import Status, StatusLabel
from kimi_desktop.ui.plain_text import plain_tooltip

#: Warning colours readable on the light and the dark window (contrast above 4.5:1).
_LIGHT = {Level.NEAR: "#9a6700", Level.OVER: "#b42318"}
_DARK = {Level.NEAR: "#d29922", Level.OVER: "#ff8a80"}
_SMALLER = 0.9


class TokenMeterLabel(StatusLabel):
    """The prompt's size (``tokenMeter``), as :class:`TokenMeter` reads it.

    The ``level`` property ("ok", "near", "over"; "" while hidden) is there for
    style sheets and tests. Near or over the limit the count has a warning icon
    before it, so colour is not the only sign.
    """

    def __init__(self, meter: TokenMeter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level: Level | None = None
        self.setObjectName("tokenMeter")
        self.setAccessibleName(_("Prompt size"))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        font = self.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * _SMALLER)
            self.setFont(font)
        self.setProperty("level", "")
        self.setVisible(False)
        if meter is not None:
            meter.reading_changed.connect(self.show_reading)
            self.show_reading(meter.reading)

    @property
    def level(self) -> Level | None:
        """How the shown count stands against the context; ``None`` while hidden."""
        return self._level

    def show_reading(self, reading: TokenReading | None) -> None:
        """Show ``reading``; ``None`` hides the meter."""
        if reading is None:
            self._level = None
            self.setProperty("level", "")
            self.clear()
            self.setToolTip("")
            self.setAccessibleDescription("")
            self.setVisible(False)
            return
        level = reading.level
        self._level = level
        self.setProperty("level", level.value)
        text = reading_text(reading)
        self.show_status(None if level is Level.OK else Status.WARNING, text)
        explanation = reading_explanation(reading)
        self.setToolTip(plain_tooltip(explanation))
        self.setAccessibleDescription(explanation)
        self._colour()
        self.setVisible(True)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colour()

    def _colour(self) -> None:
        """Muted while the prompt fits, else the warning colour for the theme in use."""
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        warning = (_DARK if dark else _LIGHT).get(self._level) if self._level else None
        wanted = QColor(warning) if warning else palette.color(QPalette.ColorRole.PlaceholderText)
        if palette.color(QPalette.ColorRole.WindowText) != wanted:
            palette.setColor(QPalette.ColorRole.WindowText, wanted)
            self.setPalette(palette)  # a PaletteChange that finds the colour already set
