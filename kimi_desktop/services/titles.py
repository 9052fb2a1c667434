"""Conversation titles: one short line, whatever was typed, pasted or answered.

A title is shown in the sidebar, the window title and search results; a
pasted megabyte or a multi-line prompt must not become one. Titles are one
line (every run of whitespace, newlines included, becomes one space; control
characters go) and at most a limit long, cut at a word boundary with "…".

A conversation starts with the first words of its first prompt as its title.
After the first answer a model may be asked for a better one
(:mod:`.title_requests`); its answer is only taken when it reads as a title
(:func:`title_from_answer`), and only while the title is still the one the
prompt gave (:func:`title_is_from_prompt`): a title someone chose stays.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from kimi_desktop.domain import Conversation
from kimi_desktop.i18n import N_, _

#: Longest title the app makes from a first prompt.
AUTO_TITLE_LENGTH: Final = 60
#: Longest title a person can give a conversation.
MAX_TITLE_LENGTH: Final = 80
#: Title of a conversation whose first prompt had only images (translated where used).
# TRANSLATORS: the title of a conversation whose first message is only images.
IMAGE_TITLE: Final = N_("Image")
#: Most words a model's title may have; the request asks for six, a few more are
#: tolerated, a sentence is not a title.
GENERATED_TITLE_WORDS: Final = 10
#: Widest a model's title may be, a wide (CJK) character counting as two: about
#: thirty Chinese characters, or :data:`AUTO_TITLE_LENGTH` Latin ones.
GENERATED_TITLE_WIDTH: Final = AUTO_TITLE_LENGTH
#: Longest answer read as a title (characters); anything longer is not one.
LONGEST_TITLE_ANSWER: Final = GENERATED_TITLE_WIDTH * 8

# What models wrap a title in, or end it with, that a title does not need (with the
# curly single quotes and the full-width ! ? ; : written as escapes).
_OPENING = "\"'“”\u2018\u2019「」『』《》«»`*_#-–—•> \t"
_CLOSING = "\"'“”\u2018\u2019「」『』《》«»`*_.。!\uff01?\uff1f,，、;\uff1b:\uff1a…~ \t"
# Bold and code marks inside a title: the list shows plain text. Underscores stay
# (``__init__``, ``snake_case``), and so does a single ``*`` (``2*3``).
_INLINE_MARKS = re.compile(r"\*\*|`")
# "Title:" or "标题" with a full-width colon, as some models begin their answer.
_LABEL = re.compile(r"^(?:title|标题|標題)\s*[:\uff1a]\s*", re.IGNORECASE)


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


def title_from_answer(answer: str) -> str | None:
    """A model's answer to "give this conversation a title", as a title, or ``None``.

    The answer is made one line; quotes, brackets, Markdown marks, a "Title:"
    label and closing punctuation around it go, and so do bold and code marks
    inside it. ``None`` when nothing is left, or when it is too long to be a
    title (more than :data:`GENERATED_TITLE_WORDS` words or wider than
    :data:`GENERATED_TITLE_WIDTH`): an explanation or a refusal instead of a title.
    """
    head = answer[:LONGEST_TITLE_ANSWER]
    line = " ".join(
        "".join(c for c in head if unicodedata.category(c) != "Cc" or c.isspace()).split()
    )
    line = _INLINE_MARKS.sub("", line)
    previous = None
    while line != previous:
        previous = line
        line = _LABEL.sub("", line.lstrip(_OPENING)).rstrip(_CLOSING)
    if not line or len(answer.rstrip()) > len(head):
        return None
    if len(line.split()) > GENERATED_TITLE_WORDS or _width(line) > GENERATED_TITLE_WIDTH:
        return None
    return line


def title_is_from_prompt(conversation: Conversation, first_prompt: str) -> bool:
    """Whether the conversation still has the title its first prompt gave it.

    The history does not record who chose a title, so a title that differs
    from the prompt's is taken as chosen: renamed by hand, or generated
    already. Either way it is not replaced.
    """
    return conversation.title == title_from_prompt(first_prompt)


def _width(text: str) -> int:
    """Columns ``text`` takes: two for each wide or full-width character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
