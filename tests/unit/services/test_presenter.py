"""ChatPresenter without a window: sending, editing, retrying, deleting and the page choice.

Everything runs over the offline demo endpoint, so the whole path from a draft
to a stored reply is real; only the widgets are missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kimi_desktop.domain import Draft, MessageAction, MessageStatus, NewAttachment
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice, Notice, Page
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.presenter import NO_KEY, ChatPresenter
from kimi_desktop.settings import AppPaths, SecretStore, SettingsStore
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database
from tests.loop_support import run_until, settle

PNG = NewAttachment("image/png", b"\x89PNG fake", 2, 2, "shot.png")


@dataclass
class Harness:
    """A presenter over real services, and what it said."""

    presenter: ChatPresenter
    chat: ChatSession
    history: HistoryService
    endpoints: EndpointService
    database: Database
    choice: ModelChoice = field(default_factory=lambda: ModelChoice("kimi-k2.5"))
    notices: list[Notice] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    composer_texts: list[str] = field(default_factory=list)
    sent: list[None] = field(default_factory=list)

    def finish(self, loop: asyncio.AbstractEventLoop) -> None:
        conversation = self.presenter.conversation
        assert conversation is not None
        task = self.chat.reply_task(conversation.id)
        if task is not None:
            loop.run_until_complete(asyncio.wait([task]))


@pytest.fixture
def harness(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Harness]:
    paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path / "home")})
    settings = SettingsStore(paths)
    endpoints = EndpointService(settings, SecretStore(paths.ensure_config_dir()), demo=True)
    database = Database.open(tmp_path / "history.sqlite3")
    repository = ConversationRepository(database)
    history = HistoryService(repository)
    chat = ChatSession(repository, endpoints.open_client, sees_images=endpoints.sees_images)
    holder: dict[str, Harness] = {}
    presenter = ChatPresenter(
        history=history,
        chat=chat,
        endpoints=endpoints,
        settings=settings,
        current_choice=lambda: holder["h"].choice,
    )
    h = Harness(presenter, chat, history, endpoints, database)
    holder["h"] = h
    presenter.notice_changed.connect(h.notices.append)
    presenter.endpoint_presenter.notice_changed.connect(h.notices.append)
    presenter.endpoint_presenter.page_changed.connect(h.pages.append)
    presenter.composer_text_set.connect(h.composer_texts.append)
    presenter.draft_sent.connect(lambda: h.sent.append(None))
    yield h
    qloop.run_until_complete(asyncio.gather(*presenter.close(), return_exceptions=True))
    qloop.run_until_complete(chat.shutdown())
    database.close()
    presenter.deleteLater()
    QApplication.processEvents()


def test_a_draft_is_sent_and_the_reply_kept_in_memory(harness: Harness, qloop) -> None:
    added: list[str] = []
    harness.presenter.message_added.connect(lambda m: added.append(m.role))

    harness.presenter.submit(Draft("  show me a table  "))
    harness.finish(qloop)

    assert harness.sent == [None]
    assert added == ["user", "assistant"]
    conversation = harness.presenter.conversation
    assert conversation is not None
    stored = harness.history.messages(conversation.id)
    assert [m.text for m in harness.presenter.messages()] == [m.text for m in stored]
    assert stored[0].text == "show me a table"
    assert stored[1].status is MessageStatus.COMPLETE


def test_an_empty_draft_does_nothing(harness: Harness) -> None:
    harness.presenter.submit(Draft("   \n "))
    assert harness.presenter.conversation is None
    assert harness.sent == []


def test_no_model_keeps_the_draft_and_says_why(harness: Harness) -> None:
    harness.choice = ModelChoice("")
    harness.presenter.submit(Draft("hello"))
    assert harness.sent == []
    assert harness.notices[-1].text.startswith("Pick a model")
    assert harness.presenter.conversation is None


def test_a_missing_key_is_named_before_anything_is_saved(harness: Harness) -> None:
    harness.endpoints.set_active("moonshot-global")
    harness.presenter.submit(Draft("hello"))
    assert harness.notices[-1] == Notice(NO_KEY)
    assert harness.presenter.conversation is None
    assert harness.history.conversations() == []


def test_a_blind_model_is_offered_one_that_sees(harness: Harness, qloop) -> None:
    qloop.run_until_complete(harness.endpoints.refresh_models("demo"))  # as at start
    harness.choice = ModelChoice("kimi-k2-0905-preview")  # known not to take images
    listed: list[object] = []
    harness.presenter.endpoint_presenter.models_listed.connect(
        lambda _models, current: listed.append(current)
    )

    harness.presenter.submit(Draft("what is this?", (PNG,)))

    assert harness.sent == []
    notice = harness.notices[-1]
    assert "cannot see images" in notice.text
    assert notice.action is not None
    label, switch = notice.action
    seeing = label.removeprefix("Use ")
    switch()
    assert listed[-1] == seeing
    assert harness.endpoints.remembered_model("demo") == seeing


def test_edit_replaces_the_last_prompt_and_cancel_brings_the_draft_back(
    harness: Harness, qloop
) -> None:
    harness.presenter.submit(Draft("first try"))
    harness.finish(qloop)
    prompt = harness.presenter.messages()[0]

    harness.presenter.act(MessageAction.EDIT, prompt.id, draft_text="typed meanwhile")
    assert harness.presenter.editing
    assert harness.composer_texts == ["first try"]
    harness.presenter.escape()
    assert not harness.presenter.editing
    assert harness.composer_texts[-1] == "typed meanwhile"

    harness.presenter.act(MessageAction.EDIT, prompt.id)
    harness.presenter.submit(Draft("second try"))
    harness.finish(qloop)
    texts = [m.text for m in harness.presenter.messages() if m.role == "user"]
    assert texts == ["second try"]


def test_regenerate_answers_again_and_the_removed_reply_is_announced(
    harness: Harness, qloop
) -> None:
    harness.presenter.submit(Draft("show me a table"))
    harness.finish(qloop)
    first_reply = harness.presenter.messages()[-1]
    removed: list[list[int]] = []
    harness.presenter.messages_removed.connect(removed.append)

    harness.presenter.act(MessageAction.REGENERATE, first_reply.id)
    harness.finish(qloop)

    assert removed == [[first_reply.id]]
    replies = [m for m in harness.presenter.messages() if m.role == "assistant"]
    assert len(replies) == 1
    assert replies[0].id != first_reply.id
    assert replies[0].status is MessageStatus.COMPLETE


def test_the_settings_fix_of_a_failed_reply_asks_for_settings(harness: Harness) -> None:
    asked: list[None] = []
    harness.presenter.settings_requested.connect(lambda: asked.append(None))
    harness.presenter.act(MessageAction.SETTINGS, 1)
    assert asked == [None]


def test_usage_is_summed_from_what_was_announced(harness: Harness, qloop) -> None:
    changes: list[None] = []
    harness.presenter.usage_changed.connect(lambda: changes.append(None))
    harness.presenter.submit(Draft("show me a table"))
    harness.finish(qloop)
    assert changes  # the finished reply carried usage
    reply = harness.presenter.messages()[-1]
    conversation = harness.presenter.conversation
    assert conversation is not None
    assert reply.usage == harness.history.usage(conversation.id)


def test_deleting_the_open_chat_offers_undo(harness: Harness, qloop) -> None:
    harness.presenter.submit(Draft("keep me"))
    harness.finish(qloop)
    conversation = harness.presenter.conversation
    assert conversation is not None
    offers: list[tuple[str, object]] = []
    harness.presenter.conversation_deleted.connect(lambda text, undo: offers.append((text, undo)))

    harness.presenter.delete(conversation.id)

    assert harness.presenter.conversation is None
    assert harness.history.conversations() == []
    ((sentence, restore),) = offers
    assert sentence == "“keep me” deleted."
    restore()
    assert [c.id for c in harness.history.conversations()] == [conversation.id]


def test_the_welcome_page_shows_until_a_key_is_there(harness: Harness, qloop) -> None:
    harness.endpoints.set_active("moonshot-global")
    settle(qloop)  # the keyring was asked in the background
    assert harness.pages[-1] is Page.WELCOME

    harness.presenter.endpoint_presenter.submit_key(
        "moonshot-global", "sk-presenter-test-0123456789"
    )
    run_until(qloop, lambda: harness.pages[-1] is Page.CHAT)
    assert harness.endpoints.active_id == "moonshot-global"
    assert not harness.endpoints.needs_key("moonshot-global")


def test_a_retry_notice_names_the_waiting_reply(harness: Harness) -> None:
    harness.presenter.submit(Draft("hello"))
    reply = harness.presenter.messages()[-1]
    notices: list[tuple[int, str]] = []
    harness.presenter.reply_notice_changed.connect(lambda m, text: notices.append((m.id, text)))

    harness.chat.retry_scheduled.emit(reply, "The endpoint is busy; retrying in 2 s.")
    other = replace(reply, conversation_id=reply.conversation_id + 1)
    harness.chat.retry_scheduled.emit(other, "not this chat")

    assert notices == [(reply.id, "The endpoint is busy; retrying in 2 s.")]


@pytest.mark.parametrize(
    "text",
    ["\u200b\u200b", "\u200d\ufeff \u2060", "\u3164\u3164", "\u202e\u200e\n\t", "\u2800"],
)
def test_a_message_of_only_invisible_characters_is_not_sent(harness: Harness, text: str) -> None:
    harness.presenter.submit(Draft(text))
    assert harness.sent == []
    assert harness.presenter.conversation is None
    assert "invisible" in harness.notices[-1].text


def test_images_with_invisible_text_go_without_the_text(harness: Harness, qloop) -> None:
    harness.presenter.submit(Draft("\u200b", (PNG,)))
    harness.finish(qloop)
    prompt = harness.presenter.messages()[0]
    assert prompt.text == ""
    assert len(prompt.attachments) == 1


def test_a_full_disk_keeps_the_draft_and_says_why(harness: Harness, monkeypatch) -> None:
    import sqlite3

    from kimi_desktop.store.conversations import ConversationRepository

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ConversationRepository, "create_conversation", full)
    harness.presenter.submit(Draft("hello"))

    assert harness.sent == []
    assert harness.presenter.conversation is None
    assert "full" in harness.notices[-1].text.lower()


def test_a_full_disk_while_sending_keeps_edit_mode(harness: Harness, qloop, monkeypatch) -> None:
    import sqlite3

    from kimi_desktop.store.conversations import ConversationRepository

    harness.presenter.submit(Draft("first try"))
    harness.finish(qloop)
    prompt = harness.presenter.messages()[0]
    harness.presenter.act(MessageAction.EDIT, prompt.id)

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ConversationRepository, "add_message", full)
    harness.presenter.submit(Draft("second try"))

    assert harness.sent == [None]  # only the first send went through
    assert harness.presenter.editing
    assert harness.presenter.messages()[0].text == "first try"


def test_an_unsaved_reply_is_named_above_the_composer_until_it_is_saved(
    harness: Harness,
) -> None:
    harness.presenter.submit(Draft("hello"))
    reply = harness.presenter.messages()[-1]
    harness.chat.save_failed.emit(reply, "The disk is full (/data): this reply is kept in memory.")
    assert harness.notices[-1].text.startswith("The disk is full")
    harness.chat.save_failed.emit(reply, "")
    assert harness.notices[-1] == Notice()


def test_renaming_on_a_read_only_history_says_why(harness: Harness, qloop, monkeypatch) -> None:
    import sqlite3

    from kimi_desktop.store.conversations import ConversationRepository

    harness.presenter.submit(Draft("keep me"))
    harness.finish(qloop)
    conversation = harness.presenter.conversation
    assert conversation is not None

    def read_only(*_args, **_kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(ConversationRepository, "rename", read_only)
    harness.presenter.rename(conversation.id, "New title")
    assert harness.notices[-1].text
    assert harness.history.conversation(conversation.id).title == "keep me"


def test_a_delete_that_cannot_be_saved_keeps_the_chat_and_says_why(
    harness: Harness, qloop, monkeypatch
) -> None:
    import sqlite3

    from kimi_desktop.store.conversations import ConversationRepository

    harness.presenter.submit(Draft("keep me"))
    harness.finish(qloop)
    conversation = harness.presenter.conversation
    assert conversation is not None
    offers: list[str] = []
    harness.presenter.conversation_deleted.connect(lambda text, _undo: offers.append(text))

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ConversationRepository, "delete_conversation", full)
    harness.presenter.delete(conversation.id)

    assert offers == []
    assert harness.presenter.conversation == conversation
    assert "full" in harness.notices[-1].text.lower()
