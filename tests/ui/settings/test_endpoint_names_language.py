"""Built-in endpoints follow the window's language after a switch; a renamed one keeps its name.

The whole app as ``app.build`` makes it, started twice on one home folder: first
in English, where the language is switched in Preferences, then in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox

from kimi_desktop import i18n
from kimi_desktop.app import AppParts, build
from kimi_desktop.ui.settings.dialog import SettingsDialog
from tests.ui.app_driver import shut_down
from tests.ui.settings.driving import names, ok, select, type_into

MakeApp = Callable[[], AppParts]


@pytest.fixture
def make_app(qapp, qloop, tmp_path: Path) -> Iterator[MakeApp]:
    """``make_app()``: the app on one home folder, no endpoint from the environment."""
    built: list[AppParts] = []

    def make() -> AppParts:
        parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(tmp_path / "home")})
        parts.window.show()
        built.append(parts)
        return parts

    yield make
    for parts in built:
        shut_down(qloop, parts)


def open_settings(parts: AppParts) -> SettingsDialog:
    parts.window.settings_requested.emit()
    dialogs = [d for d in parts.window.findChildren(SettingsDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def picker_items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_built_in_names_follow_a_language_switch_and_typed_names_stay(
    make_app: MakeApp, qtbot, qloop
) -> None:
    english = make_app()
    assert i18n.language() == "en"
    dialog = open_settings(english)
    select(dialog, "Moonshot AI (China)")
    type_into(qtbot, dialog.form.name_edit, "My Moonshot")
    language = dialog.findChild(QComboBox, "preference_language")
    language.setCurrentIndex(language.findData("zh_CN"))
    ok(dialog)
    shut_down(qloop, english)

    chinese = make_app()  # the language takes effect at the next start

    assert i18n.language() == "zh_CN"
    picker = picker_items(chinese.window.top_bar.endpoint_picker)
    assert picker[:3] == ["Moonshot AI（国际）", "My Moonshot", "Moonshot AI（Anthropic 格式）"]
    assert "本地服务器（OpenAI 兼容）" in picker
    assert names(open_settings(chinese)) == picker
