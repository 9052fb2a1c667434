"""When the current event-loop turn started, for the chat view's passes that share it.

Qt runs every timer that is due in one go, then paints. While the reader pages
through a long conversation, a scroll step, a pass building the rows around the
viewport and one rendering markdown ahead are often due together: each kept to
its own budget, they still added up to two frames before the window painted.
Passes between which the GUI thread never rested are taken to share a turn,
and measure their budgets from its start.

Resting is told by the GUI thread's CPU time, not by the wall clock alone: a
pass that followed a paint of the previous pass's rows (4-8 ms of CPU) looked
rested by the wall clock, and a look-ahead pass then rendered markdown in the
same gap as a row built and painted (worst gaps of 19-22 ms CPU while paging
through 2,000 messages, 5-6 ms of them the look-ahead). Time the thread spent
waiting (for events, or for a core on a busy machine) counts as rest. A thread
that never rests (a loop spinning on ``processEvents``) is taken to have rested
once :data:`LONGEST_TURN_S` has passed, so that the work that waits for rest
(rows around the viewport, some of them on screen) is never put off for good.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Passes between which the GUI thread rested less than this long share a turn.
SAME_TURN_S = 0.001

#: ... unless this long has passed since the previous pass ended, rested or not.
LONGEST_TURN_S = 0.05


class TurnClock:
    """The start of the turn a pass runs in: its own start, unless the GUI thread has
    not rested since the previous pass ended.

    ``clock`` is the wall clock, ``busy_clock`` the GUI thread's CPU time; the
    difference of their advances is the time the thread rested.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.perf_counter,
        busy_clock: Callable[[], float] = time.thread_time,
    ) -> None:
        self._clock = clock
        self._busy_clock = busy_clock
        self._turn_start = float("-inf")
        self._last_end = float("-inf")
        self._busy_at_end = 0.0

    def begin(self) -> float:
        """Start a pass: when its turn started (now, if it is the turn's first pass)."""
        rested = self.quiet_for()
        now = self._clock()
        if rested > SAME_TURN_S:
            self._turn_start = now
        return self._turn_start

    def end(self) -> None:
        """The pass is done (a pass that did nothing need not say so)."""
        self._last_end = self._clock()
        self._busy_at_end = self._busy_clock()

    def quiet_for(self) -> float:
        """How long the GUI thread has rested since the last pass ended (seconds): the
        time since then less what the thread spent working (painting, other events),
        or all of it once that is :data:`LONGEST_TURN_S` or more."""
        elapsed = self._clock() - self._last_end
        if elapsed >= LONGEST_TURN_S:
            return elapsed
        worked = self._busy_clock() - self._busy_at_end
        return max(0.0, elapsed - worked)
