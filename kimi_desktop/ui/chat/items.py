"""What the chat view shows for one message: a view-model, free of storage details."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QImage

from kimi_desktop.domain import (
    AttachedDocument,
    MessageAction,
    MessageStatus,
    Role,
    StoredMessage,
    Usage,
)


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """A thumbnail shown under a user message; ``sha256`` finds the full image."""

    sha256: str
    thumbnail: QImage
    label: str


@dataclass(frozen=True, slots=True)
class MessageItem:
    """One row of the chat view.

    ``streaming`` is true while a reply is arriving; ``error`` is the sentence
    shown under a failed or interrupted reply, with ``error_action`` naming the
    button offered with it (``RETRY`` or ``SETTINGS``). ``notice`` replaces "Waiting
    for Kimi…" while a reply waits for something said there (a retry's delay).
    ``documents`` are the documents sent with a prompt; ``web_searches`` how
    many times a reply searched the web so far.
    """

    id: int
    role: Role
    text: str
    status: MessageStatus = MessageStatus.COMPLETE
    reasoning: str = ""
    reasoning_seconds: float | None = None
    model: str | None = None
    usage: Usage | None = None
    cost: str | None = None
    error: str | None = None
    error_action: MessageAction | None = None
    notice: str = ""
    attachments: tuple[AttachmentView, ...] = field(default=())
    documents: tuple[AttachedDocument, ...] = field(default=())
    web_searches: int = 0

    @property
    def streaming(self) -> bool:
        return self.status is MessageStatus.STREAMING

    @classmethod
    def from_stored(
        cls, message: StoredMessage, attachments: tuple[AttachmentView, ...] = ()
    ) -> MessageItem:
        """The view of a stored message."""
        return cls(
            id=message.id,
            role=message.role,
            text=message.text,
            status=message.status,
            reasoning=message.reasoning,
            reasoning_seconds=message.reasoning_seconds,
            model=message.model,
            usage=message.usage,
            error=message.error,
            error_action=_error_action(message),
            attachments=attachments,
            documents=message.documents,
            web_searches=message.web_searches,
        )


def _error_action(message: StoredMessage) -> MessageAction | None:
    """The button a failed reply offers: its stored fix, Retry when none was stored
    (older histories), and nothing for "" (a failure no button can fix, e.g. an
    account whose access was ended)."""
    if message.status not in (MessageStatus.INTERRUPTED, MessageStatus.ERROR):
        return None
    if message.error_fix == "":
        return None
    return MessageAction(message.error_fix or MessageAction.RETRY)
