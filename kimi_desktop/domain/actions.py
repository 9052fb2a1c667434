"""What a person can ask of one message in the chat (its buttons and its error's fix)."""

from __future__ import annotations

from enum import StrEnum


class MessageAction(StrEnum):
    """A message's command. The values are stable: ``RETRY``, ``SETTINGS``,
    ``REGENERATE`` and ``LARGER_BUDGET`` are also what a reply that did not finish
    stores as its ``error_fix``, so the same buttons are offered after a restart.

    ``CONTINUE`` asks the model to go on with a reply that stopped short;
    ``LARGER_BUDGET`` doubles the conversation's output budget and answers again
    (stored by a reply the output budget cut short). ``PREVIOUS_VERSION`` and
    ``NEXT_VERSION`` show another version of a message (an answer given again, a
    prompt edited) with the branch that follows it; they are never stored.
    """

    COPY = "copy"  # the view has already put the text on the clipboard
    EDIT = "edit"
    REGENERATE = "regenerate"
    DELETE = "delete"
    RETRY = "retry"
    SETTINGS = "settings"
    CONTINUE = "continue"
    LARGER_BUDGET = "larger_budget"
    PREVIOUS_VERSION = "previous_version"
    NEXT_VERSION = "next_version"
