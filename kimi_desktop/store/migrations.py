"""Schema migrations: ordered, named functions tracked by ``PRAGMA user_version``.

Migration *n* (1-based position in :data:`MIGRATIONS`) brings the schema from
version *n - 1* to *n*. All pending steps run in one ``BEGIN IMMEDIATE``
transaction together with the ``user_version`` bump, so a crash mid-way leaves
the old schema untouched and the next start simply tries again. A step must
therefore never commit on its own: use ``conn.execute`` per statement, not
``executescript`` (which commits first).

To change the schema, append ``m00N_what_it_does`` and never edit a released
step: databases out there already ran it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Final

from kimi_desktop.i18n import _
from kimi_desktop.store import assistant_columns, branches, search_index, text_fold
from kimi_desktop.store.errors import SchemaDamagedError

Migration = Callable[[sqlite3.Connection], None]


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of the app.

    Opening it anyway could corrupt data this version does not understand, so
    the app refuses and says which versions are involved.
    """

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            _(
                "The chat history database has schema version {found}, but this version of "
                "Kimi Desktop only knows versions up to {known}. It was written by a newer "
                "Kimi Desktop; please update the app (the file was left unchanged)."
            ).format(found=found, known=known)
        )
        self.found = found
        self.known = known


_M001_STATEMENTS: Final = (
    """
    CREATE TABLE conversations (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        title         TEXT NOT NULL DEFAULT '',
        created_at    REAL NOT NULL,
        updated_at    REAL NOT NULL,
        pinned        INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
        system_prompt TEXT NOT NULL DEFAULT '',
        endpoint_id   TEXT,
        model         TEXT,
        deleted_at    REAL
    )
    """,
    # The sidebar query, in index order; deleted rows are left out of the index.
    """
    CREATE INDEX conversations_by_recency
        ON conversations (pinned DESC, updated_at DESC, id DESC)
        WHERE deleted_at IS NULL
    """,
    # AUTOINCREMENT: ids are never reused, so an id the UI still holds (a search
    # hit, the row being streamed) can never come to mean a different message,
    # and id order is creation order, which search and paging rely on.
    """
    CREATE TABLE messages (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id   INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        role              TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        text              TEXT NOT NULL DEFAULT '',
        reasoning         TEXT NOT NULL DEFAULT '',
        reasoning_seconds REAL,
        status            TEXT NOT NULL DEFAULT 'complete' CHECK (status IN
                              ('complete', 'streaming', 'stopped', 'interrupted', 'error')),
        model             TEXT,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        cached_tokens     INTEGER,
        error             TEXT,
        created_at        REAL NOT NULL
    )
    """,
    "CREATE INDEX messages_by_conversation ON messages (conversation_id, id)",
    "CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming'",
    # Image bytes stored once per content hash, however many messages use them.
    "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL)",
    """
    CREATE TABLE attachments (
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        sha256     TEXT NOT NULL REFERENCES blobs (sha256),
        mime       TEXT NOT NULL,
        width      INTEGER NOT NULL,
        height     INTEGER NOT NULL,
        size       INTEGER NOT NULL,
        name       TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (message_id, position)
    )
    """,
    "CREATE INDEX attachments_by_blob ON attachments (sha256)",
    # Full-text search. The trigram tokenizer indexes every 3-character window,
    # which gives substring search ("thread" finds "asyncio.to_thread", "State"
    # finds "useState") and works for Chinese and Japanese, written without
    # spaces, where unicode61 would index a whole sentence as one word and find
    # it only by its first characters. The price is a larger index and no match
    # for 1-2 character terms; search.py handles those with LIKE instead.
    #
    # A reply is indexed once it stops streaming: rewriting its index entry on
    # every throttled update would make streaming writes expensive for text
    # nobody searches mid-reply. The view is the external content, so FTS5's
    # 'rebuild' and 'integrity-check' agree with what is indexed.
    "CREATE VIEW searchable_messages AS SELECT id, text FROM messages WHERE status != 'streaming'",
    """
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
        text, content = 'searchable_messages', content_rowid = 'id', tokenize = 'trigram'
    )
    """,
    """
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
    WHEN new.status != 'streaming'
    BEGIN
        INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
    END
    """,
    """
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
    WHEN old.status != 'streaming'
    BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END
    """,
    """
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, status ON messages
    WHEN old.text IS NOT new.text
        OR (old.status = 'streaming') != (new.status = 'streaming')
    BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text)
            SELECT 'delete', old.id, old.text WHERE old.status != 'streaming';
        INSERT INTO messages_fts (rowid, text)
            SELECT new.id, new.text WHERE new.status != 'streaming';
    END
    """,
    """
    CREATE VIRTUAL TABLE conversations_fts USING fts5 (
        title, content = 'conversations', content_rowid = 'id', tokenize = 'trigram'
    )
    """,
    """
    CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations
    BEGIN
        INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);
    END
    """,
    """
    CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations
    BEGIN
        INSERT INTO conversations_fts (conversations_fts, rowid, title)
            VALUES ('delete', old.id, old.title);
    END
    """,
    """
    CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations
    WHEN old.title IS NOT new.title
    BEGIN
        INSERT INTO conversations_fts (conversations_fts, rowid, title)
            VALUES ('delete', old.id, old.title);
        INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);
    END
    """,
)


def m001_initial(conn: sqlite3.Connection) -> None:
    """Conversations, messages, content-addressed image blobs and the search index."""
    for statement in _M001_STATEMENTS:
        conn.execute(statement)


def m002_error_fix(conn: sqlite3.Connection) -> None:
    """What helps with a failed reply ("settings" or "retry"), kept across restarts."""
    conn.execute("ALTER TABLE messages ADD COLUMN error_fix TEXT")


_M003_STATEMENTS: Final = (
    "DROP TRIGGER messages_fts_insert",
    "DROP TRIGGER messages_fts_delete",
    "DROP TRIGGER messages_fts_update",
    "DROP TABLE messages_fts",
    "DROP VIEW searchable_messages",
    "DROP TRIGGER conversations_fts_insert",
    "DROP TRIGGER conversations_fts_delete",
    "DROP TRIGGER conversations_fts_update",
    "DROP TABLE conversations_fts",
    # The indexes now hold their own copy of the text, folded by kimi_search_fold
    # (text_fold.fold: NFKC and case folding), so typed text matches however it
    # was encoded. Keeping the folded text (not only the index) lets words too
    # short for trigrams be matched with LIKE on it, in C, with no Python call
    # per row. Streaming rows are still left out until they finish.
    "CREATE VIRTUAL TABLE messages_fts USING fts5 (text, tokenize = 'trigram')",
    """
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
    WHEN new.status != 'streaming'
    BEGIN
        INSERT INTO messages_fts (rowid, text) VALUES (new.id, kimi_search_fold(new.text));
    END
    """,
    """
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
    WHEN old.status != 'streaming'
    BEGIN
        DELETE FROM messages_fts WHERE rowid = old.id;
    END
    """,
    """
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, status ON messages
    WHEN old.text IS NOT new.text
        OR (old.status = 'streaming') != (new.status = 'streaming')
    BEGIN
        DELETE FROM messages_fts WHERE rowid = old.id;
        INSERT INTO messages_fts (rowid, text)
            SELECT new.id, kimi_search_fold(new.text) WHERE new.status != 'streaming';
    END
    """,
    "CREATE VIRTUAL TABLE conversations_fts USING fts5 (title, tokenize = 'trigram')",
    """
    CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations
    BEGIN
        INSERT INTO conversations_fts (rowid, title) VALUES (new.id, kimi_search_fold(new.title));
    END
    """,
    """
    CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations
    BEGIN
        DELETE FROM conversations_fts WHERE rowid = old.id;
    END
    """,
    """
    CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations
    WHEN old.title IS NOT new.title
    BEGIN
        DELETE FROM conversations_fts WHERE rowid = old.id;
        INSERT INTO conversations_fts (rowid, title) VALUES (new.id, kimi_search_fold(new.title));
    END
    """,
    """
    INSERT INTO messages_fts (rowid, text)
        SELECT id, kimi_search_fold(text) FROM messages WHERE status != 'streaming' ORDER BY id
    """,
    """
    INSERT INTO conversations_fts (rowid, title)
        SELECT id, kimi_search_fold(title) FROM conversations ORDER BY id
    """,
)


def m003_folded_search(conn: sqlite3.Connection) -> None:
    """Search indexes over folded text (NFKC, case folded), rebuilt for existing histories."""
    for statement in _M003_STATEMENTS:
        conn.execute(statement)


def m004_reply_settings(conn: sqlite3.Connection) -> None:
    """Per-conversation output budget and web search, and the field a reply's
    reasoning arrived in (sent back under that name).

    ``max_tokens`` NULL means the app's default budget. Plain ``ADD COLUMN``s:
    existing rows keep everything and read as "default", "no web search" and
    "field unknown". A reply the output budget cut short is stored with the
    existing ``interrupted`` status and ``error_fix = 'larger_budget'``, so the
    status CHECK of ``messages`` (which cannot change without rebuilding the
    table and its search triggers) stays as it is.
    """
    conn.execute("ALTER TABLE conversations ADD COLUMN max_tokens INTEGER")
    conn.execute("ALTER TABLE conversations ADD COLUMN web_search INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE messages ADD COLUMN reasoning_field TEXT")


_M005_STATEMENTS: Final = (
    # One row per document sent with a message, in the order attached. The text
    # is the exact text the model read, stored once and never extracted again,
    # so every re-send is the same bytes (Moonshot's prompt cache depends on it).
    # ``kind`` is a DocumentKind value; ``pages`` (PDF) or ``lines`` (text) say
    # how long it is; ``tokens`` is the estimate its chip showed.
    """
    CREATE TABLE documents (
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        name       TEXT NOT NULL,
        kind       TEXT NOT NULL,
        text       TEXT NOT NULL,
        pages      INTEGER,
        lines      INTEGER,
        tokens     INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (message_id, position)
    )
    """,
    "ALTER TABLE messages ADD COLUMN web_searches INTEGER NOT NULL DEFAULT 0",
    # JSON of the search rounds' turns (store/tool_turns.py documents the shape),
    # NULL for a reply that did not search.
    "ALTER TABLE messages ADD COLUMN tool_turns TEXT",
)


def m005_documents(conn: sqlite3.Connection) -> None:
    """Documents sent with a message, and how a reply searched the web: how many
    times (``web_searches``) and the rounds' turns (``tool_turns``), so the
    conversation can be sent again exactly.

    A new table and plain ``ADD COLUMN``s: existing messages keep everything and
    read as "no documents", "no searches", "no turns".
    """
    for statement in _M005_STATEMENTS:
        conn.execute(statement)


MIGRATIONS: Final[tuple[Migration, ...]] = (
    m001_initial,
    m002_error_fix,
    m003_folded_search,
    m004_reply_settings,
    m005_documents,
    search_index.m006_short_term_search,
    assistant_columns.m007_conversation_temperature,
    branches.m008_message_tree,
)
LATEST_VERSION: Final = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database file (0 for a new file)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def _checked(version: int) -> int:
    if version > LATEST_VERSION:
        raise SchemaTooNewError(version, LATEST_VERSION)
    if version < 0:
        # Never written by this app; migrating from it would run the wrong steps.
        # TRANSLATORS: why a history file cannot be used, after "Your chat history cannot be
        # used:"; {version} is a number that makes no sense (negative).
        raise SchemaDamagedError(_("the schema version is {version}").format(version=version))
    return version


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every pending migration and return the resulting schema version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). An
    up-to-date database is only read, never written. The SQL function the
    schema's triggers call (:data:`~.text_fold.FOLD_FUNCTION`) is registered on
    ``conn`` first, so a connection that was migrated can write.
    """
    text_fold.register(conn)  # the search triggers call it on every write
    search_index.register(conn)  # so do the short-word index's
    version = _checked(schema_version(conn))
    if version == LATEST_VERSION:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another copy of the app may have
        # migrated the file between our first look and now.
        version = _checked(schema_version(conn))
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            step(conn)
            conn.execute(f"PRAGMA user_version = {number:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return LATEST_VERSION
