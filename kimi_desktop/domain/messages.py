"""The wire-neutral shape of a conversation turn and of a model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True, slots=True)
class ImageData:
    """An encoded image ready to send: ``mime`` is image/png, jpeg, webp or gif."""

    mime: str
    data: bytes

    def __repr__(self) -> str:  # bytes would flood logs and test output
        return f"ImageData(mime={self.mime!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A complete tool call, accumulated from its deltas.

    ``type`` is kept as received: Kimi's built-in tools are ``"builtin_function"``
    and must be sent back that way.
    """

    id: str
    name: str
    arguments: str
    type: str = "function"


@dataclass(frozen=True, slots=True)
class Message:
    """One turn of a conversation as sent to a model.

    ``reasoning`` is an assistant turn's reasoning text; Kimi wants it sent back
    in the history as ``reasoning_content`` (``reasoning_field`` names the field
    when the server used another one, e.g. ``reasoning``). ``partial`` marks a
    trailing assistant turn the model is asked to continue (Moonshot partial mode).

    Tool turns: an assistant turn that called tools carries them in
    ``tool_calls``, exactly as received; each answer is a ``"tool"`` turn naming
    the call in ``tool_call_id`` and the tool in ``name``.
    """

    role: Role
    text: str
    images: tuple[ImageData, ...] = ()
    reasoning: str | None = None
    partial: bool = False
    reasoning_field: str = "reasoning_content"
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model an endpoint serves; ``None`` means the endpoint did not say."""

    id: str
    owned_by: str | None = None
    context_length: int | None = None
    supports_images: bool | None = None
    supports_reasoning: bool | None = None
    supports_video: bool | None = None
