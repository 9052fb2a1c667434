"""The block that carries a document to the model must never change for the same document."""

import json

from kimi_desktop import i18n
from kimi_desktop.documents import DocumentKind, ExtractedDocument, context_block, extract_local
from tests.fakes.documents import pdf_bytes


def test_the_block_is_the_files_api_shape_naming_the_file() -> None:
    doc = ExtractedDocument(name="plan.md", kind=DocumentKind.TEXT, text="# Plan\n", lines=1)

    assert context_block(doc) == (
        '{"content":"# Plan\\n","file_type":"text/plain","filename":"plan.md",'
        '"title":"","type":"file"}'
    )


def test_a_pdf_block_carries_its_pages_and_media_type() -> None:
    doc = extract_local("report.pdf", pdf_bytes(["One", "Two"]))

    block = json.loads(context_block(doc))

    assert block == {
        "content": "--- page 1 ---\nOne\n\n--- page 2 ---\nTwo",
        "file_type": "application/pdf",
        "filename": "report.pdf",
        "title": "",
        "type": "file",
    }


def test_chinese_is_sent_as_is_not_escaped() -> None:
    doc = ExtractedDocument(name="说明.txt", kind=DocumentKind.TEXT, text="你好，世界", lines=1)

    block = context_block(doc)

    assert '"filename":"说明.txt"' in block
    assert '"content":"你好，世界"' in block


def test_the_same_document_gives_the_same_bytes_every_time() -> None:
    data = pdf_bytes(["Stable text", "for the cache"])
    first = context_block(extract_local("a.pdf", data))

    again = context_block(extract_local("a.pdf", data))
    i18n.install("zh_CN")
    in_chinese = context_block(extract_local("a.pdf", data))

    assert first.encode() == again.encode() == in_chinese.encode()


def test_a_stored_document_rebuilt_field_by_field_gives_the_same_bytes() -> None:
    original = extract_local("notes.txt", "line one\r\nline “two”\r\n".encode())

    restored = ExtractedDocument(
        name=original.name,
        kind=DocumentKind(original.kind.value),
        text=original.text,
        lines=original.lines,
        encoding=original.encoding,
    )

    assert context_block(restored) == context_block(original)


def test_control_characters_and_quotes_survive_the_round_trip() -> None:
    text = 'He said "stop"\tand left \\ twice\x1b[0m\n'
    doc = ExtractedDocument(name='odd "name".txt', kind=DocumentKind.TEXT, text=text)

    block = json.loads(context_block(doc))

    assert block["content"] == text
    assert block["filename"] == 'odd "name".txt'
