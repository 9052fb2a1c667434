"""A conversation with everything needed to rebuild it elsewhere: no ids, bytes included.

The history refers to things by row ids and keeps image bytes once per hash;
a conversation leaving the app (an export) or arriving (an import) has to carry
all of it by value instead. The store reads and writes these; the files they
become are the services' business.

Versions and branches travel as positions: the conversation names each
message's parent by its index in its list (parents come first) and the last
message of the branch it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from kimi_desktop.domain.conversation import AttachedDocument, Attachment, MessageStatus
from kimi_desktop.domain.events import Usage
from kimi_desktop.domain.messages import Message, Role

__all__ = ["PortableConversation", "PortableImage", "PortableMessage"]


@dataclass(frozen=True, slots=True)
class PortableImage:
    """An image attached to a message: its description and its bytes."""

    attachment: Attachment
    data: bytes

    def __repr__(self) -> str:  # bytes would flood logs and test output
        return f"PortableImage({self.attachment!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class PortableMessage:
    """A message as stored, without its ids; ``tool_turns`` are its web search rounds."""

    role: Role
    text: str
    created_at: float
    status: MessageStatus = MessageStatus.COMPLETE
    reasoning: str = ""
    reasoning_seconds: float | None = None
    reasoning_field: str | None = None
    model: str | None = None
    usage: Usage | None = None
    error: str | None = None
    error_fix: str | None = None
    web_searches: int = 0
    images: tuple[PortableImage, ...] = ()
    documents: tuple[AttachedDocument, ...] = ()
    tool_turns: tuple[Message, ...] = ()


@dataclass(frozen=True, slots=True)
class PortableConversation:
    """A conversation's settings and all its messages, every branch, in the order
    written; times are Unix seconds.

    ``parents[i]`` is the index of the message that message ``i`` follows (always
    an earlier one; ``None`` for a first message); messages with one parent are
    versions of each other. ``parents=None``: one branch, each message after the
    one before. ``leaf`` is the index of the last message of the branch shown
    (``None``: the last message).
    """

    title: str
    created_at: float
    updated_at: float
    pinned: bool = False
    system_prompt: str = ""
    endpoint_id: str | None = None
    model: str | None = None
    max_tokens: int | None = None
    web_search: bool = False
    messages: tuple[PortableMessage, ...] = ()
    parents: tuple[int | None, ...] | None = None
    leaf: int | None = None

    def parent_of(self, index: int) -> int | None:
        """The index of the message that message ``index`` follows (``None``: none)."""
        if self.parents is None:
            return index - 1 if index > 0 else None
        parent = self.parents[index] if index < len(self.parents) else None
        return parent if parent is not None and 0 <= parent < index else None

    def shown_branch(self) -> list[PortableMessage]:
        """The messages of the branch shown, first to last."""
        messages = self.messages
        index: int | None = self.leaf if self.leaf is not None else len(messages) - 1
        branch: list[PortableMessage] = []
        while index is not None and 0 <= index < len(messages):
            branch.append(messages[index])
            index = self.parent_of(index)
        return branch[::-1]

    def __repr__(self) -> str:  # a long history would flood logs and test output
        return f"PortableConversation(title={self.title!r}, {len(self.messages)} messages)"
