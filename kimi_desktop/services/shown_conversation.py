"""The conversation the window shows, as ``ChatPresenter`` and its parts share it.

The presenter hands the conversation's setup and the requests for replies to
parts of their own (``ConversationSetup``, ``ReplyRequests``). Each of them reads
the open conversation and some replace it (saving a new chat, a changed
setting), so they hold one :class:`ShownConversation` instead of copies that
could disagree. They also share one rule for commands that write the history:
:func:`unless_unsaved`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from kimi_desktop.domain import Conversation, StoredMessage
from kimi_desktop.services.choices import Notice
from kimi_desktop.services.save_problems import HistoryNotSaved


class ShownConversation:
    """The open conversation (``None``: a new chat, not saved yet) and its messages
    in order, as last announced, so no one reads the database again to learn what a
    signal already said."""

    __slots__ = ("conversation", "messages")

    def __init__(self) -> None:
        self.conversation: Conversation | None = None
        self.messages: dict[int, StoredMessage] = {}

    def is_shown(self, conversation_id: int) -> bool:
        return self.conversation is not None and self.conversation.id == conversation_id


@contextlib.contextmanager
def unless_unsaved(say: Callable[[Notice], None]) -> Iterator[None]:
    """Run a command that writes the history; if it could not be written, the
    command did nothing, and ``say`` gets the composer's notice saying why (the
    draft stays)."""
    try:
        yield
    except HistoryNotSaved as exc:
        say(Notice(exc.sentence))
