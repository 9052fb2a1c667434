"""Whole conversations in and out of the history, by value: what export and import need.

Reading gathers a conversation with everything that hangs off its rows (image
bytes, documents, the web search rounds' turns) under one read lock, so an
export never mixes two states of a chat that is being written. Inserting adds
any number of conversations in one transaction: an import that fails half-way
leaves the history exactly as it was. Inserted rows get new ids, so nothing
already in the history is ever overwritten. Every branch goes both ways, with
the branch shown (:mod:`.branches`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from kimi_desktop.domain import Message, StoredMessage
from kimi_desktop.domain.export_format import PortableConversation, PortableImage, PortableMessage
from kimi_desktop.store import branches, rows, tool_turns
from kimi_desktop.store import messages as message_sql
from kimi_desktop.store.db import Database

__all__ = ["TransferStore"]


class TransferStore:
    """Reads conversations whole and inserts imported ones; see the module docstring."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def path(self) -> Path:
        """The history's file (sentences about a failed write name its folder)."""
        return self._db.path

    @property
    def writable(self) -> bool:
        """False when the history was opened read-only: :meth:`insert` then fails."""
        return not self._db.read_only

    def conversation_ids(self) -> list[int]:
        """Every conversation not deleted, oldest first (the order an archive keeps)."""
        with self._db.read() as conn:
            found = conn.execute(
                "SELECT id FROM conversations WHERE deleted_at IS NULL ORDER BY id"
            ).fetchall()
        return [int(row[0]) for row in found]

    def title(self, conversation_id: int) -> str | None:
        """The conversation's title; ``None`` if it does not exist or is deleted."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT title FROM conversations WHERE id = ? AND deleted_at IS NULL",
                (conversation_id,),
            ).fetchone()
        return None if row is None else str(row[0])

    def read(self, conversation_id: int) -> PortableConversation | None:
        """The conversation with all its messages and their bytes; ``None`` if it does
        not exist or is deleted."""
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {rows.CONVERSATION_COLUMNS} FROM conversations"
                " WHERE id = ? AND deleted_at IS NULL",
                (conversation_id,),
            ).fetchone()
            if row is None:
                return None
            conversation = rows.conversation(row)
            stored = message_sql.load_tree(conn, conversation_id)
            turns = message_sql.load_tool_turns(conn, conversation_id)
            blobs = _blobs_of(conn, conversation_id)
            leaf = branches.shown_leaf(conn, conversation_id)
        index_of = {message.id: index for index, message in enumerate(stored)}
        return PortableConversation(
            title=conversation.title,
            created_at=conversation.created_at,
            updated_at=conversation.updated_at,
            pinned=conversation.pinned,
            system_prompt=conversation.system_prompt,
            endpoint_id=conversation.endpoint_id,
            model=conversation.model,
            max_tokens=conversation.max_tokens,
            web_search=conversation.web_search,
            messages=tuple(_portable(message, turns, blobs) for message in stored),
            parents=tuple(index_of.get(message.parent_id or 0) for message in stored),
            leaf=index_of.get(leaf or 0),
        )

    def insert(self, conversations: Sequence[PortableConversation]) -> list[int]:
        """Add the conversations as new ones, all or none; returns their new ids in order.

        Titles, times and settings are kept as given. Image bytes already in the
        history (the same hash) are not stored twice.
        """
        with self._db.transaction() as conn:
            return [_insert_conversation(conn, conversation) for conversation in conversations]


def _blobs_of(conn: sqlite3.Connection, conversation_id: int) -> dict[str, bytes]:
    found = conn.execute(
        "SELECT sha256, data FROM blobs WHERE sha256 IN (SELECT a.sha256 FROM attachments AS a"
        " JOIN messages AS m ON m.id = a.message_id WHERE m.conversation_id = ?)",
        (conversation_id,),
    ).fetchall()
    return {row["sha256"]: bytes(row["data"]) for row in found}


def _portable(
    message: StoredMessage,
    turns: dict[int, tuple[Message, ...]],
    blobs: dict[str, bytes],
) -> PortableMessage:
    return PortableMessage(
        role=message.role,
        text=message.text,
        created_at=message.created_at,
        status=message.status,
        reasoning=message.reasoning,
        reasoning_seconds=message.reasoning_seconds,
        reasoning_field=message.reasoning_field,
        model=message.model,
        usage=message.usage,
        error=message.error,
        error_fix=message.error_fix,
        web_searches=message.web_searches,
        # An attachment always has its blob (a foreign key); b"" only if the file was
        # damaged by another program, and the export then shows an empty image.
        images=tuple(
            PortableImage(meta, blobs.get(meta.sha256, b"")) for meta in message.attachments
        ),
        documents=message.documents,
        tool_turns=turns.get(message.id, ()),
    )


def _insert_conversation(conn: sqlite3.Connection, conversation: PortableConversation) -> int:
    cursor = conn.execute(
        "INSERT INTO conversations (title, created_at, updated_at, pinned, system_prompt,"
        " endpoint_id, model, max_tokens, web_search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            conversation.title,
            conversation.created_at,
            conversation.updated_at,
            int(conversation.pinned),
            conversation.system_prompt,
            conversation.endpoint_id,
            conversation.model,
            conversation.max_tokens,
            int(conversation.web_search),
        ),
    )
    conversation_id = int(cursor.lastrowid or 0)
    ids: list[int] = []
    for index, message in enumerate(conversation.messages):
        parent = conversation.parent_of(index)
        parent_id = ids[parent] if parent is not None else None
        ids.append(_insert_message(conn, conversation_id, message, parent_id))
    leaf = conversation.leaf
    shown = ids[leaf] if leaf is not None and 0 <= leaf < len(ids) else None
    branches.set_leaf(conn, conversation_id, shown)
    return conversation_id


def _insert_message(
    conn: sqlite3.Connection, conversation_id: int, message: PortableMessage, parent_id: int | None
) -> int:
    usage = message.usage
    tokens = (
        (None, None, None)
        if usage is None
        else (usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens)
    )
    cursor = conn.execute(
        "INSERT INTO messages (conversation_id, role, text, reasoning, reasoning_seconds, status,"
        " model, prompt_tokens, completion_tokens, cached_tokens, error, error_fix, created_at,"
        " reasoning_field, web_searches, tool_turns, parent_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            conversation_id,
            message.role,
            message.text,
            message.reasoning,
            message.reasoning_seconds,
            message.status.value,
            message.model,
            *tokens,
            message.error,
            message.error_fix,
            message.created_at,
            message.reasoning_field,
            message.web_searches,
            tool_turns.encode(message.tool_turns),
            parent_id,
        ),
    )
    message_id = int(cursor.lastrowid or 0)
    for position, image in enumerate(message.images):
        meta = image.attachment
        conn.execute(
            "INSERT INTO blobs (sha256, data) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (meta.sha256, image.data),
        )
        conn.execute(
            "INSERT INTO attachments"
            " (message_id, position, sha256, mime, width, height, size, name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message_id,
                position,
                meta.sha256,
                meta.mime,
                meta.width,
                meta.height,
                meta.size,
                meta.name,
            ),
        )
    conn.executemany(
        "INSERT INTO documents (message_id, position, name, kind, text, pages, lines, tokens)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (message_id, position, d.name, d.kind, d.text, d.pages, d.lines, d.tokens)
            for position, d in enumerate(message.documents)
        ],
    )
    return message_id
