"""What the notice under a reply says, and which buttons it offers.

A reply that ended short says so and offers what helps: one the output budget
cut offers Continue and "Larger budget" (loudly when it ran out while thinking,
with no answer at all; quietly when part of the answer came); one stopped or
interrupted with some answer text offers Continue; a failed one offers its fix
(Retry, Open Settings, or Regenerate where the endpoint would not continue).
Continue and "Larger budget" act on the conversation's last reply only, and not
while a reply streams.
"""

from __future__ import annotations

from dataclasses import dataclass

from kimi_desktop.domain import MessageAction, MessageStatus
from kimi_desktop.i18n import N_, _
from kimi_desktop.ui.chat.items import MessageItem

OUT_OF_ROOM = N_("The model ran out of room while thinking.")
CUT_AT_BUDGET = N_("The reply was cut at the output budget.")
#: The status line under a reply that ended short.
STATUS_HINTS = {
    MessageStatus.STOPPED: N_("Stopped"),
    MessageStatus.INTERRUPTED: N_("Interrupted — the reply was cut off"),
}

#: The buttons a failed reply's stored fix stands for.
FIXES = (MessageAction.RETRY, MessageAction.SETTINGS, MessageAction.REGENERATE)
#: The statuses of a reply that ended short, which Continue can go on with.
CONTINUABLE = (MessageStatus.STOPPED, MessageStatus.INTERRUPTED)


@dataclass(frozen=True, slots=True)
class ReplyNotice:
    """The notice under a reply: its sentence, its buttons in order, whether it is
    the quiet kind (a line of muted text, not a framed box), whether it reports a
    failure, and whether it says what the status line would (which is then hidden)."""

    text: str
    actions: tuple[MessageAction, ...] = ()
    quiet: bool = False
    error: bool = False
    replaces_status: bool = False


def reply_notice(item: MessageItem, *, offered: bool) -> ReplyNotice | None:
    """The notice ``item`` shows, if any; ``offered``: it is the last message and no
    reply streams, so Continue and "Larger budget" may be offered."""
    if item.role != "assistant":
        return ReplyNotice(item.error, error=True) if item.error else None
    action = item.error_action
    continuable = offered and bool(item.text) and item.status in CONTINUABLE
    if action is MessageAction.LARGER_BUDGET and not item.streaming:
        text = _(CUT_AT_BUDGET) if item.text else _(OUT_OF_ROOM)
        if item.error:  # why it is not saved yet
            text = f"{text}\n{item.error}"
        both = (MessageAction.CONTINUE, MessageAction.LARGER_BUDGET)
        quiet = bool(item.text) and not item.error
        return ReplyNotice(text, both if offered else (), quiet=quiet, replaces_status=True)
    if item.error:
        actions: tuple[MessageAction, ...] = ()
        if continuable and action is not MessageAction.REGENERATE:
            actions = (MessageAction.CONTINUE,)
        if action in FIXES:
            actions = (*actions, action)
        return ReplyNotice(item.error, actions, error=True)
    if continuable:
        text = _(STATUS_HINTS[item.status])
        return ReplyNotice(text, (MessageAction.CONTINUE,), quiet=True, replaces_status=True)
    return None
