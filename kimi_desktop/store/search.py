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
many two-character Chinese words such as 你好). A query with such a word is
looked up in the index of characters and character pairs
(:mod:`~.search_index`), every word's tokens at once, and each row it finds is
confirmed with ``LIKE`` on the folded text the trigram index keeps, so results
are exactly the rows ``LIKE`` matches. A history without that index (opened
before its migration ran) scans that folded text newest-first instead.

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
from kimi_desktop.store import search_index
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
    # Every message index (or scan) runs in descending rowid order, which is
    # creation order, so LIMIT stops it early however common the word is;
    # snippets are cut only for the rows returned.
    if query.short and search_index.has_index(conn):
        rows = _short_word_rows(conn, query, limit)
    elif query.indexed:
        rows = _trigram_rows(conn, query, limit)
    else:
        rows = _scanned_rows(conn, query, limit)
    return [
        SearchHit(
            conversation_id=row["conversation_id"],
            message_id=row["id"],
            title=row["title"],
            snippet=marked_snippet(
                row["text"],
                query.words,
                window=_SNIPPET_CHARS,
                folded=row["folded"] if isinstance(row["folded"], str) else None,
            ),
        )
        for row in rows
    ]


def _trigram_rows(conn: sqlite3.Connection, query: ParsedQuery, limit: int) -> list[sqlite3.Row]:
    # messages_fts holds the folded text of every message not streaming; its
    # rowid is the message's id.
    like_sql, like_params = _like_filters("messages_fts.text", query.short)
    return conn.execute(
        "SELECT m.id, m.conversation_id, c.title, m.text, messages_fts.text AS folded"
        " FROM messages_fts JOIN messages AS m ON m.id = messages_fts.rowid"
        " JOIN conversations AS c ON c.id = m.conversation_id"
        f" WHERE messages_fts MATCH ? AND c.deleted_at IS NULL{like_sql}"
        " ORDER BY messages_fts.rowid DESC LIMIT ?",
        [query.match_expression(), *like_params, limit],
    ).fetchall()


def _short_word_rows(conn: sqlite3.Connection, query: ParsedQuery, limit: int) -> list[sqlite3.Row]:
    # The character-pair index narrows the rows to those holding every word's
    # characters and pairs (long words' pairs too: measured faster than
    # combining it with the trigram index); LIKE on the folded copy FTS5 keeps
    # in its documented shadow table messages_fts_content (id, c0) confirms
    # each. CROSS JOIN keeps the index the outer loop, so LIMIT can stop it.
    like_sql, like_params = _like_filters("f.c0", query.words)
    return conn.execute(
        "SELECT m.id, m.conversation_id, c.title, m.text, f.c0 AS folded"
        " FROM messages_short_fts AS s"
        " CROSS JOIN messages_fts_content AS f ON f.id = s.rowid"
        " CROSS JOIN messages AS m ON m.id = s.rowid"
        " CROSS JOIN conversations AS c ON c.id = m.conversation_id"
        f" WHERE messages_short_fts MATCH ? AND c.deleted_at IS NULL{like_sql}"
        " ORDER BY s.rowid DESC LIMIT ?",
        [search_index.match_expression(query.words), *like_params, limit],
    ).fetchall()


def _scanned_rows(conn: sqlite3.Connection, query: ParsedQuery, limit: int) -> list[sqlite3.Row]:
    # Only short words and no pair index: scan the folded text. The shadow
    # table scans much faster than the same rows read through the virtual
    # table; CROSS JOIN keeps that scan the outer loop, so LIMIT can stop it.
    like_sql, like_params = _like_filters("f.c0", query.short)
    return conn.execute(
        "SELECT m.id, m.conversation_id, c.title, m.text, f.c0 AS folded"
        " FROM messages_fts_content AS f"
        " CROSS JOIN messages AS m ON m.id = f.id"
        " CROSS JOIN conversations AS c ON c.id = m.conversation_id"
        f" WHERE c.deleted_at IS NULL{like_sql}"
        " ORDER BY f.id DESC LIMIT ?",
        [*like_params, limit],
    ).fetchall()


def marked_snippet(
    text: str, words: Sequence[str], *, window: int, folded: str | None = None
) -> str:
    """``text`` with every match of the folded ``words`` marked, cut to about ``window``
    characters around the first match.

    Matching happens on the folded text, marking on the original: a match
    covers whole characters with their combining marks, so ``café`` typed as
    NFC marks ``cafe`` plus its combining accent, and full-width ``ABC`` in the
    text is marked when ``abc`` was typed. ``folded`` is ``fold(text)`` when the
    caller has it (the indexes keep it): folding a long message again is most
    of a snippet's cost.
    """
    words = [w for w in words if w]
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    head = tail = ""
    if len(text) > window:
        at = _first_match(text, pattern, folded)
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
    elif _folds_char_by_char(text):  # most text, Chinese included: offsets match too
        spans = [m.span() for m in pattern.finditer(fold(text))]
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


def _first_match(text: str, pattern: re.Pattern[str], folded: str | None = None) -> int:
    """The offset in ``text`` where the first match of ``pattern`` (in folded form)
    starts, 0 if none; the work grows with that offset, not with the text.
    ``folded`` is ``fold(text)``, when known."""
    if text.isascii():
        found = pattern.search(text.lower())
        return found.start() if found is not None else 0
    if folded is not None:
        found = pattern.search(folded)
        return _original_offset(text, found.start()) if found is not None else 0
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
    if text.isascii() or _folds_char_by_char(text[: folded_offset + 1]):
        return folded_offset  # every character before it folded to one of its own
    # Fold whole chunks (in C) up to the one holding the offset, then find the
    # cluster inside that chunk: a long message is never walked character by
    # character.
    start = done = 0  # done: the folded length of text[:start]
    while start < len(text):
        end = _cluster_start(text, min(len(text), start + _OFFSET_CHUNK_CHARS))
        if end <= start:  # a run of combining marks longer than a chunk
            end = min(len(text), start + _OFFSET_CHUNK_CHARS)
        chunk = text[start:end]
        if _folds_char_by_char(chunk):
            if done + len(chunk) > folded_offset:
                return start + folded_offset - done
            done += len(chunk)
        else:
            length = len(fold(chunk))
            if done + length > folded_offset:
                return start + _cluster_holding(chunk, folded_offset - done)
            done += length
        start = end
    return max(0, len(text) - 1)


def _cluster_holding(chunk: str, folded_offset: int) -> int:
    """The start of the cluster of ``chunk`` whose folded form holds ``folded_offset``:
    the last cluster start whose folded prefix is no longer, found by bisection."""
    low, high = 0, len(chunk)
    while low < high:
        middle = (low + high + 1) // 2
        if len(fold(chunk[: _cluster_start(chunk, middle)])) <= folded_offset:
            low = middle
        else:
            high = middle - 1
    return _cluster_start(chunk, low)


def _continues(code: int) -> bool:
    """Whether the character ``code`` belongs to the one before it when folding (a
    combining mark, or a Hangul vowel or final consonant that composes into a syllable)."""
    return (
        0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
        or unicodedata.category(chr(code)).startswith("M")
    )


@lru_cache(maxsize=8192)
def _continues_cluster(ch: str) -> bool:
    return _continues(ord(ch))


def _folds_char_by_char(text: str) -> bool:
    """Whether each character of ``text`` folds to exactly one character, on its own:
    then an offset in the folded text is the same offset in ``text``."""
    basic, astral = _irregular_characters()
    if basic.search(text) is not None:
        return False
    return _ASTRAL.search(text) is None or astral.search(text) is None


_ASTRAL: Final = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _irregular_characters() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Character classes (in the Basic Multilingual Plane, and beyond it) of the
    characters that do not fold to one character of their own: those that continue
    a cluster, fold to several characters (ß, ﬁ) or to one that continues the
    character before it (the half-width voicing mark ﾞ). Two classes, because
    ``re`` tests a class of BMP characters in constant time, and one that also
    holds astral ranges by walking them.

    About 4,000 characters (Unicode 15), all in planes 0, 1 and 14: elsewhere
    are ideographs, private use and unassigned code points, which fold to
    themselves or to one ideograph. Built on first use, in about 0.1 s.
    """
    return _class_of_irregular(0x80, 0x10000), _class_of_irregular(
        0x10000, 0x20000, 0xE0000, 0xF0000
    )


def _class_of_irregular(*bounds: int) -> re.Pattern[str]:
    ranges: list[tuple[int, int]] = []
    for plane_start, plane_end in zip(bounds[::2], bounds[1::2], strict=True):
        for code in range(plane_start, plane_end):
            if 0xD800 <= code <= 0xDFFF or not _is_irregular(chr(code)):
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return re.compile(
        "["
        + "".join(
            re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high > low else "")
            for low, high in ranges
        )
        + "]"
    )


def _is_irregular(ch: str) -> bool:
    if _continues(ord(ch)):
        return True
    if unicodedata.is_normalized("NFKC", ch) and ch.casefold() == ch:
        return False  # folds to itself (the test that saves calling fold() on most)
    folded = fold(ch)
    return len(folded) != 1 or _continues(ord(folded))


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
