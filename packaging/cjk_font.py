"""The CJK fallback font of the Linux bundle, cut down to the characters people meet.

``kimi_desktop/ui/fonts.py`` registers ``kimi_desktop/fonts/wqy-microhei.ttc``
when the system has no font for Chinese, Japanese or Korean. The bundle takes
it from Debian's ``fonts-wqy-microhei`` (WenQuanYi Micro Hei 0.2.0-beta, offered
under the Apache License 2.0 or the GPL 3 with a font exception; the bundle
uses it under Apache-2.0): 5.2 MB for 34,600 characters in two faces, the
proportional one and Mono, which share their outlines.

Most of those characters are rare hanzi nobody meets on a system that has no
CJK font of its own, so the bundle keeps the sets below (:func:`coverage`),
about 14,000 characters, 2.1 MB:

- Simplified Chinese: GB 2312, the 6,763 hanzi of the national standard set
  with its punctuation, kana, Greek, Cyrillic and box drawing;
- Traditional Chinese: Big5's 5,401 frequently used characters (常用字);
- Japanese: JIS X 0208, both levels (6,355 kanji, all of the Jōyō kanji);
- Korean: KS X 1001's 2,350 precomposed Hangul syllables and its symbols;
- whole blocks: CJK punctuation, kana, Hangul compatibility jamo, full-width
  and half-width forms, CJK compatibility forms, general punctuation, Latin-1.

fontTools (MIT, the ``package`` extra; the app never imports it) cuts both
faces to the same glyphs, drops glyph names, and writes them as one collection
whose faces share every table that came out the same. Without fontTools the
whole font goes in and the build says so. The sets come from Python's own
codecs, so the list is the standards' and needs no table kept here.

The bundle carries, beside the font, Debian's copyright file, the Apache
License's text, and a note saying the font was cut (the licence asks modified
files to say so).
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The Debian package that ships the font, its copyright file and licence.
DEBIAN_PACKAGE = "fonts-wqy-microhei"
SOURCE_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SOURCE_COPYRIGHT = Path(f"/usr/share/doc/{DEBIAN_PACKAGE}/copyright")
#: Debian's copy of the licence text (package base-files, on every Debian system).
APACHE_LICENSE = Path("/usr/share/common-licenses/Apache-2.0")

#: Where ``kimi_desktop.ui.fonts.bundled_font()`` looks, inside ``_internal``.
BUNDLE_FOLDER = "kimi_desktop/fonts"
#: Must stay ``kimi_desktop.ui.fonts.BUNDLED_FONT_NAME`` (a test checks it).
FONT_NAME = "wqy-microhei.ttc"
COPYRIGHT_NAME = "wqy-microhei.copyright"
LICENSE_NAME = "Apache-2.0.txt"
NOTICE_NAME = "README.txt"

#: Whole Unicode blocks kept (first, last code point).
BLOCKS = {
    "Basic Latin and Latin-1": (0x0020, 0x00FF),
    "General Punctuation": (0x2000, 0x206F),
    "CJK Symbols and Punctuation": (0x3000, 0x303F),
    "Hiragana": (0x3040, 0x309F),
    "Katakana": (0x30A0, 0x30FF),
    "Hangul Compatibility Jamo": (0x3130, 0x318F),
    "Katakana Phonetic Extensions": (0x31F0, 0x31FF),
    "CJK Compatibility Forms": (0xFE30, 0xFE4F),
    "Halfwidth and Fullwidth Forms": (0xFF00, 0xFFEF),
}

_EUC_BYTES = range(0xA1, 0xFF)
_BIG5_TRAILS = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]


def coverage() -> dict[str, frozenset[int]]:
    """The character sets kept, by name, as code points."""
    sets = {
        # EUC-CN rows 0xA1-0xF7: symbols, kana, Greek, Cyrillic, then the hanzi.
        "GB 2312": _double_bytes("gb2312", range(0xA1, 0xF8), _EUC_BYTES),
        # Big5 0xA440-0xC67E: the frequently used characters (常用字).
        "Big5 frequently used": _double_bytes("big5", range(0xA4, 0xC6), _BIG5_TRAILS)
        | _double_bytes("big5", [0xC6], range(0x40, 0x7F)),
        # EUC-JP rows 0xA1-0xF4: JIS X 0208's symbols, kana and both kanji levels.
        "JIS X 0208": _double_bytes("euc_jp", range(0xA1, 0xF5), _EUC_BYTES),
        # EUC-KR rows 0xA1-0xAC (symbols, jamo) and 0xB0-0xC8 (Hangul syllables);
        # its hanja, rows 0xCA-0xFD, are left to the Chinese and Japanese sets.
        "KS X 1001 symbols and Hangul": _double_bytes(
            "euc_kr", [*range(0xA1, 0xAD), *range(0xB0, 0xC9)], _EUC_BYTES
        ),
    }
    sets.update({name: frozenset(range(first, last + 1)) for name, (first, last) in BLOCKS.items()})
    return sets


def characters() -> frozenset[int]:
    """Every code point kept (the union of :func:`coverage`)."""
    return frozenset().union(*coverage().values())


def _double_bytes(codec: str, leads: Iterable[int], trails: Iterable[int]) -> frozenset[int]:
    """The characters a double-byte code page maps the given byte pairs to."""
    found = set()
    trails = list(trails)
    for lead in leads:
        for trail in trails:
            try:
                text = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                found.add(ord(text))
    return frozenset(found)


def fonttools_available() -> bool:
    """Whether fontTools is installed where the build runs."""
    return importlib.util.find_spec("fontTools") is not None


def subset_collection(source: Path, output: Path, keep: Iterable[int]) -> int:
    """Write ``source`` (a .ttc) cut to the code points ``keep`` to ``output``;
    returns how many characters the output maps.

    Every face keeps the same glyphs, in the same order, so the faces of the
    output share their outlines as those of the source do.
    """
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # not a line per table
    wanted = set(keep)
    faces = TTCollection(str(source)).fonts
    glyph_ids: set[int] = {0}
    mapped: set[int] = set()
    for face in faces:
        cmap = face.getBestCmap()
        mapped |= wanted & set(cmap)
        glyph_ids |= {face.getGlyphID(cmap[code]) for code in wanted if code in cmap}
    for face in faces:
        options = subset.Options(
            notdef_outline=True,
            recalc_timestamp=False,
            # FFTM (FontForge's timestamps) is no use to a renderer.
            drop_tables=[*subset.Options().drop_tables, "FFTM"],
        )
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted(glyph_ids), unicodes=wanted)
        subsetter.subset(face)
    collection = TTCollection()
    collection.fonts = faces
    output.parent.mkdir(parents=True, exist_ok=True)
    collection.save(str(output), shareTables=True)
    return len(mapped)


class MissingFont(FileNotFoundError):
    """A file of the font is not on the build machine."""


@dataclass(frozen=True)
class FallbackFont:
    """The files prepared for the bundle's ``kimi_desktop/fonts``, and how."""

    folder: Path
    subset: bool

    def datas(self) -> list[tuple[str, str]]:
        """PyInstaller ``datas`` entries: (file, folder in the bundle)."""
        return [(str(path), BUNDLE_FOLDER) for path in sorted(self.folder.iterdir())]

    @property
    def font(self) -> Path:
        return self.folder / FONT_NAME


def prepare(
    workdir: Path,
    *,
    source: Path = SOURCE_FONT,
    copyright_file: Path = SOURCE_COPYRIGHT,
    license_file: Path = APACHE_LICENSE,
    cut: bool | None = None,
) -> FallbackFont:
    """Lay out the font, its copyright, licence and notice in ``workdir/fonts``.

    ``cut`` says whether to subset the font (default: when fontTools is there).
    Raises :class:`MissingFont` naming the Debian package when a file is missing.
    """
    for path in (source, copyright_file, license_file):
        if not path.is_file():
            raise MissingFont(
                f"{path} is missing: the bundle's CJK fallback font comes from Debian's "
                f"{DEBIAN_PACKAGE} (and base-files): apt-get install {DEBIAN_PACKAGE}"
            )
    if cut is None:
        cut = fonttools_available()
    folder = workdir / "fonts"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    kept = subset_collection(source, folder / FONT_NAME, characters()) if cut else 0
    if not cut:
        shutil.copyfile(source, folder / FONT_NAME)
    shutil.copyfile(copyright_file, folder / COPYRIGHT_NAME)
    shutil.copyfile(license_file, folder / LICENSE_NAME)
    (folder / NOTICE_NAME).write_text(notice(kept, _package_version()))
    return FallbackFont(folder, cut)


def notice(kept: int, version: str | None) -> str:
    """The note beside the font: where it comes from, its licence, and what was
    changed (``kept``: the characters left by cutting it; 0: not cut)."""
    package = f"{DEBIAN_PACKAGE} {version}" if version else DEBIAN_PACKAGE
    lines = [
        f"{FONT_NAME}: WenQuanYi Micro Hei 0.2.0-beta (文泉驿微米黑), from Debian's {package}.",
        f"Copyright: see {COPYRIGHT_NAME} (Debian's copyright file).",
        f"Licence: Apache License 2.0, see {LICENSE_NAME}.",
        "",
    ]
    if kept:
        lines += [
            "Changed by Kimi Desktop's packaging: the font was cut with fontTools to",
            f"{kept:,} characters (GB 2312, Big5's frequently used characters, JIS X 0208,",
            "KS X 1001's symbols and Hangul, CJK punctuation, kana, full-width forms and",
            "Latin-1), and its glyph names were removed. The outlines are unchanged.",
        ]
    else:
        lines.append("The font is unchanged.")
    return "\n".join(lines) + "\n"


def _package_version() -> str | None:
    if shutil.which("dpkg-query") is None:
        return None
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", DEBIAN_PACKAGE],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None if done.returncode == 0 else None
