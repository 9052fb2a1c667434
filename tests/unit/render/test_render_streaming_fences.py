"""While a message streams, a code fence is highlighted once it closes, plain before."""

from __future__ import annotations

import re

import pytest
from render_samples import LONG_REPLY

from kimi_desktop.render.incremental import IncrementalMarkdown
from kimi_desktop.render.markdown import MarkdownRenderer

HIGHLIGHTED = '<span style="'


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def test_an_open_fence_is_plain_while_streaming_and_highlighted_once_closed(
    renderer: MarkdownRenderer,
) -> None:
    incremental = IncrementalMarkdown(renderer, "Here:\n\n```python\nimport os\nprint(1)\n")

    streaming = incremental.html(streaming=True)
    assert "import os\nprint(1)</pre>" in streaming  # plain, escaped monospace
    assert HIGHLIGHTED not in streaming
    assert incremental.code_blocks() == ["import os\nprint(1)"]  # Copy has the code already
    # Asked for exactly, the same text renders as a whole rendering does.
    assert incremental.html() == renderer.render(incremental.text)
    assert HIGHLIGHTED in incremental.html()

    incremental.append("```\n\nAfter.\n")
    assert incremental.html(streaming=True) == renderer.render(incremental.text)
    assert HIGHLIGHTED in incremental.html(streaming=True)


@pytest.mark.parametrize(
    "text",
    [
        "> ```js\n> let a = 1\n> ```\n\ntext\n",
        "- item\n\n  ```bash\n  echo hi\n  ```\n\nout\n",
        "````rust\nfn main() {}\n```\nstill code\n````\n",
        "~~~sql\nselect 1;\n~~~\n",
    ],
)
def test_a_closed_fence_anywhere_is_highlighted_while_streaming(
    renderer: MarkdownRenderer, text: str
) -> None:
    incremental = IncrementalMarkdown(renderer, text)

    assert incremental.html(streaming=True) == renderer.render(text)


def without_colours(html: str) -> str:
    """The HTML without highlighting: spans dropped, quotes escaped as either does, and
    no blank lines (the highlighter drops one before a line still arriving)."""
    plain = re.sub(r'<span style="[^"]*">|</span>', "", html)
    return re.sub(r"\n+", "\n", plain.replace("&#39;", "'").replace("&quot;", '"'))


def test_streaming_a_long_reply_differs_only_in_the_colours_of_an_open_fence(
    renderer: MarkdownRenderer,
) -> None:
    incremental = IncrementalMarkdown(renderer)
    differed = 0
    for start in range(0, len(LONG_REPLY), 37):
        incremental.append(LONG_REPLY[start : start + 37])
        streaming = incremental.html(streaming=True)
        exact = renderer.render(incremental.text)
        if streaming != exact:
            differed += 1
            assert incremental.text.count("```") % 2 == 1  # a fence is open
            assert without_colours(streaming) == without_colours(exact)
    assert differed  # the reply does stream code
    assert incremental.html(streaming=True) == renderer.render(LONG_REPLY)
