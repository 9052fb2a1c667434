"""Whole conversations read by value and inserted as new ones, all or nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from kimi_desktop.domain import (
    AttachedDocument,
    Message,
    MessageStatus,
    NewAttachment,
    ToolCall,
    Usage,
)
from kimi_desktop.domain.export_format import PortableConversation, PortableMessage
from kimi_desktop.store import ConversationRepository, Database
from kimi_desktop.store.transfer import TransferStore

IMAGE = b"\x89PNG\r\n\x1a\n not really a picture"
DOCUMENT = AttachedDocument(name="a.txt", kind="text", text="hello", lines=1, tokens=2)
TURNS = (
    Message(
        role="assistant",
        text="",
        tool_calls=(ToolCall("c1", "$web_search", '{"q": 1}', "builtin_function"),),
    ),
    Message(role="tool", text='{"q": 1}', tool_call_id="c1", name="$web_search"),
)


@pytest.fixture
def store(db: Database) -> TransferStore:
    return TransferStore(db)


def seeded(repo: ConversationRepository) -> int:
    conversation = repo.create_conversation(
        "Kept", endpoint_id="e", model="m", system_prompt="Be brief", max_tokens=99, web_search=True
    )
    repo.set_pinned(conversation.id, True)
    repo.add_message(
        conversation.id,
        "user",
        "look",
        attachments=[NewAttachment("image/png", IMAGE, 3, 2, "shot.png")],
        documents=[DOCUMENT],
    )
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.finish_message(
        reply.id,
        status=MessageStatus.COMPLETE,
        text="seen",
        reasoning="hmm",
        reasoning_seconds=1.5,
        usage=Usage(10, 5, 2),
        reasoning_field="reasoning",
        web_searches=1,
        tool_turns=TURNS,
    )
    return conversation.id


def test_a_conversation_is_read_with_its_bytes_documents_and_turns(repo, store) -> None:
    conversation_id = seeded(repo)
    read = store.read(conversation_id)

    assert read is not None
    stored = repo.get_conversation(conversation_id)
    assert stored is not None
    assert (read.title, read.created_at, read.updated_at) == (
        "Kept",
        stored.created_at,
        stored.updated_at,
    )
    assert (read.pinned, read.system_prompt, read.endpoint_id, read.model) == (
        True,
        "Be brief",
        "e",
        "m",
    )
    assert (read.max_tokens, read.web_search) == (99, True)
    prompt, reply = read.messages
    [image] = prompt.images
    assert image.data == IMAGE
    assert (image.attachment.name, image.attachment.size) == ("shot.png", len(IMAGE))
    assert prompt.documents == (DOCUMENT,)
    assert (reply.text, reply.reasoning, reply.reasoning_seconds) == ("seen", "hmm", 1.5)
    assert (reply.usage, reply.reasoning_field, reply.web_searches) == (
        Usage(10, 5, 2),
        "reasoning",
        1,
    )
    assert reply.tool_turns == TURNS
    assert store.title(conversation_id) == "Kept"


def test_deleted_and_missing_conversations_are_not_read(repo, store) -> None:
    kept = seeded(repo)
    gone = seeded(repo)
    repo.delete_conversation(gone)

    assert store.read(gone) is None
    assert store.read(12345) is None
    assert store.title(gone) is None
    assert store.conversation_ids() == [kept]


def test_an_insert_adds_new_conversations_equal_to_what_was_read(repo, store, db) -> None:
    original = seeded(repo)
    read = store.read(original)
    assert read is not None

    first, second = store.insert([read, read])

    assert len({original, first, second}) == 3
    assert store.read(first) == read
    assert store.read(second) == read
    assert store.read(original) == read  # never overwritten
    assert store.conversation_ids() == [original, first, second]
    with db.read() as conn:  # the image bytes are kept once
        assert conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1


def test_inserted_messages_are_found_by_search(store, repo) -> None:
    [conversation_id] = store.insert(
        [
            PortableConversation(
                title="Imported",
                created_at=1.0,
                updated_at=2.0,
                messages=(PortableMessage(role="user", text="a unique phrase", created_at=1.5),),
            )
        ]
    )

    hits = repo.search("unique phrase")
    assert [hit.conversation_id for hit in hits] == [conversation_id]
    assert [c.id for c in repo.list_conversations()] == [conversation_id]


def test_an_insert_that_fails_half_way_adds_nothing(repo, store, db) -> None:
    seeded(repo)
    good = store.read(store.conversation_ids()[0])
    assert good is not None
    # The history refuses a role it does not know (a CHECK constraint), after the
    # first conversation was already inserted in the same transaction.
    bad_message = replace(good.messages[0], role="tool")
    bad = replace(good, messages=(bad_message,))
    before = store.conversation_ids()

    with pytest.raises(sqlite3.IntegrityError):
        store.insert([good, bad])

    assert store.conversation_ids() == before
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 2
