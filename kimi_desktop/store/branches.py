"""Messages as a tree: versions of a reply or a prompt, and the branch that is shown.

Every message names its parent (``messages.parent_id``, NULL for a conversation's
first message). Answering again adds a reply beside the earlier one under the
same prompt; editing a prompt adds a prompt beside it under the same parent.
Children of one parent are *versions* of each other. A conversation shows one
branch: the path from its first message down to ``conversations.leaf_id``
(NULL: the newest message). A child is always created after its parent, so
along a branch ids rise, and the newest message below any message is a leaf.

Plain functions over a connection, like :mod:`.messages`; the repository calls
them inside its own read lock or transaction.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Sequence
from typing import Final


class ShownLeaf(enum.Enum):
    """Where a new message goes by default: after the last message shown."""

    SHOWN_LEAF = "shown leaf"


SHOWN_LEAF: Final = ShownLeaf.SHOWN_LEAF

#: The shown branch, leaf first: ``?`` is the leaf's id.
BRANCH_IDS: Final = """
    WITH RECURSIVE branch (id, parent_id) AS (
        SELECT id, parent_id FROM messages WHERE id = ?
        UNION ALL
        SELECT m.id, m.parent_id FROM messages AS m JOIN branch AS b ON m.id = b.parent_id
    )
    SELECT id FROM branch
"""

_NEWEST_BELOW: Final = """
    WITH RECURSIVE below (id) AS (
        SELECT ?
        UNION ALL
        SELECT m.id FROM messages AS m JOIN below AS b ON m.parent_id = b.id
    )
    SELECT max(id) FROM below
"""

_M008_STATEMENTS: Final = (
    "ALTER TABLE messages ADD COLUMN parent_id INTEGER REFERENCES messages (id)",
    "ALTER TABLE conversations ADD COLUMN leaf_id INTEGER",
    # Every history so far is linear: each message follows the one before it in its
    # conversation. One statement, one index probe per row (messages_by_conversation);
    # rewriting the rows is most of the cost: about 0.8-1.5 s for 100,000 messages.
    """
    UPDATE messages SET parent_id = (
        SELECT max(earlier.id) FROM messages AS earlier
        WHERE earlier.conversation_id = messages.conversation_id AND earlier.id < messages.id
    )
    """,
    """
    UPDATE conversations
    SET leaf_id = (SELECT max(id) FROM messages WHERE conversation_id = conversations.id)
    """,
    "CREATE INDEX messages_by_parent ON messages (parent_id)",
)


def m008_message_tree(conn: sqlite3.Connection) -> None:
    """Versions and branches: each message's parent, and the last message of the
    branch a conversation shows. Existing histories become one branch each, in
    the order their messages were written, shown to their last message."""
    for statement in _M008_STATEMENTS:
        conn.execute(statement)


def shown_leaf(conn: sqlite3.Connection, conversation_id: int) -> int | None:
    """The last message of the branch the conversation shows (``None``: it has none).

    A leaf that is not one of the conversation's messages (NULL, or a file edited
    by another program) means its newest message.
    """
    row = conn.execute(
        "SELECT coalesce("
        " (SELECT m.id FROM messages AS m JOIN conversations AS c ON m.id = c.leaf_id"
        "  WHERE c.id = ? AND m.conversation_id = c.id),"
        " (SELECT max(id) FROM messages WHERE conversation_id = ?))",
        (conversation_id, conversation_id),
    ).fetchone()
    return None if row[0] is None else int(row[0])


def branch_ids(conn: sqlite3.Connection, conversation_id: int) -> list[int]:
    """The ids of the shown branch, first message first."""
    leaf = shown_leaf(conn, conversation_id)
    if leaf is None:
        return []
    return sorted(int(row[0]) for row in conn.execute(BRANCH_IDS, (leaf,)))


def newest_below(conn: sqlite3.Connection, message_id: int) -> int:
    """The most recently written message at or below ``message_id``: the leaf its
    newest continuation ends in."""
    return int(conn.execute(_NEWEST_BELOW, (message_id,)).fetchone()[0])


def set_leaf(conn: sqlite3.Connection, conversation_id: int, leaf_id: int | None) -> None:
    conn.execute("UPDATE conversations SET leaf_id = ? WHERE id = ?", (leaf_id, conversation_id))


def siblings(conn: sqlite3.Connection, conversation_id: int) -> dict[int | None, list[int]]:
    """The children of every parent that has more than one, oldest first (``None``:
    the conversation's first messages)."""
    found = conn.execute(
        "SELECT parent_id, id FROM messages WHERE conversation_id = ? AND"
        " coalesce(parent_id, 0) IN (SELECT coalesce(parent_id, 0) FROM messages"
        "  WHERE conversation_id = ? GROUP BY parent_id HAVING count(*) > 1)"
        " ORDER BY id",
        (conversation_id, conversation_id),
    ).fetchall()
    children: dict[int | None, list[int]] = {}
    for parent_id, message_id in found:
        children.setdefault(parent_id, []).append(int(message_id))
    return children


def siblings_of(
    conn: sqlite3.Connection, conversation_id: int, parent_id: int | None
) -> tuple[int, ...]:
    """The children of ``parent_id`` (the first messages for ``None``), oldest first,
    when there is more than one; else ``()``."""
    found = conn.execute(
        "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id",
        (conversation_id, parent_id),
    ).fetchall()
    return tuple(int(row[0]) for row in found) if len(found) > 1 else ()


def remove(conn: sqlite3.Connection, message_ids: Sequence[int]) -> None:
    """Delete messages, their children moving up to the deleted message's parent.

    The shown branch keeps going through what is left: a deleted leaf gives way
    to the newest message below its parent (or the conversation's newest).
    """
    for message_id in message_ids:
        row = conn.execute(
            "SELECT m.conversation_id, m.parent_id, c.leaf_id FROM messages AS m"
            " JOIN conversations AS c ON c.id = m.conversation_id WHERE m.id = ?",
            (message_id,),
        ).fetchone()
        if row is None:
            continue
        conversation_id, parent_id, leaf_id = row
        conn.execute(
            "UPDATE messages SET parent_id = ? WHERE parent_id = ?", (parent_id, message_id)
        )
        conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))
        if leaf_id == message_id:
            leaf = None if parent_id is None else newest_below(conn, parent_id)
            set_leaf(conn, conversation_id, leaf)
