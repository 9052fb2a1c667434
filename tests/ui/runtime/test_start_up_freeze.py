"""What start-up made is frozen once the message widgets are ready, so full garbage
collections during a scroll or a reply walk only what was made since."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from kimi_desktop import app

#: Run in a fresh interpreter: the test process has frozen its own objects already.
_FREEZE_SCRIPT = """
import gc, json
from kimi_desktop import app

class Node:
    def __init__(self):
        self.links = []

def tracked(thing):
    return any(o is thing for o in gc.get_objects())

before = Node()
was_tracked = tracked(before)
app.freeze_start_up_objects()
after = Node()
after.links.append(after)
result = {
    "before_tracked": [was_tracked, tracked(before)],
    "after_tracked": tracked(after),
    "frozen": gc.get_freeze_count(),
}
del after
result["later_garbage_freed"] = gc.collect()
print(json.dumps(result))
"""


@pytest.mark.slow
def test_objects_made_before_the_freeze_are_left_out_of_collections() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _FREEZE_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["frozen"] > 0
    assert result["before_tracked"] == [True, False]  # no collection walks it any more ...
    assert result["after_tracked"] is True  # ... while what comes later is collected as ever
    assert result["later_garbage_freed"] >= 1


def test_the_freeze_follows_the_message_widgets(qloop, monkeypatch) -> None:
    frozen: asyncio.Future[bool] = qloop.create_future()

    def freeze() -> None:  # records, instead of freezing the test process
        frozen.set_result("kimi_desktop.ui.chat.message_widget" in sys.modules)

    monkeypatch.setattr(app, "freeze_start_up_objects", freeze)
    app._prepare_for_messages(qloop)
    assert not frozen.done()  # the renderer warms up in a worker first
    assert qloop.run_until_complete(asyncio.wait_for(frozen, timeout=60)) is True
