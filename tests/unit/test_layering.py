"""Layering rules import-linter cannot state (it only forbids whole external packages)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "kimi_desktop"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", ["services", "settings", "render", "images", "documents"])
def test_layers_below_the_ui_never_import_widgets(layer: str) -> None:
    """Services too: the presenter and the draft's images are tested without a window."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / layer).rglob("*.py")
        if any(m.startswith("PySide6.QtWidgets") for m in _imported_modules(path))
    ]
    assert not offenders
