"""The chat view's bookkeeping: row offsets, turns, and the hold on full collections."""

from __future__ import annotations

import bisect
import gc
import itertools
import os
import random

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QObject

from kimi_desktop.ui.chat.collection_hold import FullCollectionHold, full_collections_held
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.rows import ChatRow, ChatRows
from kimi_desktop.ui.chat.turn_clock import LONGEST_TURN_S, SAME_TURN_S, TurnClock
from tests.ui.chat.conftest import FakeClock


def rows_of(heights: list[int]) -> ChatRows:
    rows = ChatRows()
    rows.reset([ChatRow(MessageItem(i, "user", "x"), h) for i, h in enumerate(heights)])
    return rows


@pytest.mark.parametrize("count", [0, 1, 2, 7, 8, 9, 300])
def test_offsets_and_rows_at_follow_every_change_of_height(count: int) -> None:
    rng = random.Random(count)
    rows = rows_of([rng.randint(1, 400) for _ in range(count)])
    for _ in range(200):
        if count and rng.random() < 0.6:
            rows.set_height(rng.randrange(count), rng.randint(1, 400))
        if count and rng.random() < 0.05:
            rows[rng.randrange(count)].height = rng.randint(1, 400)
            rows.heights_changed()
        offsets = [0, *itertools.accumulate(row.height for row in rows)]
        assert [rows.offset(i) for i in range(count + 1)] == offsets
        assert rows.total() == offsets[-1]
        for y in (
            -10,
            0,
            offsets[-1],
            offsets[-1] + 10,
            *(rng.randint(0, offsets[-1]) for _ in range(5)),
        ):
            expected = min(max(bisect.bisect_right(offsets, y) - 1, 0), max(count - 1, 0))
            assert rows.row_at(y) == expected


def test_a_height_set_again_unchanged_is_no_change() -> None:
    rows = rows_of([10, 20, 30])
    assert not rows.set_height(1, 20)
    assert rows.set_height(1, 25)
    assert rows.offset(2) == 35
    rows.append(ChatRow(MessageItem(9, "user", "x"), 5))
    assert rows.total() == 70
    assert rows.pop(0).height == 10
    assert rows.offset(1) == 25
    assert rows.row_at(24) == 0
    assert rows.row_at(25) == 1


def test_passes_with_no_pause_between_them_share_a_turn() -> None:
    clock, busy = FakeClock(50.0), FakeClock(7.0)
    turn = TurnClock(clock, busy)
    assert turn.begin() == 50.0
    clock.now += 0.004
    busy.now += 0.004
    turn.end()
    clock.now += SAME_TURN_S / 2  # the next pass follows at once
    assert turn.begin() == 50.0
    turn.end()
    assert turn.quiet_for() == 0.0
    clock.now += 0.005  # the thread waits for the next event
    assert turn.quiet_for() == pytest.approx(0.005)
    assert turn.begin() == clock.now


def test_a_pass_after_a_paint_with_no_rest_between_shares_the_turn() -> None:
    clock, busy = FakeClock(50.0), FakeClock(7.0)
    turn = TurnClock(clock, busy)
    assert turn.begin() == 50.0
    clock.now += 0.006
    busy.now += 0.006
    turn.end()
    clock.now += 0.007  # the rows built are painted: the thread works all along
    busy.now += 0.0065
    assert turn.quiet_for() == pytest.approx(0.0005)
    assert turn.begin() == 50.0  # the look-ahead's budget is spent already
    turn.end()
    clock.now += 0.004  # then it waits for events, 3 ms of it working on a core
    busy.now += 0.001
    assert turn.quiet_for() == pytest.approx(0.003)
    assert turn.begin() == clock.now


def test_a_thread_that_never_rests_starts_a_new_turn_after_the_longest_one() -> None:
    clock, busy = FakeClock(50.0), FakeClock(7.0)
    turn = TurnClock(clock, busy)
    turn.begin()
    turn.end()
    clock.now += LONGEST_TURN_S / 2  # spinning on events, never waiting for one
    busy.now += LONGEST_TURN_S / 2
    assert turn.quiet_for() == 0.0
    assert turn.begin() == 50.0
    clock.now += LONGEST_TURN_S
    busy.now += LONGEST_TURN_S
    assert turn.quiet_for() == pytest.approx(LONGEST_TURN_S * 1.5)
    assert turn.begin() == clock.now


@pytest.fixture
def threshold():
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)


def test_full_collections_are_held_until_the_last_hold_ends(qtbot, threshold) -> None:
    owner = QObject()
    first, second = FullCollectionHold(owner), FullCollectionHold(owner)
    first.hold()
    second.hold()
    assert full_collections_held()
    assert gc.get_threshold()[:2] == threshold[:2]
    assert gc.get_threshold()[2] > threshold[2]
    first.release()
    assert full_collections_held()
    second.release()
    assert not full_collections_held()
    assert gc.get_threshold() == threshold


def test_a_hold_ends_by_itself_after_a_rest(qtbot, threshold) -> None:
    owner = QObject()
    hold = FullCollectionHold(owner, rest_ms=20)
    hold.hold()
    assert hold.is_holding()
    qtbot.waitUntil(lambda: not full_collections_held(), timeout=2000)
    assert gc.get_threshold() == threshold


def test_a_hold_destroyed_while_holding_lets_go(qtbot, threshold) -> None:
    owner = QObject()
    FullCollectionHold(owner).hold()
    assert full_collections_held()
    del owner  # destroys the hold with it
    gc.collect()
    qtbot.waitUntil(lambda: not full_collections_held(), timeout=2000)
    assert gc.get_threshold() == threshold


def test_a_threshold_changed_meanwhile_is_left_alone(qtbot, threshold) -> None:
    owner = QObject()
    hold = FullCollectionHold(owner)
    hold.hold()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 7)  # someone else decided
    hold.release()
    assert gc.get_threshold()[2] == 7
