"""Qt's own words and formats in the app's language.

``kimi_desktop.i18n`` translates the app's sentences; Qt's standard buttons
("OK", "Cancel"), text-field context menus and the dates and numbers QLocale
formats follow the same choice here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

_QT_LOCALES = {"en": "en_US", "zh_CN": "zh_CN"}
_TRANSLATOR_NAME = "kimiDesktopQtTranslator"


def apply_qt_language(app: QCoreApplication, code: str) -> QTranslator | None:
    """Format with ``code``'s locale and load Qt's catalog for it.

    Returns the translator installed (parented to ``app``, so it lives as long),
    or ``None`` for English, which needs none, or when Qt ships no catalog. A
    translator installed by an earlier call is replaced, so calling it again is safe.
    """
    for earlier in app.findChildren(QTranslator, _TRANSLATOR_NAME):
        app.removeTranslator(earlier)
        earlier.setParent(None)
        earlier.deleteLater()
    locale = QLocale(_QT_LOCALES.get(code, "en_US"))
    QLocale.setDefault(locale)
    if code == "en":
        return None
    translator = QTranslator(app)
    translator.setObjectName(_TRANSLATOR_NAME)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(locale, "qtbase", "_", folder):
        translator.deleteLater()
        return None
    app.installTranslator(translator)
    return translator
