"""The window fits the screen it opens on, however large it was saved."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect

from kimi_desktop.ui.shell.main_window import DEFAULT_SIZE


def _inside(inner: QRect, outer: QRect) -> bool:
    return outer.contains(inner.topLeft()) and outer.contains(inner.bottomRight())


def test_the_first_window_fits_the_free_area(server, make_app) -> None:
    """As far as the window can shrink (the offscreen screen is 800 px square)."""
    window = make_app(server).window
    free = window.screen().availableGeometry()
    assert window.width() <= max(min(DEFAULT_SIZE.width(), free.width()), window.minimumWidth())
    assert window.height() <= min(DEFAULT_SIZE.height(), free.height())


def test_a_geometry_saved_on_a_larger_screen_is_brought_back(server, make_app) -> None:
    window = make_app(server).window
    free = window.screen().availableGeometry()
    window.setGeometry(
        free.right() - 100, free.bottom() - 50, free.width() + 900, free.height() + 700
    )
    saved = bytes(window.saveGeometry().toBase64().data()).decode("ascii")
    window.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))
    window.fit_to_screen()
    assert window.width() <= max(free.width(), window.minimumWidth())
    assert window.height() <= free.height()
    assert window.frameGeometry().top() >= free.top()
    assert window.frameGeometry().bottom() <= free.bottom()
    if window.minimumWidth() <= free.width():
        assert _inside(window.frameGeometry(), free)
