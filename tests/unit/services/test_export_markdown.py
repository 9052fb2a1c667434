"""The Markdown export: readable, reasoning and documents folded, images beside the file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from kimi_desktop.domain.export_format import PortableConversation, PortableMessage
from kimi_desktop.services.transfer import ExportKind, images_folder, safe_file_stem
from kimi_desktop.services.transfer.exporting import export_conversation
from kimi_desktop.services.transfer.markdown_export import write_markdown
from kimi_desktop.store import ConversationRepository, Database
from kimi_desktop.store.transfer import TransferStore
from tests.unit.services.transfer_samples import full_conversation, png_bytes

IMAGE_LINK = re.compile(r"!\[([^\]]*)\]\(([^)]+)\)")


@pytest.fixture
def store_and_repo(tmp_path: Path) -> Iterator[tuple[TransferStore, ConversationRepository]]:
    with Database.open(tmp_path / "history.sqlite3") as database:
        yield TransferStore(database), ConversationRepository(database)


@pytest.fixture
def exported(store_and_repo, tmp_path, qapp) -> Path:
    store, repo = store_and_repo
    folder = tmp_path / "my exports"
    folder.mkdir()
    path = folder / "Screenshot to code.md"
    result = export_conversation(store, full_conversation(repo), path, ExportKind.MARKDOWN)
    assert result.images_folder == folder / "Screenshot to code_files"
    return path


def test_the_title_authors_and_texts_are_there_in_order(exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")

    assert text.startswith("# Screenshot → code\n")
    headings = re.findall(r"^### (.+?) · \d{4}-\d\d-\d\d \d\d:\d\d$", text, re.MULTILINE)
    assert headings == ["You", "Kimi", "You", "Kimi · kimi-k2.5"]
    assert "Make this UI\\\nin React" in text  # the prompt's line break is kept
    assert "```jsx\nexport default () => <div/>\n```" in text  # the answer as written
    assert "*Searched the web 2 times*" in text
    assert "*The output budget ran out.*" in text  # why the last reply stopped
    assert "<details><summary>Instructions</summary>\n\nAnswer with a single HTML file." in text


def test_reasoning_is_a_collapsed_details_block(exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")

    block = re.search(r"<details><summary>Thinking</summary>\n\n(.*?)\n\n</details>", text, re.S)
    assert block is not None
    # A closing tag in the reasoning would end the block early: it is escaped.
    assert block.group(1) == "The user wants &lt;/details&gt; a component."
    assert text.index("<summary>Thinking</summary>") < text.index("Here it is:")


def test_documents_are_named_with_their_text_folded_verbatim(exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")

    # The document holds a ``` fence, so its own fence is longer.
    assert (
        "<details><summary>notes.md (4 lines)</summary>\n\n"
        "````text\n# Notes\n```js\nlet a = 1\n```\n````\n\n</details>"
    ) in text


def test_images_are_saved_beside_the_file_and_linked_relatively(exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")

    links = IMAGE_LINK.findall(text)
    assert [alt for alt, _target in links] == ["screenshot.png", "image", "screenshot.png"]
    targets = [unquote(target) for _alt, target in links]
    assert targets == [
        "Screenshot to code_files/image-1.png",
        "Screenshot to code_files/image-2.png",
        "Screenshot to code_files/image-1.png",  # the same picture is written once
    ]
    for target in targets:
        assert (exported.parent / target).is_file()
    assert (exported.parent / targets[0]).read_bytes() == png_bytes()
    assert sorted(p.name for p in images_folder(exported).iterdir()) == [
        "image-1.png",
        "image-2.png",
    ]
    assert "%20" in links[0][1]  # spaces in a link target are encoded


def test_a_conversation_without_images_makes_no_folder(tmp_path: Path) -> None:
    conversation = PortableConversation(
        title="",
        created_at=1.0,
        updated_at=1.0,
        messages=(PortableMessage(role="user", text="```\na\nb\n```\nc\nd", created_at=1.0),),
    )
    path = tmp_path / "plain.md"

    assert write_markdown(conversation, path) is None

    assert not images_folder(path).exists()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# New chat\n")
    assert "```\na\nb\n```\nc\\\nd" in text  # breaks kept outside the fence only


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Screenshot → code", "Screenshot → code"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("  ..hidden and trailing. . ", "hidden and trailing"),
        ("CON", "_CON"),
        ("com1.report", "_com1.report"),
        ("evil\u202egnp.exe", "evilgnp.exe"),  # no right-to-left override
        ("line one\nline\ttwo", "line one line two"),
        ("", "Conversation"),
        ("...", "Conversation"),
        ("模型" * 100, "模型" * 20),  # 120 bytes of UTF-8
    ],
)
def test_file_names_from_titles_are_safe_everywhere(title: str, stem: str) -> None:
    assert safe_file_stem(title, "Conversation") == stem


def test_a_long_title_fits_the_name_limits() -> None:
    stem = safe_file_stem("x" * 1000, "Conversation")
    assert len(stem) == 80
    assert len(safe_file_stem("é" * 1000, "Conversation").encode("utf-8")) <= 120
