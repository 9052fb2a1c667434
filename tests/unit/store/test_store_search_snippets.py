"""Snippets mark the same characters whether the text takes the fast path (each character
folds to one of its own, as most text, Chinese included, does) or the careful one."""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest

from kimi_desktop.store import search as search_module
from kimi_desktop.store.search import MATCH_END, MATCH_START, marked_snippet
from kimi_desktop.store.text_fold import fold


def _continues(ch: str) -> bool:
    code = ord(ch)
    return (
        0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
        or unicodedata.category(ch).startswith("M")
    )


def _irregular(ch: str) -> bool:
    if _continues(ch):
        return True
    if unicodedata.is_normalized("NFKC", ch) and ch.casefold() == ch:
        return False  # fold() gives the character back
    folded = fold(ch)
    return _continues(ch) or len(folded) != 1 or _continues(folded)


def test_the_fast_path_knows_every_irregular_character() -> None:
    wrong = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF
        and search_module._folds_char_by_char(chr(code)) == _irregular(chr(code))
    ]
    assert wrong == []


_POOL = [
    *"abcXYZ 模型代码数据，。？！：",
    *("ß", "ﬁ", "İ", "ＡＢ", "ｶ", "ﾞ", "e\u0301", "\u0301", "가", "\u1100\u1161", "🎉", "𝐀"),
    *("\ufe0f", "\U000e0100", "Ω", "ΣΑΣ", "ǅ", "㍿", "①"),
]


def _text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_POOL) for _ in range(length))


@pytest.mark.parametrize("seed", range(6))
def test_fast_and_careful_paths_mark_the_same(seed: int, monkeypatch) -> None:
    rng = random.Random(seed)
    cases = []
    for _ in range(300):
        text = _text(rng, rng.randint(1, 120))
        folded = fold(text)
        start = rng.randrange(len(folded))
        word = folded[start : start + rng.randint(1, 3)].strip()
        cases.append((text, [word] if word else ["a"]))
    fast = [marked_snippet(text, words, window=24) for text, words in cases]
    given = [marked_snippet(text, words, window=24, folded=fold(text)) for text, words in cases]
    assert given == fast  # the folded copy the index keeps spares folding, changes nothing
    monkeypatch.setattr(search_module, "_folds_char_by_char", lambda _text: False)
    careful = [marked_snippet(text, words, window=24) for text, words in cases]
    assert fast == careful


def test_a_late_match_in_long_chinese_text_is_in_its_snippet() -> None:
    text = "模型的训练，数据和代码。" * 800 + "关键词在这里" + "后面还有，很多内容。" * 50
    snippet = marked_snippet(text, ["关键词"], window=64)
    assert f"{MATCH_START}关键词{MATCH_END}" in snippet
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert len(snippet) <= 64 + 4


def test_a_late_match_after_irregular_characters_is_found() -> None:
    text = "Straße ｶﾞ e\u0301 " * 900 + "needle" + " tail" * 40
    snippet = marked_snippet(text, ["needle"], window=40)
    assert f"{MATCH_START}needle{MATCH_END}" in snippet
