"""PySide6's check of each imported module gives the same answers without reading
the source into memory for good."""

from __future__ import annotations

import json
import linecache
import sys
from types import ModuleType

import kimi_desktop.ui.runtime.first_paint as uses_qt
import kimi_desktop.ui.runtime.module_scan as module_scan
from kimi_desktop import i18n as no_qt
from kimi_desktop.ui.runtime.module_scan import install, quick_check


def _never(module: ModuleType) -> bool:
    raise AssertionError(f"{module.__name__} has a source file: no fallback needed")


def test_the_answer_is_whether_the_source_mentions_pyside() -> None:
    check = quick_check(_never)
    assert check(uses_qt) is True
    assert check(no_qt) is False
    assert check(json) is False  # the standard library's own source files


def test_no_source_lines_are_kept() -> None:
    linecache.clearcache()
    quick_check(_never)(uses_qt)
    assert uses_qt.__file__ not in linecache.cache


def test_modules_without_a_source_file_get_pysides_own_answer() -> None:
    asked: list[str] = []

    def fallback(module: ModuleType) -> bool:
        asked.append(module.__name__)
        return False

    check = quick_check(fallback)
    assert check(sys) is False  # built in: no file at all
    assert asked == ["sys"]


def test_installing_replaces_pysides_check_once() -> None:
    feature = sys.modules[module_scan._FEATURE_MODULE]
    assert install() is True  # this PySide6 has the check (the app imported this already)
    installed = getattr(feature, module_scan._CHECK)
    assert getattr(installed, "quick", False)
    assert install() is True
    assert getattr(feature, module_scan._CHECK) is installed  # not wrapped twice
