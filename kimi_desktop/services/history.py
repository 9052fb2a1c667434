"""``HistoryService``: the conversation list, search, and housekeeping, as signals.

The window never talks to the store directly; it asks this service and
listens for ``conversations_changed`` to refresh the sidebar. Which branch of a
conversation is shown (its versions, see ``store/branches.py``) is chosen here
too, and saved. A command that
cannot write the history (a full disk) raises :class:`HistoryNotSaved` with the
sentence to show; nothing changed then.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QObject, Signal

from kimi_desktop.domain import Conversation, Message, SearchHit, StoredMessage, Usage
from kimi_desktop.services.save_problems import writing
from kimi_desktop.services.titles import clean_title
from kimi_desktop.services.workers import in_worker
from kimi_desktop.store.conversations import ConversationRepository


class HistoryService(QObject):
    """Conversations as the sidebar and chat view need them.

    Signals:
        conversations_changed(): the list (titles, order, pins, members) changed.
        conversation_deleted(int conversation_id): deleted; ``restore`` undoes it.
    """

    conversations_changed = Signal()
    conversation_deleted = Signal(int)

    def __init__(self, repository: ConversationRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._repo = repository

    def conversations(self) -> list[Conversation]:
        return self._repo.list_conversations()

    def conversation(self, conversation_id: int) -> Conversation | None:
        return self._repo.get_conversation(conversation_id)

    def messages(self, conversation_id: int) -> list[StoredMessage]:
        return self._repo.messages(conversation_id)

    def select_branch(self, conversation_id: int, message_id: int) -> bool:
        """Show the branch through ``message_id`` (ending in its newest continuation);
        False if the conversation has no such message. Saved, so it is what opens next."""
        with writing(self._repo):
            return self._repo.select_branch(conversation_id, message_id)

    def switch_version(self, conversation_id: int, message_id: int, step: int) -> int | None:
        """Show the version ``step`` places after ``message_id`` (-1: the one before),
        with its newest continuation; returns its id, or ``None`` when there is none."""
        message = self._repo.get_message(message_id)
        if message is None or message.conversation_id != conversation_id:
            return None
        place = message.version - 1 + step
        if not message.versions or not 0 <= place < len(message.versions):
            return None
        chosen = message.versions[place]
        return chosen if self.select_branch(conversation_id, chosen) else None

    def image_bytes(self, sha256: str) -> bytes | None:
        return self._repo.blob(sha256)

    def tool_turns(self, conversation_id: int) -> dict[int, tuple[Message, ...]]:
        """The turns each reply's web searches added before its answer, by message id."""
        return self._repo.tool_turns(conversation_id)

    def usage(self, conversation_id: int) -> Usage:
        return self._repo.conversation_usage(conversation_id)

    def search(self, query: str) -> list[SearchHit]:
        return self._repo.search(query, limit=200)

    async def search_in_worker(self, query: str) -> list[SearchHit]:
        """:meth:`search` in the loop's worker thread (the store serialises access)."""
        return await in_worker(functools.partial(self.search, query))

    @property
    def writable(self) -> bool:
        """False when the history was opened read-only (every change then fails)."""
        return self._repo.writable

    def create(
        self, *, endpoint_id: str | None, model: str | None, web_search: bool = False
    ) -> Conversation:
        with writing(self._repo):
            conversation = self._repo.create_conversation(
                endpoint_id=endpoint_id, model=model, web_search=web_search
            )
        self.conversations_changed.emit()
        return conversation

    def rename(self, conversation_id: int, title: str) -> None:
        """Rename; the title becomes one line of at most ``MAX_TITLE_LENGTH`` characters."""
        with writing(self._repo):
            self._repo.rename(conversation_id, clean_title(title))
        self.conversations_changed.emit()

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        with writing(self._repo):
            self._repo.set_pinned(conversation_id, pinned)
        self.conversations_changed.emit()

    def set_system_prompt(self, conversation_id: int, text: str) -> None:
        with writing(self._repo):
            self._repo.set_system_prompt(conversation_id, text)

    def set_max_tokens(self, conversation_id: int, max_tokens: int | None) -> None:
        """The output budget asked for each reply (``None``: the app's default)."""
        with writing(self._repo):
            self._repo.set_max_tokens(conversation_id, max_tokens)

    def set_web_search(self, conversation_id: int, enabled: bool) -> None:
        """Whether the model may search the web in this conversation (Kimi's ``$web_search``)."""
        with writing(self._repo):
            self._repo.set_web_search(conversation_id, enabled)

    def delete(self, conversation_id: int) -> None:
        """Hide the conversation; it is purged at the next start unless restored."""
        with writing(self._repo):
            self._repo.delete_conversation(conversation_id)
        self.conversation_deleted.emit(conversation_id)
        self.conversations_changed.emit()

    def restore(self, conversation_id: int) -> None:
        with writing(self._repo):
            self._repo.restore_conversation(conversation_id)
        self.conversations_changed.emit()

    def housekeeping(self) -> int:
        """At start: purge deleted conversations, mark crashed replies interrupted."""
        self._repo.purge_deleted()
        return self._repo.recover_interrupted()
