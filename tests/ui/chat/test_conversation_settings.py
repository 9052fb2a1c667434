"""The conversation's settings in one dialog: each row as the model allows, and what OK says."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from kimi_desktop import i18n
from kimi_desktop.domain import ThinkingMode
from kimi_desktop.services.presenter import ConversationSettings
from kimi_desktop.ui.chat.conversation_settings import ConversationSettingsDialog


@pytest.fixture
def open_dialog(qtbot):
    parents: list[QWidget] = []  # held, so the dialogs live until the test ends

    def make(settings: ConversationSettings) -> ConversationSettingsDialog:
        parent = QWidget()
        qtbot.addWidget(parent)
        parents.append(parent)
        dialog = ConversationSettingsDialog(settings, parent)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


K2_5 = ConversationSettings(
    system_prompt="Be brief.",
    max_tokens=8_192,
    thinking=True,
    thinking_mode=ThinkingMode.SWITCHABLE,
    web_search=False,
    web_search_available=True,
    temperature=0.3,
    temperature_accepted=False,
)


def test_everything_for_k2_5_is_in_one_place_but_the_temperature(open_dialog) -> None:
    dialog = open_dialog(K2_5)
    assert dialog.system_prompt.toPlainText() == "Be brief."
    assert dialog.budget.value() == 8_192
    assert dialog.thinking_check.isVisible()
    assert dialog.thinking_check.isChecked()
    assert not dialog.effort_combo.isVisible()
    assert dialog.web_search_check.isVisible()
    assert not dialog.temperature.isVisible()  # K2.5 refuses any temperature but its own
    assert dialog.form.labelForField(dialog.temperature) is None
    assert dialog.chosen_settings() == K2_5  # nothing touched: nothing changes


def test_ok_hands_over_every_edit(open_dialog, qtbot) -> None:
    dialog = open_dialog(K2_5)
    dialog.system_prompt.setPlainText("Answer in French.")
    dialog.budget.setValue(0)  # the lowest step: the default
    dialog.thinking_check.setChecked(False)
    dialog.web_search_check.setChecked(True)
    with (
        qtbot.waitSignal(dialog.conversation_settings_chosen) as chosen,
        qtbot.waitSignal(dialog.settings_chosen) as short,
    ):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    [settings] = chosen.args
    assert settings.system_prompt == "Answer in French."
    assert settings.max_tokens is None
    assert settings.thinking is False
    assert settings.web_search is True
    assert settings.temperature == 0.3  # hidden, so kept as it was
    assert short.args == ["Answer in French.", None]


def test_a_model_that_takes_a_temperature_shows_it(open_dialog) -> None:
    dialog = open_dialog(
        ConversationSettings(thinking_mode=ThinkingMode.NONE, temperature_accepted=True)
    )
    assert dialog.temperature.isVisible()
    assert dialog.temperature.text() == "Model's default"
    assert not dialog.thinking_check.isVisible()
    assert not dialog.web_search_check.isVisible()  # the endpoint runs no search
    assert dialog.chosen_temperature() is None
    dialog.temperature.setValue(0.0)  # zero is a temperature, not "none"
    assert dialog.chosen_temperature() == 0.0
    dialog.temperature.setValue(0.7)
    assert dialog.chosen_settings().temperature == 0.7


def test_an_effort_model_offers_its_levels(open_dialog) -> None:
    dialog = open_dialog(
        ConversationSettings(thinking_mode=ThinkingMode.EFFORT, effort="low", thinking=None)
    )
    assert dialog.effort_combo.isVisible()
    assert not dialog.thinking_check.isVisible()
    assert dialog.effort_combo.currentText() == "Low"
    dialog.effort_combo.setCurrentIndex(dialog.effort_combo.findData("max"))
    assert (dialog.chosen_settings().thinking, dialog.chosen_settings().effort) == (None, "max")
    dialog.effort_combo.setCurrentIndex(0)
    assert dialog.chosen_settings().effort is None


@pytest.mark.parametrize(
    ("mode", "note"),
    [
        (ThinkingMode.ALWAYS, "Always on for this model."),
        (ThinkingMode.UNKNOWN, "The server decides whether this model thinks first."),
    ],
)
def test_a_model_that_decides_itself_says_so(open_dialog, mode, note) -> None:
    dialog = open_dialog(ConversationSettings(thinking_mode=mode, thinking=True))
    assert dialog.thinking_note.isVisible()
    assert dialog.thinking_note.text() == note
    assert dialog.chosen_settings().thinking is True


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_rows_are_labelled_without_colons_and_the_hint_fits_its_lines(
    open_dialog, language
) -> None:
    i18n.install(language)
    dialog = open_dialog(replace(K2_5, temperature_accepted=True))
    form = dialog.form
    labels = [
        item.widget().text()
        for row in range(form.rowCount())
        if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
        and isinstance(item.widget(), QLabel)
        and item.widget().text()
    ]

    assert len(labels) == 5
    assert not [label for label in labels if label.endswith((":", "："))]
    hint = dialog.findChild(QLabel, "outputBudgetHint")
    assert hint.height() == hint.heightForWidth(hint.width())
