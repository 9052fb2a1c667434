"""Documents sent with a message, and a reply's web searches and search turns, through
ConversationRepository and back from disk."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kimi_desktop.domain import AttachedDocument, Message, MessageStatus, ToolCall, Usage
from kimi_desktop.store import ConversationRepository, Database
from kimi_desktop.store import tool_turns as turns_json

REPORT = AttachedDocument(
    name="季度报告.pdf",
    kind="pdf",
    text="--- page 1 ---\nRevenue grew 12%.\n\n--- page 2 ---\n营收增长。",
    pages=2,
    tokens=41,
)
NOTES = AttachedDocument(name="notes.md", kind="text", text="# Notes\n- one\n", lines=2, tokens=9)
#: Moonshot's spacing, kept byte for byte (not json.dumps's).
ARGUMENTS = (
    '{\n    "search_result": {\n        "search_id": "s-1"\n    },\n    "usage": {"x": 1}\n}'
)
TURNS = (
    Message(
        "assistant",
        "Let me look.",
        reasoning="The user wants news.",
        tool_calls=(ToolCall("call-1", "$web_search", ARGUMENTS, type="builtin_function"),),
    ),
    Message("tool", ARGUMENTS, tool_call_id="call-1", name="$web_search"),
)


def reopened(path: Path) -> ConversationRepository:
    return ConversationRepository(Database.open(path))


def test_documents_are_stored_with_their_message_in_order(
    repo: ConversationRepository, db: Database, db_path: Path
) -> None:
    conversation = repo.create_conversation()
    added = repo.add_message(conversation.id, "user", "Compare these", documents=[REPORT, NOTES])
    assert added.documents == (REPORT, NOTES)
    db.close()

    later = reopened(db_path)
    (stored,) = later.messages(conversation.id)
    assert stored.documents == (REPORT, NOTES)
    assert stored.documents[0].text == REPORT.text  # the exact text, Chinese and all
    assert later.get_message(added.id) == stored


def test_messages_without_documents_have_none(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", "hello")
    reply = repo.add_message(conversation.id, "assistant", "hi")
    assert [m.documents for m in repo.messages(conversation.id)] == [(), ()]
    assert repo.get_message(reply.id).documents == ()  # type: ignore[union-attr]


def test_deleting_a_message_deletes_its_documents(
    repo: ConversationRepository, db: Database
) -> None:
    conversation = repo.create_conversation()
    kept = repo.add_message(conversation.id, "user", "first", documents=[NOTES])
    gone = repo.add_message(conversation.id, "user", "second", documents=[REPORT])
    repo.delete_message(gone.id)
    assert _document_rows(db) == [(kept.id, "notes.md")]
    repo.delete_conversation(conversation.id)
    repo.purge_deleted()
    assert _document_rows(db) == []


def _document_rows(db: Database) -> list[tuple[int, str]]:
    with db.read() as conn:
        return [tuple(row) for row in conn.execute("SELECT message_id, name FROM documents")]


def test_a_reply_keeps_its_searches_and_turns_across_a_restart(
    repo: ConversationRepository, db: Database, db_path: Path
) -> None:
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", "News?")
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "Let me look.", "The user wants news.", web_searches=1)
    assert repo.get_message(reply.id).web_searches == 1  # type: ignore[union-attr]

    saved = repo.finish_message(
        reply.id,
        status=MessageStatus.COMPLETE,
        text="Let me look.A storm.",
        reasoning="The user wants news.",
        usage=Usage(9000, 20),
        web_searches=1,
        tool_turns=TURNS,
    )
    assert saved.web_searches == 1
    db.close()

    later = reopened(db_path)
    assert later.messages(conversation.id)[-1].web_searches == 1
    assert later.tool_turns(conversation.id) == {reply.id: TURNS}
    turns = later.tool_turns(conversation.id)[reply.id]
    assert turns[0].tool_calls[0].arguments == ARGUMENTS  # byte for byte
    assert turns[0].tool_calls[0].type == "builtin_function"


def test_replies_that_did_not_search_have_no_turns(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.finish_message(reply.id, status=MessageStatus.COMPLETE, text="Hi", reasoning="")
    assert repo.tool_turns(conversation.id) == {}
    assert repo.messages(conversation.id)[0].web_searches == 0


def test_the_stored_shape_is_versioned_and_documented() -> None:
    stored = turns_json.encode(TURNS)
    assert stored is not None
    assert json.loads(stored) == {
        "version": 1,
        "turns": [
            {
                "role": "assistant",
                "text": "Let me look.",
                "reasoning": "The user wants news.",
                "reasoning_field": "reasoning_content",
                "tool_calls": [
                    {
                        "id": "call-1",
                        "type": "builtin_function",
                        "name": "$web_search",
                        "arguments": ARGUMENTS,
                    }
                ],
                "tool_call_id": None,
                "name": None,
            },
            {
                "role": "tool",
                "text": ARGUMENTS,
                "reasoning": None,
                "reasoning_field": "reasoning_content",
                "tool_calls": [],
                "tool_call_id": "call-1",
                "name": "$web_search",
            },
        ],
    }
    assert turns_json.decode(stored) == TURNS
    assert turns_json.encode(()) is None


@pytest.mark.parametrize(
    "stored",
    [
        "{not json",
        "[]",
        '{"version": 2, "turns": []}',
        '{"turns": []}',
        '{"version": 1, "turns": {}}',
        '{"version": 1, "turns": [{"role": "user", "text": "x"}]}',
        '{"version": 1, "turns": [{"role": "assistant", "text": 3}]}',
        '{"version": 1, "turns": [{"role": "tool", "text": "x", "tool_calls": [{"id": 1}]}]}',
        '{"version": 1, "turns": [{"role": "assistant", "text": "x", "reasoning": []}]}',
        "[" * 100_000,
    ],
)
def test_turns_that_cannot_be_read_are_left_out(stored: str) -> None:
    assert turns_json.decode(stored) == ()


def test_a_damaged_row_reads_as_a_reply_without_turns(
    repo: ConversationRepository, db: Database
) -> None:
    conversation = repo.create_conversation()
    damaged = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    good = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    for message in (damaged, good):
        repo.finish_message(
            message.id, status=MessageStatus.COMPLETE, text="x", reasoning="", tool_turns=TURNS
        )
    with db.transaction() as conn:
        conn.execute("UPDATE messages SET tool_turns = '{' WHERE id = ?", (damaged.id,))
    assert repo.tool_turns(conversation.id) == {good.id: TURNS}


def test_a_document_row_needs_its_message(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
        conn.execute(
            "INSERT INTO documents (message_id, position, name, kind, text)"
            " VALUES (999, 0, 'a', 'text', 'b')"
        )
