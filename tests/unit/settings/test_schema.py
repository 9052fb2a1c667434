import pytest

from kimi_desktop.settings import SETTINGS, Preferences, setting


def test_defaults() -> None:
    prefs = Preferences()

    assert prefs.theme == "system"
    assert 8 <= prefs.font_size <= 32
    assert prefs.send_shortcut == "enter"
    assert prefs.reasoning_expanded is True
    assert prefs.store_keys_in_file is False


def test_every_preference_is_declared_once_with_what_the_dialog_needs() -> None:
    names = [spec.name for spec in SETTINGS]

    assert names == [
        "theme",
        "font_size",
        "language",
        "send_shortcut",
        "reasoning_expanded",
        "generate_titles",
        "store_keys_in_file",
    ]
    for spec in SETTINGS:
        assert spec.title
        assert spec.description
        assert spec.section
        assert spec.default == getattr(Preferences(), spec.name)
    assert [c for c, _ in setting("theme").choices] == ["system", "light", "dark"]
    assert [c for c, _ in setting("send_shortcut").choices] == ["enter", "ctrl_enter"]
    assert setting("language").choices == (
        ("system", "Same as the system"),
        ("en", "English"),
        ("zh_CN", "简体中文"),
    )
    assert setting("font_size").kind == "int"
    assert setting("font_size").minimum == 8
    assert setting("font_size").maximum == 32
    assert setting("reasoning_expanded").kind == "bool"
    assert "unencrypted" in setting("store_keys_in_file").description


def test_construction_rejects_invalid_values() -> None:
    with pytest.raises(ValueError, match="Theme"):
        Preferences(theme="blue")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Font size"):
        Preferences(font_size=200)
    with pytest.raises(ValueError, match="on or off"):
        Preferences(reasoning_expanded=1)  # type: ignore[arg-type]


def test_with_value_validates() -> None:
    prefs = Preferences().with_value("theme", "dark")

    assert prefs.theme == "dark"
    with pytest.raises(ValueError, match="Send with"):
        prefs.with_value("send_shortcut", "space")
    with pytest.raises(KeyError):
        prefs.with_value("nope", 1)


def test_from_dict_keeps_good_values_and_ignores_unknown_names() -> None:
    prefs, warnings = Preferences.from_dict(
        {"theme": "dark", "font_size": 14, "send_shortcut": "ctrl_enter", "future": 1}
    )

    assert (prefs.theme, prefs.font_size, prefs.send_shortcut) == ("dark", 14, "ctrl_enter")
    assert warnings == []


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("theme", "blue", "system"),
        ("theme", 3, "system"),
        ("font_size", "big", 11),
        ("font_size", True, 11),
        ("font_size", 12.5, 11),
        ("send_shortcut", None, "enter"),
        ("reasoning_expanded", "yes", True),
        ("reasoning_expanded", 0, True),
        ("store_keys_in_file", "true", False),
    ],
)
def test_wrong_types_fall_back_to_defaults_with_a_warning(
    name: str, value: object, expected: object
) -> None:
    prefs, warnings = Preferences.from_dict({name: value})

    assert getattr(prefs, name) == expected
    assert len(warnings) == 1
    assert setting(name).title in warnings[0]
    assert "default" in warnings[0]


def test_numbers_out_of_range_are_clamped() -> None:
    low, low_warnings = Preferences.from_dict({"font_size": 1})
    high, high_warnings = Preferences.from_dict({"font_size": 500})

    assert low.font_size == setting("font_size").minimum
    assert high.font_size == setting("font_size").maximum
    assert len(low_warnings) == len(high_warnings) == 1


def test_to_dict_round_trip() -> None:
    prefs = Preferences(theme="light", font_size=16, reasoning_expanded=False)

    assert Preferences.from_dict(prefs.to_dict()) == (prefs, [])
