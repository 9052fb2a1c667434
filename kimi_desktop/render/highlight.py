"""Syntax highlighting with pygments, by the language a code fence names.

The language is never guessed: a fence without one, or with one pygments does
not know, stays plain text. Guessing turns prose and logs into confetti, and
costs far more than lexing.

Highlighted code carries its colours inline (``<span style="color: ...">``),
for the pygments style of the theme in use. Qt matches every element of a
document against every rule of its stylesheet: the ~70 token-class rules a
stylesheet would need made setting a long reply's HTML twice as slow.
"""

from __future__ import annotations

from collections import OrderedDict
from html import escape
from typing import Any

# No type stubs ship with pygments; everything it returns is treated as Any here
# and given a type at this module's boundary.
from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.token import Error  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

_RECENT_SIZE = 32

PLAIN_LANGUAGES = frozenset({"", "text", "txt", "plain", "plaintext", "none", "output"})
"""Fence languages that mean "no highlighting"."""

LANGUAGE_ALIASES = {
    "c#": "csharp",
    "cs": "csharp",
    "f#": "fsharp",
    "golang": "go",
    "js": "javascript",
    "py3": "python",
    "shell": "bash",
    "sh": "bash",
    "zsh": "bash",
    "ps": "powershell",
    "ps1": "powershell",
    "vue": "html",
    "svelte": "html",
    "objc": "objective-c",
    "proto": "protobuf",
    "dockerfile": "docker",
    "tf": "terraform",
}
"""Names models write that pygments spells differently (pygments knows most others)."""


def fence_language(info: str) -> str:
    """The language word of a fence's info string: ``"python"`` for `` ```{.python} x``."""
    words = info.split(maxsplit=1)
    return words[0].strip("{}.") if words else ""


class CodeHighlighter:
    """Highlights code as HTML spans; lexers are looked up once per language."""

    def __init__(self, style: str = "default") -> None:
        self._formatter = _inline_formatter(style)
        self._lexers: dict[str, Any] = {}
        self._recent: OrderedDict[tuple[str, str], str] = OrderedDict()

    def knows(self, language: str) -> bool:
        """Whether ``language`` gets highlighted (rather than shown as plain text)."""
        return self._lexer(language) is not None

    def to_html(self, code: str, language: str) -> str:
        """``code`` as HTML: highlighted if the language is known, else just escaped.

        Recent results are kept: while a message streams, its code blocks are
        rendered again and again with the same code.
        """
        lexer = self._lexer(language)
        if lexer is None or not code:
            return escape(code, quote=False)
        key = (language, code)
        html = self._recent.get(key)
        if html is None:
            html = str(highlight(code, lexer, self._formatter)).removesuffix("\n")
            self._recent[key] = html
            if len(self._recent) > _RECENT_SIZE:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(key)
        return html

    def _lexer(self, language: str) -> Any:
        key = language.lower()
        if key not in self._lexers:
            self._lexers[key] = _find_lexer(key)
        return self._lexers[key]


#: Languages worth loading before they are first needed: a lexer's first load
#: costs 20-40 ms, a visible hitch if it happens while scrolling or streaming.
COMMON_LANGUAGES = (
    "python",
    "javascript",
    "typescript",
    "tsx",
    "jsx",
    "html",
    "css",
    "bash",
    "json",
    "sql",
    "rust",
    "go",
    "java",
    "c",
    "cpp",
    "yaml",
)


def warm_up(languages: tuple[str, ...] = COMMON_LANGUAGES) -> None:
    """Load the lexers of common languages (safe to call off the GUI thread)."""
    for language in languages:
        _find_lexer(language)


def _find_lexer(language: str) -> Any:
    if language in PLAIN_LANGUAGES:
        return None
    try:
        return get_lexer_by_name(
            LANGUAGE_ALIASES.get(language, language), stripnl=False, ensurenl=False
        )
    except ClassNotFound:
        return None


def _inline_formatter(style: str) -> Any:
    """A formatter writing the colours of ``style`` into each span.

    Error tokens keep their colour but lose border and background: half-streamed
    code often lexes as an error for a moment, and a flashing red box is noise.
    """
    formatter: Any = HtmlFormatter(style=style, nowrap=True, noclasses=True)
    error_class = formatter.ttype2class.get(Error)
    if error_class in formatter.class2style:
        declarations, ttype, level = formatter.class2style[error_class]
        formatter.class2style[error_class] = (_without_box(declarations), ttype, level)
    return formatter


def _without_box(declarations: str) -> str:
    """``declarations`` ("color: #F00; border: 1px solid #F00") without border or background."""
    kept = [
        part.strip()
        for part in declarations.split(";")
        if part.strip() and not part.strip().startswith(("border", "background"))
    ]
    return "; ".join(kept)
