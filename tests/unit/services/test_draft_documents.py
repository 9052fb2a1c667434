"""DraftDocuments: files read off the GUI thread into the draft, each refusal a sentence
naming the file, the rest of the draft kept; Moonshot's files API on the loopback fake."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kimi_desktop.api import Endpoint, KimiClient
from kimi_desktop.documents import MAX_UPLOAD_BYTES, context_block, extract_local
from kimi_desktop.services.document_context import document_tokens
from kimi_desktop.services.draft_documents import (
    DraftDocuments,
    Extractor,
    NamedData,
    split_sources,
)
from kimi_desktop.services.token_estimate import MESSAGE_OVERHEAD, estimate_text
from tests.fakes import FakeKimiServer, moonshot_file_error
from tests.fakes.documents import encrypted_pdf, long_pdf, office_bytes, pdf_bytes, png_bytes

CHINESE = "季度报告\r\n第一季度营收增长百分之十二，利润稳定。\r\n下一步：扩大市场。\r\n"


@dataclass
class Draft:
    """A DraftDocuments and what it said."""

    documents: DraftDocuments
    loop: asyncio.AbstractEventLoop
    folder: Path
    rejected: list[str] = field(default_factory=list)
    busy: list[bool] = field(default_factory=list)

    def file(self, name: str, data: bytes) -> str:
        path = self.folder / name
        path.write_bytes(data)
        return str(path)

    def add(self, *sources: str | bytes | NamedData) -> list[str]:
        return self.loop.run_until_complete(self.documents.add_sources(sources))

    def names(self) -> list[str]:
        return [entry.name for entry in self.documents.entries()]


@pytest.fixture
def draft(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Draft]:
    documents = DraftDocuments()
    made = Draft(documents, qloop, tmp_path)
    documents.rejected.connect(made.rejected.append)
    documents.busy_changed.connect(made.busy.append)
    yield made
    documents.deleteLater()


def moonshot_reader(server: FakeKimiServer) -> Extractor:
    """What the window wires on a Moonshot endpoint: the files API, one client per file."""
    endpoint = Endpoint("moonshot", "Moonshot", server.base_url)

    async def read(name: str, data: bytes) -> str:
        async with KimiClient(endpoint, server.api_key) as client:
            return await client.extract_file(name, data)

    return read


# -- images or documents ---------------------------------------------------------


def test_sources_are_split_into_images_and_documents(tmp_path: Path) -> None:
    def file(name: str, data: bytes) -> str:
        (tmp_path / name).write_bytes(data)
        return str(tmp_path / name)

    pasted = b"\x89PNG pasted"
    shot = file("shot.PNG", b"not even a png")
    unnamed_png = file("screenshot", png_bytes())
    renamed = file("picture.txt", png_bytes())
    report = file("report.pdf", pdf_bytes(["Hello"]))
    code = file("main.py", b"print('hi')\n")
    unknown = file("data.bin", b"\x00\x01\x02")
    folder = tmp_path / "folder"
    folder.mkdir()
    missing = str(tmp_path / "gone")

    images, documents = split_sources(
        [pasted, shot, unnamed_png, renamed, report, code, unknown, str(folder), missing]
    )
    assert images == [pasted, shot, unnamed_png]
    # A name that promises text stays a document (and is then refused as binary).
    assert documents == [renamed, report, code, unknown, str(folder), missing]


# -- read here ---------------------------------------------------------------------


def test_a_chinese_gb18030_text_file_is_read(draft: Draft) -> None:
    path = draft.file("报告.txt", CHINESE.encode("gb18030"))
    assert draft.add(path) == []
    (document,) = draft.documents.documents()
    assert document.name == "报告.txt"
    assert document.kind == "text"
    assert document.text == CHINESE.replace("\r\n", "\n")
    assert (document.lines, document.pages) == (3, None)
    # The composer's rule on the block that is sent: a quarter token per ASCII
    # character, one per other character, plus the message's overhead.
    block = context_block(extract_local("报告.txt", CHINESE.encode("gb18030")))
    assert document.tokens == MESSAGE_OVERHEAD + estimate_text(block) == document_tokens(document)
    assert draft.busy == [True, False]
    assert [entry.reading for entry in draft.documents.entries()] == [False]


def test_a_multi_page_pdf_is_read_page_by_page(draft: Draft) -> None:
    path = draft.file("guide.pdf", long_pdf(12, lines_per_page=5))
    assert draft.add(path) == []
    (document,) = draft.documents.documents()
    assert (document.kind, document.pages, document.lines) == ("pdf", 12, None)
    assert document.text.startswith("--- page 1 ---\nThe quick brown fox")
    assert "--- page 12 ---" in document.text
    assert "line 5 of page 12." in document.text


def test_a_file_given_as_bytes_with_its_name_is_read(draft: Draft) -> None:
    assert draft.add(NamedData("notes.md", b"# Notes\r\n- one\r\n")) == []
    (document,) = draft.documents.documents()
    assert (document.name, document.text, document.lines) == ("notes.md", "# Notes\n- one\n", 2)


def test_documents_show_while_they_are_read_and_keep_their_order(draft: Draft) -> None:
    task = draft.documents.add_sources(
        [draft.file("a.md", b"alpha"), draft.file("b.pdf", pdf_bytes(["beta"]))]
    )
    entries = draft.documents.entries()
    assert [(e.name, e.reading) for e in entries] == [("a.md", True), ("b.pdf", True)]
    assert draft.documents.is_busy()
    assert draft.documents.documents() == ()
    draft.loop.run_until_complete(task)
    assert [(e.name, e.reading) for e in draft.documents.entries()] == [
        ("a.md", False),
        ("b.pdf", False),
    ]
    assert not draft.documents.is_busy()


# -- what cannot be attached -----------------------------------------------------------


def test_every_bad_file_is_refused_in_a_sentence_naming_it(
    draft: Draft, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kimi_desktop.services.document_reading.MAX_LOCAL_BYTES", 4_096)
    folder = draft.folder / "photos"
    folder.mkdir()
    good = draft.file("keep.md", b"# kept")
    cases = {
        draft.file("locked.pdf", encrypted_pdf(["secret"], user_password="pw")): "password",
        draft.file("scan.pdf", pdf_bytes([None, None])): "screenshot",
        draft.file("photo.txt", png_bytes()): "binary",
        draft.file("empty.txt", b""): "empty",
        draft.file("huge.log", b"x" * 4_097): "too large",
        draft.file("broken.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4): "damaged",
        draft.file("setup.exe", b"MZ\x90\x00"): "only text files",
        draft.file("plan.docx", office_bytes()): "Moonshot",
        str(folder): "folder",
        str(draft.folder / "gone.txt"): "could not be found",
    }
    refusals = draft.add(good, *cases)

    assert draft.names() == ["keep.md"]  # the good one stays, nothing half-attached
    assert refusals == draft.rejected  # said in the order the files came
    assert len(refusals) == len(cases)
    for (path, words), sentence in zip(cases.items(), refusals, strict=True):
        name = Path(path).name
        assert f"“{name}”" in sentence, sentence
        assert words in sentence, sentence
        assert sentence.endswith("."), sentence
    assert draft.busy == [True, False]


def test_the_same_document_twice_is_attached_once(draft: Draft) -> None:
    path = draft.file("a.md", b"alpha")
    assert draft.add(path) == []
    assert draft.add(path) == ["“a.md” is already attached."]
    assert draft.names() == ["a.md"]


def test_removing_a_document_while_it_is_read_leaves_nothing(draft: Draft) -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow(name: str, data: bytes) -> str:
        started.set()
        await release.wait()
        return "never used"

    draft.documents.set_extractor(slow)
    task = draft.documents.add_sources([draft.file("a.md", b"alpha")])
    draft.loop.run_until_complete(started.wait())
    draft.documents.remove(0)
    assert draft.documents.entries() == []
    assert draft.loop.run_until_complete(task) == []
    assert draft.documents.entries() == []
    assert draft.busy == [True, False]


def test_clear_empties_the_draft(draft: Draft) -> None:
    draft.add(draft.file("a.md", b"alpha"))
    changed: list[None] = []
    draft.documents.changed.connect(lambda: changed.append(None))
    draft.documents.clear()
    assert (draft.documents.entries(), changed) == ([], [None])


# -- Moonshot's files API --------------------------------------------------------------


@pytest.fixture
def moonshot() -> Iterator[FakeKimiServer]:
    with FakeKimiServer("moonshot") as server:
        yield server


def test_the_files_api_reads_uploads_and_deletes(draft: Draft, moonshot: FakeKimiServer) -> None:
    moonshot.file_texts["plan.docx"] = "Plan\r\nStep one\r\n"
    moonshot.file_texts["report.pdf"] = "Quarterly report\n营收增长 12%。"
    draft.documents.set_extractor(moonshot_reader(moonshot))
    pdf = draft.file("report.pdf", pdf_bytes(["ignored: the provider reads it"]))
    assert draft.add(draft.file("plan.docx", office_bytes()), pdf) == []

    plan, report = draft.documents.documents()
    assert (plan.name, plan.kind, plan.text, plan.lines) == (
        "plan.docx",
        "docx",
        "Plan\nStep one\n",
        None,
    )
    assert (report.kind, report.text) == ("pdf", "Quarterly report\n营收增长 12%。")
    assert report.tokens == document_tokens(report)
    kinds = sorted(moonshot.request_kinds)  # the two files go at once
    assert kinds == sorted(["file_upload", "file_content", "file_delete"] * 2)
    assert [u.purpose for u in moonshot.uploaded] == ["file-extract"] * 2
    assert moonshot.uploads == {}  # nothing left on the provider's side


def test_an_upload_the_provider_refuses_keeps_its_words(
    draft: Draft, moonshot: FakeKimiServer
) -> None:
    moonshot.enqueue_for("file_upload", moonshot_file_error("too_many"))
    draft.documents.set_extractor(moonshot_reader(moonshot))
    (sentence,) = draft.add(draft.file("notes.md", b"notes"))
    assert "“notes.md”" in sentence
    assert "exceeded the max file count 1000" in sentence  # the provider's own words
    assert draft.documents.entries() == []


def test_a_network_drop_mid_upload_attaches_nothing(draft: Draft, moonshot: FakeKimiServer) -> None:
    draft.add(draft.file("kept.md", b"kept"))  # read before the endpoint changed
    draft.documents.set_extractor(moonshot_reader(moonshot))
    moonshot.cut_request("file_upload", after_bytes=2_000)
    (sentence,) = draft.add(draft.file("big.pdf", long_pdf(20)))
    assert sentence.startswith("“big.pdf” was not attached.")
    assert draft.names() == ["kept.md"]
    assert moonshot.request_kinds == ["file_upload"]  # never sent again
    assert moonshot.uploaded == []


def test_moonshot_takes_files_larger_than_read_here(
    draft: Draft, moonshot: FakeKimiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kimi_desktop.services.document_reading.MAX_LOCAL_BYTES", 16)
    monkeypatch.setattr("kimi_desktop.services.document_reading.MAX_UPLOAD_BYTES", 64)
    draft.documents.set_extractor(moonshot_reader(moonshot))
    fits = draft.file("fits.md", b"x" * 64)
    (sentence,) = draft.add(fits, draft.file("over.md", b"x" * 65))
    assert draft.names() == ["fits.md"]
    assert sentence.startswith("“over.md” is too large")
    assert [u.filename for u in moonshot.uploaded] == ["fits.md"]  # the other never went
    assert MAX_UPLOAD_BYTES == 100 * 1024 * 1024


def test_binary_data_named_as_text_is_not_uploaded(draft: Draft, moonshot: FakeKimiServer) -> None:
    draft.documents.set_extractor(moonshot_reader(moonshot))
    refusals = draft.add(draft.file("photo.txt", png_bytes()), draft.file("empty.md", b""))
    assert [sentence.split("”")[0] for sentence in refusals] == ["“photo.txt", "“empty.md"]
    assert moonshot.requests == []


def test_a_pdf_the_provider_finds_no_text_in_says_so(
    draft: Draft, moonshot: FakeKimiServer
) -> None:
    moonshot.file_texts["scan.pdf"] = "  \n"
    draft.documents.set_extractor(moonshot_reader(moonshot))
    (sentence,) = draft.add(draft.file("scan.pdf", pdf_bytes([None])))
    assert "“scan.pdf” has no text layer" in sentence
    assert moonshot.uploads == {}


def test_the_provider_text_is_the_stored_text(draft: Draft, moonshot: FakeKimiServer) -> None:
    moonshot.file_texts["data.json"] = json.dumps({"a": "中文"}, ensure_ascii=False)
    draft.documents.set_extractor(moonshot_reader(moonshot))
    draft.add(draft.file("data.json", b'{"a": 1}'))
    (document,) = draft.documents.documents()
    assert document.text == '{"a": "中文"}'
    assert document.lines == 1
