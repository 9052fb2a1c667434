"""IncrementalMarkdown: same HTML as a full render, however the text is split; less work."""

from __future__ import annotations

import random

import pytest
from render_samples import LONG_REPLY, SHORT_SAMPLES

from kimi_desktop.render.incremental import IncrementalMarkdown
from kimi_desktop.render.markdown import MarkdownRenderer


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def assert_matches_full_render(
    renderer: MarkdownRenderer, incremental: IncrementalMarkdown, text: str
) -> None:
    expected = renderer.render_with_code(text)
    assert incremental.text == text
    assert incremental.html() == expected.html
    assert incremental.code_blocks() == list(expected.code_blocks)


def random_deltas(text: str, rng: random.Random, largest: int = 12) -> list[str]:
    pieces = []
    position = 0
    while position < len(text):
        size = rng.randint(1, largest)
        pieces.append(text[position : position + size])
        position += size
    return pieces


@pytest.mark.parametrize("name", sorted(SHORT_SAMPLES))
def test_every_two_way_split_gives_the_full_render(renderer: MarkdownRenderer, name: str) -> None:
    text = SHORT_SAMPLES[name]

    for cut in range(len(text) + 1):
        incremental = IncrementalMarkdown(renderer)
        incremental.append(text[:cut])
        incremental.html()  # render the first part, so the second builds on its cache
        incremental.append(text[cut:])
        assert_matches_full_render(renderer, incremental, text)


@pytest.mark.parametrize("name", sorted(SHORT_SAMPLES))
def test_streaming_character_by_character_matches_at_every_step(
    renderer: MarkdownRenderer, name: str
) -> None:
    text = SHORT_SAMPLES[name]
    incremental = IncrementalMarkdown(renderer)

    for end in range(1, len(text) + 1):
        incremental.append(text[end - 1])
        assert incremental.html() == renderer.render(text[:end]), repr(text[:end])

    assert_matches_full_render(renderer, incremental, text)


@pytest.mark.parametrize("seed", range(6))
def test_long_reply_split_at_random_places_gives_the_full_render(
    renderer: MarkdownRenderer, seed: int
) -> None:
    rng = random.Random(seed)
    incremental = IncrementalMarkdown(renderer)
    so_far = ""

    for piece in random_deltas(LONG_REPLY, rng):
        incremental.append(piece)
        so_far += piece
        if rng.random() < 0.02:  # spot-check intermediate states too
            assert incremental.html() == renderer.render(so_far)
        elif rng.random() < 0.5:
            incremental.html()

    assert_matches_full_render(renderer, incremental, LONG_REPLY)


@pytest.mark.parametrize("seed", range(3))
def test_all_samples_concatenated_in_random_deltas(renderer: MarkdownRenderer, seed: int) -> None:
    rng = random.Random(100 + seed)
    names = sorted(SHORT_SAMPLES)
    rng.shuffle(names)
    text = "\n".join(SHORT_SAMPLES[name] for name in names) + LONG_REPLY
    incremental = IncrementalMarkdown(renderer)

    for piece in random_deltas(text, rng, largest=6):
        incremental.append(piece)
        incremental.html()

    assert_matches_full_render(renderer, incremental, text)


TRICKY = [
    # A line that can still turn into a list item of the list above it.
    "1. one\n\n2. two\n",
    "- a\n\n-\n\n- b\n",
    # A paragraph that an ATX heading line or a setext underline may still change.
    "Foo\n#x\n",
    "Foo\n---\n",
    "Foo\n- b\n\n---\n",
    # A table whose delimiter row is still arriving, and a broken one.
    "text\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "text\n| a | b |\n|---|---|x\n",
    # Fences: closed, left open, closed by a longer fence, inside a list.
    "```py\nx = 1\n```\nafter\n",
    "```\nopen\n\nstill open\n",
    "```\ncode\n````\nmore\n",
    "- item\n\n  ```\n  code\n\nout\n",
    # Indented code continuing across blank lines.
    "    code\n\n    more\n\npara\n",
    # A link reference defined after its use, then redefined, then broken.
    "see [the docs]\n\npara\n\n[the docs]: https://example.com/a\n",
    "[x]\n\n[x]: https://a.example\n\n[x]: https://b.example\n",
    "[x]\n\nmid\n\n[x]: <https://a.example> 'unterminated\n",
    # Line endings split between deltas.
    "para\r\n\r\n- a\r\n- b\r\n\r\n```\r\ncode\r\n```\r\n",
    "one\rtwo\r\rthree\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_boundaries_split_everywhere(renderer: MarkdownRenderer, text: str) -> None:
    expected = renderer.render_with_code(text)
    for cut in range(len(text) + 1):
        for second in range(cut, len(text) + 1):
            incremental = IncrementalMarkdown(renderer)
            for piece in (text[:cut], text[cut:second], text[second:]):
                incremental.append(piece)
                incremental.html()
            assert incremental.html() == expected.html, (cut, second)
            assert incremental.code_blocks() == list(expected.code_blocks)


def test_crlf_is_normalised_like_the_full_render(renderer: MarkdownRenderer) -> None:
    incremental = IncrementalMarkdown(renderer)
    for piece in ["a\r", "\n", "\r", "\n", "b\r", "\r\n", "c"]:
        incremental.append(piece)

    assert incremental.text == "a\n\nb\n\nc"
    assert incremental.html() == renderer.render("a\r\n\r\nb\r\r\nc")


def test_set_text_extending_the_text_keeps_the_cache(renderer: MarkdownRenderer) -> None:
    incremental = IncrementalMarkdown(renderer)
    head = "# Title\n\n" + "A paragraph of text.\n\n" * 40
    incremental.set_text(head)
    incremental.html()
    before = incremental.parsed_chars

    incremental.set_text(head + "More")

    assert_matches_full_render(renderer, incremental, head + "More")
    assert incremental.parsed_chars - before < 100


def test_set_text_with_different_text_starts_over(renderer: MarkdownRenderer) -> None:
    incremental = IncrementalMarkdown(renderer, "```python\nx = 1\n```\n\nfirst answer\n")
    incremental.html()

    incremental.set_text("second answer with `code`\n\n```\nraw\n```\n")

    assert_matches_full_render(
        renderer, incremental, "second answer with `code`\n\n```\nraw\n```\n"
    )
    assert incremental.code_blocks() == ["raw"]


def test_copy_indices_continue_across_frozen_blocks(renderer: MarkdownRenderer) -> None:
    incremental = IncrementalMarkdown(renderer)
    for index in range(5):
        incremental.append(f"Step {index}:\n\n```bash\necho {index}\n```\n\n")
        incremental.html()

    assert incremental.code_blocks() == [f"echo {i}" for i in range(5)]
    assert [f'href="copy:{i}"' in incremental.html() for i in range(5)] == [True] * 5


# --- only the tail is re-parsed ---------------------------------------------------------


def paragraphs(count: int) -> str:
    return "".join(
        f"Paragraph {i} with some **bold** text and a [link](https://e.x/{i}).\n\n"
        for i in range(count)
    )


def test_an_update_reparses_only_the_open_tail(renderer: MarkdownRenderer) -> None:
    incremental = IncrementalMarkdown(renderer, paragraphs(200))
    incremental.html()
    last_paragraph = paragraphs(200).rsplit("\n\n", 2)[-2] + "\n\n"
    tail = "The last paragraph, still arriving"

    before = incremental.parsed_chars
    incremental.append(tail)
    incremental.html()

    # The paragraph before the tail stays open until the tail's first line is complete.
    assert incremental.parsed_chars - before == len(last_paragraph) + len(tail)

    incremental.append(" and done.\n\nNext")
    incremental.html()
    before = incremental.parsed_chars
    incremental.append(" one")
    incremental.html()

    assert incremental.parsed_chars - before == len("Next one")


def test_nothing_is_parsed_again_without_new_text(renderer: MarkdownRenderer) -> None:
    incremental = IncrementalMarkdown(renderer, LONG_REPLY)
    incremental.html()
    before = incremental.parsed_chars

    incremental.html()
    incremental.code_blocks()
    incremental.append("")

    assert incremental.parsed_chars == before


def test_streaming_cost_grows_with_the_tail_not_the_message(renderer: MarkdownRenderer) -> None:
    text = paragraphs(300)
    incremental = IncrementalMarkdown(renderer)
    deltas = [text[i : i + 4] for i in range(0, len(text), 4)]

    for delta in deltas:
        incremental.append(delta)
        incremental.html()

    # Re-rendering everything would parse sum(prefix lengths) ~ len(text)**2 / 8 characters.
    assert incremental.parsed_chars < 2 * len(paragraphs(2)) * len(deltas)
    assert incremental.html() == renderer.render(text)


def test_an_open_fence_stays_in_the_tail(renderer: MarkdownRenderer) -> None:
    fence = "```python\n" + "x = 1\n" * 50
    incremental = IncrementalMarkdown(renderer, paragraphs(20) + fence)
    incremental.html()

    before = incremental.parsed_chars
    incremental.append("y")
    incremental.html()

    # The whole open fence is re-parsed (it may still close), nothing before it.
    assert incremental.parsed_chars - before == len(fence) + 1
