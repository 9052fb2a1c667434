"""What the chat view shows for one message: a view-model, free of storage details."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QImage

from kimi_desktop.domain import MessageAction, MessageStatus, Role, StoredMessage, Usage


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
            error_action=MessageAction(message.error_fix or MessageAction.RETRY)
            if message.status in (MessageStatus.INTERRUPTED, MessageStatus.ERROR)
            else None,
            attachments=attachments,
        )
