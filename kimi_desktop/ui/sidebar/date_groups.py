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


class DateGrouper:
    """The headings of conversations, relative to the calendar day ``today``.

    The local midnights that start each group are worked out once, so grouping a
    row is a few comparisons of Unix times: converting each row's time to a local
    date took 10 ms of a start-up with 2,000 conversations.
    """

    def __init__(self, today: QDate) -> None:
        # (the earliest time of each group, newest group first; OLDER is the rest)
        self._starts = [
            (_start_of(today), DateGroup.TODAY),
            (_start_of(today.addDays(-1)), DateGroup.YESTERDAY),
            (_start_of(today.addDays(-7)), DateGroup.PREVIOUS_7_DAYS),
            (_start_of(today.addDays(-30)), DateGroup.PREVIOUS_30_DAYS),
        ]

    def group(self, updated_at: float, *, pinned: bool = False) -> DateGroup:
        """The heading of a conversation last used at ``updated_at`` (Unix seconds).

        A time after ``today`` (a clock set back since) counts as today.
        """
        if pinned:
            return DateGroup.PINNED
        for start, group in self._starts:
            if updated_at >= start:
                return group
        return DateGroup.OLDER


def date_group(updated_at: float, today: QDate, *, pinned: bool = False) -> DateGroup:
    """The heading of a conversation last used at ``updated_at`` (Unix seconds)."""
    return DateGrouper(today).group(updated_at, pinned=pinned)


def _start_of(day: QDate) -> float:
    """The Unix time of the first moment of ``day`` in the local time zone."""
    return day.startOfDay().toMSecsSinceEpoch() / 1000
