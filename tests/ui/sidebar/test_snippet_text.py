"""A search snippet on one line: marks become runs (never text), cut around the match."""

from __future__ import annotations

import unicodedata

import pytest

from kimi_desktop.ui.plain_text import ELLIPSIS
from kimi_desktop.ui.sidebar.snippet_text import Run, fit_runs, plain_text, snippet_runs

S, E = "\x02", "\x03"


def width(text: str, match: bool) -> float:
    """One unit per character, wide (CJK) ones two, matches a little wider (bold)."""
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return units * (1.2 if match else 1.0)


def shown(runs: list[Run]) -> str:
    return "".join(f"[{r.text}]" if r.match else r.text for r in runs)


def test_marks_become_runs_and_never_text() -> None:
    runs = snippet_runs(f"see {S}alert{E} and {S}more{E}!")
    assert runs == [
        Run("see ", False),
        Run("alert", True),
        Run(" and ", False),
        Run("more", True),
        Run("!", False),
    ]
    assert S not in plain_text(runs)
    assert E not in plain_text(runs)


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (f"line one\nline {S}two{E}\r\n\tend", "line one line [two] end"),
        (f"  {S}start{E}  ", "[start]"),
        (f"a\x00b\x1bc {S}x\x07y{E}", "a b c [x y]"),
        (f"{S}{E}nothing marked", "nothing marked"),
        (f"unbalanced {S}match", "unbalanced [match]"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_one_line_whatever_the_snippet_holds(snippet: str, expected: str) -> None:
    runs = snippet_runs(snippet)
    assert shown(runs) == expected
    assert all("\n" not in r.text and S not in r.text and E not in r.text for r in runs)


def test_a_snippet_that_fits_is_left_alone() -> None:
    runs = snippet_runs(f"a {S}b{E} c")
    assert fit_runs(runs, 100, width) == runs


def test_a_late_match_stays_in_view_with_a_little_text_before_it() -> None:
    runs = snippet_runs(f"{'word ' * 12}the {S}needle{E} and then a lot more text after it")
    fitted = fit_runs(runs, 30, width)
    text = shown(fitted)
    assert text.startswith(ELLIPSIS)
    assert "[needle]" in text
    assert text.endswith(ELLIPSIS)
    assert sum(width(r.text, r.match) for r in fitted) <= 30
    # Some of what leads up to the match is kept, whole words, no more than its share.
    lead = text.split("[needle]")[0]
    assert lead == f"{ELLIPSIS}the "


def test_an_early_match_is_cut_at_the_right_only() -> None:
    runs = snippet_runs(f"the {S}needle{E} {'and more words ' * 5}")
    text = shown(fit_runs(runs, 20, width))
    assert text.startswith("the [needle]")
    assert text.endswith(ELLIPSIS)


def test_a_match_wider_than_the_line_is_cut_with_an_ellipsis() -> None:
    runs = snippet_runs(f"x {S}{'m' * 50}{E} y")
    fitted = fit_runs(runs, 20, width)
    assert fitted[-1] == Run(ELLIPSIS, False)
    assert any(r.match and r.text.startswith("mmm") for r in fitted)
    assert sum(width(r.text, r.match) for r in fitted) <= 20


def test_chinese_snippets_are_cut_by_what_fits() -> None:
    runs = snippet_runs(f"…答，讨论了{S}模型{E}的训练和代码的结构，还有更多的内容在这里。")
    fitted = fit_runs(runs, 24, width)
    text = shown(fitted)
    assert "[模型]" in text
    assert text.endswith(ELLIPSIS)
    assert sum(width(r.text, r.match) for r in fitted) <= 24


def test_a_cut_never_separates_a_letter_from_its_accent() -> None:
    decomposed = unicodedata.normalize("NFD", "café crème brûlée ") * 4
    runs = snippet_runs(f"{decomposed}{S}match{E}{decomposed}")
    for limit in range(12, 40):
        for run in fit_runs(runs, limit, width):
            body = run.text.strip(ELLIPSIS + " ")
            if body:
                assert unicodedata.category(body[0]) != "Mn", (limit, run)
