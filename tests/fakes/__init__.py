"""Test doubles for the network: a loopback fake Kimi server and an in-memory SSE transport."""

from tests.fakes.builders import (
    ANTHROPIC_MALFORMED_EVENT,
    ANTHROPIC_PING,
    anthropic_stream,
    captive_portal,
    error_reply,
    html_error,
    json_reply,
    openai_stream,
)
from tests.fakes.dialects import (
    ACEDATA_STREAM,
    ANTHROPIC_TEXT,
    ANTHROPIC_THINKING,
    ANTHROPIC_USAGE,
    DIALECTS,
    GENERIC_CONTENT,
    MOONSHOT_CONTENT,
    MOONSHOT_MODELS,
    MOONSHOT_REASONING,
    MOONSHOT_TRAILING_USAGE,
    MOONSHOT_USAGE,
    acedata_stream,
    moonshot_stream,
)
from tests.fakes.faults import KEEP_ALIVE, MALFORMED_EVENT, Gate, Reply, sse_data, sse_reply
from tests.fakes.kimi_server import FakeKimiServer, RecordedRequest
from tests.fakes.provider_errors import provider_error
from tests.fakes.transport import SseTransport, split_at, split_every, sse_transport

__all__ = [
    "ACEDATA_STREAM",
    "ANTHROPIC_MALFORMED_EVENT",
    "ANTHROPIC_PING",
    "ANTHROPIC_TEXT",
    "ANTHROPIC_THINKING",
    "ANTHROPIC_USAGE",
    "DIALECTS",
    "GENERIC_CONTENT",
    "KEEP_ALIVE",
    "MALFORMED_EVENT",
    "MOONSHOT_CONTENT",
    "MOONSHOT_MODELS",
    "MOONSHOT_REASONING",
    "MOONSHOT_TRAILING_USAGE",
    "MOONSHOT_USAGE",
    "FakeKimiServer",
    "Gate",
    "RecordedRequest",
    "Reply",
    "SseTransport",
    "acedata_stream",
    "anthropic_stream",
    "captive_portal",
    "error_reply",
    "html_error",
    "json_reply",
    "moonshot_stream",
    "openai_stream",
    "provider_error",
    "split_at",
    "split_every",
    "sse_data",
    "sse_reply",
    "sse_transport",
]
