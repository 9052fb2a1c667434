"""Where requests go: one provider URL in one request format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Protocol = Literal["openai", "anthropic"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A provider endpoint.

    ``base_url`` is the prefix the provider documents (OpenAI SDK convention):
    ``/chat/completions``, ``/models`` and ``/messages`` are appended to it.
    ``proxy`` is an optional ``http://``, ``https://`` or ``socks5://`` URL.
    The API key is deliberately not part of an endpoint: endpoints are written
    to disk, keys never are.
    """

    id: str
    name: str
    base_url: str
    protocol: Protocol = "openai"
    proxy: str | None = None

    def __post_init__(self) -> None:
        if self.protocol not in ("openai", "anthropic"):
            raise ValueError(f"unknown protocol {self.protocol!r}")
