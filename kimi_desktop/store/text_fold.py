"""The form text is searched in: NFKC, case-folded, so equal-looking text matches.

``café`` typed with a combining accent (NFD) and with ``é`` (NFC), full-width
``ABC`` (U+FF21 to U+FF23) and ``ABC``, ``İstanbul``, ``ISTANBUL`` and ``istanbul``, the ligature
``ﬁ`` and ``fi``: each pair folds to the same string. Both sides go through
:func:`fold`: the words typed into the search box, and the titles and message
text the index holds.

The search index is built by triggers that call :func:`fold` as the SQL
function :data:`FOLD_FUNCTION`, so every connection that writes to the history
needs it: :func:`~kimi_desktop.store.migrations.migrate` registers it. If what
:func:`fold` returns ever changes, append a migration that rebuilds the indexes
(as ``m003_folded_search`` does), or old entries stop matching.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Final

FOLD_FUNCTION: Final = "kimi_search_fold"
"""The name the schema's triggers call :func:`fold` by (part of the schema: never rename)."""

_DOTTED_I: Final = "i\u0307"  # what case folding makes of "İ" (U+0130)


def fold(text: str) -> str:
    """``text`` as the search index holds it: NFKC, case-folded, NFKC again.

    Case folding turns the Turkish capital ``İ`` into ``i`` plus a combining
    dot above; the dot is dropped, so ``İstanbul`` matches ``istanbul``.
    """
    if text.isascii():
        return text.lower()  # the same result, much faster, for most chat text
    folded = unicodedata.normalize("NFKC", text).casefold().replace(_DOTTED_I, "i")
    return unicodedata.normalize("NFKC", folded)


def _sql_fold(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    # A BLOB or NULL written into a text column by some other tool is indexed as it is.
    return fold(value) if isinstance(value, str) else value


def register(conn: sqlite3.Connection) -> None:
    """Make :func:`fold` callable from SQL (and the schema's triggers) on ``conn``."""
    conn.create_function(FOLD_FUNCTION, 1, _sql_fold, deterministic=True)
