"""A conversation's output budget and web search, a reply's reasoning field, and a reply
taken back to streaming to be continued: all kept across reopening the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimi_desktop.domain import MessageStatus, Usage
from kimi_desktop.store import ConversationRepository, Database, MessageNotSavedError


def test_budget_and_web_search_round_trip(db_path: Path) -> None:
    with Database.open(db_path) as db:
        repo = ConversationRepository(db)
        made = repo.create_conversation(max_tokens=8_192, web_search=True)
        assert (made.max_tokens, made.web_search) == (8_192, True)
        plain = repo.create_conversation()
        repo.set_max_tokens(plain.id, 65_536)
        repo.set_web_search(plain.id, True)
        repo.set_web_search(made.id, False)
        repo.set_max_tokens(made.id, None)

    with Database.open(db_path) as db:
        repo = ConversationRepository(db)
        first, second = (repo.get_conversation(made.id), repo.get_conversation(plain.id))
    assert first is not None
    assert second is not None
    assert (first.max_tokens, first.web_search) == (None, False)
    assert (second.max_tokens, second.web_search) == (65_536, True)


def test_the_reasoning_field_of_a_reply_is_kept(db_path: Path) -> None:
    with Database.open(db_path) as db:
        repo = ConversationRepository(db)
        conversation = repo.create_conversation()
        reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
        saved = repo.finish_message(
            reply.id,
            status=MessageStatus.COMPLETE,
            text="Hi",
            reasoning="think",
            reasoning_field="reasoning",
        )
        assert saved.reasoning_field == "reasoning"

    with Database.open(db_path) as db:
        (stored,) = ConversationRepository(db).messages(conversation.id)
    assert stored.reasoning_field == "reasoning"


def test_a_finished_reply_goes_back_to_streaming_keeping_its_text(repo) -> None:
    conversation = repo.create_conversation()
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.finish_message(
        reply.id,
        status=MessageStatus.INTERRUPTED,
        text="Half",
        reasoning="r",
        usage=Usage(5, 6),
        error="Dropped.",
        error_fix="retry",
    )

    resumed = repo.resume_streaming(reply.id)

    assert resumed.status is MessageStatus.STREAMING
    assert (resumed.text, resumed.reasoning, resumed.usage) == ("Half", "r", Usage(5, 6))
    assert (resumed.error, resumed.error_fix) == (None, None)
    assert repo.search("Half") == []  # streaming rows are out of the index until they end
    repo.update_streaming(reply.id, "Half and whole", "r")
    assert repo.recover_interrupted() == 1  # a crash now leaves it interrupted, text kept
    (recovered,) = repo.messages(conversation.id)
    assert (recovered.status, recovered.text) == (MessageStatus.INTERRUPTED, "Half and whole")


def test_only_a_finished_reply_can_be_resumed(repo) -> None:
    conversation = repo.create_conversation()
    streaming = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    prompt = repo.add_message(conversation.id, "user", "hi")
    with pytest.raises(MessageNotSavedError):
        repo.resume_streaming(streaming.id)
    with pytest.raises(MessageNotSavedError):
        repo.resume_streaming(prompt.id)
    with pytest.raises(MessageNotSavedError):
        repo.resume_streaming(10_000)
