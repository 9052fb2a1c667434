"""What counts as something to send."""

from __future__ import annotations

import pytest

from kimi_desktop.domain import Draft, NewAttachment, has_visible_text


@pytest.mark.parametrize("text", ["a", " x ", "\u200bhi", "中文", "🙂", "\u0301e"])
def test_visible_text_is_seen(text: str) -> None:
    assert has_visible_text(text)


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\t", "\u200b", "\ufeff\u2060", "\u3164", "\u00a0\u3000", "\u202e"]
)
def test_invisible_text_is_not(text: str) -> None:
    assert not has_visible_text(text)
    assert Draft(text).is_empty


def test_an_attachment_makes_a_draft_worth_sending() -> None:
    image = NewAttachment("image/png", b"\x89PNG", 1, 1)
    assert not Draft("\u200b", (image,)).is_empty
