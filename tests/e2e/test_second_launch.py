"""One process per data folder: a second launch hands over or says why not, never takes over.

Two launches within milliseconds used to both run (the second one's failed
``listen()`` was ignored), and ``--smoke-test`` ran the start-up housekeeping
against a live instance's database, marking its streaming reply interrupted.
The data folder's lock decides now.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kimi_desktop import app as app_module
from kimi_desktop.store import DataDirLock
from tests.e2e.processes import STREAMING_MAIN, app_environment, last_reply, wait_for
from tests.fakes import FakeKimiServer, Gate, openai_stream

# Prints what the window is asked to attach, so the test sees who got the files. Both
# launches start main() at the same moment (when the "go" file appears), long before
# either could listen: what two clicks on the icon in quick succession do.
_MAIN = textwrap.dedent(
    """
    import os, sys, time
    from PySide6.QtWidgets import QApplication
    from kimi_desktop.app import main
    from kimi_desktop.ui.shell.main_window import MainWindow

    MainWindow.attach_paths = lambda self, paths: print("attached", *paths, flush=True)
    app = QApplication([])
    print("ready", flush=True)
    while not os.path.exists(sys.argv[1]):
        time.sleep(0.001)
    sys.exit(main(sys.argv[2:]))
    """
)


@pytest.mark.slow
def test_two_launches_at_once_make_one_app_that_gets_both_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    go = tmp_path / "go"
    launches = [
        subprocess.Popen(
            [sys.executable, "-c", _MAIN, str(go), str(tmp_path / name)],
            env=app_environment(home),
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("first.png", "second.png")
    ]
    try:
        for process in launches:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        go.touch()
        wait_for(lambda: any(p.poll() is not None for p in launches), timeout=60)
        [ended] = [p for p in launches if p.poll() is not None]
        [running] = [p for p in launches if p is not ended]
        assert ended.wait() == 0
        handed = "first.png" if ended is launches[0] else "second.png"
        assert running.stdout is not None
        attached = [running.stdout.readline(), running.stdout.readline()]
        assert any(handed in line for line in attached), attached
        assert running.poll() is None  # the one app keeps running
        running.send_signal(signal.SIGTERM)
        assert running.wait(20) == 0
    finally:
        for process in launches:
            if process.poll() is None:
                process.kill()
            process.wait(10)
            if process.stdout is not None:
                process.stdout.close()


@pytest.mark.slow
def test_smoke_test_leaves_a_running_instance_and_its_reply_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    database = home / "data" / "history.sqlite3"
    gate = Gate()
    with FakeKimiServer("moonshot") as server:
        server.enqueue(
            openai_stream([], ["Once upon a time", ", a fox", " never finished"]).stalled(
                gate, after_events=3
            )
        )
        env = app_environment(home, KIMI_BASE_URL=server.base_url, KIMI_API_KEY=server.api_key)
        running = subprocess.Popen([sys.executable, "-c", STREAMING_MAIN], env=env)
        try:
            assert gate.reached.wait(30), "the app never asked for a reply"
            wait_for(lambda: (last_reply(database) or ("", ""))[1] != "")

            smoke = subprocess.run(
                [sys.executable, "-m", "kimi_desktop", "--smoke-test"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert smoke.returncode == 0, smoke.stderr
            assert "left alone" in smoke.stderr
            assert (last_reply(database) or ("", ""))[0] == "streaming"  # not marked interrupted

            running.send_signal(signal.SIGTERM)
            assert running.wait(20) == 0
        finally:
            if running.poll() is None:
                running.kill()
                running.wait(10)
            gate.open()

    status, text = last_reply(database) or ("", "")
    assert status == "stopped"
    assert text.startswith("Once upon a time")


def test_a_holder_that_does_not_answer_is_refused_in_words(
    tmp_path: Path, qapp, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("KIMI_DESKTOP_HOME", str(home))
    monkeypatch.setattr(app_module, "HANDOVER_TIMEOUT_MS", 300)
    said: list[str] = []
    monkeypatch.setattr(app_module, "refuse_to_start", said.append)

    with DataDirLock.acquire(home / "data"):  # held by something that does not listen
        assert app_module.main([]) == 1

    [sentence] = said
    assert "already running" in sentence
    assert str(home / "data") in sentence
    assert not (home / "data" / "history.sqlite3").exists()  # its history was not touched


def test_smoke_test_with_the_folder_held_exits_at_once(
    tmp_path: Path, qapp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("KIMI_DESKTOP_HOME", str(home))
    with DataDirLock.acquire(home / "data"):
        assert app_module.main(["--smoke-test"]) == 0
    assert "left alone" in capsys.readouterr().err
    assert not (home / "data" / "history.sqlite3").exists()


def test_build_refuses_a_folder_another_process_holds(tmp_path: Path, qapp, qloop) -> None:
    from kimi_desktop.store import DataDirBusyError

    home = tmp_path / "home"
    with DataDirLock.acquire(home / "data"), pytest.raises(DataDirBusyError):
        app_module.build(qapp, environ={"KIMI_DESKTOP_HOME": str(home)})
