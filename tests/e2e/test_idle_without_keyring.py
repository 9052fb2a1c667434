"""The real app, started by ``main`` in a process of its own, reaches idle after its first
paint without loading the keyring (its backends: cryptography, secretstorage, jeepney,
over 10 MB), for a first run and for a returning user with a saved key; the key is read
when something first needs it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kimi_desktop.settings import AppPaths, SettingsStore
from tests.e2e.processes import app_environment

#: What loading the keyring brings in; none of it may be there while the window idles.
KEYRING_MODULES = (
    "keyring",
    "keyring.backends.SecretService",
    "secretstorage",
    "jeepney",
    "cryptography",
)

#: ``main`` in a child process: once every piece of after-paint work has run, and a
#: while more (showing nothing else starts), it records which keyring modules are
#: loaded; then it moves the pointer over the window (the first input reads the
#: key) and records again.
_IDLE_MAIN = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication
    from kimi_desktop.app import main
    from kimi_desktop.ui.runtime.first_paint import AfterFirstPaint
    from kimi_desktop.ui.shell.main_window import MainWindow

    WATCHED, RESULT = json.loads(sys.argv[1]), sys.argv[2]
    SETTLE_MS = 500  # a fixed wait only to show that nothing more is loaded
    app = QApplication([])
    seen = {}

    def window():
        return next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))

    def loaded():
        return [name for name in WATCHED if name in sys.modules]

    def when_idle():
        after_paint = window().findChild(AfterFirstPaint)
        if after_paint is None or not after_paint.idle:
            QTimer.singleShot(20, when_idle)
            return
        QTimer.singleShot(SETTLE_MS, at_idle)

    def at_idle():
        seen["idle"] = loaded()
        seen["page"] = window().pages.currentWidget().objectName()
        point = QPointF(10, 10)
        move = QMouseEvent(
            QEvent.Type.MouseMove, point, point, Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
        )
        app.sendEvent(window(), move)
        wait_for_keyring(200)

    def wait_for_keyring(tries):
        if "keyring" in sys.modules or tries == 0:
            seen["needed"] = loaded()
            with open(RESULT, "w", encoding="utf-8") as out:
                json.dump(seen, out)
            window().close()
            return
        QTimer.singleShot(50, lambda: wait_for_keyring(tries - 1))

    QTimer.singleShot(0, when_idle)
    sys.exit(main([]))
    """
)


def _run_app(home: Path, tmp_path: Path) -> dict[str, object]:
    result = tmp_path / "seen.json"
    # A keyring that keeps nothing: the machine's own is never touched.
    environ = app_environment(home, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    for name in ("KIMI_API_KEY", "MOONSHOT_API_KEY", "KIMI_BASE_URL"):
        environ.pop(name, None)
    subprocess.run(
        [sys.executable, "-c", _IDLE_MAIN, json.dumps(KEYRING_MODULES), str(result)],
        env=environ,
        timeout=120,
        check=True,
        capture_output=True,
    )
    return json.loads(result.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_first_run_idles_without_the_keyring(tmp_path: Path) -> None:
    seen = _run_app(tmp_path / "home", tmp_path)
    assert seen["page"] == "welcomePage"
    assert seen["idle"] == []
    assert "keyring" in seen["needed"]  # type: ignore[operator]


@pytest.mark.slow
def test_a_returning_user_with_a_saved_key_idles_on_the_chat_without_the_keyring(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    settings = SettingsStore(AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(home)}))
    settings.set_key_saved(settings.profiles[0].id, True)  # as saving the key remembered
    seen = _run_app(home, tmp_path)
    assert seen["page"] != "welcomePage"
    assert seen["idle"] == []
    assert "keyring" in seen["needed"]  # type: ignore[operator]
