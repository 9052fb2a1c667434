"""Message, attachment, document and image-blob SQL as plain functions over a connection.

:class:`~kimi_desktop.store.conversations.ConversationRepository` calls these
inside its own lock or transaction; keeping them apart lets the repository read
as the list of operations the app performs, and keeps each query in one place.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence

from kimi_desktop.domain import (
    AttachedDocument,
    Attachment,
    Message,
    MessageStatus,
    Role,
    StoredMessage,
    Usage,
)
from kimi_desktop.store import branches, rows, tool_turns


def insert(
    conn: sqlite3.Connection,
    conversation_id: int,
    role: Role,
    text: str,
    *,
    status: MessageStatus,
    reasoning: str,
    model: str | None,
    created_at: float,
    attachments: Sequence[tuple[Attachment, bytes]],
    documents: Sequence[AttachedDocument] = (),
    parent_id: int | None = None,
) -> int:
    """Insert a message after ``parent_id`` with its images and documents, and show
    the branch it ends; image bytes already stored are not written again."""
    cursor = conn.execute(
        "INSERT INTO messages (conversation_id, role, text, reasoning, status, model, created_at,"
        " parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (conversation_id, role, text, reasoning, status.value, model, created_at, parent_id),
    )
    message_id = int(cursor.lastrowid or 0)
    branches.set_leaf(conn, conversation_id, message_id)
    for position, (meta, data) in enumerate(attachments):
        conn.execute(
            "INSERT INTO blobs (sha256, data) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (meta.sha256, data),
        )
        conn.execute(
            "INSERT INTO attachments"
            " (message_id, position, sha256, mime, width, height, size, name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (message_id, position, meta.sha256, meta.mime, *_dimensions(meta), meta.name),
        )
    conn.executemany(
        "INSERT INTO documents (message_id, position, name, kind, text, pages, lines, tokens)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (message_id, position, d.name, d.kind, d.text, d.pages, d.lines, d.tokens)
            for position, d in enumerate(documents)
        ],
    )
    return message_id


def _dimensions(meta: Attachment) -> tuple[int, int, int]:
    return meta.width, meta.height, meta.size


def load_branch(conn: sqlite3.Connection, conversation_id: int) -> list[StoredMessage]:
    """The messages of the branch the conversation shows, first to last, each with its
    versions; five queries however many attachments there are."""
    leaf = branches.shown_leaf(conn, conversation_id)
    if leaf is None:
        return []
    versions = branches.siblings(conn, conversation_id)
    found = _load(conn, conversation_id, f"id IN ({branches.BRANCH_IDS})", (leaf,))
    return [
        dataclasses.replace(message, versions=tuple(versions.get(message.parent_id, ())))
        if message.parent_id in versions
        else message
        for message in found
    ]


def load_tree(conn: sqlite3.Connection, conversation_id: int) -> list[StoredMessage]:
    """Every message of the conversation, every branch, in the order written (a
    parent always before its children)."""
    return _load(conn, conversation_id, "id > 0", ())


def _load(
    conn: sqlite3.Connection, conversation_id: int, which: str, arguments: tuple[int, ...]
) -> list[StoredMessage]:
    """The conversation's messages that ``which`` (an SQL condition on ``id``, always
    a literal of this module) selects, in order, with their attachments and documents."""
    message_rows = conn.execute(
        f"SELECT {rows.MESSAGE_COLUMNS} FROM messages"
        f" WHERE conversation_id = ? AND {which} ORDER BY id",
        (conversation_id, *arguments),
    ).fetchall()
    attachment_rows = conn.execute(
        f"SELECT a.message_id, {rows.ATTACHMENT_COLUMNS} FROM attachments AS a"
        " JOIN messages AS m ON m.id = a.message_id"
        f" WHERE m.conversation_id = ? AND m.{which} ORDER BY a.message_id, a.position",
        (conversation_id, *arguments),
    ).fetchall()
    document_rows = conn.execute(
        f"SELECT d.message_id, {rows.DOCUMENT_COLUMNS} FROM documents AS d"
        " JOIN messages AS m ON m.id = d.message_id"
        f" WHERE m.conversation_id = ? AND m.{which} ORDER BY d.message_id, d.position",
        (conversation_id, *arguments),
    ).fetchall()
    by_message: dict[int, list[Attachment]] = {}
    for row in attachment_rows:
        by_message.setdefault(row["message_id"], []).append(rows.attachment(row))
    documents: dict[int, list[AttachedDocument]] = {}
    for row in document_rows:
        documents.setdefault(row["message_id"], []).append(rows.document(row))
    return [
        rows.message(row, tuple(by_message.get(row["id"], ())), tuple(documents.get(row["id"], ())))
        for row in message_rows
    ]


def load_one(conn: sqlite3.Connection, message_id: int) -> StoredMessage | None:
    row = conn.execute(
        f"SELECT {rows.MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
    ).fetchone()
    if row is None:
        return None
    attachment_rows = conn.execute(
        f"SELECT {rows.ATTACHMENT_COLUMNS} FROM attachments AS a"
        " WHERE a.message_id = ? ORDER BY a.position",
        (message_id,),
    ).fetchall()
    document_rows = conn.execute(
        f"SELECT {rows.DOCUMENT_COLUMNS} FROM documents AS d"
        " WHERE d.message_id = ? ORDER BY d.position",
        (message_id,),
    ).fetchall()
    return rows.message(
        row,
        tuple(rows.attachment(a) for a in attachment_rows),
        tuple(rows.document(d) for d in document_rows),
        branches.siblings_of(conn, row["conversation_id"], row["parent_id"]),
    )


def load_tool_turns(
    conn: sqlite3.Connection, conversation_id: int
) -> dict[int, tuple[Message, ...]]:
    """The search rounds' turns of the conversation's replies that have them, by message id."""
    found = conn.execute(
        "SELECT id, tool_turns FROM messages"
        " WHERE conversation_id = ? AND tool_turns IS NOT NULL ORDER BY id",
        (conversation_id,),
    ).fetchall()
    turns = {row["id"]: tool_turns.decode(row["tool_turns"]) for row in found}
    return {message_id: kept for message_id, kept in turns.items() if kept}


def save_streaming(
    conn: sqlite3.Connection, message_id: int, text: str, reasoning: str, web_searches: int = 0
) -> bool:
    """Overwrite the text of a row that is still ``streaming``; ``False`` if it is not."""
    cursor = conn.execute(
        "UPDATE messages SET text = ?, reasoning = ?, web_searches = ?"
        " WHERE id = ? AND status = 'streaming'",
        (text, reasoning, web_searches, message_id),
    )
    return cursor.rowcount > 0


def resume_streaming(conn: sqlite3.Connection, message_id: int) -> bool:
    """Put a finished assistant row back to ``streaming`` (it is being continued),
    its error cleared; ``False`` if there is no such row or it streams already."""
    cursor = conn.execute(
        "UPDATE messages SET status = 'streaming', error = NULL, error_fix = NULL"
        " WHERE id = ? AND role = 'assistant' AND status != 'streaming'",
        (message_id,),
    )
    return cursor.rowcount > 0


def save_final(
    conn: sqlite3.Connection,
    message_id: int,
    *,
    status: MessageStatus,
    text: str,
    reasoning: str,
    reasoning_seconds: float | None,
    usage: Usage | None,
    error: str | None,
    error_fix: str | None,
    reasoning_field: str | None = None,
    web_searches: int = 0,
    turns: Sequence[Message] = (),
) -> bool:
    """Write a reply's final state; ``False`` if the row does not exist."""
    tokens = (
        (None, None, None)
        if usage is None
        else (usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens)
    )
    cursor = conn.execute(
        "UPDATE messages SET status = ?, text = ?, reasoning = ?, reasoning_seconds = ?,"
        " prompt_tokens = ?, completion_tokens = ?, cached_tokens = ?, error = ?,"
        " error_fix = ?, reasoning_field = ?, web_searches = ?, tool_turns = ? WHERE id = ?",
        (
            status.value,
            text,
            reasoning,
            reasoning_seconds,
            *tokens,
            error,
            error_fix,
            reasoning_field,
            web_searches,
            tool_turns.encode(turns),
            message_id,
        ),
    )
    return cursor.rowcount > 0


def touch_conversation(conn: sqlite3.Connection, conversation_id: int, now: float) -> bool:
    """Bump a conversation's ``updated_at``; ``False`` if it does not exist."""
    cursor = conn.execute(
        "UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id)
    )
    return cursor.rowcount > 0


def touch_conversation_of(conn: sqlite3.Connection, message_id: int, now: float) -> None:
    """Bump ``updated_at`` of the conversation a message belongs to."""
    conn.execute(
        "UPDATE conversations SET updated_at = ?"
        " WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)",
        (now, message_id),
    )


def drop_orphan_blobs(conn: sqlite3.Connection) -> None:
    """Delete image bytes no attachment refers to any more (one index probe per blob)."""
    conn.execute(
        "DELETE FROM blobs WHERE NOT EXISTS"
        " (SELECT 1 FROM attachments AS a WHERE a.sha256 = blobs.sha256)"
    )
