"""Single instance: a second launch hands its files to the first and exits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QLockFile, QTimer
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QWidget

from kimi_desktop.ui.runtime.single_instance import (
    SingleInstance,
    _names,
    instance_key,
    raise_window,
)


@pytest.fixture
def key() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture
def first(qapp: object, key: str) -> Iterator[SingleInstance]:
    instance = SingleInstance(key)
    yield instance
    instance.close()


def test_second_instance_forwards_paths_to_the_first(
    qtbot, first: SingleInstance, key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert first.listen()
    monkeypatch.chdir(tmp_path)
    second = SingleInstance(key)

    with qtbot.waitSignal(first.activated, timeout=3000) as blocker:
        assert second.try_forward(["shot.png", "/abs/other image.jpg"])

    assert blocker.args == [[str(tmp_path / "shot.png"), "/abs/other image.jpg"]]
    assert not second.is_listening


def test_forwarding_without_paths_still_activates(qtbot, first: SingleInstance, key: str) -> None:
    assert first.listen()
    with qtbot.waitSignal(first.activated, timeout=3000) as blocker:
        assert SingleInstance(key).try_forward([])
    assert blocker.args == [[]]


def test_file_urls_become_local_paths(qtbot, first: SingleInstance, key: str) -> None:
    assert first.listen()
    with qtbot.waitSignal(first.activated, timeout=3000) as blocker:
        assert SingleInstance(key).try_forward(["file:///tmp/a%20b.png"])
    assert blocker.args == [["/tmp/a b.png"]]


def test_nobody_running_means_forwarding_fails_and_listening_works(qapp: object, key: str) -> None:
    instance = SingleInstance(key)
    assert not instance.try_forward(["x.png"])
    assert instance.listen()
    instance.close()


def test_only_one_instance_listens_until_it_closes(first: SingleInstance, key: str) -> None:
    assert first.listen()
    second = SingleInstance(key)
    assert not second.listen()
    first.close()
    assert second.listen()
    second.close()


def test_different_keys_do_not_see_each_other(first: SingleInstance) -> None:
    assert first.listen()
    other = SingleInstance(f"test-{uuid.uuid4()}")
    assert not other.try_forward(["x.png"])


def test_key_depends_on_the_data_dir(tmp_path: Path) -> None:
    assert instance_key(tmp_path / "a") == instance_key(tmp_path / "a")
    assert instance_key(tmp_path / "a") != instance_key(tmp_path / "b")
    assert SingleInstance(instance_key(tmp_path / "a")).server_name != (
        SingleInstance(instance_key(tmp_path / "b")).server_name
    )


def test_garbage_from_a_stranger_is_ignored(qtbot, first: SingleInstance, key: str) -> None:
    assert first.listen()
    stranger = QLocalSocket()
    stranger.connectToServer(first.server_name)
    assert stranger.waitForConnected(1000)
    stranger.write(b'{"paths": "not a list"}\n')
    stranger.flush()
    with qtbot.assertNotEmitted(first.activated, wait=200):
        qtbot.waitUntil(
            lambda: stranger.state() == QLocalSocket.LocalSocketState.UnconnectedState,
            timeout=2000,
        )
    # The server keeps serving real launches afterwards.
    with qtbot.waitSignal(first.activated, timeout=3000):
        assert SingleInstance(key).try_forward([])


_CRASHING_INSTANCE = textwrap.dedent(
    """
    import os, signal, sys
    from PySide6.QtCore import QCoreApplication
    from kimi_desktop.ui.runtime.single_instance import SingleInstance

    app = QCoreApplication([])
    instance = SingleInstance(sys.argv[1])
    assert instance.listen()
    print("listening", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.fixture
def short_private_dir() -> Iterator[str]:
    """Like /run/user/<uid>: private and short (a socket path must fit in ~100 bytes)."""
    with tempfile.TemporaryDirectory(prefix="kd-run-") as path:  # created 0700
        yield path


def _socket_file(name: str) -> Path:
    return Path(name) if os.path.isabs(name) else Path(QDir.tempPath()) / name


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and socket files are POSIX")
@pytest.mark.parametrize("runtime_dir", [True, False], ids=["runtime-dir", "temp-dir"])
def test_a_crashed_instance_leaves_nothing_that_blocks_the_next(
    qtbot,
    qapp: object,
    key: str,
    runtime_dir: bool,
    short_private_dir: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if runtime_dir:
        monkeypatch.setenv("XDG_RUNTIME_DIR", short_private_dir)
    else:
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    first = SingleInstance(key)
    assert os.path.isabs(first.server_name) == runtime_dir
    result = subprocess.run(
        [sys.executable, "-c", _CRASHING_INSTANCE, key],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert result.stdout.strip() == "listening", result.stderr
    assert result.returncode == -signal.SIGKILL
    assert _socket_file(first.server_name).exists()  # the dead instance's socket is left

    assert not first.try_forward(["x.png"])  # nobody answers on it
    assert first.listen()
    with qtbot.waitSignal(first.activated, timeout=3000):
        assert SingleInstance(key).try_forward(["x.png"])
    first.close()
    assert not _socket_file(first.server_name).exists()


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform
def test_raise_window_restores_a_minimised_window(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    raise_window(window)
    assert window.isVisible()
    assert not window.isMinimized()


_FILE_OPEN_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFileOpenEvent
    from kimi_desktop.ui.runtime.single_instance import DesktopApplication

    app = DesktopApplication([])
    opened = []
    app.files_opened.connect(opened.extend)
    handled = QCoreApplication.sendEvent(app, QFileOpenEvent(sys.argv[1]))
    print(json.dumps([handled, opened]))
    """
)


def test_files_the_os_opens_with_the_running_app_are_handed_over(tmp_path: Path) -> None:
    # macOS's "Open With" on a running app: a QFileOpenEvent, not a second launch.
    image = tmp_path / "shot one.png"
    done = subprocess.run(
        [sys.executable, "-c", _FILE_OPEN_SCRIPT, str(image)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == [True, [str(image)]]


def test_a_launch_waits_for_an_instance_that_is_still_starting(
    qtbot, first: SingleInstance, key: str
) -> None:
    # The first launch holds the data folder but builds its window before listening.
    QTimer.singleShot(300, first.listen)
    with qtbot.waitSignal(first.activated, timeout=5000) as blocker:
        assert SingleInstance(key).forward_when_ready(["/abs/late.png"], timeout_ms=10_000)
    assert blocker.args == [["/abs/late.png"]]


def test_a_launch_gives_up_on_an_instance_that_never_answers(qapp: object, key: str) -> None:
    assert not SingleInstance(key).forward_when_ready([], timeout_ms=200)


def test_the_holder_of_the_data_folder_takes_a_stale_looking_lock_over(
    qtbot, qapp: object, key: str
) -> None:
    # A lock file left by a crash whose PID now belongs to a live process of the
    # same name (here: this one) looks held; no process holds it for real.
    lock_path = Path(_names(key)[1])
    real = QLockFile(str(lock_path))
    assert real.tryLock(0)
    content = lock_path.read_bytes()
    real.unlock()
    lock_path.write_bytes(content)
    owner = SingleInstance(key)
    try:
        assert not owner.listen()
        assert owner.listen(take_over=True)
        with qtbot.waitSignal(owner.activated, timeout=3000):
            assert SingleInstance(key).try_forward([])
    finally:
        owner.close()
        lock_path.unlink(missing_ok=True)
