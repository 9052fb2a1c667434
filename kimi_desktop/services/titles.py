"""Conversation titles: one short line, whatever was typed or pasted.

A title is shown in the sidebar, the window title and search results; a
pasted megabyte or a multi-line prompt must not become one. Titles are one
line (every run of whitespace, newlines included, becomes one space; control
characters go) and at most a limit long, cut at a word boundary with "…".
"""

from __future__ import annotations

import unicodedata
from typing import Final

from kimi_desktop.i18n import N_, _

#: Longest title the app makes from a first prompt.
AUTO_TITLE_LENGTH: Final = 60
#: Longest title a person can give a conversation.
MAX_TITLE_LENGTH: Final = 80
#: Title of a conversation whose first prompt had only images (translated where used).
# TRANSLATORS: the title of a conversation whose first message is only images.
IMAGE_TITLE: Final = N_("Image")


def clean_title(text: str, limit: int = MAX_TITLE_LENGTH) -> str:
    """``text`` as a title: one line of at most ``limit`` characters.

    Only the start of ``text`` is looked at, so the cost does not grow with a
    pasted megabyte.
    """
    start = len(text) - len(text.lstrip())
    head = text[start : start + limit * 8]
    words = "".join(c for c in head if unicodedata.category(c) != "Cc" or c.isspace()).split()
    line = " ".join(words)
    if len(line) <= limit and start + len(head) >= len(text.rstrip()):
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    ends_a_word = len(line) > len(cut) and line[len(cut)] == " "
    if not ends_a_word and space >= limit // 2:  # a boundary not too far back, else mid-word
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def title_from_prompt(prompt: str) -> str:
    """The automatic title of a conversation: the first line of its first prompt, shortened."""
    for line in prompt.splitlines():
        title = clean_title(line, AUTO_TITLE_LENGTH)
        if title:
            return title
    return _(IMAGE_TITLE)
