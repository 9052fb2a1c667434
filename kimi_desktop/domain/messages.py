"""The wire-neutral shape of a conversation turn and of a model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ImageData:
    """An encoded image ready to send: ``mime`` is image/png, jpeg, webp or gif."""

    mime: str
    data: bytes

    def __repr__(self) -> str:  # bytes would flood logs and test output
        return f"ImageData(mime={self.mime!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class Message:
    """One turn of a conversation as sent to a model.

    ``reasoning`` is an assistant turn's reasoning text; Kimi wants it sent back
    in the history as ``reasoning_content``.
    """

    role: Role
    text: str
    images: tuple[ImageData, ...] = ()
    reasoning: str | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model an endpoint serves; ``None`` means the endpoint did not say."""

    id: str
    owned_by: str | None = None
    context_length: int | None = None
    supports_images: bool | None = None
    supports_reasoning: bool | None = None
