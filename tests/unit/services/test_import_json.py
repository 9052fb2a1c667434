"""Importing: new conversations every time, and a damaged or newer file refused in words
with nothing imported."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kimi_desktop.domain import MessageStatus
from kimi_desktop.services.transfer import (
    ConversationTransfer,
    ExportKind,
    TransferFailed,
    json_import,
)
from kimi_desktop.services.transfer.exporting import export_archive, export_conversation
from kimi_desktop.services.transfer.importing import import_file
from kimi_desktop.store import Database
from kimi_desktop.store.transfer import TransferStore
from tests.unit.services.transfer_samples import (
    full_conversation,
    plain_conversation,
    png_bytes,
    read_json,
)

Damage = Callable[[dict[str, Any]], None]


@pytest.fixture
def archive(repo, store, tmp_path, qapp) -> dict[str, Any]:
    """An "Export all" of two conversations, parsed; the history then holds them."""
    plain_conversation(repo, "Plain", "one", "two")
    full_conversation(repo)
    path = tmp_path / "all.json"
    export_archive(store, path)
    return read_json(path)


def write(tmp_path: Path, document: Any, name: str = "damaged.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot(store: TransferStore) -> list[Any]:
    return [store.read(conversation_id) for conversation_id in store.conversation_ids()]


def test_an_import_adds_new_conversations_and_never_overwrites(repo, store, tmp_path, qapp) -> None:
    original = full_conversation(repo)
    path = tmp_path / "chat.json"
    export_conversation(store, original, path, ExportKind.JSON)
    repo.rename(original, "Renamed since")

    first = import_file(store, path)
    second = import_file(store, path)

    assert len({original, *first, *second}) == 3
    assert [store.title(i) for i in (original, *first, *second)] == [
        "Renamed since",
        "Screenshot → code",
        "Screenshot → code",
    ]
    imported = store.read(first[0])
    assert imported is not None
    assert imported.pinned
    assert imported.max_tokens == 8192
    assert imported.messages[1].reasoning.startswith("The user wants")


def test_an_archive_of_several_conversations_is_imported_in_order(archive, store, tmp_path) -> None:
    before = store.conversation_ids()
    ids = import_file(store, write(tmp_path, archive, "all.json"))

    assert len(ids) == 2
    assert [store.title(i) for i in ids] == ["Plain", "Screenshot → code"]
    assert store.conversation_ids() == [*before, *ids]
    assert [store.read(i) for i in ids] == [store.read(i) for i in before]


def set_in_message(field: str, value: Any, message: int = 0) -> Damage:
    def damage(document: dict[str, Any]) -> None:
        document["conversations"][1]["messages"][message][field] = value

    return damage


def set_in_image(field: str, value: Any) -> Damage:
    def damage(document: dict[str, Any]) -> None:
        document["conversations"][1]["messages"][0]["attachments"][0][field] = value

    return damage


def other_image(document: dict[str, Any]) -> None:
    """Bytes that are no PNG, with a matching size and checksum."""
    data = b"GIF89a not the png it claims"
    image = document["conversations"][1]["messages"][0]["attachments"][0]
    image.update(
        data=base64.b64encode(data).decode(),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (
            set_in_message("text", 42),
            "In message 1 of conversation 2, “text” is missing or has the wrong type",
        ),
        (
            set_in_message("role", "tool"),
            "In message 1 of conversation 2, “role” has a value Kimi Desktop cannot use",
        ),
        (set_in_message("status", "exploded"), "“status” has a value"),
        (set_in_message("web_searches", -1), "“web_searches” has a value"),
        (set_in_message("created_at", 1e300), "“created_at” has a value"),
        (set_in_message("reasoning_field", "content", message=1), "“reasoning_field”"),
        (set_in_message("error_fix", "format_disk", message=3), "“error_fix”"),
        (set_in_message("usage", {"prompt_tokens": "many"}, message=1), "“prompt_tokens”"),
        (set_in_message("tool_turns", [{"role": "user", "text": ""}], message=1), "turn 1"),
        (set_in_message("documents", [{"name": "x", "kind": "exe", "text": ""}]), "“kind”"),
        (
            set_in_image("data", "not base64!"),
            "In image 1 of message 1 of conversation 2, the image data is not valid base64",
        ),
        (
            set_in_image("sha256", "0" * 64),
            "the image's bytes do not match its SHA-256 checksum",
        ),
        (set_in_image("size", 5), "the image's size does not match its bytes"),
        (set_in_image("width", 10**9), "“width” has a value"),
        (set_in_image("mime", "image/bmp"), "“mime” has a value"),
        (other_image, "the image's bytes are not an image of the type it names"),
        (
            lambda d: d["conversations"][0].pop("messages"),
            "In conversation 1, “messages” is missing",
        ),
        (lambda d: d["conversations"].append("a string"), "In conversation 3, “conversations”"),
        (lambda d: d.update(conversations={}), "In the file itself, “conversations”"),
        (lambda d: d.update(conversation={}), "In the file itself, “conversations”"),
        (lambda d: d.update(version="1"), "In the file itself, “version” has a value"),
    ],
)
def test_a_damaged_file_is_refused_naming_the_problem_and_nothing_is_imported(
    archive, store, tmp_path, damage: Damage, words: str
) -> None:
    damaged = copy.deepcopy(archive)
    damage(damaged)
    before = snapshot(store)

    with pytest.raises(TransferFailed) as refused:
        import_file(store, write(tmp_path, damaged))

    assert refused.value.sentence.startswith("Nothing was imported")
    assert words in refused.value.sentence
    assert snapshot(store) == before  # the good first conversation was not imported either


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"format": "kimi-desktop", "version": 1, "conversations": [', "line 1, column 60"),
        (b"", "not valid JSON (line 1, column 1)"),
        (b"\xff\xfe garbage", "it is not UTF-8 text"),
        (b'{"format": "kimi-desktop", "version": 1, "conversations": [NaN]}', "“NaN”"),
        (b'{"format": "kimi-desktop", "version": 1, "x": ' + b"9" * 30 + b"}", "too long"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"format": "chatbox", "conversations": []}', "is not a Kimi Desktop export (use"),
        (b"[1, 2, 3]", "is not a Kimi Desktop export (use"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_in_words(
    store, tmp_path, content: bytes, words: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)

    with pytest.raises(TransferFailed) as refused:
        import_file(store, path)

    assert "“broken.json”" in refused.value.sentence
    assert words in refused.value.sentence
    assert refused.value.sentence.endswith("Nothing was imported.")
    assert store.conversation_ids() == []


def test_a_file_from_a_newer_version_is_refused_with_nothing_imported(
    archive, store, tmp_path
) -> None:
    newer = {**archive, "version": 3, "something_new": {"shape": "unknown"}}
    before = snapshot(store)

    with pytest.raises(TransferFailed) as refused:
        import_file(store, write(tmp_path, newer, "future.json"))

    assert refused.value.sentence == (
        "“future.json” was exported by a newer Kimi Desktop (format version 3; this version "
        "reads version 2). Update Kimi Desktop to import it. Nothing was imported."
    )
    assert snapshot(store) == before


def test_fields_a_file_leaves_out_take_their_defaults(store, tmp_path, qapp) -> None:
    data = png_bytes()
    minimal = {
        "format": "kimi-desktop",
        "version": 1,
        "future_field": "ignored",
        "conversation": {
            "title": "Written\nby hand",
            "created_at": 1_700_000_000,
            "messages": [
                {
                    "role": "user",
                    "text": "hi",
                    "created_at": 1_700_000_001,
                    "attachments": [
                        {
                            "mime": "image/png",
                            "sha256": hashlib.sha256(data).hexdigest(),
                            "data": base64.b64encode(data).decode(),
                        }
                    ],
                },
                {
                    "role": "assistant",
                    "text": "Half",
                    "created_at": 1_700_000_002,
                    "status": "streaming",
                },
            ],
        },
    }

    [conversation_id] = import_file(store, write(tmp_path, minimal, "hand.json"))

    conversation = store.read(conversation_id)
    assert conversation is not None
    assert conversation.title == "Written by hand"  # one line, as every title
    assert conversation.updated_at == conversation.created_at == 1_700_000_000
    assert not conversation.pinned
    assert conversation.max_tokens is None
    prompt, reply = conversation.messages
    assert prompt.images[0].data == data
    assert prompt.images[0].attachment.size == len(data)
    assert reply.status is MessageStatus.INTERRUPTED  # nothing will finish it here


def test_an_empty_archive_imports_nothing(store, tmp_path) -> None:
    path = write(tmp_path, {"format": "kimi-desktop", "version": 1, "conversations": []})
    assert import_file(store, path) == []


def test_a_missing_file_is_named(store, tmp_path) -> None:
    with pytest.raises(TransferFailed, match=r"“gone\.json” could not be read"):
        import_file(store, tmp_path / "gone.json")


def test_a_file_too_large_is_refused_before_it_is_parsed(
    archive, store, tmp_path, monkeypatch
) -> None:
    path = write(tmp_path, archive, "big.json")
    monkeypatch.setattr(json_import, "MAX_IMPORT_BYTES", path.stat().st_size - 1)

    with pytest.raises(TransferFailed, match=r"“big\.json” is larger than"):
        import_file(store, path)


def test_a_history_that_cannot_be_written_imports_nothing(archive, tmp_path) -> None:
    path = write(tmp_path, archive, "all.json")
    source = tmp_path / "history.sqlite3"
    with Database.open_read_only(source) as read_only:
        store = TransferStore(read_only)
        before = store.conversation_ids()
        with pytest.raises(TransferFailed, match="Nothing was changed: your history was opened"):
            import_file(store, path)
        assert store.conversation_ids() == before


def test_the_service_imports_in_a_worker_and_announces_the_new_ids(
    archive, store, tmp_path, qloop, qtbot, monkeypatch
) -> None:
    path = write(tmp_path, archive, "all.json")
    inserted_on: list[threading.Thread] = []
    insert = store.insert

    def recording_insert(conversations):
        inserted_on.append(threading.current_thread())
        return insert(conversations)

    monkeypatch.setattr(store, "insert", recording_insert)
    transfer = ConversationTransfer(store)

    with qtbot.waitSignal(transfer.conversations_imported) as announced:
        ids = qloop.run_until_complete(transfer.import_file(path))

    assert announced.args == [ids]
    assert len(ids) == 2
    assert inserted_on
    assert threading.main_thread() not in inserted_on


def test_the_service_refuses_a_damaged_file_without_announcing(
    store, tmp_path, qloop, qtbot
) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    transfer = ConversationTransfer(store)

    with (
        qtbot.assertNotEmitted(transfer.conversations_imported),
        pytest.raises(TransferFailed),
    ):
        qloop.run_until_complete(transfer.import_file(path))
