"""Chinese, Japanese and Korean text never shows as boxes, even where no CJK font is installed.

At start-up :func:`install_cjk_fallback` asks the font database whether any
installed family covers Simplified Chinese. Desktops in use have one (Windows
and macOS always, most Linux desktops too), and then nothing more happens. On a
minimal Linux system the app registers the font the bundle carries, WenQuanYi
Micro Hei (Simplified and Traditional Chinese, kana and Hangul in one 5 MB file;
Apache License 2.0, its text and Debian's copyright file beside it in the
bundle). Registered, it joins fontconfig's fallbacks, so every font the app
asks for reaches it for the characters that font lacks. Should a font of the
app still miss them, the registered family is made a substitute of that font's
families (not of every family: a substitute of an alias such as "monospace"
would take Latin text over as well).

The font file is not kept in the source tree: the packaging copies it from the
Debian package fonts-wqy-microhei (which ``scripts/system-deps.sh`` installs)
into ``kimi_desktop/fonts/``. Run from source on a system without any CJK font,
there is nothing to register and a warning names the package to install.

Cost: the check reads the installed families' names, which the first text
drawn reads anyway, and stops at a known CJK family: measured over 30 starts
each, a first label painted as soon with the check as without (medians
25.3 ms and 25.3 ms). Only a system with no known CJK family opens its
families to read their writing systems, and only one with none at all pays for
registering the font (15 to 30 ms on a minimal system).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

_log = logging.getLogger(__name__)

#: The fallback font's file name in ``kimi_desktop/fonts/`` of the bundle.
BUNDLED_FONT_NAME = "wqy-microhei.ttc"
#: ``kimi_desktop/fonts/``: in the frozen bundle ``_internal/kimi_desktop/fonts``, where
#: a frozen module's ``__file__`` points into the same tree. A plain path, not
#: ``importlib.resources``, which would cost some 4 ms of imports at every start.
FONTS_DIR = Path(__file__).parents[1] / "fonts"
#: Families that cover Simplified Chinese where they are installed: Linux
#: distributions' CJK packages, then those of Windows and macOS.
KNOWN_CJK_FAMILIES = frozenset(
    {
        "Noto Sans CJK SC",
        "Noto Sans SC",
        "Noto Serif CJK SC",
        "Source Han Sans SC",
        "Source Han Sans CN",
        "WenQuanYi Micro Hei",
        "WenQuanYi Zen Hei",
        "Droid Sans Fallback",
        "AR PL UMing CN",
        "AR PL UKai CN",
        "Microsoft YaHei",
        "Microsoft YaHei UI",
        "SimSun",
        "DengXian",
        "PingFang SC",
        "Hiragino Sans GB",
        "Heiti SC",
        "STHeiti",
    }
)
#: Checked after registering: Chinese (both scripts), Japanese kana and Korean Hangul.
SAMPLE = "中文汉字漢字ひらがなカタカナ한국어"


@dataclass(frozen=True)
class CjkFallback:
    """A registered fallback font: the application font's id, its family, and
    the families it was made a substitute of."""

    font_id: int
    family: str
    substituted: tuple[str, ...]

    def remove(self) -> None:
        """Take the font and its substitutions back (for tests that register one)."""
        for name in self.substituted:
            remaining = [s for s in QFont.substitutes(name) if s != self.family]
            QFont.removeSubstitutions(name)
            if remaining:
                QFont.insertSubstitutions(name, remaining)
        QFontDatabase.removeApplicationFont(self.font_id)


def bundled_font() -> Path | None:
    """The fallback font the bundle carries; ``None`` where it carries none (from source)."""
    path = FONTS_DIR / BUNDLED_FONT_NAME
    return path if path.is_file() else None


def system_covers_chinese() -> bool:
    """Whether an installed font family covers Simplified Chinese.

    The family names are read first: one of the common CJK families answers at
    no cost (the names are loaded for the first text drawn anyway). Only
    without one are the families' writing systems read, which means opening
    every family; on a minimal system, the one case that gets there, that is a
    handful of families.
    """
    installed = set(QFontDatabase.families())
    if not installed.isdisjoint(KNOWN_CJK_FAMILIES):
        return True
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def install_cjk_fallback(
    *, font_file: Path | None = None, system_covers: bool | None = None
) -> CjkFallback | None:
    """Make sure CJK text has a font: register ``font_file`` (the bundled font by
    default) as a fallback when no installed family covers Simplified Chinese.

    Call once, after the ``QApplication`` exists and before the window is built.
    ``system_covers`` overrides the check (tests pretend a system without CJK
    fonts). Returns the registration, or ``None`` when none was needed or possible.
    """
    if system_covers is None:
        system_covers = system_covers_chinese()
    if system_covers:
        return None
    path = font_file if font_file is not None else bundled_font()
    if path is None:
        _log.warning(
            "No installed font covers Chinese, Japanese or Korean, so such text shows as "
            "boxes; install one (on Debian or Ubuntu: fonts-wqy-microhei)"
        )
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        _log.warning("The fallback font %s could not be loaded", path)
        return None
    family = families[0]
    substituted: list[str] = []
    for font in _fonts_in_use():
        if not renders(SAMPLE, font):
            missing = [name for name in font.families() if name != family]
            for name in missing:
                QFont.insertSubstitution(name, family)
            substituted += missing
    return CjkFallback(font_id, family, tuple(dict.fromkeys(substituted)))


def renders(text: str, font: QFont) -> bool:
    """Whether every character of ``text`` has a glyph in ``font`` or in the fonts
    Qt falls back to from it (no empty boxes)."""
    # Here, not at the top: only a system without CJK fonts gets this far, and
    # making QTextLayout's Python type costs some 3 ms of every start.
    from PySide6.QtGui import QTextLayout

    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    return bool(runs) and all(0 not in run.glyphIndexes() for run in runs)


def _fonts_in_use() -> list[QFont]:
    """The app's font and the system's fixed-pitch font (code, previews)."""
    return [QGuiApplication.font(), QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)]
