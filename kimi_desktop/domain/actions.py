"""What a person can ask of one message in the chat (its buttons and its error's fix)."""

from __future__ import annotations

from enum import StrEnum


class MessageAction(StrEnum):
    """A message's command. The values are stable: ``RETRY`` and ``SETTINGS`` are
    also what a failed reply stores as its ``error_fix``."""

    COPY = "copy"  # the view has already put the text on the clipboard
    EDIT = "edit"
    REGENERATE = "regenerate"
    DELETE = "delete"
    RETRY = "retry"
    SETTINGS = "settings"
