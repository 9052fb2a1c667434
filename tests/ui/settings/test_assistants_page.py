"""Settings' Assistants tab: built-in ones read-only, copies and new ones edited, deleted,
and written to assistants.json only on OK."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from itertools import pairwise

import pytest
import shiboken6
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QFormLayout, QLabel, QListView

from kimi_desktop import i18n
from kimi_desktop.services.assistants import AssistantService
from kimi_desktop.settings import BUILT_IN_IDS, AppPaths, Assistant, AssistantStore
from kimi_desktop.ui.settings.assistants_page import AssistantsPage
from kimi_desktop.ui.settings.dialog import SettingsDialog
from kimi_desktop.ui.shell.style import apply_style, is_dark
from tests.ui.settings.driving import cancel, ok, type_into


@pytest.fixture
def assistants(paths: AppPaths) -> AssistantService:
    return AssistantService(AssistantStore(paths, reserved_ids=BUILT_IN_IDS))


@pytest.fixture
def open_dialog(qtbot, service, assistants) -> Iterator[Callable[[], SettingsDialog]]:
    made: list[SettingsDialog] = []

    def make() -> SettingsDialog:
        dialog = SettingsDialog(service, assistants=assistants)
        dialog.show()
        made.append(dialog)
        dialog.tabs.setCurrentWidget(dialog.assistants_page)
        return dialog

    yield make
    for dialog in made:
        dialog.close()
        shiboken6.delete(dialog)
    gc.collect()


def page_of(dialog: SettingsDialog) -> AssistantsPage:
    page = dialog.assistants_page
    assert page is not None
    return page


def listed(page: AssistantsPage) -> list[str]:
    model = page.list_model
    return [model.item(row).text() for row in range(model.rowCount())]


def stored(paths: AppPaths) -> list[dict[str, object]]:
    path = paths.config_dir / "assistants.json"
    return json.loads(path.read_text("utf-8"))["assistants"] if path.exists() else []


def test_the_tab_lists_the_built_ins_read_only(open_dialog) -> None:
    dialog = open_dialog()
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Assistants"
    page = page_of(dialog)
    assert listed(page)[:2] == ["Kimi (built in)", "Screenshot to code (built in)"]
    page.select("screenshot-to-code")
    form = page.form
    assert form.built_in_note.isVisible()
    assert not form.name_edit.isEnabled()
    assert form.prompt_edit.isReadOnly()
    assert "self-contained HTML file" in form.prompt_edit.toPlainText()
    assert not page.delete_button.isEnabled()
    assert page.duplicate_button.isEnabled()


def test_a_copy_of_a_built_in_is_edited_and_saved_on_ok(open_dialog, paths, qtbot) -> None:
    dialog = open_dialog()
    page = page_of(dialog)
    page.select("screenshot-to-code")
    page.duplicate_button.click()

    copy = page.current()
    assert copy is not None
    assert not copy.built_in
    assert listed(page)[len(BUILT_IN_IDS)] == "Screenshot to code (copy)"
    form = page.form
    assert form.name_edit.isEnabled()
    qtbot.waitUntil(form.name_edit.hasFocus)
    type_into(qtbot, form.name_edit, "Screenshot to React")
    form.prompt_edit.setPlainText(copy.system_prompt + "\nAlways answer with React.")
    form.thinking_combo.setCurrentIndex(form.thinking_combo.findData("off"))
    assert listed(page)[len(BUILT_IN_IDS)] == "Screenshot to React"
    assert stored(paths) == []  # nothing written before OK

    ok(dialog)

    [saved] = stored(paths)
    assert saved["name"] == "Screenshot to React"
    assert str(saved["system_prompt"]).endswith("Always answer with React.")
    assert saved["thinking"] == "off"
    assert saved["max_tokens"] == 65_536  # copied from the original
    assert not dialog.isVisible()


def test_new_edit_and_delete(open_dialog, paths, qtbot, assistants) -> None:
    assistants.save([Assistant(id="old-1", name="Old one", system_prompt="Old.")])
    dialog = open_dialog()
    page = page_of(dialog)
    page.new_button.click()
    form = page.form
    type_into(qtbot, form.name_edit, "Haiku poet")
    form.prompt_edit.setPlainText("Answer in a haiku.")
    form.budget_spin.setValue(4_096)
    form.web_search_combo.setCurrentIndex(form.web_search_combo.findData(True))
    form.temperature_spin.setValue(0.9)
    page.select("old-1")
    assert page.delete_button.isEnabled()
    page.delete_button.click()
    assert "Old one" not in listed(page)

    ok(dialog)

    [saved] = stored(paths)
    assert (saved["name"], saved["system_prompt"]) == ("Haiku poet", "Answer in a haiku.")
    assert (saved["max_tokens"], saved["web_search"], saved["temperature"]) == (4_096, True, 0.9)
    assert [a.name for a in assistants.user_assistants()] == ["Haiku poet"]


def test_cancel_discards_every_change(open_dialog, paths, assistants) -> None:
    assistants.save([Assistant(id="old-1", name="Old one")])
    before = (paths.config_dir / "assistants.json").read_bytes()
    dialog = open_dialog()
    page = page_of(dialog)
    page.new_button.click()
    page.select("old-1")
    page.delete_button.click()
    cancel(dialog)
    assert (paths.config_dir / "assistants.json").read_bytes() == before


def test_an_assistant_without_a_name_stops_ok_and_says_why(open_dialog, paths, qtbot) -> None:
    dialog = open_dialog()
    page = page_of(dialog)
    page.new_button.click()
    type_into(qtbot, page.form.name_edit, "")
    assert page.form.problem_label.isVisible()
    assert page.form.problem_label.text() == (
        "This assistant cannot be saved because its name is empty."
    )
    dialog.tabs.setCurrentIndex(0)

    ok(dialog)

    assert dialog.isVisible()
    assert dialog.tabs.currentWidget() is page
    assert "cannot be saved because its name is empty" in dialog.error_label.text()
    assert stored(paths) == []


def test_the_temperature_is_hidden_for_a_model_that_takes_none(open_dialog, qtbot) -> None:
    dialog = open_dialog()
    page = page_of(dialog)
    page.new_button.click()
    form = page.form
    assert form.temperature_spin.isVisible()  # no model: the window's may take one
    form.model_combo.setCurrentText("kimi-k2.5")
    assert not form.temperature_spin.isVisible()
    form.model_combo.setCurrentText("moonshot-v1-8k")
    assert form.temperature_spin.isVisible()


def test_the_settings_dialog_without_assistants_has_no_tab(qtbot, service) -> None:
    dialog = SettingsDialog(service)
    qtbot.addWidget(dialog)
    assert dialog.assistants_page is None
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Endpoints",
        "Preferences",
    ]


def form_labels(form: QFormLayout) -> list[str]:
    labels = []
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        widget = item.widget() if item is not None else None
        if isinstance(widget, QLabel) and widget.text():
            labels.append(widget.text())
    return labels


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_form_is_laid_out_as_the_endpoint_form(open_dialog, qtbot, language) -> None:
    i18n.install(language)
    dialog = open_dialog()
    dialog.resize(940, 620)
    page = page_of(dialog)
    page.select("kimi")
    form = page.form
    qtbot.waitUntil(form.built_in_note.isVisible)

    labels = form_labels(form.fields)
    assert len(labels) == 8
    assert not [label for label in labels if label.endswith((":", "："))]
    assert not [label for label in form_labels(dialog.form.layout()) if label.endswith(":")]
    # The note over the fields takes the lines it shows, no more.
    note = form.built_in_note
    assert note.height() == note.heightForWidth(note.width())


@pytest.fixture
def styled(qapp) -> Iterator[None]:
    """The app's light look, as the window has it; the start-up look again after."""
    apply_style(qapp, dark=False)
    yield
    apply_style(qapp, is_dark("system"))


def row_rects(view: QListView) -> list[QRect]:
    model = view.model()
    return [view.visualRect(model.index(row, 0)) for row in range(model.rowCount())]


def test_list_rows_are_laid_out_with_the_style_sheets_padding(open_dialog, qtbot, styled) -> None:
    dialog = open_dialog()  # opened on the Assistants tab, filled while it was hidden
    view = page_of(dialog).view
    qtbot.waitUntil(view.isVisible)

    rects = row_rects(view)
    assert all(a.bottom() < b.top() for a, b in pairwise(rects)), rects  # none overlaps


def test_the_page_is_styled_as_the_endpoint_page(open_dialog, qtbot, styled) -> None:
    # Needs the #assistantList and #assistantInstructions rules in ui/shell/style.py.
    dialog = open_dialog()
    page = page_of(dialog)
    qtbot.waitUntil(page.view.isVisible)
    assistant_row = row_rects(page.view)[0].height()
    endpoint_row = row_rects(dialog.endpoint_list)[0].height()
    assert assistant_row == endpoint_row, "assistant rows are padded as endpoint rows"

    box = page.form.prompt_edit
    shot = page.form.grab(box.geometry()).toImage()
    corner, edge = shot.pixelColor(0, 0), shot.pixelColor(shot.width() // 2, 0)
    assert corner != edge, "the instructions box has rounded corners, as the line edits"
