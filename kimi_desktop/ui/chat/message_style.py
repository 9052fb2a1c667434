"""The colours and metrics the chat view's widgets paint with, taken from a render theme."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from kimi_desktop.render.theme import Theme, theme_for

#: The widest the text column gets, so lines stay readable on wide windows.
MAX_COLUMN_WIDTH = 760

#: The colour a message found by a search is tinted with, mixed into the background.
_FOUND = "#f2b705"


def mix_colours(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0 to 1) of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


@dataclass(frozen=True, slots=True)
class MessageStyle:
    """One theme as Qt colours, plus the document stylesheet for rendered markdown
    and the pygments style whose colours its code blocks are rendered with."""

    dark: bool
    css: str
    code_style: str
    background: QColor
    text: QColor
    muted: QColor
    link: QColor
    rule: QColor
    user_bubble: QColor
    reasoning: QColor
    accent: QColor
    hover: QColor
    notice_background: QColor
    notice_border: QColor
    notice_text: QColor
    highlight: QColor

    @classmethod
    def from_theme(cls, theme: Theme) -> MessageStyle:
        p = theme.palette
        background = QColor(p.background)
        error = QColor(p.error)
        text = QColor(p.text)
        hover = QColor(p.muted_text)
        hover.setAlpha(38)
        return cls(
            dark=theme.dark,
            css=theme.css,
            code_style=theme.pygments_style,
            background=background,
            text=text,
            muted=QColor(p.muted_text),
            link=QColor(p.link),
            rule=QColor(p.border),
            user_bubble=QColor(p.user_bubble_background),
            reasoning=QColor(p.reasoning_text),
            accent=QColor(p.link),
            hover=hover,
            notice_background=mix_colours(background, error, 0.14 if theme.dark else 0.07),
            notice_border=mix_colours(background, error, 0.45 if theme.dark else 0.35),
            notice_text=mix_colours(text, error, 0.25),
            # Amber, as a found word is marked: apart from the blue of a prompt's bubble.
            highlight=mix_colours(background, QColor(_FOUND), 0.16 if theme.dark else 0.2),
        )

    @classmethod
    def for_dark(cls, dark: bool) -> MessageStyle:
        return cls.from_theme(theme_for(dark))

    def view_palette(self, base: QPalette) -> QPalette:
        """``base`` recoloured for the chat view, so its buttons and scroll bar match."""
        palette = QPalette(base)
        background, text = self.background, self.text
        button = mix_colours(background, text, 0.07)
        roles = {
            QPalette.ColorRole.Window: background,
            QPalette.ColorRole.Base: background,
            QPalette.ColorRole.AlternateBase: mix_colours(background, text, 0.03),
            QPalette.ColorRole.WindowText: text,
            QPalette.ColorRole.Text: text,
            QPalette.ColorRole.Button: button,
            QPalette.ColorRole.ButtonText: text,
            QPalette.ColorRole.Light: mix_colours(button, QColor("white"), 0.3),
            QPalette.ColorRole.Midlight: mix_colours(button, text, 0.05),
            QPalette.ColorRole.Mid: mix_colours(button, text, 0.2),
            QPalette.ColorRole.Dark: mix_colours(button, text, 0.35),
            QPalette.ColorRole.Shadow: mix_colours(background, QColor("black"), 0.5),
            QPalette.ColorRole.Highlight: self.accent,
            QPalette.ColorRole.HighlightedText: QColor("white"),
            QPalette.ColorRole.Link: self.link,
            QPalette.ColorRole.PlaceholderText: self.muted,
            QPalette.ColorRole.ToolTipBase: mix_colours(background, text, 0.9),
            QPalette.ColorRole.ToolTipText: background,
        }
        for role, color in roles.items():
            palette.setColor(role, color)
        disabled = mix_colours(background, text, 0.4)
        for role in (
            QPalette.ColorRole.WindowText,
            QPalette.ColorRole.Text,
            QPalette.ColorRole.ButtonText,
        ):
            palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
        return palette

    def apply_text_palette(self, palette: QPalette, *, muted: bool = False) -> QPalette:
        """``palette`` with this style's text colours (``muted`` for secondary text)."""
        color = self.muted if muted else self.text
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
            palette.setColor(role, color)
        palette.setColor(QPalette.ColorRole.ButtonText, self.muted)
        palette.setColor(QPalette.ColorRole.Link, self.link)
        palette.setColor(QPalette.ColorRole.Window, self.background)
        palette.setColor(QPalette.ColorRole.Base, self.background)
        return palette
