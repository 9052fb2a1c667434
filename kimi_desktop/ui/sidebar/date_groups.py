"""Which heading a conversation is listed under: pinned, or how recently it was used.

Chat apps group their history by calendar day in the local time zone, not by
24-hour spans: a chat from 23:50 last night is "Yesterday" at 00:10. Days are
counted on ``QDate``, so a change to or from summer time never moves a chat.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QDate, QDateTime

from kimi_desktop.i18n import N_, _


class DateGroup(enum.Enum):
    """The headings, in the order the list shows them."""

    PINNED = N_("Pinned")
    TODAY = N_("Today")
    YESTERDAY = N_("Yesterday")
    PREVIOUS_7_DAYS = N_("Previous 7 days")
    PREVIOUS_30_DAYS = N_("Previous 30 days")
    OLDER = N_("Older")

    @property
    def title(self) -> str:
        """The heading as shown, in the reader's language."""
        return _(self.value)


def local_date(timestamp: float) -> QDate:
    """The calendar day of a Unix ``timestamp`` in the local time zone."""
    return QDateTime.fromMSecsSinceEpoch(round(timestamp * 1000)).toLocalTime().date()


def date_group(updated_at: float, today: QDate, *, pinned: bool = False) -> DateGroup:
    """The heading of a conversation last used at ``updated_at`` (Unix seconds).

    A time after ``today`` (a clock set back since) counts as today.
    """
    if pinned:
        return DateGroup.PINNED
    days = local_date(updated_at).daysTo(today)
    if days <= 0:
        return DateGroup.TODAY
    if days == 1:
        return DateGroup.YESTERDAY
    if days <= 7:
        return DateGroup.PREVIOUS_7_DAYS
    if days <= 30:
        return DateGroup.PREVIOUS_30_DAYS
    return DateGroup.OLDER
