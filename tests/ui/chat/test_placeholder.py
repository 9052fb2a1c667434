"""The empty chat: assistant chips (mouse and keyboard), starter prompt cards, and what
is dropped when the view is short."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kimi_desktop.services.assistants import starter_prompts
from kimi_desktop.settings import Assistant, built_in_assistants
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.placeholder import MAX_CHIPS, ChatPlaceholder


@pytest.fixture
def placeholder(qtbot) -> ChatPlaceholder:
    widget = ChatPlaceholder()
    qtbot.addWidget(widget)
    widget.apply_style(MessageStyle.for_dark(False))
    widget.set_assistants(built_in_assistants(), "kimi")
    widget.resize(900, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def chips(placeholder: ChatPlaceholder) -> list[QPushButton]:
    shown = placeholder.chip_buttons()
    assert all(chip.objectName() == "assistantChip" for chip in shown)
    return shown


def cards(placeholder: ChatPlaceholder) -> list[QPushButton]:
    return placeholder.findChildren(QPushButton, "starterPrompt")


def test_every_assistant_is_a_chip_and_the_chosen_one_is_checked(placeholder) -> None:
    names = [chip.text() for chip in chips(placeholder)]
    assert names == [a.name for a in built_in_assistants()]
    assert [c.isChecked() for c in chips(placeholder)] == [n == "Kimi" for n in names]
    screenshot = placeholder.chip("screenshot-to-code")
    assert screenshot is not None
    assert screenshot.accessibleName() == "Screenshot to code"
    assert "HTML file" in screenshot.toolTip()
    assert "Ask Kimi anything" in placeholder.text()


def test_a_click_asks_for_the_assistant_and_the_check_follows_the_answer(
    placeholder, qtbot
) -> None:
    screenshot = placeholder.chip("screenshot-to-code")
    with qtbot.waitSignal(placeholder.assistant_chosen) as chosen:
        qtbot.mouseClick(screenshot, Qt.MouseButton.LeftButton)
    assert chosen.args == ["screenshot-to-code"]
    assert not screenshot.isChecked()  # not until the presenter says so
    placeholder.set_assistants(built_in_assistants(), "screenshot-to-code")
    assert screenshot.isChecked()
    assert placeholder.chip("screenshot-to-code") is screenshot  # same list: not rebuilt


def test_the_chips_and_cards_are_reached_and_pressed_with_the_keyboard(placeholder, qtbot) -> None:
    first = chips(placeholder)[0]
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    second = chips(placeholder)[1]
    qtbot.waitUntil(second.hasFocus)
    with qtbot.waitSignal(placeholder.assistant_chosen) as chosen:
        qtbot.keyClick(second, Qt.Key.Key_Space)
    assert chosen.args == ["screenshot-to-code"]

    card = cards(placeholder)[0]
    card.setFocus()
    qtbot.waitUntil(card.hasFocus)
    with qtbot.waitSignal(placeholder.starter_chosen) as started:
        qtbot.keyClick(card, Qt.Key.Key_Space)
    assert started.args == [starter_prompts()[0]]


def test_the_screenshot_starter_says_it_wants_a_file(placeholder, qtbot) -> None:
    card = next(c for c in cards(placeholder) if c.text() == "Turn this screenshot into code")
    with qtbot.waitSignal(placeholder.starter_chosen) as started:
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    [starter] = started.args
    assert (starter.assistant_id, starter.attach) == ("screenshot-to-code", True)
    assert [c.text() for c in cards(placeholder)] == [s.title for s in starter_prompts()]


def test_many_assistants_leave_the_rest_to_a_menu(placeholder, qtbot) -> None:
    mine = [Assistant(id=f"mine-{i}", name=f"Mine {i}") for i in range(5)]
    placeholder.set_assistants([*built_in_assistants(), *mine], "mine-4")
    assert len(chips(placeholder)) == MAX_CHIPS
    more = placeholder.more_button
    assert more.isVisible()
    actions = more.menu().actions()
    assert [a.text() for a in actions] == [
        a.name for a in [*built_in_assistants(), *mine][MAX_CHIPS:]
    ]
    assert [a.isChecked() for a in actions] == [a.data() == "mine-4" for a in actions]
    with qtbot.waitSignal(placeholder.assistant_chosen) as chosen:
        actions[0].trigger()
    assert chosen.args == [actions[0].data()]


def test_a_short_view_drops_the_hint_then_the_title_then_the_cards(placeholder, qtbot) -> None:
    def shown() -> tuple[bool, ...]:
        parts = (placeholder._subtitle, placeholder._title, placeholder.starters)
        return (*(part.isVisible() for part in parts), placeholder.chips.isVisible())

    in_order = [
        (True, True, True, True),
        (False, True, True, True),
        (False, False, True, True),
        (False, False, False, True),
    ]
    seen: list[tuple[bool, ...]] = []
    for height in range(640, 20, -10):
        placeholder.resize(900, height)
        qtbot.waitUntil(lambda h=height: placeholder.height() == h)
        if not seen or seen[-1] != shown():
            seen.append(shown())
    assert seen[0] == in_order[0]
    assert seen[-1] == in_order[-1]  # the chips stay, however short
    assert seen == [state for state in in_order if state in seen]  # dropped in this order
    placeholder.resize(900, 640)
    qtbot.waitUntil(lambda: shown() == in_order[0])
