"""The welcome page keeps its card whole when a longer note arrives after it is shown."""

from __future__ import annotations

from kimi_desktop.settings.secrets import NO_KEYRING_MESSAGE
from kimi_desktop.ui.shell.welcome import WelcomePage


def test_a_long_key_storage_note_arriving_late_is_shown_whole(qtbot) -> None:
    page = WelcomePage()
    qtbot.addWidget(page)
    page.resize(920, 780)
    page.show()
    qtbot.waitExposed(page)
    fields_before = page.key_edit.height()

    page.set_key_storage(False, NO_KEYRING_MESSAGE)  # the keyring answered: there is none

    note = page.storage_note
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()))
    assert page.key_edit.height() == fields_before  # the form was not squeezed to make room
