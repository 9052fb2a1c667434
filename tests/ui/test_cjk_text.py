"""Chinese, Japanese and Korean text is drawn with real glyphs, never as empty boxes.

Where the window shows it (a conversation's title in the sidebar, a message, a
search result's snippet), the text is laid out in the very font the widget
draws it with, after Qt's fallback, and every glyph must come from a font
that has the character. The fallback font the app registers on a system with
no CJK font is tried too: in this process by pretending there is none, and in a
child process whose fontconfig sees only DejaVu, as on a minimal Debian.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QImage, QPainter, QTextLayout
from PySide6.QtWidgets import QStyleOptionViewItem, QTextEdit, QWidget

import kimi_desktop
from kimi_desktop.ui import fonts
from kimi_desktop.ui.fonts import (
    KNOWN_CJK_FAMILIES,
    SAMPLE,
    install_cjk_fallback,
    renders,
    system_covers_chinese,
)
from tests.fakes import openai_stream
from tests.loop_support import run_until, settle
from tests.ui.app_driver import finish, send

TITLE = "东京旅行计划"
PROMPT = "请用中文解释量子计算，顺便说一句日本語と한국어。"
REPLY = "量子计算利用叠加和纠缠来处理信息。"
TERM = "纠缠"
#: CJK fonts this machine may have, for the tests that register one as the fallback.
CANDIDATE_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def cjk(text: str) -> str:
    """The Han, kana and Hangul characters of ``text``."""
    return "".join(
        ch
        for ch in text
        if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"
    )


def unresolved(layout: QTextLayout, text: str) -> str:
    """The CJK characters of ``text`` that ``layout`` (laid out) draws as no glyph or
    with a font that lacks them."""
    runs = [run for n in range(layout.lineCount()) for run in layout.lineAt(n).glyphRuns()]
    if any(0 in run.glyphIndexes() for run in runs):
        return cjk(text) or "?"  # a .notdef glyph: a box
    fonts = [run.rawFont() for run in runs]
    return "".join(ch for ch in cjk(text) if not any(f.supportsCharacter(ord(ch)) for f in fonts))


def unresolved_in(text: str, font: QFont) -> str:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return unresolved(layout, text)


class RecordingPainter(QPainter):
    """A painter that notes each text it draws with the font it draws it in."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.drawn: list[tuple[str, QFont]] = []

    def drawText(self, *args) -> None:  # type: ignore[override]
        text = next(arg for arg in args if isinstance(arg, str))
        self.drawn.append((text, QFont(self.font())))
        super().drawText(*args)


def drawn_rows(view) -> list[tuple[str, QFont]]:
    """Every text the sidebar's delegate draws for the rows, with its font."""
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    try:
        for row in range(view.model().rowCount()):
            index = view.model().index(row, 0)
            option = QStyleOptionViewItem()
            view.initViewItemOption(option)
            option.rect = view.visualRect(index)
            view.itemDelegate().paint(painter, option, index)
    finally:
        painter.end()
    return painter.drawn


def text_views(widget: QWidget) -> list[QTextEdit]:
    return [view for view in widget.findChildren(QTextEdit) if view.isVisibleTo(widget)]


def test_chinese_in_a_title_a_message_and_a_snippet_has_glyphs(server, make_app, qloop) -> None:
    parts = make_app(server)
    window = parts.window
    server.enqueue(openai_stream([], [REPLY]))
    conversation_id = send(parts, PROMPT)
    finish(qloop, parts, conversation_id)
    parts.history.rename(conversation_id, TITLE)
    window.sidebar.refresh()
    settle(qloop)

    drawn = drawn_rows(window.sidebar.list)
    titles = [(text, font) for text, font in drawn if TITLE in text]
    assert titles, drawn
    for text, font in titles:
        assert unresolved_in(text, font) == "", (text, font.families())

    checked = 0
    for message_id in window.chat_view.message_ids():
        widget = window.chat_view.message_widget(message_id)
        assert widget is not None
        for view in text_views(widget):
            block = view.document().begin()
            while block.isValid():
                if cjk(block.text()):
                    assert block.layout().lineCount() > 0
                    assert unresolved(block.layout(), block.text()) == "", block.text()
                    checked += 1
                block = block.next()
    assert checked >= 2  # the prompt and the reply

    window.sidebar.focus_search()
    window.sidebar.search.insert(TERM)  # as an input method commits it
    run_until(
        qloop,
        lambda: window.sidebar.model.searching and window.sidebar.model.rowCount() == 1,
    )
    settle(qloop)
    drawn = drawn_rows(window.sidebar.list)
    snippet = [(text, font) for text, font in drawn if TERM in text and TITLE not in text]
    assert snippet, drawn  # the match, drawn on its own in bold
    for text, font in drawn:
        assert unresolved_in(text, font) == "", (text, font.families())


def installed_cjk_font() -> Path:
    found = next((Path(p) for p in CANDIDATE_FONTS if Path(p).is_file()), None)
    if found is None:
        pytest.skip("no CJK font file on this machine to register")
    return found


def test_the_fallback_is_registered_when_no_family_covers_chinese(qapp) -> None:
    if system_covers_chinese():
        assert install_cjk_fallback() is None  # nothing to do

    registration = install_cjk_fallback(font_file=installed_cjk_font(), system_covers=False)
    assert registration is not None
    try:
        assert registration.family in QFontDatabase.applicationFontFamilies(registration.font_id)
        assert renders(SAMPLE, QFont(registration.family))
        assert renders(SAMPLE, qapp.font())
        # The app's fonts fall back to it already: no family was taken over.
        assert registration.substituted == ()
    finally:
        registration.remove()
    assert QFontDatabase.applicationFontFamilies(registration.font_id) == []


def test_the_known_cjk_families_installed_here_cover_chinese(qapp) -> None:
    installed = KNOWN_CJK_FAMILIES & set(QFontDatabase.families())
    if not installed:
        pytest.skip("none of the known CJK families is installed here")
    chinese = QFontDatabase.WritingSystem.SimplifiedChinese
    for family in installed:
        assert chinese in QFontDatabase.writingSystems(family), family
    assert system_covers_chinese()


def test_the_bundled_font_is_found_where_the_packaging_puts_it(
    qapp, tmp_path: Path, monkeypatch
) -> None:
    # The packaging puts the font in kimi_desktop/fonts (packaging/cjk_font.py).
    packaged = Path(kimi_desktop.__file__).parent / "fonts"
    assert packaged == fonts.FONTS_DIR
    package = tmp_path / "kimi_desktop"
    (package / "fonts").mkdir(parents=True)
    monkeypatch.setattr(fonts, "FONTS_DIR", package / "fonts")
    assert fonts.bundled_font() is None  # run from source: nothing bundled
    shutil.copy(installed_cjk_font(), package / "fonts" / fonts.BUNDLED_FONT_NAME)
    assert fonts.bundled_font() == package / "fonts" / fonts.BUNDLED_FONT_NAME

    registration = install_cjk_fallback(system_covers=False)
    assert registration is not None
    registration.remove()


def test_a_missing_font_file_registers_nothing(qapp, tmp_path: Path) -> None:
    broken = tmp_path / "not-a-font.ttf"
    broken.write_bytes(b"not a font")
    assert install_cjk_fallback(font_file=broken, system_covers=False) is None


#: Run in a child process that sees DejaVu only: boxes before, glyphs after.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication, QLabel
    from kimi_desktop.ui.fonts import SAMPLE, install_cjk_fallback, renders, system_covers_chinese

    app = QApplication([])
    label = QLabel(SAMPLE)
    before = renders(SAMPLE, label.font())
    covered = system_covers_chinese()
    registration = install_cjk_fallback(font_file=Path(sys.argv[1]))
    after = renders(SAMPLE, label.font()) and renders(SAMPLE, app.font())
    family = registration.family if registration is not None else ""
    print(covered, before, family, after, sep="|")
    """
)


def test_a_system_without_cjk_fonts_gets_the_fallback(tmp_path: Path) -> None:
    font = installed_cjk_font()
    if not DEJAVU.is_dir():
        pytest.skip("DejaVu is not installed to stand in for a minimal system's only font")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    environ = {**os.environ, "FONTCONFIG_FILE": str(config), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(font)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    covered, before, family, after = result.stdout.strip().split("|")
    assert covered == "False"  # no installed family covers Chinese
    assert before == "False"  # so CJK text shows as boxes
    assert family  # until the fallback is registered
    assert after == "True"
