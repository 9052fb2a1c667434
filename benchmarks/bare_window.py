"""The bare window the whole-process start-up figure is compared with.

``python benchmarks/bare_window.py`` with ``KIMI_DESKTOP_STARTUP_REPORT`` set
shows a plain ``QMainWindow`` holding one ``QTextBrowser`` and writes the same
report the app writes (:mod:`kimi_desktop.ui.runtime.startup_report`), at the
first idle turn after its first paint. It then runs until it is terminated.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow, QTextBrowser

from kimi_desktop.ui.runtime.startup_report import REPORT_VARIABLE, StartupReport


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare")
    window.setCentralWidget(QTextBrowser())
    window.resize(1100, 760)
    StartupReport(window, Path(os.environ[REPORT_VARIABLE]))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
