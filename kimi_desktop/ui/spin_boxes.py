"""Spin boxes whose text sits where a line edit's does.

The style sheet pads inputs by 8 px, but a spin box's text field ignores its
box's padding under Fusion and starts at the border; a text margin on the field
lines it up with the line edits and pickers beside it.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QAbstractSpinBox

_Spin = TypeVar("_Spin", bound=QAbstractSpinBox)

#: Where a line edit's text starts inside its border: 8 px of padding, 1 px of the
#: field's frame and its 2 px text margin (measured by the style test).
TEXT_INDENT = 9


def indented(spin: _Spin) -> _Spin:
    """``spin``, its text moved off the border to match the other inputs."""
    field = spin.lineEdit()
    if field is not None:
        field.setTextMargins(TEXT_INDENT, 0, 0, 0)
    return spin
