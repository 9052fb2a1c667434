"""Application look: Fusion with a light or dark palette and a flat style sheet,
following the system by default.

Flat as current desktop chat apps are: rounded inputs and buttons with thin
borders, a tint on hover and a deeper one when pressed, thin scrollbars, and
every disabled control greyed (text and icons, through the palette's disabled
colours). The Thinking and Web search toggles fill with the accent colour when
on, so on and off read apart in either theme. Keyboard focus shows as an
accent border.

Icons follow the palette by themselves (:func:`kimi_desktop.ui.icons.set_icon`);
the style sheet's own arrows (combo boxes, spin boxes) are tinted files
(:func:`kimi_desktop.ui.icons.files.icon_file`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from kimi_desktop.ui.icons.files import icon_file

_LIGHT = {
    "window": "#f7f7f8",
    "base": "#ffffff",
    "text": "#1f2328",
    "muted": "#6e7781",
    "disabled": "#a3aab3",
    "button": "#ffffff",
    "highlight": "#2f6feb",
    "accent": "#2f6feb",  # filled buttons and toggles that are on: white text on it
    "accent_hover": "#285fcc",
    "accent_pressed": "#2253b3",
    "accent_soft": "#e3ecfd",  # a pressed look that is not an on/off state
    "on_accent": "#ffffff",
    "hover": "#eceef1",
    "pressed": "#e1e4e8",
    "sidebar": "#eef0f3",
    "border": "#d8dde3",
    "border_strong": "#c3cad3",
    "scroll": "#c4c9d0",
    "scroll_hover": "#a5acb5",
    "error": "#b42318",
    "notice_bg": "#fff4e5",
}
_DARK = {
    "window": "#1e1f22",
    "base": "#26282c",
    "text": "#e6e7ea",
    "muted": "#9aa0a8",
    "disabled": "#5d626a",
    "button": "#2b2d31",
    "highlight": "#4c8dff",
    "accent": "#2f6feb",
    "accent_hover": "#3b7af0",
    "accent_pressed": "#2859c2",
    "accent_soft": "#253552",
    "on_accent": "#ffffff",
    "hover": "#2e3035",
    "pressed": "#36393f",
    "sidebar": "#191a1d",
    "border": "#3a3d43",
    "border_strong": "#4a4e55",
    "scroll": "#4a4e55",
    "scroll_hover": "#62676f",
    "error": "#ff8a80",
    "notice_bg": "#3a2e1f",
}


def theme_colours(dark: bool) -> Mapping[str, str]:
    """The named colours of a theme ("accent", "window", "text", ...), read only."""
    return MappingProxyType(_DARK if dark else _LIGHT)


def system_prefers_dark() -> bool:
    """The desktop's colour scheme; unknown counts as light."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def is_dark(theme: str) -> bool:
    """Resolve the ``theme`` preference ("system", "light", "dark")."""
    return system_prefers_dark() if theme == "system" else theme == "dark"


def apply_style(app: QApplication, dark: bool) -> None:
    """Fusion, the theme's palette, and the style sheet."""
    colours = theme_colours(dark)
    app.setStyle("Fusion")
    app.setPalette(palette_for(colours))
    app.setStyleSheet(style_sheet(colours))


def palette_for(colours: Mapping[str, str]) -> QPalette:
    """The palette of a theme, its disabled colours greyed."""
    colour = {name: QColor(value) for name, value in colours.items()}
    # Built from the button and window colours, so Fusion's bevel shades
    # (Light, Mid, Dark, Shadow) suit the theme too.
    palette = QPalette(colour["button"], colour["window"])
    role = QPalette.ColorRole
    for target, name in (
        (role.Window, "window"),
        (role.Base, "base"),
        (role.AlternateBase, "window"),
        (role.Text, "text"),
        (role.WindowText, "text"),
        (role.ButtonText, "text"),
        (role.Button, "button"),
        (role.BrightText, "on_accent"),
        (role.Highlight, "highlight"),
        (role.HighlightedText, "on_accent"),
        (role.PlaceholderText, "muted"),
        (role.ToolTipBase, "base"),
        (role.ToolTipText, "text"),
        (role.Link, "highlight"),
        (role.LinkVisited, "highlight"),
        (role.Accent, "accent"),
    ):
        palette.setColor(target, colour[name])
    disabled = QPalette.ColorGroup.Disabled
    for target in (role.Text, role.WindowText, role.ButtonText, role.PlaceholderText):
        palette.setColor(disabled, target, colour["disabled"])
    palette.setColor(disabled, role.Base, colour["window"])
    palette.setColor(disabled, role.Button, colour["window"])
    palette.setColor(disabled, role.Highlight, colour["border_strong"])
    return palette


def style_sheet(colours: Mapping[str, str]) -> str:
    """The style sheet of a theme: the flat look, then our named widgets."""
    c = colours
    chevron_down = icon_file("chevron-down", QColor(c["muted"]))
    chevron_up = icon_file("chevron-up", QColor(c["muted"]))
    chevron_disabled = icon_file("chevron-down", QColor(c["disabled"]))
    check = icon_file("check", QColor(c["on_accent"]))
    return f"""
        QToolTip {{
            background: {c["base"]}; color: {c["text"]};
            border: 1px solid {c["border"]}; border-radius: 6px; padding: 4px 6px;
        }}
        QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}

        /* Buttons: flat, rounded, a tint on hover. */
        QPushButton {{
            background: {c["button"]}; border: 1px solid {c["border_strong"]};
            border-radius: 8px; padding: 5px 14px;
        }}
        QPushButton:hover {{ background: {c["hover"]}; }}
        QPushButton:pressed {{ background: {c["pressed"]}; }}
        QPushButton:focus {{ border-color: {c["highlight"]}; }}
        QPushButton:disabled {{ background: {c["window"]}; border-color: {c["border"]}; }}
        QPushButton:flat {{ background: transparent; border-color: transparent; }}
        QPushButton:flat:hover {{ background: {c["hover"]}; }}
        QPushButton:default {{
            background: {c["accent"]}; border-color: {c["accent"]}; color: {c["on_accent"]};
        }}
        QPushButton:default:hover {{ background: {c["accent_hover"]}; }}
        QPushButton:default:pressed {{ background: {c["accent_pressed"]}; }}
        QPushButton:default:focus {{ border-color: {c["text"]}; }}
        QPushButton:default:disabled {{
            background: {c["border"]}; border-color: {c["border"]}; color: {c["disabled"]};
        }}

        QToolButton {{
            background: transparent; border: 1px solid transparent; border-radius: 6px;
            padding: 3px;
        }}
        QToolButton:hover {{ background: {c["hover"]}; }}
        QToolButton:pressed {{ background: {c["pressed"]}; }}
        QToolButton:checked {{ background: {c["pressed"]}; }}
        QToolButton:focus {{ border-color: {c["highlight"]}; }}
        QToolButton::menu-indicator {{ image: none; width: 0; }}

        /* Inputs: rounded, a thin border, the accent border while focused. */
        QLineEdit, QAbstractSpinBox, QComboBox {{
            background: {c["base"]}; border: 1px solid {c["border_strong"]};
            border-radius: 8px; padding: 4px 8px;
            selection-background-color: {c["highlight"]}; selection-color: {c["on_accent"]};
        }}
        /* Hover first: the focus border must win over it. */
        QComboBox:hover, QLineEdit:hover, QAbstractSpinBox:hover {{
            border-color: {c["muted"]};
        }}
        QLineEdit:focus, QAbstractSpinBox:focus, QComboBox:focus {{
            border-color: {c["highlight"]};
        }}
        QLineEdit:disabled, QAbstractSpinBox:disabled, QComboBox:disabled {{
            background: {c["window"]}; border-color: {c["border"]};
        }}
        QComboBox QLineEdit, QAbstractSpinBox QLineEdit {{
            border: none; padding: 0; background: transparent; border-radius: 0;
        }}

        /* Check boxes and radio buttons: a visible outline in both themes, the accent
           when on. */
        QCheckBox::indicator, QRadioButton::indicator {{
            width: 14px; height: 14px; background: {c["base"]};
            border: 1px solid {c["muted"]};
        }}
        QCheckBox::indicator {{ border-radius: 4px; }}
        QRadioButton::indicator {{ border-radius: 8px; }}
        QCheckBox::indicator:hover, QRadioButton::indicator:hover {{
            border-color: {c["highlight"]};
        }}
        QCheckBox:focus, QRadioButton:focus {{ outline: none; }}
        QCheckBox::indicator:focus, QRadioButton::indicator:focus {{
            border-color: {c["highlight"]};
        }}
        QCheckBox::indicator:checked {{
            background: {c["accent"]}; border-color: {c["accent"]}; image: url({check});
        }}
        QRadioButton::indicator:checked {{
            border-color: {c["accent"]};
            background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
                stop: 0 {c["accent"]}, stop: 0.45 {c["accent"]},
                stop: 0.55 {c["base"]}, stop: 1 {c["base"]});
        }}
        QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{
            background: {c["window"]}; border-color: {c["border"]};
        }}
        QCheckBox::indicator:checked:disabled {{
            background: {c["border_strong"]}; border-color: {c["border_strong"]};
        }}
        QComboBox::drop-down {{ border: none; width: 22px; }}
        QComboBox::down-arrow {{ image: url({chevron_down}); width: 14px; height: 14px; }}
        QComboBox::down-arrow:disabled {{ image: url({chevron_disabled}); }}
        QComboBox QAbstractItemView {{
            background: {c["base"]}; border: 1px solid {c["border"]}; border-radius: 6px;
            padding: 4px; outline: none;
            selection-background-color: {c["highlight"]}; selection-color: {c["on_accent"]};
        }}
        QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{
            border: none; width: 18px; background: transparent;
        }}
        QAbstractSpinBox::up-arrow {{ image: url({chevron_up}); width: 12px; height: 12px; }}
        QAbstractSpinBox::down-arrow {{ image: url({chevron_down}); width: 12px; height: 12px; }}

        QMenuBar {{ background: {c["window"]}; border-bottom: 1px solid {c["border"]}; }}
        QMenuBar::item {{ padding: 3px 10px; border-radius: 6px; background: transparent; }}
        QMenuBar::item:selected, QMenuBar::item:pressed {{ background: {c["hover"]}; }}
        QMenu {{
            background: {c["base"]}; border: 1px solid {c["border"]}; border-radius: 8px;
            padding: 4px;
        }}
        QMenu::item {{ padding: 5px 18px 5px 10px; border-radius: 6px; }}
        QMenu::item:selected {{ background: {c["hover"]}; color: {c["text"]}; }}
        QMenu::item:disabled {{ color: {c["disabled"]}; }}
        QMenu::icon {{ padding-left: 8px; }}
        QMenu::separator {{ height: 1px; background: {c["border"]}; margin: 4px 6px; }}

        QTabWidget::pane {{
            border: 1px solid {c["border"]}; border-radius: 8px; top: -1px;
            background: {c["window"]};
        }}
        QTabBar::tab {{
            background: transparent; border: none; border-bottom: 2px solid transparent;
            padding: 6px 14px; margin-right: 2px;
        }}
        QTabBar::tab:hover {{ border-bottom-color: {c["border_strong"]}; }}
        QTabBar::tab:selected {{ border-bottom-color: {c["accent"]}; }}

        /* Thin scrollbars without arrows. */
        QScrollBar:vertical {{ background: transparent; width: 10px; margin: 0; }}
        QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 0; }}
        QScrollBar::handle {{ background: {c["scroll"]}; border-radius: 3px; margin: 2px; }}
        QScrollBar::handle:hover, QScrollBar::handle:pressed {{
            background: {c["scroll_hover"]};
        }}
        QScrollBar::handle:vertical {{ min-height: 32px; }}
        QScrollBar::handle:horizontal {{ min-width: 32px; }}
        QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
        QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}

        /* A one-pixel line, with two more pixels to grab. */
        QSplitter::handle {{
            background: {c["window"]}; border-left: 1px solid {c["border"]}; width: 3px;
        }}
        QStatusBar {{ color: {c["muted"]}; }}

        /* The window's parts. */
        #sidebar {{ background: {c["sidebar"]}; }}
        #conversationList {{ background: transparent; border: none; }}
        #conversationList::item {{ padding: 7px 8px; border-radius: 6px; }}
        #conversationList::item:selected {{
            background: {c["highlight"]}; color: {c["on_accent"]};
        }}
        #newChatButton {{ text-align: left; padding: 6px 10px; }}
        #composer {{
            border: 1px solid {c["border_strong"]}; border-radius: 12px; padding: 6px 8px;
            background: {c["base"]};
        }}
        #composer:focus {{ border-color: {c["highlight"]}; }}
        #topBar {{ border-bottom: 1px solid {c["border"]}; }}
        #modelCapabilities, #usageLabel, #creditsLabel, #thinkingAlwaysOn, #topBarMoreInfo {{
            color: {c["muted"]};
        }}
        #thinkingToggle, #webSearchToggle {{
            border: 1px solid {c["border_strong"]}; border-radius: 13px; padding: 3px 8px;
        }}
        #thinkingToggle:checked, #webSearchToggle:checked {{
            background: {c["accent"]}; border-color: {c["accent"]}; color: {c["on_accent"]};
        }}
        #thinkingToggle:checked:hover, #webSearchToggle:checked:hover {{
            background: {c["accent_hover"]};
        }}
        #thinkingToggle:checked:focus, #webSearchToggle:checked:focus {{
            border-color: {c["text"]};
        }}
        #thinkingToggle:disabled, #webSearchToggle:disabled {{
            border-color: {c["border"]}; background: transparent;
        }}
        #systemPromptButton {{ padding: 3px 8px; }}
        #systemPromptButton:checked {{ background: {c["accent_soft"]}; color: {c["highlight"]}; }}
        #composerNotice {{
            background: {c["notice_bg"]}; border-radius: 6px; padding: 6px 10px;
        }}
        #composerNotice[error="true"] {{ color: {c["error"]}; }}
        #welcomeCard {{
            background: {c["base"]}; border: 1px solid {c["border"]};
            border-radius: 12px;
        }}
        #welcomeTitle {{ font-size: 20pt; font-weight: 600; }}
        #welcomeMessage, #settingsError {{ color: {c["error"]}; }}
        /* Round: ROUND_BUTTON (34 px) across, in ui/composer/panel.py. */
        #sendButton, #stopButton {{
            border: none; border-radius: 17px; padding: 0;
            min-width: 34px; max-width: 34px; min-height: 34px; max-height: 34px;
        }}
        #sendButton {{ background: {c["accent"]}; color: {c["on_accent"]}; }}
        #sendButton:hover {{ background: {c["accent_hover"]}; }}
        #sendButton:pressed {{ background: {c["accent_pressed"]}; }}
        #sendButton:disabled {{ background: {c["border"]}; }}
        #stopButton {{ background: {c["text"]}; color: {c["base"]}; }}
        #stopButton:hover {{ background: {c["muted"]}; }}
        #sendButton:focus, #stopButton:focus {{ border: 2px solid {c["highlight"]}; }}
        #attachButton {{ border-radius: 17px; }}
        #dropOverlay {{
            background: rgba(47, 111, 235, 40); color: {c["highlight"]};
            border: 2px dashed {c["highlight"]}; border-radius: 12px;
            font-size: 16pt; font-weight: 600;
        }}
        #attachmentThumbnail {{ border: 1px solid {c["border"]}; border-radius: 6px; }}
        #addEndpointButton {{ padding-right: 18px; }}
        #addEndpointButton::menu-indicator {{
            image: url({chevron_down}); width: 12px; height: 12px;
            subcontrol-origin: padding; subcontrol-position: right center; right: 4px;
        }}
        #endpointList, #assistantList {{
            background: {c["base"]}; border: 1px solid {c["border"]}; border-radius: 8px;
            padding: 4px; outline: none;
        }}
        #endpointList::item, #assistantList::item {{ padding: 5px 6px; border-radius: 6px; }}
        #endpointList::item:hover, #assistantList::item:hover {{ background: {c["hover"]}; }}
        #endpointList::item:selected, #assistantList::item:selected {{
            background: {c["highlight"]}; color: {c["on_accent"]};
        }}
        /* Multi-line fields in forms: rounded like the one-line ones. */
        #assistantInstructions, #systemPromptEdit {{
            background: {c["base"]}; border: 1px solid {c["border_strong"]};
            border-radius: 8px; padding: 2px 4px;
            selection-background-color: {c["highlight"]}; selection-color: {c["on_accent"]};
        }}
        #assistantInstructions:hover, #systemPromptEdit:hover {{ border-color: {c["muted"]}; }}
        #assistantInstructions:focus, #systemPromptEdit:focus {{
            border-color: {c["highlight"]};
        }}
        #assistantInstructions[readOnly="true"], #assistantInstructions:disabled {{
            background: {c["window"]}; border-color: {c["border"]};
        }}
        #welcomeMoreSettings {{ padding-left: 0; padding-right: 6px; }}
        """
