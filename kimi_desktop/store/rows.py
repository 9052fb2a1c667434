"""Turning rows into domain objects, in one place so every query selects the same columns."""

from __future__ import annotations

import sqlite3
from typing import Final

from kimi_desktop.domain import (
    AttachedDocument,
    Attachment,
    Conversation,
    MessageStatus,
    StoredMessage,
    Usage,
)

CONVERSATION_COLUMNS: Final = (
    "id, title, created_at, updated_at, pinned, system_prompt, endpoint_id, model,"
    " max_tokens, web_search, temperature"
)
MESSAGE_COLUMNS: Final = (
    "id, conversation_id, role, text, reasoning, reasoning_seconds, status, model,"
    " prompt_tokens, completion_tokens, cached_tokens, error, error_fix,"
    " created_at, reasoning_field, web_searches, parent_id"
)
ATTACHMENT_COLUMNS: Final = "a.sha256, a.mime, a.width, a.height, a.size, a.name"
DOCUMENT_COLUMNS: Final = "d.name, d.kind, d.text, d.pages, d.lines, d.tokens"


def conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        pinned=bool(row["pinned"]),
        system_prompt=row["system_prompt"],
        endpoint_id=row["endpoint_id"],
        model=row["model"],
        max_tokens=row["max_tokens"],
        web_search=bool(row["web_search"]),
        temperature=row["temperature"],
    )


def message(
    row: sqlite3.Row,
    attachments: tuple[Attachment, ...],
    documents: tuple[AttachedDocument, ...] = (),
    versions: tuple[int, ...] = (),
) -> StoredMessage:
    # Usage is all-or-nothing: a reply either reported token counts or it did not.
    usage = (
        None
        if row["prompt_tokens"] is None
        else Usage(
            prompt_tokens=row["prompt_tokens"],
            completion_tokens=row["completion_tokens"] or 0,
            cached_tokens=row["cached_tokens"] or 0,
        )
    )
    return StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=row["role"],
        text=row["text"],
        created_at=row["created_at"],
        status=MessageStatus(row["status"]),
        reasoning=row["reasoning"],
        reasoning_seconds=row["reasoning_seconds"],
        model=row["model"],
        usage=usage,
        error=row["error"],
        error_fix=row["error_fix"],
        attachments=attachments,
        documents=documents,
        web_searches=row["web_searches"],
        reasoning_field=row["reasoning_field"],
        parent_id=row["parent_id"],
        versions=versions,
    )


def attachment(row: sqlite3.Row) -> Attachment:
    return Attachment(
        sha256=row["sha256"],
        mime=row["mime"],
        width=row["width"],
        height=row["height"],
        size=row["size"],
        name=row["name"],
    )


def document(row: sqlite3.Row) -> AttachedDocument:
    return AttachedDocument(
        name=row["name"],
        kind=row["kind"],
        text=row["text"],
        pages=row["pages"],
        lines=row["lines"],
        tokens=row["tokens"],
    )
