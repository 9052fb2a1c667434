"""The shell's look tests switch the application's style; each puts the old one back."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kimi_desktop.ui.shell.style import apply_style


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[Callable[[bool], None]]:
    """``themed(dark)`` applies the light or dark style; the old look comes back after."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    yield lambda dark: apply_style(qapp, dark)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
