"""Full-text search over message text and conversation titles.

Whatever the user types is treated as plain words, never as FTS5 query syntax:
control characters are dropped, the text is folded (:func:`~.text_fold.fold`:
NFKC and case folding) and split on whitespace, and each word becomes a quoted
FTS5 phrase (inner quotes doubled), so ``AND``, ``*``, ``-``, ``NEAR``, quotes
or unbalanced parentheses are just characters to look for. All words must
occur (implicit AND). With the trigram tokenizer every phrase already matches
anywhere inside a word, so the word being typed last is a prefix match without
needing FTS5's ``*``.

The indexes hold folded text (migration ``m003_folded_search``), so ``café``
typed either way, full-width ``ABC`` (U+FF21 to U+FF23) and ``ABC``, ``İstanbul``
and ``istanbul`` find each other.

Trigrams cannot match words shorter than three characters ("Qt", "C#", or the
many two-character Chinese words such as 你好). Those words are checked with
``LIKE`` on the folded text the index keeps: on the rows the index found when
there are longer words too, and by scanning newest-first when the query has
only short words.

Snippets are cut from the original text, never the folded one: each match is
marked with :data:`MATCH_START` (``\\x02``, STX) and :data:`MATCH_END`
(``\\x03``, ETX), and cut text with :data:`ELLIPSIS`. Control characters cannot
be typed into a search box and are rare in chat text, so the UI can escape the
snippet and then turn the markers into bold without clashing with anything the
text itself contains.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from kimi_desktop.domain import SearchHit
from kimi_desktop.store.text_fold import fold

MATCH_START: Final = "\x02"
MATCH_END: Final = "\x03"
ELLIPSIS: Final = "…"
TITLE_MATCH_MESSAGE_ID: Final = 0
"""``SearchHit.message_id`` of a hit on a conversation's title (ids start at 1)."""

_MIN_INDEXED_CHARS: Final = 3  # the trigram tokenizer's window
_SNIPPET_CHARS: Final = 64
_TITLE_CHARS: Final = 200  # a title is shown whole up to this length
_MAX_WORDS: Final = 16
_FIRST_PREFIX_CHARS: Final = 4096  # a long message is searched for its first match this far first
_CUT_MARGIN: Final = 8
_OFFSET_CHUNK_CHARS: Final = 1024


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A typed query, folded, split into words the index can match and words it cannot."""

    indexed: tuple[str, ...]
    short: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return self.indexed + self.short

    def match_expression(self) -> str:
        """The FTS5 MATCH string: every indexed word as a quoted phrase, ANDed."""
        return " ".join('"' + word.replace('"', '""') + '"' for word in self.indexed)


def parse_query(text: str) -> ParsedQuery:
    """Fold typed text and split it into words; drop control characters, duplicates and
    excess words. A word's length is counted after folding: that is what the index holds."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    words: list[str] = []
    for word in fold(cleaned).split():
        if word not in words:
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
    # conversations_fts holds each title folded; its rowid is the conversation's id.
    like_sql, like_params = _like_filters("conversations_fts.title", query.short)
    match_sql, match_params = (
        (" AND conversations_fts MATCH ?", [query.match_expression()])
        if query.indexed
        else ("", [])
    )
    rows = conn.execute(
        "SELECT c.id, c.title"
        " FROM conversations_fts JOIN conversations AS c ON c.id = conversations_fts.rowid"
        f" WHERE c.deleted_at IS NULL{match_sql}{like_sql}"
        " ORDER BY c.updated_at DESC, c.id DESC LIMIT ?",
        [*match_params, *like_params, limit],
    ).fetchall()
    return [
        SearchHit(
            conversation_id=row["id"],
            message_id=TITLE_MATCH_MESSAGE_ID,
            title=row["title"],
            snippet=marked_snippet(row["title"], query.words, window=_TITLE_CHARS),
        )
        for row in rows
    ]


def _search_messages(conn: sqlite3.Connection, query: ParsedQuery, limit: int) -> list[SearchHit]:
    # messages_fts holds the folded text of every message not streaming; its
    # rowid is the message's id, which is creation order. The index (or the
    # scan) runs in descending rowid order, so LIMIT stops it early however
    # common the word is; snippets are cut only for the rows returned.
    if query.indexed:
        like_sql, like_params = _like_filters("messages_fts.text", query.short)
        rows = conn.execute(
            "SELECT m.id, m.conversation_id, c.title, m.text FROM messages_fts"
            " JOIN messages AS m ON m.id = messages_fts.rowid"
            " JOIN conversations AS c ON c.id = m.conversation_id"
            f" WHERE messages_fts MATCH ? AND c.deleted_at IS NULL{like_sql}"
            " ORDER BY messages_fts.rowid DESC LIMIT ?",
            [query.match_expression(), *like_params, limit],
        ).fetchall()
    else:
        # Only short words: scan the folded text. FTS5 keeps it in its documented
        # shadow table messages_fts_content (id, c0), a plain table that scans
        # much faster than the same rows read through the virtual table. CROSS
        # JOIN keeps that scan the outer loop, so LIMIT can stop it.
        like_sql, like_params = _like_filters("f.c0", query.short)
        rows = conn.execute(
            "SELECT m.id, m.conversation_id, c.title, m.text FROM messages_fts_content AS f"
            " CROSS JOIN messages AS m ON m.id = f.id"
            " CROSS JOIN conversations AS c ON c.id = m.conversation_id"
            f" WHERE c.deleted_at IS NULL{like_sql}"
            " ORDER BY f.id DESC LIMIT ?",
            [*like_params, limit],
        ).fetchall()
    return [
        SearchHit(
            conversation_id=row["conversation_id"],
            message_id=row["id"],
            title=row["title"],
            snippet=marked_snippet(row["text"], query.words, window=_SNIPPET_CHARS),
        )
        for row in rows
    ]


def marked_snippet(text: str, words: Sequence[str], *, window: int) -> str:
    """``text`` with every match of the folded ``words`` marked, cut to about ``window``
    characters around the first match.

    Matching happens on the folded text, marking on the original: a match
    covers whole characters with their combining marks, so ``café`` typed as
    NFC marks ``cafe`` plus its combining accent, and full-width ``ABC`` in the
    text is marked when ``abc`` was typed.
    """
    words = [w for w in words if w]
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    head = tail = ""
    if len(text) > window:
        at = _first_match(text, pattern)
        # Show a little context before the first match, but never less text than fits.
        start = _cluster_start(text, max(0, min(at - window // 4, len(text) - window)))
        end = _cluster_start(text, min(len(text), start + window))
        head = ELLIPSIS if start > 0 else ""
        tail = ELLIPSIS if end < len(text) else ""
        text = text[start:end]
    return head + _mark(text, pattern) + tail


def _mark(text: str, pattern: re.Pattern[str]) -> str:
    """Mark each match of ``pattern`` (folded words) in the folded form of ``text``."""
    if text.isascii():  # folding is lower(): offsets are the same on both sides
        spans = [m.span() for m in pattern.finditer(text.lower())]
    else:
        clusters = _clusters(text)
        folded_parts = [_fold_cluster(text[start:end]) for start, end in clusters]
        # Where each cluster's folded text ends, to find the cluster of a folded offset.
        ends: list[int] = []
        total = 0
        for part in folded_parts:
            total += len(part)
            ends.append(total)
        spans = []
        for match in pattern.finditer("".join(folded_parts)):
            first = min(bisect_right(ends, match.start()), len(ends) - 1)
            last = min(bisect_right(ends, match.end() - 1), len(ends) - 1)
            span = (clusters[first][0], clusters[last][1])
            if spans and span[0] < spans[-1][1]:  # two matches inside one cluster
                spans[-1] = (spans[-1][0], max(span[1], spans[-1][1]))
            else:
                spans.append(span)
    parts: list[str] = []
    done = 0
    for start, end in spans:
        parts += [text[done:start], MATCH_START, text[start:end], MATCH_END]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _first_match(text: str, pattern: re.Pattern[str]) -> int:
    """The offset in ``text`` where the first match of ``pattern`` (in folded form)
    starts, 0 if none; the work grows with that offset, not with the text."""
    if text.isascii():
        found = pattern.search(text.lower())
        return found.start() if found is not None else 0
    size = _FIRST_PREFIX_CHARS
    while True:
        prefix = text[:size]
        folded = fold(prefix)
        found = pattern.search(folded)
        whole = size >= len(text)
        # A match at the very end of a prefix may be an artefact of the cut
        # ("cafe" before its combining accent): then look further.
        if found is not None and (whole or found.end() < len(folded) - _CUT_MARGIN):
            return _original_offset(prefix, found.start())
        if whole:
            return 0
        size *= 4


def _original_offset(text: str, folded_offset: int) -> int:
    """The offset in ``text`` of the character whose folded form holds ``folded_offset``."""
    if text.isascii():
        return folded_offset
    # Fold whole chunks (in C) up to the one holding the offset, then walk that
    # chunk's characters: a long message is never walked character by character.
    start = done = 0  # done: the folded length of text[:start]
    while start < len(text):
        end = _cluster_start(text, min(len(text), start + _OFFSET_CHUNK_CHARS))
        if end <= start:  # a run of combining marks longer than a chunk
            end = min(len(text), start + _OFFSET_CHUNK_CHARS)
        length = len(fold(text[start:end]))
        if done + length > folded_offset:
            for cluster_start, cluster_end in _clusters(text[start:end]):
                done += len(_fold_cluster(text[start + cluster_start : start + cluster_end]))
                if done > folded_offset:
                    return start + cluster_start
            return max(start, end - 1)
        done += length
        start = end
    return max(0, len(text) - 1)


@lru_cache(maxsize=8192)
def _continues_cluster(ch: str) -> bool:
    """Whether ``ch`` belongs to the character before it when folding (a combining
    mark, or a Hangul vowel or final consonant that composes into a syllable)."""
    code = ord(ch)
    return (
        unicodedata.category(ch).startswith("M")
        or 0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
    )


def _cluster_start(text: str, offset: int) -> int:
    """``offset`` moved back to the start of the cluster it falls inside."""
    while 0 < offset < len(text) and _continues_cluster(text[offset]):
        offset -= 1
    return offset


def _clusters(text: str) -> list[tuple[int, int]]:
    """``text`` cut into (start, end) runs that fold independently of each other."""
    bounds = [i for i, ch in enumerate(text) if i == 0 or not _continues_cluster(ch)]
    return list(zip(bounds, [*bounds[1:], len(text)], strict=True))


@lru_cache(maxsize=4096)
def _fold_cluster(cluster: str) -> str:
    return fold(cluster)
