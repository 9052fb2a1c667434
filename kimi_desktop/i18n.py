"""The app's own words in the reader's language: GNU gettext, in every layer.

Every sentence a person reads is written in English in the source and looked up
here at the moment it is shown. The api and store layers have no Qt, yet they
word errors and notices, so the mechanism is the standard library's ``gettext``
rather than Qt's ``tr()``; Qt's own buttons and dialogs load Qt's catalog for
the same language (see ``kimi_desktop.ui.runtime.language``).

The rules, also in CONTRIBUTING.md:

- ``_("…")`` translates now. Call it where the text is shown or raised, never at
  import time: a module-level ``_()`` would run before the language is chosen.
- ``N_("…")`` only marks a constant for the catalog (titles in a schema, a
  sentence kept in a module constant); translate it with ``_(CONSTANT)`` where
  it is used.
- ``ngettext(singular, plural, n)`` for anything counted.
- Placeholders are named (``"{name} was not attached."``) and filled with
  ``.format`` after translating, so a translation may move them.

One catalog is active per process: the language is chosen once at start, as
gettext intends (``install``); everything else reads it through these functions.
"""

from __future__ import annotations

import gettext
import locale
import os
import struct
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "kimi_desktop"
#: The compiled catalogs, ``<code>/LC_MESSAGES/kimi_desktop.mo``: beside this module
#: in the source tree and in the frozen bundle alike (``_internal/kimi_desktop/locale``,
#: where a frozen module's ``__file__`` points into the same folder). A plain path,
#: not ``importlib.resources``, which would cost some 4 ms of imports at every start.
LOCALE_DIR = Path(__file__).with_name("locale")
#: The languages the interface is translated into, by the name each calls itself.
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
SOURCE_LANGUAGE = "en"

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def _(message: str) -> str:
    """``message`` in the active language (itself when not translated)."""
    return _active.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted sentence that fits ``n`` in the active language."""
    return _active.ngettext(singular, plural, n)


def language() -> str:
    """The active language's code: ``"en"`` or ``"zh_CN"``."""
    return _language


def resolve(choice: str, environ: Mapping[str, str] = os.environ) -> str:
    """The language to use for the preference ``choice`` ("system", "en", "zh_CN").

    "system" follows ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` as
    gettext does, then the platform's default locale; any Chinese locale other
    than a traditional one (zh_TW, zh_HK, zh_Hant) reads 简体中文.
    """
    if choice in LANGUAGES:
        return choice
    candidates: list[str] = []
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            candidates += value.split(":")
            break
    if not candidates:
        default = locale.getlocale()[0]
        if default:
            candidates.append(default)
    for candidate in candidates:
        code = candidate.split(".")[0].split("@")[0].replace("-", "_")
        if code in ("C", "POSIX", ""):
            return SOURCE_LANGUAGE
        if code.lower().startswith("zh"):
            traditional = any(t in code for t in ("TW", "HK", "MO", "Hant"))
            return SOURCE_LANGUAGE if traditional else "zh_CN"
        if code.lower().startswith("en"):
            return SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def catalog_path(code: str) -> Path:
    """Where the compiled catalog of the language ``code`` is (it may be missing)."""
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def install(code: str) -> str:
    """Make ``code`` (a key of :data:`LANGUAGES`) the active language; returns it.

    A missing or damaged catalog leaves the interface in English rather than
    failing to start.
    """
    global _active, _language
    code = code if code in LANGUAGES else SOURCE_LANGUAGE
    translations: gettext.NullTranslations = gettext.NullTranslations()
    if code != SOURCE_LANGUAGE:
        try:
            with catalog_path(code).open("rb") as fp:
                translations = gettext.GNUTranslations(fp)
        except (OSError, ValueError, UnicodeDecodeError, struct.error):  # missing or damaged
            code = SOURCE_LANGUAGE
    _active, _language = translations, code
    return code
