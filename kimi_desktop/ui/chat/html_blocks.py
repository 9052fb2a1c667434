"""Where the top-level blocks of rendered markdown end, read from the HTML itself.

The renderer ends every top-level block with a line break and escapes the
model's text, so every ``<`` is one of its own tags: counting the block tags
that open and close tells a line break between two top-level blocks from one
inside a paragraph, a list or a code block.
"""

from __future__ import annotations

import re

# Block elements whose nesting decides where a top-level block ends.
_BLOCK_TAG_OR_NEWLINE = re.compile(r"<(/?)(?:ul|ol|table|p|h[1-6]|pre|blockquote)\b|\n")
# Tags that start a block of a laid-out document (a line of code is one, too).
_DOCUMENT_BLOCK = re.compile(r"<(?:p|li|tr|td|th|h[1-6]|hr|pre|blockquote|table|ul|ol|div)\b")


def top_level_ends(html: str) -> list[int]:
    """Offsets just after each top-level block of rendered ``html``."""
    ends: list[int] = []
    depth = 0
    for match in _BLOCK_TAG_OR_NEWLINE.finditer(html):
        if match.group(0) == "\n":
            if depth == 0:
                ends.append(match.end())
        elif match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
    return ends


def last_block_start(html: str) -> int:
    """Where the last top-level block of rendered ``html`` starts (0 for the only one)."""
    ends = top_level_ends(html.rstrip())
    return ends[-1] if ends else 0


def block_tags(html: str, start: int = 0) -> tuple[int, int]:
    """How many block tags ``html[start:]`` opens, and how many lines of code it holds.

    Two renderings with different counts lay out as documents with different
    blocks: a cheap test before laying either out. (A line break outside code is
    not counted: a paragraph's soft line break stays inside its block.)
    """
    tags = len(_DOCUMENT_BLOCK.findall(html, start))
    code = html.find("<pre", start)
    return tags, html.count("\n", code) if code != -1 else 0
