"""Catalog hygiene: every shown string is marked, translated, current and well-formed.

The static checks read the source (``ast``), so they see every string whether or
not a test happens to display it; ``tests/ui/test_chinese_window.py`` then walks
the real widgets in Chinese for what a static reading cannot know.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "kimi_desktop"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "kimi_desktop.po"
sys.path.insert(0, str(ROOT / "scripts"))

import update_translations  # noqa: E402

#: Calls that put text on the screen, with the positions of their text arguments
#: (``None``: every positional argument). A literal with letters there must be
#: translated; data arguments (an item's id, a file filter's patterns) are not text.
TEXT_CALLS: dict[str, tuple[int, ...] | None] = {
    **dict.fromkeys(
        (
            "setText",
            "setToolTip",
            "setAccessibleName",
            "setAccessibleDescription",
            "setPlaceholderText",
            "setWindowTitle",
            "setStatusTip",
            "setWhatsThis",
            "setTitle",
            "setSuffix",
            "setPrefix",
            "setSpecialValueText",
            "setHeaderLabels",
            "setLabelText",
            "show_notice",
            "show_message",
            "QLabel",
            "QPushButton",
            "QToolButton",
            "QCheckBox",
            "QRadioButton",
            "QGroupBox",
            "QMenu",
        ),
        None,
    ),
    "showMessage": (0,),
    "Notice": (0,),
    "QAction": (0, 1),
    "addAction": (0, 1),
    "addMenu": (0, 1),
    "addItem": (0, 1),
    "insertItem": (1, 2),
    "addTab": (1, 2),
    "insertTab": (2, 3),
    "setTabText": (1,),
    "addRow": (0,),
    "information": (1, 2),
    "warning": (1, 2),
    "critical": (1, 2),
    "question": (1, 2),
    "getText": (1, 2),
    "getMultiLineText": (1, 2),
    "getItem": (1, 2),
    "getOpenFileNames": (1,),
    "getOpenFileName": (1,),
    "getSaveFileName": (1,),
    "getExistingDirectory": (1,),
}
#: Keyword arguments that carry text, for every call above and the app's errors.
TEXT_KEYWORDS = {"text", "message", "title", "label", "caption", "tooltip"}
#: Two letters in a row: a word someone would read (a lone "+" or "×" is not).
LETTERS = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _python_files() -> Iterator[Path]:
    yield from sorted(PACKAGE.rglob("*.py"))


def _app_error_classes() -> set[str]:
    """The package's own exceptions, whose messages a person reads."""
    names: set[str] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith(
                ("Error", "Rejected", "Unavailable", "NotSaved")
            ):
                names.add(node.name)
    return names


def _is_marked(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "N_", "ngettext")
    )


def _unmarked_text(node: ast.AST) -> str | None:
    """The English a literal would show, or ``None`` when it shows none."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if LETTERS.search(node.value) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return text if LETTERS.search(text) else None
    if isinstance(node, ast.BinOp):  # "a" + "b", "%s" % x
        return _unmarked_text(node.left) or _unmarked_text(node.right)
    if isinstance(node, ast.IfExp):
        return _unmarked_text(node.body) or _unmarked_text(node.orelse)
    return None


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _text_arguments(call: ast.Call, name: str, errors: set[str]) -> list[ast.expr]:
    positions = (0,) if name in errors else TEXT_CALLS[name]
    positional = [
        argument
        for index, argument in enumerate(call.args)
        if positions is None or index in positions
    ]
    return positional + [k.value for k in call.keywords if k.arg in TEXT_KEYWORDS]


def _offenders() -> list[str]:
    errors = _app_error_classes()
    found: list[str] = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            if name is None or (name not in TEXT_CALLS and name not in errors):
                continue
            for argument in _text_arguments(node, name, errors):
                if _is_marked(argument):
                    continue
                text = _unmarked_text(argument)
                if text is not None:
                    where = path.relative_to(ROOT)
                    found.append(f"{where}:{argument.lineno}: {name}({text!r})")
    return found


def test_every_shown_string_is_marked_for_translation() -> None:
    offenders = _offenders()
    assert not offenders, "wrap these in _() (or N_() for constants):\n" + "\n".join(offenders)


def _module_level_calls(tree: ast.Module) -> Iterator[ast.Call]:
    """Calls evaluated on import: outside every function and lambda body."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                stack.extend([*child.decorator_list, *child.args.defaults])
                stack.extend(d for d in child.args.kw_defaults if d is not None)
                continue
            if isinstance(child, ast.Lambda):
                continue
            if isinstance(child, ast.Call):
                yield child
            stack.append(child)


def test_nothing_is_translated_at_import_time() -> None:
    """A ``_()`` run on import would use the language before it is chosen."""
    offenders = []
    for path in _python_files():
        if path.name == "i18n.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _module_level_calls(tree):
            if isinstance(call.func, ast.Name) and call.func.id in ("_", "ngettext"):
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not offenders, "use N_() for constants and _() where shown:\n" + "\n".join(offenders)


def test_the_committed_catalogs_match_the_source() -> None:
    assert update_translations.main(["--check"]) == 0


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as fp:
        return read_po(fp, locale="zh_CN")


def test_every_entry_has_a_chinese_translation() -> None:
    missing = [
        message.id
        for message in _catalog()
        if message.id
        and (not message.string or (isinstance(message.string, tuple) and not all(message.string)))
    ]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_placeholders_are_the_same_in_both_languages() -> None:
    wrong = []
    for message in _catalog():
        if not message.id or not message.string:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(sources[-1]))
        for target in targets:
            if target and set(PLACEHOLDER.findall(target)) != expected:
                wrong.append(f"{sources[0]!r} -> {target!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("catalog_language", update_translations.LANGUAGES)
def test_each_catalog_loads(catalog_language: str) -> None:
    from kimi_desktop import i18n

    try:
        assert i18n.install(catalog_language) == catalog_language
    finally:
        i18n.install("en")
