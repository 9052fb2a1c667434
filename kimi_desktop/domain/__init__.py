"""Frozen value types shared by every layer, and the key redaction they all apply; no Qt.

Beyond validation the only behaviour here is :func:`redact`: api/ and settings/
both show texts that may quote a key and may not import each other, so the
one rule for hiding keys lives below both.
"""

from kimi_desktop.domain.actions import MessageAction
from kimi_desktop.domain.conversation import (
    AttachedDocument,
    Attachment,
    Conversation,
    MessageStatus,
    SearchHit,
    StoredMessage,
)
from kimi_desktop.domain.drafts import Draft, NewAttachment, has_visible_text
from kimi_desktop.domain.endpoint import Endpoint, Protocol
from kimi_desktop.domain.events import (
    ContentDelta,
    Finish,
    ReasoningDelta,
    StreamEvent,
    ToolCallDelta,
    Usage,
    WebSearch,
)
from kimi_desktop.domain.messages import ImageData, Message, ModelInfo, Role, ToolCall
from kimi_desktop.domain.redaction import REDACTED, redact
from kimi_desktop.domain.thinking import (
    REASONING_EFFORTS,
    THINKING_SWITCHES,
    ThinkingFields,
    ThinkingMode,
    ThinkingSwitch,
)

__all__ = [
    "REASONING_EFFORTS",
    "REDACTED",
    "THINKING_SWITCHES",
    "AttachedDocument",
    "Attachment",
    "ContentDelta",
    "Conversation",
    "Draft",
    "Endpoint",
    "Finish",
    "ImageData",
    "Message",
    "MessageAction",
    "MessageStatus",
    "ModelInfo",
    "NewAttachment",
    "Protocol",
    "ReasoningDelta",
    "Role",
    "SearchHit",
    "StoredMessage",
    "StreamEvent",
    "ThinkingFields",
    "ThinkingMode",
    "ThinkingSwitch",
    "ToolCall",
    "ToolCallDelta",
    "Usage",
    "WebSearch",
    "has_visible_text",
    "redact",
]
