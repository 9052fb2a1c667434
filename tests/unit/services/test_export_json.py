"""The JSON export: complete, versioned, without ids, and the same bytes after a round trip."""

from __future__ import annotations

import base64
import threading
import time

import pytest

from kimi_desktop.domain import MessageStatus
from kimi_desktop.domain.export_format import PortableConversation, PortableMessage
from kimi_desktop.services.transfer import ConversationTransfer, ExportKind, TransferFailed
from kimi_desktop.services.transfer.exporting import export_archive, export_conversation
from kimi_desktop.services.transfer.importing import import_file
from kimi_desktop.services.transfer.json_export import write_archive_file
from kimi_desktop.store import Database
from kimi_desktop.store.transfer import TransferStore
from tests.unit.services.transfer_samples import (
    full_conversation,
    keys_in,
    plain_conversation,
    png_bytes,
    read_json,
    search_turns,
)

CONVERSATION_KEYS = {
    "title",
    "created_at",
    "updated_at",
    "pinned",
    "system_prompt",
    "endpoint_id",
    "model",
    "max_tokens",
    "web_search",
    "leaf",
    "messages",
}
MESSAGE_KEYS = {
    "parent",
    "role",
    "created_at",
    "model",
    "status",
    "text",
    "reasoning",
    "reasoning_seconds",
    "reasoning_field",
    "usage",
    "error",
    "error_fix",
    "web_searches",
    "tool_turns",
    "attachments",
    "documents",
}


def test_export_import_export_gives_the_same_bytes(repo, store, tmp_path, qapp) -> None:
    original = full_conversation(repo)
    first = tmp_path / "first.json"
    export_conversation(store, original, first, ExportKind.JSON)

    [imported] = import_file(store, first)
    second = tmp_path / "second.json"
    export_conversation(store, imported, second, ExportKind.JSON)

    # Nothing may differ: the file holds no ids and no export time.
    assert second.read_bytes() == first.read_bytes()
    assert imported != original
    assert store.read(imported) == store.read(original)
    reply = repo.messages(imported)[1]
    assert repo.tool_turns(imported) == {reply.id: search_turns()}
    assert repo.blob(repo.messages(imported)[0].attachments[0].sha256) == png_bytes()


def test_the_file_is_versioned_complete_and_holds_no_ids(repo, store, tmp_path, qapp) -> None:
    path = tmp_path / "chat.json"
    export_conversation(store, full_conversation(repo), path, ExportKind.JSON)

    document = read_json(path)
    assert (document["format"], document["version"]) == ("kimi-desktop", 2)
    assert set(document) == {"format", "version", "conversation"}
    conversation = document["conversation"]
    assert set(conversation) == CONVERSATION_KEYS
    assert all(set(message) == MESSAGE_KEYS for message in conversation["messages"])
    assert not {"id", "conversation_id", "message_id", "exported_at"} & keys_in(
        {
            **document,
            "conversation": {
                **conversation,
                "messages": [{**message, "tool_turns": []} for message in conversation["messages"]],
            },
        }
    )  # the only "id"s are the tool calls' own, sent back to the model as they came
    assert (conversation["title"], conversation["pinned"], conversation["max_tokens"]) == (
        "Screenshot → code",
        True,
        8192,
    )
    prompt, reply, _again, stopped = conversation["messages"]
    [image, _red] = prompt["attachments"]
    assert base64.b64decode(image["data"]) == png_bytes()
    assert (image["name"], image["mime"], image["width"], image["height"]) == (
        "screenshot.png",
        "image/png",
        8,
        6,
    )
    assert prompt["documents"][0]["text"].startswith("# Notes")
    assert reply["reasoning"] == "The user wants </details> a component."
    assert reply["usage"] == {
        "prompt_tokens": 1200,
        "completion_tokens": 300,
        "cached_tokens": 1024,
    }
    assert [turn["role"] for turn in reply["tool_turns"]] == ["assistant", "tool"]
    assert reply["tool_turns"][0]["tool_calls"][0]["type"] == "builtin_function"
    assert (stopped["status"], stopped["error_fix"]) == ("interrupted", "larger_budget")
    # One branch: each message follows the one before, the last one shown.
    assert [m["parent"] for m in conversation["messages"]] == [None, 0, 1, 2]
    assert conversation["leaf"] == 3


def test_export_all_writes_every_conversation_but_the_deleted_ones(
    repo, store, tmp_path, qapp
) -> None:
    first = plain_conversation(repo, "First", "one")
    deleted = plain_conversation(repo, "Deleted", "two")
    full_conversation(repo)
    repo.delete_conversation(deleted)
    path = tmp_path / "all.json"

    exported = export_archive(store, path)

    document = read_json(path)
    assert exported.conversations == 2
    assert set(document) == {"format", "version", "conversations"}
    assert [c["title"] for c in document["conversations"]] == ["First", "Screenshot → code"]
    assert store.read(first) is not None

    with Database.open(tmp_path / "other.sqlite3") as other_db:
        other = TransferStore(other_db)
        assert len(import_file(other, path)) == 2
        again = tmp_path / "again.json"
        export_archive(other, again)
    assert again.read_bytes() == path.read_bytes()


def test_an_empty_history_exports_an_empty_archive(store, tmp_path) -> None:
    path = tmp_path / "none.json"
    assert export_archive(store, path).conversations == 0
    assert read_json(path) == {"format": "kimi-desktop", "version": 2, "conversations": []}


def test_a_reply_still_arriving_is_exported_as_interrupted(repo, store, tmp_path) -> None:
    conversation = repo.create_conversation("Live")
    repo.add_message(conversation.id, "user", "go")
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "so far", "")
    path = tmp_path / "live.json"

    export_conversation(store, conversation.id, path, ExportKind.JSON)

    message = read_json(path)["conversation"]["messages"][1]
    assert (message["status"], message["text"], message["error_fix"]) == (
        "interrupted",
        "so far",
        "retry",
    )
    assert "still arriving" in message["error"]


def test_a_deleted_conversation_is_not_exported(repo, store, tmp_path) -> None:
    conversation_id = plain_conversation(repo, "Gone", "x")
    repo.delete_conversation(conversation_id)
    with pytest.raises(TransferFailed, match="no longer exists"):
        export_conversation(store, conversation_id, tmp_path / "x.json", ExportKind.JSON)
    assert not (tmp_path / "x.json").exists()


def test_a_file_that_cannot_be_written_is_named_and_nothing_is_left(repo, store, tmp_path) -> None:
    conversation_id = plain_conversation(repo, "Chat", "x")
    missing = tmp_path / "no such folder" / "chat.json"
    with pytest.raises(TransferFailed) as caught:
        export_conversation(store, conversation_id, missing, ExportKind.JSON)
    assert str(missing) in caught.value.sentence
    assert caught.value.sentence.startswith("Nothing was exported")


def test_a_failed_export_keeps_the_earlier_file(repo, store, tmp_path, monkeypatch) -> None:
    conversation_id = plain_conversation(repo, "Chat", "x")
    path = tmp_path / "chat.json"
    path.write_text("the earlier export", encoding="utf-8")

    def full_disk(stream, conversation) -> None:
        stream.write('{"format": ')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        "kimi_desktop.services.transfer.exporting.write_conversation_file", full_disk
    )
    with pytest.raises(TransferFailed, match="No space left on device"):
        export_conversation(store, conversation_id, path, ExportKind.JSON)

    assert path.read_text(encoding="utf-8") == "the earlier export"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def long_conversation(messages: int) -> PortableConversation:
    """A history of ``messages`` turns of a few hundred characters each, with reasoning."""
    answer = "A paragraph of an answer with `code` and *emphasis*, " * 8
    return PortableConversation(
        title="Long",
        created_at=1.0,
        updated_at=2.0,
        messages=tuple(
            PortableMessage(
                role="user" if i % 2 == 0 else "assistant",
                text=f"{i}: {answer}",
                created_at=1.0 + i,
                reasoning="" if i % 2 == 0 else "Thinking it through. " * 20,
            )
            for i in range(messages)
        ),
    )


def test_a_2000_message_conversation_exports_well_under_a_second(store, tmp_path) -> None:
    [conversation_id] = store.insert([long_conversation(2000)])

    timings = {}
    for kind in ExportKind:
        path = tmp_path / f"long.{kind.value}"
        started = time.perf_counter()
        export_conversation(store, conversation_id, path, kind)
        timings[kind] = time.perf_counter() - started
        assert path.stat().st_size > 2000 * 400

    # Measured at about 65 ms for each (fsync included) on a laptop; a budget
    # of half a second leaves room for a slow CI machine.
    assert max(timings.values()) < 0.5, timings


def test_the_service_exports_in_a_worker_thread(repo, store, tmp_path, qloop, monkeypatch) -> None:
    conversation_id = plain_conversation(repo, "Chat", "x")
    read_on: list[threading.Thread] = []
    read = store.read

    def recording_read(conversation_id: int):
        read_on.append(threading.current_thread())
        return read(conversation_id)

    monkeypatch.setattr(store, "read", recording_read)
    transfer = ConversationTransfer(store)
    path = tmp_path / "chat.json"

    exported = qloop.run_until_complete(
        transfer.export_conversation(conversation_id, path, ExportKind.JSON)
    )

    assert exported.path == path
    assert read_json(path)["conversation"]["title"] == "Chat"
    assert read_on
    assert threading.main_thread() not in read_on


def test_the_writer_needs_no_more_than_one_conversation_at_a_time() -> None:
    """``write_archive_file`` takes an iterator: each conversation is let go once written."""
    written: list[str] = []

    class Stream:
        def write(self, text: str) -> None:
            written.append(text)

    alive: list[int] = []

    def conversations():
        for n in range(3):
            alive.append(n)
            yield PortableConversation(title=str(n), created_at=1.0, updated_at=1.0)
            alive.remove(n)
            assert alive == []

    assert write_archive_file(Stream(), conversations()) == 3  # type: ignore[arg-type]
    assert alive == []
