"""No ``_()``, ``N_()`` or ``ngettext()`` inside an f-string.

Babel's extractor reads Python 3.11 source with ``tokenize``, which hands it a
whole f-string as one token: a call written inside the braces is never seen, so
its words never reach the catalog and stay English in every language. Such a
call belongs before the f-string, in a variable of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "kimi_desktop"
MARKS = frozenset({"_", "N_", "ngettext"})


def marks_in_fstrings(source: str) -> list[tuple[int, str]]:
    """Line and text of every marking call inside an f-string of ``source``."""
    found: dict[tuple[int, int], str] = {}  # nested f-strings are walked twice
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and inner.func.id in MARKS
            ):
                found[inner.lineno, inner.col_offset] = ast.unparse(inner)
    return [(line, text) for (line, _column), text in sorted(found.items())]


def test_the_check_sees_a_call_in_an_fstring() -> None:
    source = dedent("""
        x = f"<b>{_('Copy')}</b>"
        y = f"{n}: {ngettext('a', 'b', n)}"
        z = _("ok")
    """)

    assert marks_in_fstrings(source) == [(2, "_('Copy')"), (3, "ngettext('a', 'b', n)")]


def test_the_check_allows_a_call_before_the_fstring() -> None:
    source = dedent("""
        label = _("Copy")
        x = f"<b>{label}</b>"
        y = _("{n} done").format(n=f"{n:>3}")
    """)

    assert marks_in_fstrings(source) == []


def test_no_module_marks_a_string_inside_an_fstring() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {text}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in marks_in_fstrings(path.read_text(encoding="utf-8"))
    ]
    if offenders:
        pytest.fail(
            "a call to _(), N_() or ngettext() inside an f-string never reaches the catalog "
            "(Babel reads the f-string as one token); call it before the f-string:\n  "
            + "\n  ".join(offenders),
            pytrace=False,
        )
