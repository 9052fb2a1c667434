"""The garbage collector waits while the app's modules load, then collects as before."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kimi_desktop.ui.runtime import import_collections


class FakeCollector:
    """Stands in for :mod:`gc`: records what the hold asks of it."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.calls: list[str] = []

    def isenabled(self) -> bool:
        return self.enabled

    def disable(self) -> None:
        self.enabled = False
        self.calls.append("disable")

    def enable(self) -> None:
        self.enabled = True
        self.calls.append("enable")

    def freeze(self) -> None:
        self.calls.append("freeze")


def test_a_hold_freezes_what_was_made_then_collects_again(monkeypatch) -> None:
    collector = FakeCollector(enabled=True)
    monkeypatch.setattr(import_collections, "gc", collector)
    monkeypatch.setattr(import_collections, "_held", False)
    import_collections.hold()
    assert collector.enabled is False
    import_collections.release()
    import_collections.release()  # once only
    assert collector.calls == ["disable", "freeze", "enable"]
    assert collector.enabled is True


def test_collections_switched_off_by_someone_else_stay_off(monkeypatch) -> None:
    collector = FakeCollector(enabled=False)
    monkeypatch.setattr(import_collections, "gc", collector)
    monkeypatch.setattr(import_collections, "_held", False)
    import_collections.hold()
    import_collections.release()
    assert collector.calls == []
    assert collector.enabled is False


@pytest.mark.slow
def test_importing_the_app_leaves_the_collector_on_and_start_up_frozen() -> None:
    script = (
        "import gc, json\n"
        "import kimi_desktop.app\n"
        "print(json.dumps([gc.isenabled(), gc.get_freeze_count()]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    enabled, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert enabled is True
    assert frozen > 10_000  # the modules' objects, out of every later collection
