"""What the first paint does not need is not imported with the app: a fresh interpreter
importing ``kimi_desktop.app`` (as ``python -m kimi_desktop`` does) loads none of it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Loaded later: on first use, after the first paint, or at the first input.
NOT_AT_START = (
    "markdown_it",  # the renderer: first input or first message
    "pygments",
    "kimi_desktop.render.markdown",
    "kimi_desktop.render.math",
    "kimi_desktop.ui.chat.message_widget",  # the first message shown
    "kimi_desktop.ui.chat.message_items",
    "kimi_desktop.ui.chat.code_actions",
    "keyring",  # asked after the first paint
    "PySide6.QtNetwork",  # listening for a second launch, after the first paint
    "kimi_desktop.ui.transfer_dialogs",  # the File menu's actions, after the first paint
    "kimi_desktop.ui.settings.dialog",  # when Settings opens
    "kimi_desktop.ui.shell.startup_problems",  # only when something went wrong
    "httpx",  # the first request
    "importlib.resources",  # catalogs and the fallback font are found by path
    "uuid",  # brings platform; random ids come from os.urandom
    "platform",
    "ctypes",  # PDFium's binding: the first PDF read
    "kimi_desktop.documents.pdfium",
    "kimi_desktop.images.processing",  # the first image attached
    "kimi_desktop.images.encoding",
)


@pytest.mark.slow
def test_importing_the_app_leaves_out_what_the_first_paint_does_not_need() -> None:
    names = json.dumps(NOT_AT_START)
    script = (
        "import json, sys\n"
        "import kimi_desktop.app\n"
        f"print(json.dumps([n for n in json.loads({names!r}) if n in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
