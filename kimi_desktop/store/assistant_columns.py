"""Schema step 7: a conversation's own temperature, which an assistant may set.

Kept in its own module so the step can be written apart from ``migrations.py``,
which lists it in ``MIGRATIONS``. Like every step it runs inside the migration's
transaction: one statement per ``conn.execute``, never ``executescript``.
"""

from __future__ import annotations

import sqlite3


def m007_conversation_temperature(conn: sqlite3.Connection) -> None:
    """The temperature asked for each reply of a conversation.

    NULL (every existing row) means none of its own: the model's default, which
    is the only value the K2.5 family accepts. A plain ``ADD COLUMN``: existing
    conversations keep everything. The value is kept even while the model in use
    takes no temperature; the request leaves it out then.
    """
    conn.execute("ALTER TABLE conversations ADD COLUMN temperature REAL")
