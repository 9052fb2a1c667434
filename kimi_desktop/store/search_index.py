"""The index that finds words too short for trigrams: single characters and pairs.

The trigram index (``messages_fts``) cannot match a word of one or two
characters: ``Qt``, ``C#``, or the two-character words that make up much of
written Chinese (模型, 代码). Without help those fall back to ``LIKE`` over
every message. This module keeps a second FTS5 index, ``messages_short_fts``,
in which each character and each pair of adjacent characters of a message's
folded text (:func:`~.text_fold.fold`) is one token, so such a word is one
index lookup.

SQLite's Python module cannot register an FTS5 tokenizer, so the text is
prepared for the one that exists: :func:`spaced` puts :data:`FILLER` (U+0001)
before, between and after the characters, and FTS5's ``trigram`` tokenizer
then sees ``\\x01a\\x01`` for each character ``a`` and ``a\\x01b`` for each
pair ``ab``, and nothing else that a typed word can ask for (a word never holds
a control character). The index stores which rows hold a token, not where
(``detail=none``): that is all a lookup needs, and it keeps the index small.

The tokenizer folds case as ``LIKE`` does for ASCII (and more), one character
at a time, so every row ``LIKE`` finds holds every token of the word: the index
never misses a match. The search confirms each row it returns with ``LIKE`` on
the folded text (the rare extra row, such as ``c`` then ``#`` far apart for
``c#x``, is dropped there), so results are exactly what ``LIKE`` alone gives.

The index reads its content through the view ``message_short_search_source``,
so FTS5's ``rebuild`` and ``integrity-check`` commands work; triggers on
``messages`` keep it in step (a reply is indexed once it stops streaming, as in
``messages_fts``). Every connection that writes messages needs the SQL
function: :func:`register` it next to :func:`~.text_fold.register`. If what
:func:`spaced` or :func:`~.text_fold.fold` returns ever changes, append a
migration that runs ``rebuild``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Final

from kimi_desktop.store.text_fold import fold

SPACED_FUNCTION: Final = "kimi_search_spaced"
"""The name the index's triggers and view call :func:`spaced` by (never rename)."""

INDEX_TABLE: Final = "messages_short_fts"
"""The FTS5 table of characters and character pairs (its rowid is the message id)."""

FILLER: Final = "\x01"
"""Set between characters; a control character, so never part of a typed word."""


def spaced(text: str) -> str:
    """``text`` folded, with :data:`FILLER` before, between and after its characters."""
    return FILLER + FILLER.join(fold(text)) + FILLER


def word_tokens(word: str) -> list[str]:
    """The index tokens every message containing the folded ``word`` holds: the
    character for a one-character word, else each adjacent pair (in order, once each)."""
    if len(word) == 1:
        return [FILLER + word + FILLER]
    return list(dict.fromkeys(word[i] + FILLER + word[i + 1] for i in range(len(word) - 1)))


def match_expression(words: Iterable[str]) -> str:
    """The FTS5 MATCH string for rows holding every token of every word (quoted, ANDed)."""
    tokens: dict[str, None] = {}
    for word in words:
        tokens.update(dict.fromkeys(word_tokens(word)))
    return " ".join('"' + token.replace('"', '""') + '"' for token in tokens)


def _sql_spaced(value: str | bytes | int | float | None) -> str | None:
    # A BLOB or NULL written into a text column by some other tool is not indexed.
    return spaced(value) if isinstance(value, str) else None


def register(conn: sqlite3.Connection) -> None:
    """Make :func:`spaced` callable from SQL (the index's triggers and view) on ``conn``."""
    conn.create_function(SPACED_FUNCTION, 1, _sql_spaced, deterministic=True)


def has_index(conn: sqlite3.Connection) -> bool:
    """Whether the history holds the index (its migration has run)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (INDEX_TABLE,)
    ).fetchone()
    return row is not None


_M006_STATEMENTS: Final = (
    # What the index holds, computed on demand: FTS5 reads it only for 'rebuild'
    # and 'integrity-check'. Streaming rows are left out, as in messages_fts.
    """
    CREATE VIEW message_short_search_source AS
        SELECT id, kimi_search_spaced(text) AS text FROM messages WHERE status != 'streaming'
    """,
    # detail=none: which rows hold a token, not where; columnsize=0: no ranking.
    """
    CREATE VIRTUAL TABLE messages_short_fts USING fts5 (
        text, content = 'message_short_search_source', content_rowid = 'id',
        tokenize = 'trigram', detail = none, columnsize = 0
    )
    """,
    """
    CREATE TRIGGER messages_short_fts_insert AFTER INSERT ON messages
    WHEN new.status != 'streaming'
    BEGIN
        INSERT INTO messages_short_fts (rowid, text)
            VALUES (new.id, kimi_search_spaced(new.text));
    END
    """,
    """
    CREATE TRIGGER messages_short_fts_delete AFTER DELETE ON messages
    WHEN old.status != 'streaming'
    BEGIN
        INSERT INTO messages_short_fts (messages_short_fts, rowid, text)
            VALUES ('delete', old.id, kimi_search_spaced(old.text));
    END
    """,
    """
    CREATE TRIGGER messages_short_fts_update AFTER UPDATE OF text, status ON messages
    WHEN old.text IS NOT new.text
        OR (old.status = 'streaming') != (new.status = 'streaming')
    BEGIN
        INSERT INTO messages_short_fts (messages_short_fts, rowid, text)
            SELECT 'delete', old.id, kimi_search_spaced(old.text)
            WHERE old.status != 'streaming';
        INSERT INTO messages_short_fts (rowid, text)
            SELECT new.id, kimi_search_spaced(new.text) WHERE new.status != 'streaming';
    END
    """,
    # Index the existing history, then merge it into one b-tree: smaller, and
    # faster to read than the many segments a bulk insert leaves.
    "INSERT INTO messages_short_fts (messages_short_fts) VALUES ('rebuild')",
    "INSERT INTO messages_short_fts (messages_short_fts) VALUES ('optimize')",
)


def m006_short_term_search(conn: sqlite3.Connection) -> None:
    """An index of characters and character pairs, so words of one or two characters
    are looked up instead of scanned for."""
    register(conn)  # the rebuild calls it; migrate() registers it on every connection
    for statement in _M006_STATEMENTS:
        conn.execute(statement)
