"""Application look: Fusion with light or dark palette, following the system by default."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_LIGHT = {
    "window": "#f7f7f8",
    "base": "#ffffff",
    "text": "#1f2328",
    "muted": "#6e7781",
    "button": "#ffffff",
    "highlight": "#2f6feb",
    "sidebar": "#eef0f3",
    "border": "#d8dde3",
    "error": "#b42318",
    "notice_bg": "#fff4e5",
}
_DARK = {
    "window": "#1e1f22",
    "base": "#26282c",
    "text": "#e6e7ea",
    "muted": "#9aa0a8",
    "button": "#2f3136",
    "highlight": "#4c8dff",
    "sidebar": "#191a1d",
    "border": "#3a3d43",
    "error": "#ff8a80",
    "notice_bg": "#3a2e1f",
}


def system_prefers_dark() -> bool:
    """The desktop's colour scheme; unknown counts as light."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def is_dark(theme: str) -> bool:
    """Resolve the ``theme`` preference ("system", "light", "dark")."""
    return system_prefers_dark() if theme == "system" else theme == "dark"


def apply_style(app: QApplication, dark: bool) -> None:
    """Fusion, a palette, and a small style sheet for our named widgets."""
    colours = _DARK if dark else _LIGHT
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(colours["window"]))
    palette.setColor(QPalette.ColorRole.Base, QColor(colours["base"]))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(colours["window"]))
    palette.setColor(QPalette.ColorRole.Text, QColor(colours["text"]))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colours["text"]))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(colours["text"]))
    palette.setColor(QPalette.ColorRole.Button, QColor(colours["button"]))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(colours["highlight"]))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(colours["muted"]))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor(colours["base"]))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor(colours["text"]))
    palette.setColor(QPalette.ColorRole.Link, QColor(colours["highlight"]))
    app.setPalette(palette)
    app.setStyleSheet(
        f"""
        #sidebar {{ background: {colours["sidebar"]}; }}
        #conversationList {{ background: transparent; border: none; }}
        #conversationList::item {{ padding: 7px 8px; border-radius: 6px; }}
        #conversationList::item:selected {{ background: {colours["highlight"]}; color: white; }}
        #conversationSearch, #composer {{
            border: 1px solid {colours["border"]}; border-radius: 8px; padding: 5px 8px;
            background: {colours["base"]};
        }}
        #topBar {{ border-bottom: 1px solid {colours["border"]}; }}
        #modelCapabilities, #usageLabel, #creditsLabel {{ color: {colours["muted"]}; }}
        #composerNotice {{
            background: {colours["notice_bg"]}; border-radius: 6px; padding: 6px 10px;
        }}
        #composerNotice[error="true"] {{ color: {colours["error"]}; }}
        #welcomeCard {{
            background: {colours["base"]}; border: 1px solid {colours["border"]};
            border-radius: 12px;
        }}
        #welcomeTitle {{ font-size: 20pt; font-weight: 600; }}
        #welcomeMessage {{ color: {colours["error"]}; }}
        #sendButton {{
            background: {colours["highlight"]}; color: white; border-radius: 8px;
            padding: 6px 16px; font-weight: 600;
        }}
        #stopButton {{ border-radius: 8px; padding: 6px 16px; }}
        #dropOverlay {{
            background: rgba(47, 111, 235, 40); color: {colours["highlight"]};
            border: 2px dashed {colours["highlight"]}; border-radius: 12px;
            font-size: 16pt; font-weight: 600;
        }}
        #attachmentThumbnail {{ border: 1px solid {colours["border"]}; border-radius: 6px; }}
        """
    )
