"""Versions and branches in the history: the migration of linear histories, the shown
branch, switching, deleting, and the whole tree through export and import."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kimi_desktop.domain import MessageStatus
from kimi_desktop.store import ConversationRepository, Database
from kimi_desktop.store.migrations import MIGRATIONS
from kimi_desktop.store.transfer import TransferStore


def _texts(repo: ConversationRepository, conversation_id: int) -> list[str]:
    return [m.text for m in repo.messages(conversation_id)]


def test_a_version_2_history_opens_with_every_message_linear_and_in_order(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        for number, step in enumerate(MIGRATIONS[:2], start=1):
            step(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        for conversation_id, title in ((1, "First"), (2, "Second")):
            conn.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, 0, 0)",
                (conversation_id, title),
            )
        # Interleaved, as two chats written side by side.
        for conversation_id, role, text, status in (
            (1, "user", "q1", "complete"),
            (2, "user", "other q", "complete"),
            (1, "assistant", "a1", "complete"),
            (1, "user", "q2", "complete"),
            (2, "assistant", "other a", "complete"),
            (1, "assistant", "a2", "error"),
        ):
            conn.execute(
                "INSERT INTO messages (conversation_id, role, text, status, created_at, error_fix)"
                " VALUES (?, ?, ?, ?, 0, NULL)",
                (conversation_id, role, text, status),
            )
    finally:
        conn.close()

    with Database.open(db_path) as db:
        repo = ConversationRepository(db)
        first = repo.messages(1)
        second = repo.messages(2)
        with db.read() as read:
            leaves = read.execute("SELECT id, leaf_id FROM conversations ORDER BY id").fetchall()
    assert [m.text for m in first] == ["q1", "a1", "q2", "a2"]
    assert [m.parent_id for m in first] == [None, first[0].id, first[1].id, first[2].id]
    assert first[-1].status is MessageStatus.ERROR
    assert [m.text for m in second] == ["other q", "other a"]
    assert [m.parent_id for m in second] == [None, second[0].id]
    assert all(not m.versions for m in first + second)
    assert [tuple(row) for row in leaves] == [(1, first[-1].id), (2, second[-1].id)]


def test_answers_again_are_versions_and_the_branch_shown_is_saved(db_path: Path) -> None:
    with Database.open(db_path) as db:
        repo = ConversationRepository(db)
        chat = repo.create_conversation("t")
        prompt = repo.add_message(chat.id, "user", "q")
        first = repo.add_message(chat.id, "assistant", "a1")
        follow = repo.add_message(chat.id, "user", "q2 after a1")
        repo.add_message(chat.id, "assistant", "a2 after a1")
        second = repo.add_message(chat.id, "assistant", "a1 again", parent_id=prompt.id)
        assert second.versions == (first.id, second.id)
        assert second.version == 2
        assert _texts(repo, chat.id) == ["q", "a1 again"]

        assert repo.select_branch(chat.id, first.id)
        shown = repo.messages(chat.id)
        # The newest continuation below the version chosen.
        assert [m.text for m in shown] == ["q", "a1", "q2 after a1", "a2 after a1"]
        assert shown[1].version == 1
        assert shown[1].versions == (first.id, second.id)
        assert shown[2].id == follow.id
        assert not repo.select_branch(chat.id, 9999)

    with Database.open(db_path) as db:  # the choice survives a restart
        assert _texts(ConversationRepository(db), chat.id) == [
            "q",
            "a1",
            "q2 after a1",
            "a2 after a1",
        ]


def test_an_edited_first_prompt_is_a_version_with_no_parent(repo: ConversationRepository) -> None:
    chat = repo.create_conversation("t")
    first = repo.add_message(chat.id, "user", "hello")
    repo.add_message(chat.id, "assistant", "hi")
    edited = repo.add_message(chat.id, "user", "hello!", parent_id=None)
    assert edited.parent_id is None
    assert edited.versions == (first.id, edited.id)
    assert _texts(repo, chat.id) == ["hello!"]


def test_deleting_in_the_middle_keeps_the_rest_and_a_deleted_leaf_gives_way(
    repo: ConversationRepository,
) -> None:
    chat = repo.create_conversation("t")
    ids = [
        repo.add_message(chat.id, "user" if i % 2 == 0 else "assistant", f"m{i}").id
        for i in range(4)
    ]
    other = repo.add_message(chat.id, "assistant", "m1 again", parent_id=ids[0])

    repo.delete_message(other.id)  # the version shown: the other one's branch comes back
    assert _texts(repo, chat.id) == ["m0", "m1", "m2", "m3"]
    assert not repo.messages(chat.id)[1].versions

    repo.delete_message(ids[1])
    assert _texts(repo, chat.id) == ["m0", "m2", "m3"]
    assert repo.get_message(ids[2]).parent_id == ids[0]


def test_the_whole_tree_goes_out_and_comes_back_with_the_branch_shown(
    db: Database, repo: ConversationRepository
) -> None:
    chat = repo.create_conversation("Tree")
    prompt = repo.add_message(chat.id, "user", "q")
    repo.add_message(chat.id, "assistant", "a1")
    repo.add_message(chat.id, "user", "q2")
    repo.add_message(chat.id, "assistant", "a1 again", parent_id=prompt.id)
    repo.select_branch(chat.id, prompt.id + 1)  # back to a1 and what follows it
    store = TransferStore(db)

    exported = store.read(chat.id)
    assert exported is not None
    assert exported.parents == (None, 0, 1, 0)
    assert exported.leaf == 2
    assert [m.text for m in exported.shown_branch()] == ["q", "a1", "q2"]

    [copy] = store.insert([exported])
    assert _texts(repo, copy) == ["q", "a1", "q2"]
    assert store.read(copy) == exported
