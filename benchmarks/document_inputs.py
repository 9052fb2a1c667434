"""Documents to drop onto the composer: a long PDF written the way real ones are, and a text file.

:func:`book_pdf` writes a PDF whose pages cost a PDF reader what real pages
cost, which a page of one ``Tj`` per line in Helvetica does not (about 4 ms a
page with pypdf, against 20 to 40 ms for a TeX manual). Three pages in four are
typeset as pdfTeX does: a handful of Type 1 fonts with ``/Widths`` and a
``/ToUnicode`` CMap for TeX's OT1 encoding (ligatures such as "fi" as one
code), an italic font with an ``/Encoding /Differences`` array instead, words
set in ``TJ`` arrays where the gap between words is a kern (``-333``) rather
than a space character, kerns inside words (``(W)83(ord)``), font switches in
the middle of a line, and rules drawn between blocks. The fourth is written as
office programs do: a ``Type0`` font with ``Identity-H`` two-byte glyph codes, a
``/W`` width array and a ``/ToUnicode`` CMap, one positioned line per
``BT``/``ET``, with some lines in Chinese. Each page holds about 2.5 KB of
text, and its body says "Checkpoint {n} reached." so a reader of the text can
tell that every page came through, words apart.

:func:`text_file` writes markdown and code with some Chinese, in UTF-8.

Both are pure functions of their size, built once into the cache directory
(the file name carries :data:`VERSION`; bump it when a generator changes).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from pathlib import Path

from benchmarks import corpus

VERSION = 1

PAGE_WIDTH, PAGE_HEIGHT = 612, 792
LINE_CHARS = 62  # a line of body text, as TeX sets 10-point type on a letter page
BODY_LINES = 40
CHECKPOINT = "Checkpoint {number} reached."

_CHINESE = (
    "本章介绍文档的读取流程与性能预算。",
    "模型读取长文档时，每一页的文字都按顺序放进上下文。",
    "如果页面只有图片而没有文字层，请改用截图。",
    "表格中的数字来自上一季度的测量结果，单位为毫秒。",
    "请在发送之前确认附件已经读取完毕。",
)

# -- fonts ----------------------------------------------------------------------------

#: TeX's OT1 encoding, as pdfTeX's generated ToUnicode CMap maps it (codes 0x00-0x7F).
_OT1_CMAP_BODY = b"""8 beginbfrange
<00> <01> <0393>
<09> <0A> <03A8>
<23> <26> <0023>
<28> <3B> <0028>
<3F> <5B> <003F>
<5D> <5E> <005D>
<61> <7A> <0061>
<7B> <7C> <2013>
endbfrange
40 beginbfchar
<02> <0398>
<03> <039B>
<04> <039E>
<05> <03A0>
<06> <03A3>
<07> <03D2>
<08> <03A6>
<0B> <00660066>
<0C> <00660069>
<0D> <0066006C>
<0E> <006600660069>
<0F> <00660066006C>
<10> <0131>
<11> <0237>
<12> <0060>
<13> <00B4>
<14> <02C7>
<15> <02D8>
<16> <00AF>
<17> <02DA>
<18> <00B8>
<19> <00DF>
<1A> <00E6>
<1B> <0153>
<1C> <00F8>
<1D> <00C6>
<1E> <0152>
<1F> <00D8>
<21> <0021>
<22> <201D>
<27> <2019>
<3C> <00A1>
<3D> <003D>
<3E> <00BF>
<5C> <201C>
<5F> <02D9>
<60> <2018>
<7D> <02DD>
<7E> <007E>
<7F> <00A8>
endbfchar
"""
#: Typewriter fonts (OT1TT) keep ASCII where it is.
_ASCII_CMAP_BODY = b"1 beginbfrange\n<20> <7E> <0020>\nendbfrange\n"
_LIGATURES = (("ffi", "\x0e"), ("ffl", "\x0f"), ("ff", "\x0b"), ("fi", "\x0c"), ("fl", "\x0d"))


def _cmap(body: bytes, code_bytes: int) -> bytes:
    low, high = (b"<00>", b"<FF>") if code_bytes == 1 else (b"<0000>", b"<FFFF>")
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n"
        + low
        + b" "
        + high
        + b"\nendcodespacerange\n"
        + body
        + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


def _width(char: str, monospace: bool) -> int:
    """A glyph's advance in thousandths of an em, near Computer Modern's."""
    if monospace:
        return 525
    if char in "ijlt.,;:'!|\x0c\x0d":
        return 278
    if char in "mw":
        return 833
    if char.isupper() or char in "\x0b\x0e\x0f":
        return 722
    return 500


def _widths(monospace: bool) -> bytes:
    return b"[" + b" ".join(b"%d" % _width(chr(c), monospace) for c in range(128)) + b"]"


class _Writer:
    """Objects numbered as they are added, then a file with a cross-reference table."""

    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return len(self.objects)

    def reserve(self) -> int:
        return self.add(b"null")

    def set(self, number: int, body: bytes) -> None:
        self.objects[number - 1] = body

    def stream(self, data: bytes, extra: bytes = b"") -> int:
        packed = zlib.compress(data, 6)
        return self.add(
            b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n%s\nendstream"
            % (len(packed), extra, packed)
        )

    def pdf(self, root: int) -> bytes:
        out = bytearray(b"%PDF-1.5\n%\xd0\xd4\xc5\xd8\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(self.objects) + 1,
            root,
            xref,
        )
        return bytes(out)


def _tex_fonts(writer: _Writer) -> bytes:
    """pdfTeX's fonts, shared by every page: the resource dictionary naming them."""
    ot1 = writer.stream(_cmap(_OT1_CMAP_BODY, 1))
    ascii_map = writer.stream(_cmap(_ASCII_CMAP_BODY, 1))
    names = []
    for key, base, monospace, to_unicode in (
        (b"F55", b"PWNLKT+CMR10", False, ot1),
        (b"F82", b"ECEDAZ+CMBX12", False, ot1),
        (b"F57", b"LCHKSO+CMB10", False, ot1),
        (b"F66", b"GCLVEE+CMSL10", False, ot1),
        (b"F56", b"AKEQKS+CMTT10", True, ascii_map),
    ):
        descriptor = writer.add(
            b"<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [-40 -250 1009 750] "
            b"/Ascent 694 /CapHeight 683 /Descent -194 /ItalicAngle 0 /StemV 69 /XHeight 431 >>"
            % base
        )
        font = writer.add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /FontDescriptor %d 0 R "
            b"/FirstChar 0 /LastChar 127 /Widths %s /ToUnicode %d 0 R >>"
            % (base, descriptor, _widths(monospace), to_unicode)
        )
        names.append(b"/%s %d 0 R" % (key, font))
    # An italic font read through glyph names: codes 2 and 3 are the fi and fl ligatures.
    descriptor = writer.add(
        b"<< /Type /FontDescriptor /FontName /VEQMBL+NimbusRomNo9L-ReguItal /Flags 68 "
        b"/FontBBox [-169 -270 1010 924] /Ascent 669 /CapHeight 669 /Descent -193 "
        b"/ItalicAngle -15 /StemV 78 /XHeight 441 >>"
    )
    encoding = writer.add(
        b"<< /Type /Encoding /Differences [2 /fi /fl 39 /quoteright 96 /quoteleft] >>"
    )
    italic = writer.add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /VEQMBL+NimbusRomNo9L-ReguItal "
        b"/FontDescriptor %d 0 R /FirstChar 0 /LastChar 127 /Widths %s /Encoding %d 0 R >>"
        % (descriptor, _widths(False), encoding)
    )
    names.append(b"/F48 %d 0 R" % italic)
    return b"<< " + b" ".join(names) + b" >>"


class _OfficeFont:
    """A Type0 font with two-byte glyph codes, as office programs embed subsets."""

    def __init__(self, writer: _Writer, characters: str) -> None:
        self.codes = {char: 3 + index for index, char in enumerate(sorted(set(characters)))}
        entries = [
            b"<%04X> <%s>" % (code, char.encode("utf-16-be").hex().upper().encode())
            for char, code in self.codes.items()
        ]
        chunks = [entries[at : at + 100] for at in range(0, len(entries), 100)]
        body = b"".join(
            b"%d beginbfchar\n%s\nendbfchar\n" % (len(chunk), b"\n".join(chunk)) for chunk in chunks
        )
        to_unicode = writer.stream(_cmap(body, 2))
        widths = b" ".join(
            b"%d" % (1000 if ord(char) > 0x2000 else _width(char, False)) for char in self.codes
        )
        descriptor = writer.add(
            b"<< /Type /FontDescriptor /FontName /BAAAAA+LiberationSerif /Flags 4 "
            b"/FontBBox [-543 -303 1277 981] /Ascent 891 /CapHeight 662 /Descent -216 "
            b"/ItalicAngle 0 /StemV 80 >>"
        )
        cid_font = writer.add(
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /BAAAAA+LiberationSerif "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor %d 0 R /DW 500 /W [3 [%s]] /CIDToGIDMap /Identity >>"
            % (descriptor, widths)
        )
        self.number = writer.add(
            b"<< /Type /Font /Subtype /Type0 /BaseFont /BAAAAA+LiberationSerif "
            b"/Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>"
            % (cid_font, to_unicode)
        )

    def hex(self, text: str) -> bytes:
        return b"<" + b"".join(b"%04X" % self.codes[char] for char in text) + b">"


# -- pages ------------------------------------------------------------------------------


def _lines(rng: random.Random, number: int, count: int) -> list[str]:
    """Body lines of about :data:`LINE_CHARS` characters, the checkpoint among them."""
    words: list[str] = []
    while len(" ".join(words)) < count * LINE_CHARS:
        sentence = corpus.sentence(rng, inline=False)
        words += sentence.replace("*", "").replace("`", "").split()
    at = rng.randrange(len(words) // 2)
    words.insert(at, CHECKPOINT.format(number=number))  # kept on one line
    lines: list[str] = []
    line: list[str] = []
    for word in words:
        if line and len(" ".join([*line, word])) > LINE_CHARS:
            lines.append(" ".join(line))
            line = []
        line.append(word)
    lines.append(" ".join(line))
    return lines[:count]


def _tex_string(text: str, *, ligatures: dict[str, str] | None) -> bytes:
    for plain, code in (ligatures or {}).items():
        text = text.replace(plain, code)
    raw = text.encode("latin-1")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _tex_words(rng: random.Random, words: list[str], ligatures: dict[str, str] | None) -> bytes:
    """A ``TJ`` array as pdfTeX writes it: kerns between words, some inside them."""
    parts: list[bytes] = []
    for index, word in enumerate(words):
        if index:
            parts.append(b"-%d" % rng.choice((332, 333, 333, 334)))
        if len(word) > 3 and rng.random() < 0.5:
            cut = rng.randrange(1, len(word) - 1)
            parts.append(b"(%s)" % _tex_string(word[:cut], ligatures=ligatures))
            parts.append(b"%d" % rng.choice((-28, 27, 28, 83)))
            parts.append(b"(%s)" % _tex_string(word[cut:], ligatures=ligatures))
        else:
            parts.append(b"(%s)" % _tex_string(word, ligatures=ligatures))
    return b"[" + b"".join(parts) + b"]TJ"


def _advance(words: list[str], size: float, monospace: bool) -> float:
    glyphs = sum(_width(char, monospace) for char in " ".join(words))
    return glyphs * size / 1000


def _tex_page(rng: random.Random, number: int) -> bytes:
    ot1 = dict(_LIGATURES)
    italic = {"fi": "\x02", "fl": "\x03"}
    size, leading = 10.9091, 13.151
    ops = [
        b"1 0 0 1 90 733.948 cm\n0 0 0 rg 0 0 0 RG\n1 0 0 1 -90 -733.948 cm",
        b"BT\n/F55 %.4f Tf 516.545 733.948 Td [(%d)]TJ\nET" % (size, number),
        b"BT\n/F82 14.3462 Tf 90 684.134 Td "
        + _tex_words(rng, [f"{number // 10 + 1}.{number % 10 + 1}", *corpus.words(rng, 4)], ot1),
        b"/F55 %.4f Tf 0 -26.899 Td" % size,
    ]
    for index, line in enumerate(_lines(rng, number, BODY_LINES)):
        words = line.split()
        if index and index % 12 == 0:  # a new block: a rule, then a bold lead-in
            ops.append(
                b"ET\nq\n1 0 0 1 90 %.3f cm\n[]0 d 0 J 0.4 w 0 0 m 432 0 l S\nQ\nBT"
                % (684.134 - 26.899 - leading * index + 4)
            )
            ops.append(b"/F57 %.4f Tf 90 %.3f Td" % (size, 684.134 - 26.899 - leading * index))
        elif index:
            ops.append(b"0 -%.3f Td" % leading)
        switch = rng.random()
        if switch < 0.7 and len(words) > 4:
            # words in another font mid-line: the Td moves by what was set before
            split = rng.randrange(1, len(words) - 2)
            other, monospace = (
                (b"/F56", True)
                if switch < 0.3
                else (b"/F66", False)
                if switch < 0.5
                else (b"/F48", False)
            )
            head, middle, tail = words[:split], words[split : split + 2], words[split + 2 :]
            first = _advance(head, size, False) + size / 3
            second = _advance(middle, size, monospace) + size / 3
            ops.append(_tex_words(rng, head, ot1))
            ops.append(b"%s %.4f Tf %.3f 0 Td" % (other, size, first))
            ops.append(
                _tex_words(rng, middle, None if monospace else italic if other == b"/F48" else ot1)
            )
            ops.append(b"/F55 %.4f Tf %.3f 0 Td" % (size, second))
            ops.append(_tex_words(rng, tail, ot1))
            ops.append(b"%.3f 0 Td" % -(first + second))
        else:
            ops.append(_tex_words(rng, words, ot1))
    ops.append(b"ET")
    return b"\n".join(ops)


def _office_page(rng: random.Random, number: int, font: _OfficeFont) -> bytes:
    ops = [b"0.1 w\nq 0 0.028 611.971 791.971 re W* n"]
    lines = _lines(rng, number, BODY_LINES)
    for index in range(2, len(lines), 9):
        if "Checkpoint" not in lines[index]:
            lines[index] = rng.choice(_CHINESE) + rng.choice(_CHINESE)
    y = 720.0
    for line in lines:
        ops.append(b"BT\n/F1 11.04 Tf\n1 0 0 1 72.024 %.3f Tm\n%s Tj\nET" % (y, font.hex(line)))
        y -= 13.8
    ops.append(b"BT\n/F1 11.04 Tf\n1 0 0 1 300 40 Tm\n%s Tj\nET\nQ" % font.hex(str(number)))
    return b"\n".join(ops)


def _office_characters() -> str:
    printable = "".join(chr(c) for c in range(0x20, 0x7F))
    return printable + "".join(_CHINESE)


def pdf_bytes(page_count: int, seed: int = 16) -> bytes:
    """The PDF :func:`book_pdf` stores, built in memory."""
    rng = random.Random(seed)
    writer = _Writer()
    catalog, pages = writer.reserve(), writer.reserve()
    tex_fonts = _tex_fonts(writer)
    office = _OfficeFont(writer, _office_characters())
    office_fonts = b"<< /F1 %d 0 R >>" % office.number
    kids = []
    for number in range(1, page_count + 1):
        if number % 4 == 0:
            content, fonts = _office_page(rng, number, office), office_fonts
        else:
            content, fonts = _tex_page(rng, number), tex_fonts
        contents = writer.stream(content)
        kids.append(
            writer.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font %s /ProcSet [/PDF /Text] >> >>"
                % (pages, PAGE_WIDTH, PAGE_HEIGHT, contents, fonts)
            )
        )
    references = b" ".join(b"%d 0 R" % kid for kid in kids)
    writer.set(pages, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (references, len(kids)))
    writer.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return writer.pdf(catalog)


def text_bytes(size: int, seed: int = 16) -> bytes:
    """At most ``size`` bytes of UTF-8 in whole lines: markdown, code and, every so
    often, Chinese."""
    rng = random.Random(seed)
    chunks: list[bytes] = []
    total = 0
    while total <= size:
        chunk = corpus.markdown_reply(rng, 4_000)
        if rng.random() < 0.2:
            chunk += "\n\n" + "".join(rng.choices(_CHINESE, k=4))
        data = (chunk + "\n\n").encode("utf-8")
        chunks.append(data)
        total += len(data)
    whole = b"".join(chunks)
    return whole[: whole.rindex(b"\n", 0, size) + 1]


# -- the cache --------------------------------------------------------------------------


def _cached(path: Path, build: Callable[[], bytes]) -> Path:
    """``path``, written first when missing (through a temporary name, so an
    interrupted build is never taken for a finished one)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(build())
        partial.replace(path)
    return path


def book_pdf(cache_dir: Path, page_count: int) -> Path:
    """A PDF of ``page_count`` pages (see the module docstring), built once."""
    path = cache_dir / f"book-{page_count}-pages-v{VERSION}.pdf"
    return _cached(path, lambda: pdf_bytes(page_count))


def text_file(cache_dir: Path, size: int) -> Path:
    """At most ``size`` bytes of UTF-8 text in a ``.md`` file, built once."""
    path = cache_dir / f"notes-{size}-bytes-v{VERSION}.md"
    return _cached(path, lambda: text_bytes(size))
