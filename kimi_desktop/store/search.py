"""Full-text search over message text and conversation titles.

Whatever the user types is treated as plain words, never as FTS5 query syntax:
the text is split on whitespace, control characters are dropped, and each word
becomes a quoted FTS5 phrase (inner quotes doubled), so ``AND``, ``*``, ``-``,
``NEAR``, quotes or unbalanced parentheses are just characters to look for.
All words must occur (implicit AND). With the trigram tokenizer every phrase
already matches anywhere inside a word, so the word being typed last is a
prefix match without needing FTS5's ``*``.

Trigrams cannot match words shorter than three characters ("Qt", "C#", or the
many two-character Chinese words such as 你好). Those words are checked with
``LIKE`` instead: on the rows the index found when there are longer words too,
and by scanning newest-first when the query has only short words.

Snippets mark each match with :data:`MATCH_START` (``\\x02``, STX) and
:data:`MATCH_END` (``\\x03``, ETX), and cut text with :data:`ELLIPSIS`. Control
characters cannot be typed into a search box and are rare in chat text, so the
UI can escape the snippet and then turn the markers into bold without clashing
with anything the text itself contains.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Final

from kimi_desktop.domain import SearchHit

MATCH_START: Final = "\x02"
MATCH_END: Final = "\x03"
ELLIPSIS: Final = "…"
TITLE_MATCH_MESSAGE_ID: Final = 0
"""``SearchHit.message_id`` of a hit on a conversation's title (ids start at 1)."""

_MIN_INDEXED_CHARS: Final = 3  # the trigram tokenizer's window
_SNIPPET_TOKENS: Final = 48  # trigram tokens, i.e. about this many characters
_SNIPPET_CHARS: Final = 64
_MAX_WORDS: Final = 16


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A typed query split into words the index can match and words it cannot."""

    indexed: tuple[str, ...]
    short: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return self.indexed + self.short

    def match_expression(self) -> str:
        """The FTS5 MATCH string: every indexed word as a quoted phrase, ANDed."""
        return " ".join('"' + word.replace('"', '""') + '"' for word in self.indexed)


def parse_query(text: str) -> ParsedQuery:
    """Split typed text into words; drop control characters, duplicates and excess words."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    words: list[str] = []
    seen: set[str] = set()
    for word in cleaned.split():
        if word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
            if len(words) == _MAX_WORDS:
                break
    return ParsedQuery(
        indexed=tuple(w for w in words if len(w) >= _MIN_INDEXED_CHARS),
        short=tuple(w for w in words if len(w) < _MIN_INDEXED_CHARS),
    )


def search(conn: sqlite3.Connection, text: str, limit: int = 50) -> list[SearchHit]:
    """Title matches first (most recently updated first), then messages newest first."""
    query = parse_query(text)
    if not query.words or limit <= 0:
        return []
    hits = _search_titles(conn, query, limit)
    if len(hits) < limit:
        hits += _search_messages(conn, query, limit - len(hits))
    return hits


def _like_filters(column: str, words: tuple[str, ...]) -> tuple[str, list[str]]:
    """SQL ``AND column LIKE ?`` clauses matching each word anywhere, wildcards escaped."""
    sql = "".join(f" AND {column} LIKE ? ESCAPE '\\'" for _ in words)
    params = ["%" + re.sub(r"([\\%_])", r"\\\1", w) + "%" for w in words]
    return sql, params


def _search_titles(conn: sqlite3.Connection, query: ParsedQuery, limit: int) -> list[SearchHit]:
    like_sql, like_params = _like_filters("c.title", query.short)
    if query.indexed:
        rows = conn.execute(
            "SELECT c.id, c.title, highlight(conversations_fts, 0, ?, ?) AS snippet"
            " FROM conversations_fts JOIN conversations AS c ON c.id = conversations_fts.rowid"
            f" WHERE conversations_fts MATCH ? AND c.deleted_at IS NULL{like_sql}"
            " ORDER BY c.updated_at DESC, c.id DESC LIMIT ?",
            [MATCH_START, MATCH_END, query.match_expression(), *like_params, limit],
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT c.id, c.title, NULL AS snippet FROM conversations AS c"
            f" WHERE c.deleted_at IS NULL{like_sql}"
            " ORDER BY c.updated_at DESC, c.id DESC LIMIT ?",
            [*like_params, limit],
        ).fetchall()
    return [
        SearchHit(
            conversation_id=row["id"],
            message_id=TITLE_MATCH_MESSAGE_ID,
            title=row["title"],
            snippet=_mark(row["snippet"] or row["title"], query.short, window=None),
        )
        for row in rows
    ]


def _search_messages(conn: sqlite3.Connection, query: ParsedQuery, limit: int) -> list[SearchHit]:
    like_sql, like_params = _like_filters("m.text", query.short)
    if query.indexed:
        # The index drives the loop in descending rowid (= creation) order, so
        # LIMIT stops the scan early however common the word is; snippet() runs
        # only for the rows returned.
        rows = conn.execute(
            "SELECT m.id, m.conversation_id, c.title,"
            " snippet(messages_fts, 0, ?, ?, ?, ?) AS snippet"
            " FROM messages_fts"
            " JOIN messages AS m ON m.id = messages_fts.rowid"
            " JOIN conversations AS c ON c.id = m.conversation_id"
            f" WHERE messages_fts MATCH ? AND c.deleted_at IS NULL{like_sql}"
            " ORDER BY messages_fts.rowid DESC LIMIT ?",
            [
                MATCH_START,
                MATCH_END,
                ELLIPSIS,
                _SNIPPET_TOKENS,
                query.match_expression(),
                *like_params,
                limit,
            ],
        ).fetchall()
        snippets = [_mark(row["snippet"], query.short, window=None) for row in rows]
    else:
        rows = conn.execute(
            "SELECT m.id, m.conversation_id, c.title, m.text FROM messages AS m"
            " JOIN conversations AS c ON c.id = m.conversation_id"
            f" WHERE m.status != 'streaming' AND c.deleted_at IS NULL{like_sql}"
            " ORDER BY m.id DESC LIMIT ?",
            [*like_params, limit],
        ).fetchall()
        snippets = [_mark(row["text"], query.short, window=_SNIPPET_CHARS) for row in rows]
    return [
        SearchHit(
            conversation_id=row["conversation_id"],
            message_id=row["id"],
            title=row["title"],
            snippet=snippet,
        )
        for row, snippet in zip(rows, snippets, strict=True)
    ]


def _mark(text: str, words: tuple[str, ...], *, window: int | None) -> str:
    """Mark ``words`` in ``text`` (outside existing marks); cut to ``window`` chars if given.

    Used for what the index cannot mark itself: short words, and snippets of
    the short-words-only scan.
    """
    if not words:
        return text
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE
    )
    if window is not None:
        first = pattern.search(text)
        # Show a little context before the first match, but never less text than fits.
        start = max(0, min((first.start() if first else 0) - window // 4, len(text) - window))
        end = min(len(text), start + window)
        head = ELLIPSIS if start > 0 else ""
        tail = ELLIPSIS if end < len(text) else ""
        text = head + text[start:end] + tail
    # Split on the marks the index already placed so no mark lands inside another.
    parts = re.split(f"({MATCH_START}.*?{MATCH_END})", text, flags=re.DOTALL)
    return "".join(
        part
        if part.startswith(MATCH_START)
        else pattern.sub(lambda m: MATCH_START + m.group(0) + MATCH_END, part)
        for part in parts
    )
