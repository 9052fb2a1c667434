"""Code a streaming message is about to show is highlighted ahead, one block a call."""

from __future__ import annotations

import pytest

from kimi_desktop.render.highlight import CodeHighlighter
from kimi_desktop.render.incremental import IncrementalMarkdown
from kimi_desktop.render.markdown import MarkdownRenderer


@pytest.fixture
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()  # a fresh one: nothing highlighted yet


@pytest.fixture
def lexed(monkeypatch) -> list[str]:
    """The code the highlighter lexes (a cached block is not lexed again)."""
    codes: list[str] = []
    spans = CodeHighlighter._spans

    def counting_spans(self, tokens):
        tokens = list(tokens)
        codes.append("".join(value for _, value in tokens))
        return spans(self, tokens)

    monkeypatch.setattr(CodeHighlighter, "_spans", counting_spans)
    return codes


def test_the_open_block_closed_by_queued_text_is_highlighted_before_it_is_shown(renderer, lexed):
    markdown = IncrementalMarkdown(renderer, "Intro.\n\n```python\nimport os\n")
    markdown.html(streaming=True)
    assert not lexed  # open: shown plain

    upcoming = "print(os.sep)\n```\n\nAfter.\n"
    assert markdown.lex_ahead(upcoming)
    assert lexed == ["import os\nprint(os.sep)"]
    assert not markdown.lex_ahead(upcoming)  # nothing more to do for this text

    markdown.append(upcoming)
    assert markdown.html(streaming=True) == renderer.render(markdown.text)
    assert len(lexed) == 1  # the flush showing it found it highlighted


def test_blocks_opening_and_closing_in_queued_text_are_lexed_one_a_call(renderer, lexed):
    markdown = IncrementalMarkdown(renderer, "Intro.\n\n")
    markdown.html(streaming=True)
    upcoming = "```python\na = 1\n```\n\nText.\n\n```js\nlet b = 2;\n```\n\nEnd"
    assert markdown.lex_ahead(upcoming)
    assert len(lexed) == 1
    assert markdown.lex_ahead(upcoming)
    assert len(lexed) == 2
    assert not markdown.lex_ahead(upcoming)

    markdown.append(upcoming)
    assert markdown.html(streaming=True) == renderer.render(markdown.text)
    assert len(lexed) == 2


def test_a_block_still_open_in_queued_text_is_left_alone(renderer, lexed):
    markdown = IncrementalMarkdown(renderer, "Intro.\n\n```python\nimport os\n")
    markdown.html(streaming=True)
    parsed = markdown.parsed_chars
    assert not markdown.lex_ahead("print(1)\nx = '```python'\n")
    assert not markdown.lex_ahead("More prose with `inline` code.\n")
    assert markdown.parsed_chars == parsed
    assert not lexed


def test_a_block_in_a_list_is_highlighted_as_rendering_it_does(renderer, lexed):
    markdown = IncrementalMarkdown(renderer, "- item\n\n  ```python\n  x = 1\n")
    markdown.html(streaming=True)
    assert markdown.lex_ahead("  y = 2\n  ```\n- next\n")
    markdown.append("  y = 2\n  ```\n- next\n")
    assert markdown.html(streaming=True) == renderer.render(markdown.text)
    assert lexed == ["x = 1\ny = 2"]
