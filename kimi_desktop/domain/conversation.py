"""Conversations and messages as they are stored and shown."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from kimi_desktop.domain.events import Usage
from kimi_desktop.domain.messages import Role


class MessageStatus(enum.StrEnum):
    """Lifecycle of a stored message.

    An assistant row starts ``STREAMING`` and ends ``COMPLETE``, ``STOPPED`` (the
    user pressed Stop), ``INTERRUPTED`` (the stream or the app died, or the output
    budget ran out: then its ``error_fix`` is ``"larger_budget"``) or ``ERROR``
    (the request failed before any text arrived). A reply that is continued goes
    back to ``STREAMING`` and ends again the same way.
    """

    COMPLETE = "complete"
    STREAMING = "streaming"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Attachment:
    """An image stored with a message, addressed by the SHA-256 of its bytes."""

    sha256: str
    mime: str
    width: int
    height: int
    size: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class AttachedDocument:
    """A document's text as it was sent with a message, kept so every re-send is identical.

    ``kind`` is a :class:`kimi_desktop.documents.DocumentKind` value ("text",
    "pdf", "docx", ...); ``pages`` (PDF, Office) or ``lines`` (text) say how long
    it is; ``tokens`` is the estimate shown on its chip.
    """

    name: str
    kind: str
    text: str
    pages: int | None = None
    lines: int | None = None
    tokens: int = 0

    def __repr__(self) -> str:  # the text would flood logs and test output
        return f"AttachedDocument(name={self.name!r}, kind={self.kind!r}, {len(self.text)} chars)"


@dataclass(frozen=True, slots=True)
class Conversation:
    """A chat thread; times are Unix seconds (UTC).

    ``max_tokens`` is the output budget asked for each reply (``None``: the app's
    default); ``web_search`` lets the model search the web (Kimi's built-in tool);
    ``temperature`` is the sampling temperature asked for (``None``: the model's
    own), sent only to a model that accepts one.
    """

    id: int
    title: str
    created_at: float
    updated_at: float
    pinned: bool = False
    system_prompt: str = ""
    endpoint_id: str | None = None
    model: str | None = None
    max_tokens: int | None = None
    web_search: bool = False
    temperature: float | None = None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message row. ``error`` holds the sentence shown when a reply failed.

    ``error_fix`` names what helps with that failure: ``"settings"`` when the
    key or endpoint must change (a wrong key, no balance), ``"larger_budget"``
    when the output budget ran out, ``"regenerate"`` when the endpoint refused to
    continue the reply, else ``"retry"`` (see :class:`~.actions.MessageAction`).
    It is stored so the right button is offered again after a restart.

    ``reasoning_field`` is the field the reasoning arrived in
    (``"reasoning_content"`` or ``"reasoning"``), so the history sends it back
    under the same name; ``None`` when unknown.

    ``parent_id`` is the message this one follows (``None`` for a conversation's
    first). ``versions`` are the ids of the messages that share that parent, this
    one included, oldest first, when there is more than one: answers given again
    to one prompt, or prompts edited from one place. Empty otherwise.
    """

    id: int
    conversation_id: int
    role: Role
    text: str
    created_at: float
    status: MessageStatus = MessageStatus.COMPLETE
    reasoning: str = ""
    reasoning_seconds: float | None = None
    model: str | None = None
    usage: Usage | None = None
    error: str | None = None
    error_fix: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())
    documents: tuple[AttachedDocument, ...] = field(default=())
    web_searches: int = 0
    reasoning_field: str | None = None
    parent_id: int | None = None
    versions: tuple[int, ...] = field(default=())

    @property
    def version(self) -> int:
        """This message's place among its versions, from 1 (0 when it has none)."""
        return self.versions.index(self.id) + 1 if self.id in self.versions else 0


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the conversation and a snippet with the match marked."""

    conversation_id: int
    message_id: int
    title: str
    snippet: str
