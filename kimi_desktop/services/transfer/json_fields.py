"""One CONVERSATION of an import file (see :mod:`.json_export`), checked field by field.

Nothing from the file is trusted: every field has its type checked, every
number its range, every image its base64, its size, its SHA-256 and its
format, so what reaches the history is what the app itself would have
stored. A field that is missing takes its default when it has one (a file
written by hand need not list empty ones); one that is present with the
wrong type or an impossible value refuses the whole file, naming the place.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
from typing import Any, Final

from kimi_desktop.documents.kinds import DocumentKind
from kimi_desktop.domain import (
    AttachedDocument,
    Attachment,
    Message,
    MessageAction,
    MessageStatus,
    ToolCall,
    Usage,
)
from kimi_desktop.domain.export_format import PortableConversation, PortableImage, PortableMessage
from kimi_desktop.images.formats import sniff
from kimi_desktop.images.limits import ACCEPTED_MIME_TYPES, MAX_FILE_BYTES, MAX_PIXELS, base64_size
from kimi_desktop.services.titles import clean_title
from kimi_desktop.services.transfer.places import (
    Place,
    image_problem,
    impossible_value,
    wrong_field,
)

#: Counts (tokens, searches, pages) above this are damage; it is also the largest
#: integer a JSON reader in any language keeps exactly.
MAX_COUNT: Final = 2**53 - 1
#: Times after this (the year 5138) are damage, not dates.
MAX_TIME: Final = 1e11
#: A reply thinking longer than this (about four months) is damage.
MAX_REASONING_SECONDS: Final = 1e7

_ROLES: Final = frozenset({"user", "assistant", "system"})
_TURN_ROLES: Final = frozenset({"assistant", "tool"})
#: The fields reasoning is sent back in; anything else would write another field
#: of the request body.
_REASONING_FIELDS: Final = frozenset({"reasoning_content", "reasoning"})
#: What a stored reply's ``error_fix`` may hold: the window turns it into a button.
_ERROR_FIXES: Final = frozenset({"", *(action.value for action in MessageAction)})
_DOCUMENT_KINDS: Final = frozenset(kind.value for kind in DocumentKind)
_MISSING: Final = object()


def decode_conversation(value: Any, number: int, *, linear: bool = False) -> PortableConversation:
    """The ``number``-th conversation of the file; raises :class:`TransferFailed`.

    ``linear``: the file is from before versions (format version 1), so each
    message follows the one before it and the last is shown.
    """
    place = Place(conversation=number)
    fields = _Fields(value, place, "conversations")
    created_at = fields.time("created_at")
    messages = fields.items("messages", required=True)
    leaf = None if linear else fields.optional_count("leaf")
    if leaf is not None and leaf >= len(messages):
        raise impossible_value(place, "leaf")
    decoded = [
        _message(item, place.in_message(index), index - 1, linear=linear)
        for index, item in enumerate(messages, 1)
    ]
    return PortableConversation(
        title=clean_title(fields.text("title")),
        created_at=created_at,
        updated_at=fields.time("updated_at", default=created_at),
        pinned=fields.flag("pinned"),
        system_prompt=fields.text("system_prompt", default=""),
        endpoint_id=fields.optional_text("endpoint_id"),
        model=fields.optional_text("model"),
        max_tokens=fields.optional_count("max_tokens", low=1),
        web_search=fields.flag("web_search"),
        messages=tuple(message for message, _parent in decoded),
        parents=None if linear else tuple(parent for _message, parent in decoded),
        leaf=leaf,
    )


def _message(
    value: Any, place: Place, index: int, *, linear: bool
) -> tuple[PortableMessage, int | None]:
    """The message at ``index`` (from 0) and the index of its parent, which must come
    before it (left out, it is the message before: a hand-written file need not say so)."""
    fields = _Fields(value, place, "messages")
    previous = index - 1 if index > 0 else None
    parent = previous if linear else fields.optional_count("parent", default=previous)
    if parent is not None and parent >= index:
        raise impossible_value(place, "parent")
    role = fields.choice("role", _ROLES)
    status_name = fields.choice("status", {status.value for status in MessageStatus}, "complete")
    reasoning_field = fields.optional_text("reasoning_field")
    if reasoning_field is not None and reasoning_field not in _REASONING_FIELDS:
        raise impossible_value(place, "reasoning_field")
    error_fix = fields.optional_text("error_fix")
    if error_fix is not None and error_fix not in _ERROR_FIXES:
        raise impossible_value(place, "error_fix")
    seconds = fields.optional_number("reasoning_seconds", high=MAX_REASONING_SECONDS)
    turns = fields.items("tool_turns")
    if turns and role != "assistant":  # only a reply's search rounds come before it
        raise impossible_value(place, "tool_turns")
    return PortableMessage(
        role=role,  # type: ignore[arg-type]  # one of _ROLES
        text=fields.text("text"),
        created_at=fields.time("created_at"),
        # A reply that was still arriving is what a restart would make of it.
        status=MessageStatus.INTERRUPTED
        if status_name == MessageStatus.STREAMING
        else MessageStatus(status_name),
        reasoning=fields.text("reasoning", default=""),
        reasoning_seconds=seconds,
        reasoning_field=reasoning_field,
        model=fields.optional_text("model"),
        usage=_usage(fields.value("usage"), place),
        error=fields.optional_text("error"),
        error_fix=error_fix,
        web_searches=fields.count("web_searches", default=0),
        images=tuple(
            _image(item, place.in_part("image", index))
            for index, item in enumerate(fields.items("attachments"), 1)
        ),
        documents=tuple(
            _document(item, place.in_part("document", index))
            for index, item in enumerate(fields.items("documents"), 1)
        ),
        tool_turns=tuple(
            _turn(item, place.in_part("turn", number)) for number, item in enumerate(turns, 1)
        ),
    ), parent


def _usage(value: Any, place: Place) -> Usage | None:
    if value is None or value is _MISSING:
        return None
    fields = _Fields(value, place, "usage")
    return Usage(
        prompt_tokens=fields.count("prompt_tokens"),
        completion_tokens=fields.count("completion_tokens", default=0),
        cached_tokens=fields.count("cached_tokens", default=0),
    )


def _image(value: Any, place: Place) -> PortableImage:
    fields = _Fields(value, place, "attachments")
    mime = fields.choice("mime", ACCEPTED_MIME_TYPES)
    sha256 = fields.text("sha256")
    encoded = fields.text("data")
    if len(encoded) > base64_size(MAX_FILE_BYTES):
        raise image_problem(place, "too_big")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise image_problem(place, "base64") from exc
    if fields.count("size", default=len(data)) != len(data):
        raise image_problem(place, "size")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise image_problem(place, "checksum")
    found = sniff(data)
    if found is None or found.mime != mime:
        raise image_problem(place, "format")
    width = fields.count("width", default=0, high=MAX_PIXELS)
    height = fields.count("height", default=0, high=MAX_PIXELS)
    if width * height > MAX_PIXELS:
        raise impossible_value(place, "height")
    attachment = Attachment(
        sha256=sha256,
        mime=mime,
        width=width,
        height=height,
        size=len(data),
        name=fields.text("name", default=""),
    )
    return PortableImage(attachment, data)


def _document(value: Any, place: Place) -> AttachedDocument:
    fields = _Fields(value, place, "documents")
    return AttachedDocument(
        name=fields.text("name"),
        kind=fields.choice("kind", _DOCUMENT_KINDS),
        text=fields.text("text"),
        pages=fields.optional_count("pages"),
        lines=fields.optional_count("lines"),
        tokens=fields.count("tokens", default=0),
    )


def _turn(value: Any, place: Place) -> Message:
    fields = _Fields(value, place, "tool_turns")
    reasoning_field = fields.text("reasoning_field", default="reasoning_content")
    if reasoning_field not in _REASONING_FIELDS:
        raise impossible_value(place, "reasoning_field")
    return Message(
        role=fields.choice("role", _TURN_ROLES),  # type: ignore[arg-type]  # one of _TURN_ROLES
        text=fields.text("text"),
        reasoning=fields.optional_text("reasoning"),
        reasoning_field=reasoning_field,
        tool_calls=tuple(_call(item, place) for item in fields.items("tool_calls")),
        tool_call_id=fields.optional_text("tool_call_id"),
        name=fields.optional_text("name"),
    )


def _call(value: Any, place: Place) -> ToolCall:
    fields = _Fields(value, place, "tool_calls")
    return ToolCall(
        id=fields.text("id"),
        name=fields.text("name"),
        arguments=fields.text("arguments"),
        type=fields.text("type", default="function"),
    )


class _Fields:
    """The fields of one JSON object, each read with its type and range checked."""

    def __init__(self, value: Any, place: Place, name: str) -> None:
        if not isinstance(value, dict):
            raise wrong_field(place, name)
        self._values: dict[str, Any] = value
        self._place = place

    def value(self, key: str) -> Any:
        return self._values.get(key, _MISSING)

    def _present(self, key: str, default: Any) -> Any:
        value = self.value(key)
        if value is _MISSING:
            if default is _MISSING:
                raise wrong_field(self._place, key)
            return default
        return value

    def text(self, key: str, *, default: Any = _MISSING) -> str:
        value = self._present(key, default)
        if not isinstance(value, str):
            raise wrong_field(self._place, key)
        return value

    def optional_text(self, key: str) -> str | None:
        value = self._present(key, None)
        if value is not None and not isinstance(value, str):
            raise wrong_field(self._place, key)
        return value

    def choice(
        self,
        key: str,
        allowed: frozenset[str] | set[str] | tuple[str, ...],
        default: Any = _MISSING,
    ) -> str:
        value = self.text(key, default=default)
        if value not in allowed:
            raise impossible_value(self._place, key)
        return value

    def flag(self, key: str) -> bool:
        value = self._present(key, False)
        if not isinstance(value, bool):
            raise wrong_field(self._place, key)
        return value

    def count(
        self, key: str, *, default: Any = _MISSING, low: int = 0, high: int = MAX_COUNT
    ) -> int:
        value = self._present(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong_field(self._place, key)
        if not low <= value <= high:
            raise impossible_value(self._place, key)
        return value

    def optional_count(self, key: str, *, low: int = 0, default: int | None = None) -> int | None:
        if self._present(key, default) is None:
            return None
        return self.count(key, low=low, default=default)

    def number(self, key: str, *, default: Any = _MISSING, high: float) -> float:
        value = self._present(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong_field(self._place, key)
        if not (math.isfinite(value) and 0 <= value <= high):
            raise impossible_value(self._place, key)
        return float(value)

    def optional_number(self, key: str, *, high: float) -> float | None:
        if self._present(key, None) is None:
            return None
        return self.number(key, high=high)

    def time(self, key: str, *, default: Any = _MISSING) -> float:
        return self.number(key, default=default, high=MAX_TIME)

    def items(self, key: str, *, required: bool = False) -> list[Any]:
        value = self._present(key, _MISSING if required else [])
        if not isinstance(value, list):
            raise wrong_field(self._place, key)
        return value
