"""The one door to the network: every layer above talks to providers through here.

The names below are the fixed public seam (see DESIGN.md); the modules behind
them are free to change.
"""

from kimi_desktop.api.client import KimiClient
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
)

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
    "describe",
]
