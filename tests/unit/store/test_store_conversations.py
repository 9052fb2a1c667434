"""Conversations and messages: CRUD, ordering, soft delete, cascades, attachments, usage."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from kimi_desktop.domain import Attachment, MessageStatus, NewAttachment, Usage
from kimi_desktop.store import (
    ConversationRepository,
    Database,
    MessageNotSavedError,
    NotFoundError,
)
from kimi_desktop.store.conversations import INTERRUPTED_BY_EXIT

PNG = NewAttachment(mime="image/png", data=b"\x89PNG fake image", width=2, height=3, name="a.png")
JPEG = NewAttachment(mime="image/jpeg", data=b"\xff\xd8 another", width=4, height=5)


def _count(db: Database, table: str) -> int:
    with db.read() as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_create_and_get(repo: ConversationRepository) -> None:
    created = repo.create_conversation(
        "Plans", endpoint_id="moonshot", model="kimi-k2.5", system_prompt="Be brief."
    )
    assert created.id > 0
    assert created.created_at == created.updated_at
    assert repo.get_conversation(created.id) == created
    assert repo.get_conversation(created.id + 100) is None


def test_settings_round_trip(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    repo.rename(conversation.id, "Renamed")
    repo.set_pinned(conversation.id, True)
    repo.set_system_prompt(conversation.id, "You are terse.")
    repo.set_model(conversation.id, "acedata", "kimi-k2")
    loaded = repo.get_conversation(conversation.id)
    assert loaded is not None
    assert (loaded.title, loaded.pinned, loaded.system_prompt) == (
        "Renamed",
        True,
        "You are terse.",
    )
    assert (loaded.endpoint_id, loaded.model) == ("acedata", "kimi-k2")
    # Settings changes do not move a chat to the top of the list.
    assert loaded.updated_at == conversation.updated_at


def test_mutating_a_missing_conversation_raises(repo: ConversationRepository) -> None:
    with pytest.raises(NotFoundError):
        repo.rename(404, "x")
    with pytest.raises(NotFoundError):
        repo.add_message(404, "user", "hi")


def test_list_orders_pinned_first_then_recent(repo: ConversationRepository) -> None:
    old = repo.create_conversation("old")
    middle = repo.create_conversation("middle")
    new = repo.create_conversation("new")
    assert [c.title for c in repo.list_conversations()] == ["new", "middle", "old"]

    repo.add_message(old.id, "user", "bump")
    assert [c.title for c in repo.list_conversations()] == ["old", "new", "middle"]

    repo.set_pinned(middle.id, True)
    assert [c.title for c in repo.list_conversations()] == ["middle", "old", "new"]

    repo.set_pinned(new.id, True)
    assert [c.title for c in repo.list_conversations()] == ["new", "middle", "old"]


def test_message_changes_bump_updated_at(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()

    def updated() -> float:
        loaded = repo.get_conversation(conversation.id)
        assert loaded is not None
        return loaded.updated_at

    stamps = [updated()]
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    stamps.append(updated())
    repo.update_streaming(reply.id, "partial", "")
    stamps.append(updated())
    repo.finish_message(reply.id, status=MessageStatus.COMPLETE, text="done", reasoning="")
    stamps.append(updated())
    repo.delete_message(reply.id)
    stamps.append(updated())
    assert stamps == sorted(set(stamps))


def test_soft_delete_restore_and_purge(db: Database, repo: ConversationRepository) -> None:
    keep = repo.create_conversation("keep")
    gone = repo.create_conversation("gone")
    repo.add_message(gone.id, "user", "hello", attachments=[PNG])

    repo.delete_conversation(gone.id)
    assert [c.id for c in repo.list_conversations()] == [keep.id]
    assert repo.get_conversation(gone.id) is None

    repo.restore_conversation(gone.id)
    assert {c.id for c in repo.list_conversations()} == {keep.id, gone.id}
    assert [m.text for m in repo.messages(gone.id)] == ["hello"]

    repo.delete_conversation(gone.id)
    assert repo.purge_deleted() == 1
    assert repo.purge_deleted() == 0
    assert [c.id for c in repo.list_conversations()] == [keep.id]
    with pytest.raises(NotFoundError):
        repo.restore_conversation(gone.id)
    # Messages, attachments and now-unused image bytes went with it.
    assert (_count(db, "messages"), _count(db, "attachments"), _count(db, "blobs")) == (0, 0, 0)


def test_messages_in_order_with_fields(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    first = repo.add_message(conversation.id, "system", "rules")
    second = repo.add_message(conversation.id, "user", "question")
    third = repo.add_message(
        conversation.id, "assistant", "answer", reasoning="thinking", model="kimi-k2.5"
    )
    loaded = repo.messages(conversation.id)
    assert loaded == [first, second, third]
    assert loaded[2].reasoning == "thinking"
    assert loaded[2].model == "kimi-k2.5"
    assert loaded[2].usage is None
    assert repo.message_count(conversation.id) == 3
    assert repo.get_message(second.id) == second
    assert repo.get_message(9999) is None


def test_deleting_a_message_keeps_what_follows_it(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    other = repo.create_conversation()
    ids = [repo.add_message(conversation.id, "user", f"m{i}").id for i in range(5)]
    other_message = repo.add_message(other.id, "user", "elsewhere")

    repo.delete_message(ids[1])
    shown = repo.messages(conversation.id)
    assert [m.text for m in shown] == ["m0", "m2", "m3", "m4"]
    assert shown[1].parent_id == ids[0]  # m2 now follows m0

    repo.delete_message(ids[4])  # the last message shown
    assert [m.text for m in repo.messages(conversation.id)] == ["m0", "m2", "m3"]
    assert repo.messages(other.id) == [other_message]

    # A new message follows the last one shown, and never reuses an old id.
    again = repo.add_message(conversation.id, "user", "again")
    assert again.id > other_message.id
    assert again.parent_id == ids[3]


def test_hard_delete_cascades(db: Database, repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", "look", attachments=[PNG, JPEG])
    with db.transaction() as conn:
        conn.execute("DELETE FROM conversations WHERE id = ?", (conversation.id,))
    assert (_count(db, "messages"), _count(db, "attachments")) == (0, 0)


def test_attachments_round_trip_with_dedup(db: Database, repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    first = repo.add_message(conversation.id, "user", "two images", attachments=[PNG, JPEG])
    second = repo.add_message(conversation.id, "user", "same again", attachments=[PNG])

    assert [a.mime for a in first.attachments] == ["image/png", "image/jpeg"]
    png = first.attachments[0]
    assert png == Attachment(
        sha256=hashlib.sha256(PNG.data).hexdigest(),
        mime="image/png",
        width=2,
        height=3,
        size=len(PNG.data),
        name="a.png",
    )
    assert second.attachments == (png,)
    assert repo.messages(conversation.id) == [first, second]
    assert repo.blob(png.sha256) == PNG.data
    assert repo.blob(first.attachments[1].sha256) == JPEG.data
    assert repo.blob("0" * 64) is None
    assert _count(db, "blobs") == 2  # the PNG is stored once

    repo.delete_message(first.id)
    assert repo.blob(png.sha256) == PNG.data  # still used by the second message
    assert repo.blob(first.attachments[1].sha256) is None
    repo.delete_message(second.id)
    assert _count(db, "blobs") == 0


def test_attachments_are_all_or_nothing(db: Database, repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    broken = NewAttachment(mime="image/png", data=b"x", width=None, height=1)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        repo.add_message(conversation.id, "user", "x", attachments=[PNG, broken])
    assert (_count(db, "messages"), _count(db, "blobs")) == (0, 0)


def test_streaming_then_recover_interrupted(db_path: Path, repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "Hello, wor", "Let me think")
    finished = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.finish_message(finished.id, status=MessageStatus.COMPLETE, text="ok", reasoning="")

    with Database.open(db_path) as reopened:
        recovered = ConversationRepository(reopened)
        assert recovered.recover_interrupted() == 1
        assert recovered.recover_interrupted() == 0
        loaded = recovered.get_message(reply.id)
    assert loaded is not None
    assert (loaded.status, loaded.text, loaded.reasoning) == (
        MessageStatus.INTERRUPTED,
        "Hello, wor",
        "Let me think",
    )
    assert loaded.error == INTERRUPTED_BY_EXIT  # the reply says why it stopped
    assert loaded.error_fix == "retry"
    # Only the streaming row changed.
    untouched = repo.get_message(finished.id)
    assert untouched is not None
    assert untouched.status is MessageStatus.COMPLETE


def test_late_streaming_update_never_overwrites_a_finished_reply(
    repo: ConversationRepository,
) -> None:
    conversation = repo.create_conversation()
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.finish_message(reply.id, status=MessageStatus.STOPPED, text="final", reasoning="r")
    # A save that updates no row is an error the caller hears of, never a silent no-op.
    with pytest.raises(MessageNotSavedError):
        repo.update_streaming(reply.id, "stale", "stale")
    with pytest.raises(MessageNotSavedError):
        repo.update_streaming(12345, "nobody", "")
    loaded = repo.get_message(reply.id)
    assert loaded is not None
    assert (loaded.text, loaded.status) == ("final", MessageStatus.STOPPED)


def test_finish_with_usage_and_totals(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", "q1")
    first = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    done = repo.finish_message(
        first.id,
        status=MessageStatus.COMPLETE,
        text="a1",
        reasoning="because",
        reasoning_seconds=2.5,
        usage=Usage(prompt_tokens=100, completion_tokens=20, cached_tokens=64),
    )
    assert done is not None
    assert done.usage == Usage(100, 20, 64)
    assert (done.text, done.reasoning, done.reasoning_seconds) == ("a1", "because", 2.5)
    assert done.status is MessageStatus.COMPLETE

    second = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.finish_message(
        second.id, status=MessageStatus.COMPLETE, text="a2", reasoning="", usage=Usage(150, 30)
    )
    failed = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    errored = repo.finish_message(
        failed.id, status=MessageStatus.ERROR, text="", reasoning="", error="Out of balance."
    )
    assert errored is not None
    assert (errored.usage, errored.error) == (None, "Out of balance.")

    assert repo.conversation_usage(conversation.id) == Usage(250, 50, 64)
    assert repo.conversation_usage(repo.create_conversation().id) == Usage(0, 0, 0)
    assert repo.messages(conversation.id)[1] == done


def test_finish_of_a_deleted_message_is_an_error(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.delete_message(reply.id)
    with pytest.raises(MessageNotSavedError):
        repo.finish_message(reply.id, status=MessageStatus.COMPLETE, text="x", reasoning="")


def test_new_attachment_repr_hides_bytes() -> None:
    assert "fake" not in repr(PNG)
    assert "15 bytes" in repr(PNG)
