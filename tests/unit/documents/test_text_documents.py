"""Reading text files: encodings, newlines, and the files that are not text at all."""

import codecs

import pytest

from kimi_desktop.documents import (
    LOCAL_LIMITS,
    DocumentError,
    DocumentKind,
    DocumentLimits,
    DocumentProblem,
    extract_local,
)
from tests.fakes.documents import pdf_bytes, png_bytes

CHINESE = "第一章 总则\n为了规范文件的管理，提高工作效率，制定本办法。\n“引号”、顿号和句号。\n"


def test_utf8_text_is_read_with_its_lines_counted() -> None:
    doc = extract_local("notes.md", b"# Title\n\nSome *text*.\n")

    assert doc.kind is DocumentKind.TEXT
    assert doc.text == "# Title\n\nSome *text*.\n"
    assert doc.lines == 3
    assert doc.encoding == "utf-8"
    assert doc.pages is None
    assert doc.name == "notes.md"


def test_a_last_line_without_newline_still_counts() -> None:
    assert extract_local("a.txt", b"one\ntwo").lines == 2


def test_windows_and_old_mac_newlines_become_line_feeds() -> None:
    doc = extract_local("crlf.txt", b"one\r\ntwo\rthree\r\n")
    assert doc.text == "one\ntwo\nthree\n"
    assert doc.lines == 3


def test_chinese_text_in_gb18030_is_recognised() -> None:
    doc = extract_local("办法.txt", CHINESE.encode("gb18030"))

    assert doc.text == CHINESE
    assert doc.encoding == "gb18030"
    assert doc.lines == 3


def test_chinese_text_in_utf8_is_read_as_utf8() -> None:
    doc = extract_local("办法.txt", CHINESE.encode("utf-8"))
    assert (doc.text, doc.encoding) == (CHINESE, "utf-8")


@pytest.mark.parametrize(
    ("bom", "codec", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_a_byte_order_mark_names_the_encoding_and_is_dropped(
    bom: bytes, codec: str, encoding: str
) -> None:
    text = "Résumé, 简历 and a smile 🙂\r\nsecond line\r\n"
    doc = extract_local("cv.txt", bom + text.encode(codec))

    assert doc.text == "Résumé, 简历 and a smile 🙂\nsecond line\n"
    assert doc.encoding == encoding
    assert doc.lines == 2


def test_utf16_from_windows_powershell_is_read() -> None:
    # PowerShell 5's `>` writes UTF-16 LE with a mark and CR LF line ends.
    data = "Name  Value\r\n----  -----\r\nPath  C:\\Tools\r\n".encode("utf-16")
    assert data.startswith(codecs.BOM_UTF16_LE)

    doc = extract_local("env.log", data)

    assert doc.text == "Name  Value\n----  -----\nPath  C:\\Tools\n"
    assert doc.encoding == "utf-16-le"


def test_tabs_form_feeds_and_colour_codes_in_logs_are_text() -> None:
    log = "\x1b[32mINFO\x1b[0m\tstarted\n\x0cpage two\n" * 50
    assert extract_local("build.log", log.encode()).text == log


def _refusal(name: str, data: bytes, limits: DocumentLimits = LOCAL_LIMITS) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        extract_local(name, data, limits=limits)
    assert caught.value.name == name
    assert f"“{name}”" in str(caught.value)
    return caught.value


def test_a_picture_renamed_txt_is_refused_as_binary() -> None:
    error = _refusal("holiday.txt", png_bytes())
    assert error.problem is DocumentProblem.BINARY
    assert "binary" in str(error)


def test_binary_without_nul_bytes_is_refused_by_its_control_characters() -> None:
    data = bytes([0x01, 0x02, 0x41, 0x42, 0x03, 0x10, 0x43, 0x1F] * 64)
    assert _refusal("blob.txt", data).problem is DocumentProblem.BINARY


def test_a_pdf_renamed_txt_is_read_as_the_pdf_it_is() -> None:
    doc = extract_local("minutes.txt", pdf_bytes(["Minutes of the meeting"]))
    assert doc.kind is DocumentKind.PDF


def test_binary_after_a_utf16_mark_is_refused() -> None:
    data = codecs.BOM_UTF16_LE + bytes([0x01, 0x00, 0x02, 0x00, 0x41, 0x00] * 40)
    assert _refusal("odd.txt", data).problem is DocumentProblem.BINARY


def test_an_empty_file_is_refused() -> None:
    error = _refusal("empty.txt", b"")
    assert error.problem is DocumentProblem.EMPTY
    assert "empty" in str(error)


@pytest.mark.parametrize(
    "data", [b"   \n\t\r\n  ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + b" \x00"]
)
def test_a_file_with_only_white_space_is_refused_as_empty(data: bytes) -> None:
    assert _refusal("blank.md", data).problem is DocumentProblem.EMPTY


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Le café était très animé ; à bientôt, Noël !\n" * 20, "cp1252"),
        ("Über die Größe der Brücke und süße Äpfel wird gesprochen.\n" * 20, "cp1252"),
        ("Привет, как дела? Это проверка кодировки текста.\n" * 20, "cp1251"),
        ("繁體中文的檔案，使用大五碼編碼儲存。\n" * 20, "big5"),
        ("日本語のテキストファイルです。よろしくお願いします。\n" * 20, "shift_jis"),
    ],
)
def test_text_in_other_legacy_encodings_is_refused_not_misread(text: str, codec: str) -> None:
    error = _refusal("legacy.txt", text.encode(codec))
    assert error.problem is DocumentProblem.UNDECODABLE
    assert "UTF-8" in str(error)


def test_a_broken_utf16_file_is_refused() -> None:
    data = codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xd8"  # half a surrogate pair
    assert _refusal("broken.txt", data).problem is DocumentProblem.UNDECODABLE


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    limits = DocumentLimits(max_bytes=1024)
    error = _refusal("huge.csv", b"a,b\n" * 300, limits)

    assert error.problem is DocumentProblem.TOO_LARGE
    assert "1 KB" in str(error)
    assert "1.2 KB" in str(error)


def test_more_text_than_the_character_cap_is_refused() -> None:
    error = _refusal("book.txt", b"word " * 30, DocumentLimits(max_chars=100))
    assert error.problem is DocumentProblem.TOO_LONG
    assert "100" in str(error)


def test_text_at_the_character_cap_is_read() -> None:
    assert len(extract_local("x.txt", b"x" * 100, limits=DocumentLimits(max_chars=100)).text) == 100


def test_an_unknown_kind_of_file_is_refused() -> None:
    error = _refusal("setup.exe", b"MZ\x90\x00")
    assert error.problem is DocumentProblem.UNSUPPORTED


def test_office_files_are_left_to_the_files_api() -> None:
    error = _refusal("letter.docx", b"PK\x03\x04")
    assert error.problem is DocumentProblem.NEEDS_FILES_API
    assert "Moonshot" in str(error)


def test_a_video_stream_named_ts_is_refused_as_binary() -> None:
    packet = bytes([0x47, 0x40, 0x00, 0x10]) + bytes(range(184))  # MPEG transport stream
    assert _refusal("clip.ts", packet * 8).problem is DocumentProblem.BINARY
