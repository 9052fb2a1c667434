"""When the current event-loop turn started, for the chat view's passes that share it.

Qt runs every timer that is due in one go, then paints. While the reader pages
through a long conversation, a scroll step, a pass building the rows around the
viewport and one rendering markdown ahead are often due together: each kept to
its own budget, they still added up to two frames before the window painted.
Passes that follow one another with no pause between them (nothing else ran,
not even a paint) are taken to share a turn, and measure their budgets from
its start.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: A pass that starts within this long of the previous one's end is in the same turn.
SAME_TURN_S = 0.001


class TurnClock:
    """The start of the turn a pass runs in: its own start, unless it follows another
    pass with no pause between them."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._turn_start = float("-inf")
        self._last_end = float("-inf")

    def begin(self) -> float:
        """Start a pass: when its turn started (now, if it is the turn's first pass)."""
        now = self._clock()
        if now - self._last_end > SAME_TURN_S:
            self._turn_start = now
        return self._turn_start

    def end(self) -> None:
        """The pass is done (a pass that did nothing need not say so)."""
        self._last_end = self._clock()

    def quiet_for(self) -> float:
        """How long since the last pass ended (seconds)."""
        return self._clock() - self._last_end
