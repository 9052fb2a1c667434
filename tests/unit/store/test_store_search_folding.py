"""Search folds both sides (NFKC, case folding): encodings, widths and cases find each other.

Snippets are still cut from the original text, with the marks around what matched.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pytest

from kimi_desktop.domain import MessageStatus
from kimi_desktop.store import (
    LATEST_VERSION,
    MATCH_END,
    MATCH_START,
    TITLE_MATCH_MESSAGE_ID,
    ConversationRepository,
    Database,
)
from kimi_desktop.store.migrations import MIGRATIONS, schema_version

NFC_CAFE = unicodedata.normalize("NFC", "café")
NFD_CAFE = unicodedata.normalize("NFD", "café")


def _shown(snippet: str) -> str:
    return snippet.replace(MATCH_START, "[").replace(MATCH_END, "]")


def _found(repo: ConversationRepository, query: str) -> list[str]:
    return [_shown(hit.snippet) for hit in repo.search(query)]


def test_the_two_cafes_are_different_strings() -> None:
    assert NFC_CAFE != NFD_CAFE
    assert (len(NFC_CAFE), len(NFD_CAFE)) == (4, 5)


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (f"meet at the {NFD_CAFE} at noon", NFC_CAFE),
        (f"meet at the {NFC_CAFE} at noon", NFD_CAFE),
        (f"meet at the {NFD_CAFE} at noon", NFD_CAFE.upper()),
        ("the ＡＢＣ model", "abc"),
        ("the ABC model", "ＡＢＣ"),
        ("the abc model", "ａｂｃ"),
        ("flights to İstanbul", "istanbul"),
        ("flights to istanbul", "İstanbul"),
        ("flights to ISTANBUL", "İstanbul"),
        ("flights to İSTANBUL", "istanbul"),
        ("Straße und Weg", "STRASSE"),
        ("the ﬁle menu", "file"),
    ],
)
def test_message_text_is_found_however_it_is_encoded(
    repo: ConversationRepository, stored: str, typed: str
) -> None:
    conversation = repo.create_conversation()
    message = repo.add_message(conversation.id, "user", stored)
    hits = repo.search(typed)
    assert [h.message_id for h in hits] == [message.id]
    # The snippet is the original text, not its folded form, with one match marked.
    assert hits[0].snippet.replace(MATCH_START, "").replace(MATCH_END, "") == stored
    assert hits[0].snippet.count(MATCH_START) == hits[0].snippet.count(MATCH_END) == 1


@pytest.mark.parametrize(
    ("title", "typed"),
    [
        (f"Notes from the {NFD_CAFE}", NFC_CAFE),
        ("ＡＢＣ planning", "ABC"),
        ("Trip to İstanbul", "istanbul"),
    ],
)
def test_titles_are_found_however_they_are_encoded(
    repo: ConversationRepository, title: str, typed: str
) -> None:
    conversation = repo.create_conversation(title)
    (hit,) = repo.search(typed)
    assert (hit.conversation_id, hit.message_id) == (conversation.id, TITLE_MATCH_MESSAGE_ID)
    assert hit.snippet.replace(MATCH_START, "").replace(MATCH_END, "") == title


def test_marks_surround_the_original_characters(repo: ConversationRepository) -> None:
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", f"{NFD_CAFE} or {NFC_CAFE}? ＡＢＣ, abc; İstanbul")
    assert _found(repo, NFC_CAFE) == [f"[{NFD_CAFE}] or [{NFC_CAFE}]? ＡＢＣ, abc; İstanbul"]
    assert _found(repo, "abc") == [f"{NFD_CAFE} or {NFC_CAFE}? [ＡＢＣ], [abc]; İstanbul"]
    assert _found(repo, "istanbul") == [f"{NFD_CAFE} or {NFC_CAFE}? ＡＢＣ, abc; [İstanbul]"]
    # A match ends at a whole character: the accent stays with its letter, unmarked.
    assert _found(repo, "caf") == [f"[caf]{NFD_CAFE[3:]} or [caf]é? ＡＢＣ, abc; İstanbul"]
    assert _found(repo, "fé") == [f"ca[{NFD_CAFE[2:]}] or ca[fé]? ＡＢＣ, abc; İstanbul"]


def test_a_match_inside_a_ligature_marks_the_whole_ligature(
    repo: ConversationRepository,
) -> None:
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", "the ﬁle menu")
    assert _found(repo, "fil") == ["the [ﬁl]e menu"]
    assert _found(repo, "ile") == ["the [ﬁle] menu"]


@pytest.mark.parametrize(
    ("stored", "typed", "shown"),
    [
        ("Ｑｔ signals", "qt", "[Ｑｔ] signals"),
        ("qt signals", "Ｑｔ", "[qt] signals"),
        ("ＱＴ and İİ", "ii", "ＱＴ and [İİ]"),
        (f"é{NFD_CAFE[3:]} ok", "é", f"[é][{NFD_CAFE[3:]}] ok"),  # NFD é: two code points
        ("see ＡＢ and abc", "ＡＢ abc", "see [ＡＢ] and [abc]"),
    ],
)
def test_short_words_are_folded_too(
    repo: ConversationRepository, stored: str, typed: str, shown: str
) -> None:
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", stored)
    assert _found(repo, typed) == [shown]


def test_a_word_is_short_by_its_folded_length(repo: ConversationRepository) -> None:
    """Typed in NFD, "été" is five code points but three characters in the index."""
    conversation = repo.create_conversation()
    repo.add_message(conversation.id, "user", "un été chaud")
    typed = unicodedata.normalize("NFD", "ét")  # three code points, two characters
    assert len(typed) == 3
    assert _found(repo, typed) == ["un [ét]é chaud"]


def test_long_snippets_are_cut_around_the_match_in_the_original(
    repo: ConversationRepository,
) -> None:
    conversation = repo.create_conversation()
    filler = "ＡＢＣ ｄｅｆ " * 40
    repo.add_message(conversation.id, "user", f"{filler}{NFD_CAFE} au lait {filler}")
    (hit,) = repo.search(NFC_CAFE)
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert f"{MATCH_START}{NFD_CAFE}{MATCH_END} au lait" in hit.snippet
    assert len(hit.snippet) < 100


def test_streaming_text_is_indexed_folded_once_it_finishes(
    repo: ConversationRepository, db: Database
) -> None:
    conversation = repo.create_conversation("ＴＩＴＬＥ")
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "İstanbul", "")
    assert repo.search("istanbul") == []
    repo.finish_message(reply.id, status=MessageStatus.COMPLETE, text="İzmir", reasoning="")
    assert [h.message_id for h in repo.search("izmir")] == [reply.id]
    repo.rename(conversation.id, "Ｎｅｗ name")
    assert [h.message_id for h in repo.search("new")] == [TITLE_MATCH_MESSAGE_ID]
    assert repo.search("title") == []
    repo.delete_message(reply.id)
    assert repo.search("izmir") == []
    repo.delete_conversation(conversation.id)
    repo.purge_deleted()
    _assert_index_consistent(db)


def _build_version_2(path: Path) -> None:
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for number, step in enumerate(MIGRATIONS[:2], start=1):
            step(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at)"
            " VALUES (1, ?, 0, 0), (2, 'ＡＢＣ weekly', 0, 0)",
            (f"Notes from the {NFD_CAFE}",),
        )
        conn.executemany(
            "INSERT INTO messages (conversation_id, role, text, status, created_at)"
            " VALUES (?, 'user', ?, ?, 0)",
            [
                (1, f"a {NFD_CAFE} near İstanbul", "complete"),
                (2, "Ｑｔ and ＦＵＬＬ width", "complete"),
                (2, "half a reply about Straße", "streaming"),
            ],
        )
    finally:
        conn.close()


def test_a_version_2_history_is_reindexed_folded(db_path: Path) -> None:
    _build_version_2(db_path)
    with Database.open(db_path) as db:
        with db.read() as conn:
            assert schema_version(conn) == LATEST_VERSION
        repo = ConversationRepository(db)
        assert _found(repo, NFC_CAFE) == [
            f"Notes from the [{NFD_CAFE}]",
            f"a [{NFD_CAFE}] near İstanbul",
        ]
        assert _found(repo, "istanbul") == [f"a {NFD_CAFE} near [İstanbul]"]
        assert _found(repo, "abc") == ["[ＡＢＣ] weekly"]
        assert _found(repo, "full") == ["Ｑｔ and [ＦＵＬＬ] width"]
        assert _found(repo, "qt") == ["[Ｑｔ] and ＦＵＬＬ width"]
        assert repo.search("strasse") == []  # still streaming: not indexed, as before
        assert repo.recover_interrupted() == 1
        assert _found(repo, "strasse") == ["half a reply about [Straße]"]
        # The migrated connection can write: the triggers' fold function is there.
        repo.add_message(1, "assistant", "ＮＥＷ text")
        assert _found(repo, "new") == ["[ＮＥＷ] text"]
        _assert_index_consistent(db)


def _assert_index_consistent(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
        conn.execute(
            "INSERT INTO conversations_fts (conversations_fts, rank) VALUES ('integrity-check', 1)"
        )
        indexed = dict(conn.execute("SELECT rowid, text FROM messages_fts").fetchall())
        stored = dict(
            conn.execute("SELECT id, text FROM messages WHERE status != 'streaming'").fetchall()
        )
    assert indexed.keys() == stored.keys()
    assert all(indexed[key] == _folded(stored[key]) for key in stored)


def _folded(text: str) -> str:
    from kimi_desktop.store.text_fold import fold

    return fold(text)
