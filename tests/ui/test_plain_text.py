"""Tooltips built from people's and models' text show the characters, never markup."""

from __future__ import annotations

import pytest
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument

from kimi_desktop.ui.plain_text import (
    MAX_TOOLTIP_CHARS,
    MAX_TOOLTIP_LINES,
    marked_tooltip,
    one_line,
    plain_tooltip,
)

HOSTILE = [
    "<b>bold</b>",
    '<img src="file:///etc/passwd">',
    "<a href='https://evil.example'>click</a>",
    "<qt>starts like rich text",
    "5 < 6 && 7 > 3 &amp; &lt;",
    "<!-- comment --> <style>*{color:red}</style>",
    "line one\n  indented line two",
    "plain words",
]


def shown(tooltip: str) -> str:
    """What Qt draws for ``tooltip``: it renders rich text when it guesses the text is."""
    if not GuiQt.mightBeRichText(tooltip):
        return tooltip
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_tooltips_show_the_text_itself(text: str) -> None:
    assert shown(plain_tooltip(text)) == text


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01"])
def test_no_text_means_no_tooltip(text: str) -> None:
    assert plain_tooltip(text) == ""
    assert marked_tooltip(text) == ""


def test_control_characters_are_dropped_but_line_breaks_kept() -> None:
    assert shown(plain_tooltip("a\x00b\x1bc\x7f\td\ne")) == "abc\td\ne"


def test_long_text_is_capped() -> None:
    tooltip = plain_tooltip("<x>" + "y" * 100_000)
    text = shown(tooltip)
    assert text.startswith("<x>yyy")
    assert text.endswith("…")
    assert len(text) == MAX_TOOLTIP_CHARS
    assert len(tooltip) < 2 * MAX_TOOLTIP_CHARS


def test_many_lines_are_capped() -> None:
    text = shown(plain_tooltip("\n".join(f"line {i}" for i in range(1000))))
    assert text.count("\n") == MAX_TOOLTIP_LINES - 1
    assert text.endswith("…")


def test_snippet_matches_are_bold_and_the_rest_is_text() -> None:
    tooltip = marked_tooltip("say \x02<b>hi</b>\x03 to \x02<i>\x03 you")
    document = QTextDocument()
    document.setHtml(tooltip)
    assert document.toPlainText() == "say <b>hi</b> to <i> you"
    bold = []
    block = document.begin()
    for item in block:
        fragment = item.fragment()
        if fragment.charFormat().fontWeight() > 500:
            bold.append(fragment.text())
    assert bold == ["<b>hi</b>", "<i>"]


def test_unbalanced_marks_still_make_a_tooltip() -> None:
    assert shown(marked_tooltip("\x03a \x02b")) == "a b"
    assert shown(marked_tooltip("\x02" + "z" * 10_000)).endswith("…")


def test_one_line() -> None:
    assert one_line("a\n\n b\tc\x00d  ", limit=100) == "a b c d"
    assert one_line("x" * 10_000, limit=200) == "x" * 199 + "…"
    assert one_line("", limit=10) == ""


def test_a_short_plain_line_stays_as_it_is() -> None:
    assert plain_tooltip("Remove drop.png") == "Remove drop.png"
    assert plain_tooltip("a < b") == "a < b"  # Qt reads it as plain: nothing to escape
