"""Export and import of a conversation with versions: JSON carries the whole tree and
the branch shown, a version-1 file still imports as one branch, Markdown writes the
branch shown only."""

from __future__ import annotations

import json

import pytest

from kimi_desktop.services.transfer import ExportKind, TransferFailed
from kimi_desktop.services.transfer.exporting import export_conversation
from kimi_desktop.services.transfer.importing import import_file
from kimi_desktop.store import ConversationRepository
from tests.unit.services.transfer_samples import read_json


def branched(repo: ConversationRepository) -> int:
    """q -> (a1 -> q2 -> a2 | a1 again), with a1's branch shown; the first prompt edited."""
    chat = repo.create_conversation("Branches")
    prompt = repo.add_message(chat.id, "user", "q")
    first = repo.add_message(chat.id, "assistant", "a1")
    repo.add_message(chat.id, "user", "q2")
    repo.add_message(chat.id, "assistant", "a2")
    repo.add_message(chat.id, "assistant", "a1 again", parent_id=prompt.id)
    repo.add_message(chat.id, "user", "q, edited", parent_id=None)
    repo.select_branch(chat.id, first.id)
    return chat.id


def test_the_tree_and_the_branch_shown_survive_export_import_export(
    repo, store, tmp_path, qapp
) -> None:
    original = branched(repo)
    first = tmp_path / "first.json"
    export_conversation(store, original, first, ExportKind.JSON)
    conversation = read_json(first)["conversation"]
    assert [(m["parent"], m["text"]) for m in conversation["messages"]] == [
        (None, "q"),
        (0, "a1"),
        (1, "q2"),
        (2, "a2"),
        (0, "a1 again"),
        (None, "q, edited"),
    ]
    assert conversation["leaf"] == 3

    [imported] = import_file(store, first)
    second = tmp_path / "second.json"
    export_conversation(store, imported, second, ExportKind.JSON)
    assert second.read_bytes() == first.read_bytes()
    shown = repo.messages(imported)
    assert [m.text for m in shown] == ["q", "a1", "q2", "a2"]
    assert (shown[0].version, len(shown[0].versions)) == (1, 2)
    assert (shown[1].version, len(shown[1].versions)) == (1, 2)


def test_a_version_1_file_imports_as_one_branch(repo, store, tmp_path, qapp) -> None:
    path = tmp_path / "old.json"
    message = {"created_at": 1.0, "status": "complete"}
    path.write_text(
        json.dumps(
            {
                "format": "kimi-desktop",
                "version": 1,
                "conversation": {
                    "title": "Old",
                    "created_at": 1.0,
                    "messages": [
                        {**message, "role": "user", "text": "q"},
                        {**message, "role": "assistant", "text": "a"},
                        {**message, "role": "user", "text": "q2", "parent": None},
                    ],
                },
            }
        ),
        encoding="utf-8",
    )
    [imported] = import_file(store, path)
    shown = repo.messages(imported)
    assert [m.text for m in shown] == ["q", "a", "q2"]  # a version 1 "parent" means nothing
    assert [m.parent_id for m in shown] == [None, shown[0].id, shown[1].id]


@pytest.mark.parametrize(("parent", "leaf"), [(1, None), (5, None), (-1, None), (None, 3)])
def test_a_parent_or_leaf_that_points_nowhere_refuses_the_file(
    repo, store, tmp_path, qapp, parent, leaf
) -> None:
    path = tmp_path / "bad.json"
    message = {"created_at": 1.0, "role": "user", "text": "q"}
    path.write_text(
        json.dumps(
            {
                "format": "kimi-desktop",
                "version": 2,
                "conversation": {
                    "title": "Bad",
                    "created_at": 1.0,
                    "leaf": leaf,
                    "messages": [{**message, "parent": None}, {**message, "parent": parent}],
                },
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(TransferFailed):
        import_file(store, path)
    assert store.conversation_ids() == []


def test_markdown_writes_the_branch_shown_only(repo, store, tmp_path, qapp) -> None:
    path = tmp_path / "chat.md"
    export_conversation(store, branched(repo), path, ExportKind.MARKDOWN)
    text = path.read_text(encoding="utf-8")
    for shown in ("q2", "a2"):
        assert f"\n{shown}\n" in text
    assert "a1 again" not in text
    assert "q, edited" not in text
