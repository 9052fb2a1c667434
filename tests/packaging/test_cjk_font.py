"""The bundle's CJK fallback font: the characters kept, the files beside it, and that
the cut font still draws Chinese, Japanese and Korean where no other font can."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kimi_desktop.ui import fonts
from tests.packaging.conftest import PACKAGING, ROOT, load_script

cjk_font = load_script(PACKAGING / "cjk_font.py")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

needs_source = pytest.mark.skipif(
    not cjk_font.SOURCE_FONT.is_file(), reason=f"{cjk_font.DEBIAN_PACKAGE} is not installed"
)
needs_fonttools = pytest.mark.skipif(
    importlib.util.find_spec("fontTools") is None, reason="fontTools is not installed"
)


def test_the_font_lands_where_the_app_looks() -> None:
    assert cjk_font.FONT_NAME == fonts.BUNDLED_FONT_NAME
    assert cjk_font.BUNDLE_FOLDER == "kimi_desktop/fonts"


def test_the_kept_sets_are_the_standards() -> None:
    sets = cjk_font.coverage()
    hanzi = range(0x4E00, 0xA000)
    assert sum(code in hanzi for code in sets["GB 2312"]) == 6763
    assert len(sets["Big5 frequently used"]) == 5401
    assert sum(code in hanzi for code in sets["JIS X 0208"]) >= 6355
    hangul = range(0xAC00, 0xD7A4)
    assert sum(code in hangul for code in sets["KS X 1001 symbols and Hangul"]) == 2350


@pytest.mark.parametrize(
    "text",
    [
        "简体中文：这是一个测试。",  # Simplified Chinese and its punctuation
        "繁體中文：這是一個測試。",  # Traditional
        "日本語のテキスト、カタカナ",  # Japanese: kanji, hiragana, katakana
        "한국어 텍스트입니다",  # Korean Hangul
        "「引用」『書名』（全角）！？　～",  # CJK brackets, full-width forms
        "“quotes” — … ‘é’",  # general punctuation and Latin-1
    ],
)
def test_text_people_write_is_kept(text: str) -> None:
    kept = cjk_font.characters()
    assert [ch for ch in text if ord(ch) not in kept and ch != " "] == []


def test_rare_hanzi_are_left_out() -> None:
    kept = cjk_font.characters()
    assert ord("龘") not in kept  # U+9F98, in none of the sets
    assert len(kept) < 15_000


def test_a_missing_font_names_the_package(tmp_path: Path) -> None:
    with pytest.raises(cjk_font.MissingFont, match="fonts-wqy-microhei"):
        cjk_font.prepare(tmp_path, source=tmp_path / "nowhere.ttc")


def test_the_notice_says_whether_the_font_was_changed() -> None:
    assert "cut with fontTools to\n14,030 characters" in cjk_font.notice(14030, "1.0")
    assert "Debian's fonts-wqy-microhei 1.0" in cjk_font.notice(14030, "1.0")
    assert "The font is unchanged." in cjk_font.notice(0, None)


@needs_source
def test_uncut_the_whole_font_goes_in_with_its_licence(tmp_path: Path) -> None:
    prepared = cjk_font.prepare(tmp_path, cut=False)
    assert not prepared.subset
    assert prepared.font.read_bytes() == cjk_font.SOURCE_FONT.read_bytes()
    names = {Path(src).name for src, folder in prepared.datas() if folder == "kimi_desktop/fonts"}
    assert names == {"wqy-microhei.ttc", "wqy-microhei.copyright", "Apache-2.0.txt", "README.txt"}
    assert "Apache License" in (prepared.folder / "Apache-2.0.txt").read_text()
    assert "WenQuanYi" in (prepared.folder / "wqy-microhei.copyright").read_text()
    assert "unchanged" in (prepared.folder / "README.txt").read_text()


#: In a process whose fontconfig sees DejaVu only: boxes before, glyphs after.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication
    from kimi_desktop.ui.fonts import install_cjk_fallback, renders

    app = QApplication([])
    text = sys.argv[2]
    before = renders(text, app.font())
    registration = install_cjk_fallback(font_file=Path(sys.argv[1]))
    faces = QFontDatabase.applicationFontFamilies(registration.font_id) if registration else []
    print(before, renders(text, app.font()), ",".join(faces), sep="|")
    """
)


@needs_source
@needs_fonttools
def test_the_cut_font_draws_cjk_on_a_system_without_cjk_fonts(tmp_path: Path) -> None:
    if not DEJAVU.is_dir():
        pytest.skip("DejaVu is not installed to stand in for a minimal system's only font")
    prepared = cjk_font.prepare(tmp_path)
    assert prepared.subset
    # The cut: 5.2 MB whole, about 2.2 MB with the common characters of both faces.
    assert prepared.font.stat().st_size < 2.5 * 2**20
    assert "Changed by Kimi Desktop's packaging" in (prepared.folder / "README.txt").read_text()

    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    environ = {**os.environ, "FONTCONFIG_FILE": str(config), "QT_QPA_PLATFORM": "offscreen"}
    text = fonts.SAMPLE + "繁體「」，。！한글"
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(prepared.font), text],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    )
    before, after, faces = result.stdout.strip().split("|")
    assert before == "False"  # DejaVu alone draws boxes
    assert after == "True"
    assert faces.split(",") == ["WenQuanYi Micro Hei", "WenQuanYi Micro Hei Mono"]
