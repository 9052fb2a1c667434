"""Frozen value types shared by every layer; no behaviour beyond validation, no Qt."""

from kimi_desktop.domain.conversation import (
    Attachment,
    Conversation,
    MessageStatus,
    SearchHit,
    StoredMessage,
)
from kimi_desktop.domain.endpoint import Endpoint, Protocol
from kimi_desktop.domain.events import (
    ContentDelta,
    Finish,
    ReasoningDelta,
    StreamEvent,
    ToolCall,
    ToolCallDelta,
    Usage,
)
from kimi_desktop.domain.messages import ImageData, Message, ModelInfo, Role

__all__ = [
    "Attachment",
    "ContentDelta",
    "Conversation",
    "Endpoint",
    "Finish",
    "ImageData",
    "Message",
    "MessageStatus",
    "ModelInfo",
    "Protocol",
    "ReasoningDelta",
    "Role",
    "SearchHit",
    "StoredMessage",
    "StreamEvent",
    "ToolCall",
    "ToolCallDelta",
    "Usage",
]
