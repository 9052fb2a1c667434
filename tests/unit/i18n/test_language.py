"""Choosing the interface language and loading its catalog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kimi_desktop import i18n


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    i18n.install("en")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_SG.UTF-8"}, "zh_CN"),
        ({"LC_ALL": "zh_CN.GB18030", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "zh_CN:en_US", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_TW.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_the_system_choice_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    assert i18n.resolve("system", environ) == expected


def test_an_explicit_choice_wins_over_the_locale() -> None:
    assert i18n.resolve("en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.resolve("zh_CN", {"LANG": "en_US.UTF-8"}) == "zh_CN"


def test_chinese_is_installed_and_english_restored() -> None:
    assert i18n.install("zh_CN") == "zh_CN"
    assert i18n.language() == "zh_CN"
    assert i18n.install("en") == "en"
    assert i18n._("Send") == "Send"


def test_an_unknown_language_falls_back_to_english() -> None:
    assert i18n.install("xx") == "en"
    assert i18n.language() == "en"


def test_marking_does_not_translate() -> None:
    i18n.install("zh_CN")
    assert i18n.N_("Send") == "Send"


def test_a_damaged_catalog_leaves_the_window_in_english(monkeypatch, tmp_path) -> None:
    broken = tmp_path / "zh_CN" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "kimi_desktop.mo").write_bytes(b"\xde\x12\x04\x95 not a catalog")

    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n.install("zh_CN") == "en"
    assert i18n._("Send") == "Send"


def test_a_missing_catalog_leaves_the_window_in_english(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n.install("zh_CN") == "en"
    assert i18n.language() == "en"


def test_the_catalogs_are_found_beside_the_package() -> None:
    # Where the packaging puts them too: _internal/kimi_desktop/locale in the bundle.
    assert i18n.catalog_path("zh_CN").is_file()
    assert i18n.catalog_path("zh_CN").parts[-4:] == (
        "locale",
        "zh_CN",
        "LC_MESSAGES",
        "kimi_desktop.mo",
    )
