"""The data folder's lock: one holder at a time, freed when the holder ends however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kimi_desktop
from kimi_desktop.store import DataDirBusyError, DataDirLock
from kimi_desktop.store.lock import LOCK_FILE


def test_a_second_lock_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with DataDirLock.acquire(data) as first:
        assert first.held
        assert (data / LOCK_FILE).read_text().strip() == str(os.getpid())
        with pytest.raises(DataDirBusyError) as excinfo:
            DataDirLock.acquire(data)
        assert excinfo.value.data_dir == data
        # Another folder is another lock.
        with DataDirLock.acquire(tmp_path / "other"):
            pass
    assert not first.held
    with DataDirLock.acquire(data):
        pass


def test_release_twice_does_nothing(tmp_path: Path) -> None:
    lock = DataDirLock.acquire(tmp_path)
    lock.release()
    lock.release()
    assert not lock.held


_HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kimi_desktop.store import DataDirLock

    lock = DataDirLock.acquire(Path(sys.argv[1]))
    print("locked", flush=True)
    sys.stdin.readline()
    """
)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")
def test_another_process_holds_it_until_it_is_killed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    root = Path(kimi_desktop.__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            with pytest.raises(DataDirBusyError):
                DataDirLock.acquire(data)
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait(10)
    # A killed holder leaves the file behind, but never the lock.
    assert (data / LOCK_FILE).exists()
    with DataDirLock.acquire(data):
        pass
