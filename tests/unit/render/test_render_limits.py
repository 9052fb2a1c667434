"""Hostile shapes of markdown: deep nesting, unbreakable runs, huge texts.

Qt lays out each nested table (a quote, a code block) on the GUI thread at a
cost that grows three to four times per level, and a line with no break
opportunity in time that grows with the square of its length. The renderer
caps the nesting it draws, gives long runs break opportunities, and a long
text is shown a segment at a time; none of that may lose a character.
"""

from __future__ import annotations

import itertools
import re

import pytest
from PySide6.QtGui import QTextDocument
from render_samples import LONG_REPLY

from kimi_desktop.render.breaks import RUN_STEP, ZWSP, break_long_runs, strip_breaks
from kimi_desktop.render.incremental import IncrementalMarkdown
from kimi_desktop.render.markdown import MAX_DEPTH, MarkdownRenderer
from kimi_desktop.render.segments import (
    CODE_WEIGHT,
    SEGMENT_BUDGET,
    Segment,
    first_segment,
    next_segment,
    segments,
)


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def shown_text(qapp, html: str) -> str:
    """The plain text Qt shows for ``html``, without the inserted break opportunities."""
    document = QTextDocument()
    document.setHtml(html)
    return strip_breaks(document.toPlainText())


def deepest(html: str, opening: str, closing: str) -> int:
    depth = most = 0
    for match in re.finditer(f"({opening})|({closing})", html):
        depth += 1 if match.group(1) else -1
        most = max(most, depth)
    return most


def nested_quotes(levels: int) -> str:
    return "\n".join(">" * level + f" level{level}" for level in range(1, levels + 1))


def nested_list(levels: int, marker: str = "-") -> str:
    return "\n".join("  " * level + f"{marker} item{level}" for level in range(levels))


# -- nesting ----------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [19, 20, 21, 100])
def test_a_deeply_nested_quote_keeps_its_text(qapp, renderer, levels) -> None:
    html = renderer.render(">" * levels + " x")

    text = shown_text(qapp, html)
    assert "x" in text
    assert deepest(html, '<table class="quote"', "</table>") <= MAX_DEPTH


@pytest.mark.parametrize("levels", [20, 100])
def test_every_level_of_deep_quotes_keeps_its_words(qapp, renderer, levels) -> None:
    html = renderer.render(nested_quotes(levels))

    text = shown_text(qapp, html)
    for level in range(1, levels + 1):
        assert f"level{level}" in text
    assert deepest(html, '<table class="quote"', "</table>") <= MAX_DEPTH


def test_the_19_byte_quote_is_drawn_at_most_max_depth_deep(renderer) -> None:
    html = renderer.render(">>>>>>>>>>>>>>>> x")

    assert len(b">>>>>>>>>>>>>>>> x\n") == 19
    assert deepest(html, '<table class="quote"', "</table>") == MAX_DEPTH


def test_shallow_quotes_are_drawn_as_before(renderer) -> None:
    html = renderer.render(nested_quotes(MAX_DEPTH))

    assert deepest(html, '<table class="quote"', "</table>") == MAX_DEPTH


@pytest.mark.parametrize("levels", [20, 100])
@pytest.mark.parametrize("marker", ["-", "1."])
def test_deep_lists_flatten_and_keep_every_item(qapp, renderer, levels, marker) -> None:
    html = renderer.render(nested_list(levels, marker))

    text = shown_text(qapp, html)
    for level in range(levels):
        assert f"item{level}" in text
    assert deepest(html, "<[uo]l[ >]", "</[uo]l>") <= MAX_DEPTH


def test_quotes_and_lists_nested_in_each_other_are_capped(qapp, renderer) -> None:
    source = "\n".join("> " * level + "- " + f"word{level}" for level in range(1, 40))

    html = renderer.render(source)

    text = shown_text(qapp, html)
    for level in range(1, 40):
        assert f"word{level}" in text
    assert deepest(html, '<table class="quote"', "</table>") <= MAX_DEPTH
    assert deepest(html, "<[uo]l[ >]", "</[uo]l>") <= MAX_DEPTH


def test_code_inside_deep_quotes_keeps_its_exact_text(renderer) -> None:
    source = ">" * 30 + " ```\n" + ">" * 30 + " print('deep')\n" + ">" * 30 + " ```\n"

    rendered = renderer.render_with_code(source)

    assert "print(" in rendered.html


@pytest.mark.parametrize("levels", [20, 100])
def test_deep_nesting_streams_like_a_full_render(renderer, levels) -> None:
    text = nested_quotes(levels) + "\n\n" + nested_list(levels) + "\n\nafter\n"
    incremental = IncrementalMarkdown(renderer)

    for start in range(0, len(text), 97):
        incremental.append(text[start : start + 97])
        incremental.html()

    assert incremental.html() == renderer.render(text)


# -- long runs --------------------------------------------------------------------------


def visible_runs(html: str) -> list[str]:
    """Runs of text between break opportunities, with tags and entities taken out."""
    text = re.sub(r"<[^>]*>", "", html)
    text = re.sub(r"&[#\w]+;", "&", text)
    return [run for run in re.split(rf"[\s{ZWSP}]", text) if run]


@pytest.mark.parametrize(
    "source",
    [
        "f" * 100_000,
        "see " + "0123456789abcdef" * 5000 + " end",
        "```\n" + "x=1;" * 20_000 + "\n```\n",
        "```js\n" + "a.b(c,d);" * 5_000 + "\n```\n",
        "| a | b |\n|---|---|\n| " + "q" * 5000 + " | z |\n",
        "**" + "bold" * 2000 + "**" + "`" + "code" * 2000 + "`",
        "<" * 3000 + "&" * 3000,
    ],
    ids=["letters", "hex", "code", "highlighted", "table", "inline", "entities"],
)
def test_long_runs_get_break_opportunities_and_keep_their_text(qapp, renderer, source) -> None:
    rendered = renderer.render_with_code(source)

    assert max(len(run) for run in visible_runs(rendered.html)) <= RUN_STEP
    for code in rendered.code_blocks:
        assert ZWSP not in code  # Copy gives the exact code
    assert ZWSP not in "".join(re.findall(r"<[^>]*>", rendered.html))  # never inside a tag


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("0123456789abcdef" * 5000, "0123456789abcdef" * 5000),
        ("```\n" + "x=1;" * 20_000 + "\n```", "x=1;" * 20_000),
        ("&<>" * 2000, "&<>" * 2000),
    ],
    ids=["hex", "code", "entities"],
)
def test_long_runs_keep_the_exact_characters(qapp, renderer, source, expected) -> None:
    assert expected in shown_text(qapp, renderer.render(source))


def test_a_long_link_keeps_its_target(renderer) -> None:
    url = "https://example.com/" + "a" * 300
    html = renderer.render(f"[{url}]({url})")

    assert f'href="{url}"' in html
    assert ZWSP in html  # in the label only


def test_short_words_get_no_break_characters(renderer) -> None:
    assert ZWSP not in renderer.render(LONG_REPLY)


def test_plain_text_breaks_and_strips_back() -> None:
    text = "short words stay\n" + "y" * 1000 + "\tz" * 10

    broken = break_long_runs(text)

    assert strip_breaks(broken) == text
    assert max(len(run) for run in re.split(rf"[\s{ZWSP}]", broken)) <= RUN_STEP
    assert break_long_runs("nothing long here") == "nothing long here"


def test_long_runs_stream_like_a_full_render(renderer) -> None:
    text = "intro\n\n" + "z" * 5000 + "\n\n```\n" + "k" * 3000 + "\n```\n\nend"
    incremental = IncrementalMarkdown(renderer)

    for start in range(0, len(text), 101):
        incremental.append(text[start : start + 101])
        assert incremental.html() == renderer.render(text[: start + 101])


# -- segments ---------------------------------------------------------------------------


def prose(paragraphs: int) -> str:
    return "\n\n".join(f"Paragraph {i} " + "with some words " * 40 for i in range(paragraphs))


def test_a_short_text_is_one_segment() -> None:
    assert first_segment(LONG_REPLY) == Segment(0, len(LONG_REPLY))
    assert segments(LONG_REPLY) == [Segment(0, len(LONG_REPLY))]


@pytest.mark.parametrize(
    "text",
    [
        prose(2000),
        "x" * 1_000_000,
        "```python\n" + "print('hello world')\n" * 30_000 + "```\n\n" + prose(100),
        ("line\n" * 30 + "\n") * 3000,
        "\r\n".join(["crlf line"] * 40_000),
    ],
    ids=["prose", "one line", "huge fence", "short lines", "crlf"],
)
def test_segments_cover_the_text_exactly_within_budget(text) -> None:
    parts = segments(text)

    assert parts[0] == first_segment(text)
    assert parts[0].start == 0
    assert parts[-1].end == len(text)
    for before, after in itertools.pairwise(parts):
        assert before.end == after.start
        assert after.fence == before.fence_after
    for part in parts:
        assert 0 < part.end - part.start <= SEGMENT_BUDGET
    assert "".join(text[p.start : p.end] for p in parts) == text


def test_segments_cut_between_paragraphs() -> None:
    text = prose(2000)

    for part in segments(text)[:-1]:
        assert text[part.end - 2 : part.end] == "\n\n"
        assert text[part.end] == "P"


def test_code_costs_more_than_prose() -> None:
    code = "```\n" + "int x = 1;\n" * 20_000 + "```\n"

    head = first_segment(code)

    assert head.end <= SEGMENT_BUDGET // CODE_WEIGHT + 20
    assert head.fence_after == "```\n"


def test_a_segment_inside_a_fence_reopens_it(renderer) -> None:
    text = "```python\n" + "value = 1\n" * 20_000 + "```\n\nThe end.\n"
    parts = segments(text)

    assert len(parts) > 2
    middle = parts[1]
    assert middle.fence == "```python\n"
    html = renderer.render(middle.source(text))
    assert html.startswith('<table class="codeblock"')
    assert "python" in html


def test_the_head_does_not_move_while_the_text_grows() -> None:
    text = prose(400)
    head = first_segment(text)
    assert head.end < len(text)

    for end in range(SEGMENT_BUDGET + 1, len(text), 997):  # once it no longer fits
        assert first_segment(text[:end]) == head


def test_a_long_line_streaming_in_keeps_its_head() -> None:
    line = "0123456789abcdef" * 20_000
    head = first_segment(line)

    assert head.end < len(line)
    for end in range(head.end + 1, len(line), 9973):
        assert first_segment(line[:end]) == head


def test_next_segment_after_the_last_is_none() -> None:
    text = "x" * 300_000
    last = segments(text)[-1]

    assert next_segment(text, last) is None


def test_deeply_quoted_text_costs_more() -> None:
    line = "quoted words that go on for a while\n"
    flat = line * 3000
    quoted = ("> > > > " + line) * 3000

    assert first_segment(quoted).end < first_segment(flat).end / 5


def test_every_segment_of_a_growing_text_is_final_once_outgrown() -> None:
    text = prose(300) + "\n\n```\n" + "code line\n" * 5000 + "```\n\n" + prose(300)
    final = segments(text)

    for end in range(SEGMENT_BUDGET, len(text), 4999):
        growing = segments(text[:end])
        assert growing[:-1] == final[: len(growing) - 1]
