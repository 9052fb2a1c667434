"""The one door to the network: every layer above talks to providers through here.

The names below are the fixed public seam (see docs/architecture.md); the modules behind
them are free to change. :class:`KimiClient` is imported on first use: it
brings in httpx, which the window does not need before its first request.
"""

from typing import TYPE_CHECKING, Any

from kimi_desktop.api.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    NetworkError,
    ProtocolError,
    QuotaError,
    RateLimitError,
    ServerError,
    describe,
)
from kimi_desktop.api.request import ChatRequest
from kimi_desktop.domain import (
    ContentDelta,
    Endpoint,
    Finish,
    ImageData,
    Message,
    ModelInfo,
    ReasoningDelta,
    StreamEvent,
    ToolCall,
    Usage,
    WebSearch,
)

if TYPE_CHECKING:
    from kimi_desktop.api.client import KimiClient

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ChatRequest",
    "ContentDelta",
    "Endpoint",
    "Finish",
    "ImageData",
    "KimiClient",
    "Message",
    "ModelInfo",
    "NetworkError",
    "ProtocolError",
    "QuotaError",
    "RateLimitError",
    "ReasoningDelta",
    "ServerError",
    "StreamEvent",
    "ToolCall",
    "Usage",
    "WebSearch",
    "describe",
]


def __getattr__(name: str) -> Any:
    if name == "KimiClient":
        from kimi_desktop.api.client import KimiClient

        return KimiClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
