"""Syntax highlighting with pygments, by the language a code fence names.

The language is never guessed: a fence without one, or with one pygments does
not know, stays plain text. Guessing turns prose and logs into confetti, and
costs far more than lexing.

Highlighted code carries its colours inline (``<span style="color: ...">``),
for the pygments style of the theme in use. Qt matches every element of a
document against every rule of its stylesheet: the ~70 token-class rules a
stylesheet would need made setting a long reply's HTML twice as slow.

What Qt's HTML import costs grows with the number of spans, so spans are kept
few without changing a pixel: neighbouring tokens of the same style share one
span (across line ends too), tokens in the code block's own text colour get no
span (they take ``pre``'s colour from the theme), and whitespace whose style is
only a colour, which paints nothing, joins a span only when the same style goes
on after it and otherwise gets none.
"""

from __future__ import annotations

from collections import OrderedDict
from html import escape
from typing import Any

# No type stubs ship with pygments; everything it returns is treated as Any here
# and given a type at this module's boundary.
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.token import Error  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

from kimi_desktop.render.theme import theme_for

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
        self._plain = _plain_declarations(style)
        self._declarations: dict[Any, str] = {}
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
            html = self._spans(lexer.get_tokens(code))
            self._recent[key] = html
            if len(self._recent) > _RECENT_SIZE:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(key)
        return html

    def _spans(self, tokens: Any) -> str:
        """The tokens as HTML, with as few spans as keep every pixel the same.

        Runs are ``[declarations, text, ...]``; ``""`` declarations mean no span.
        Whitespace in a colour-only style waits in ``pending`` until the next
        token shows whether it can join the run before it.
        """
        runs: list[list[str]] = []
        pending: list[str] = []
        for ttype, value in tokens:
            if not value:
                continue
            declarations = self._declarations_of(ttype)
            if value.isspace() and _only_colour(declarations):
                pending.append(value)
                continue
            if pending and runs and runs[-1][0] == declarations and _only_colour(declarations):
                runs[-1].extend(pending)
            elif pending:
                if runs and runs[-1][0] == "":
                    runs[-1].extend(pending)
                else:
                    runs.append(["", *pending])
            pending.clear()
            if runs and runs[-1][0] == declarations:
                runs[-1].append(value)
            else:
                runs.append([declarations, value])
        if pending:
            runs.append(["", *pending])
        joined = [(declarations, "".join(texts)) for declarations, *texts in runs]
        if joined:  # one line end fewer, as pygments' HTML had with its own taken off
            declarations, text = joined[-1]
            joined[-1] = (declarations, text.removesuffix("\n"))
        html: list[str] = []
        for declarations, text in joined:
            if text:
                text = escape(text, quote=False)
                html.append(f'<span style="{declarations}">{text}</span>' if declarations else text)
        return "".join(html)

    def _declarations_of(self, ttype: Any) -> str:
        """The inline style of ``ttype``; ``""`` when it is the code block's own."""
        declarations = self._declarations.get(ttype)
        if declarations is None:
            formatter = self._formatter
            css_class = formatter._get_css_inline_styles(ttype)
            declarations = str(formatter.class2style[css_class][0]) if css_class else ""
            if _normalised(declarations) in self._plain:
                declarations = ""
            self._declarations[ttype] = declarations
        return declarations

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


def _plain_declarations(style: str) -> frozenset[str]:
    """Declarations that mean "the code block's own text", normalised: the ``pre``
    colour of each theme that highlights with ``style``, and no declarations at all."""
    colours = {
        theme_for(dark).palette.text
        for dark in (False, True)
        if theme_for(dark).pygments_style == style
    }
    return frozenset({"", *(_normalised(f"color: {colour}") for colour in colours)})


def _normalised(declarations: str) -> str:
    """``declarations`` in lower case, with a 3-digit colour (``#BBB``) spelled in 6."""
    parts = [part.strip().lower() for part in declarations.split(";") if part.strip()]
    out = []
    for part in parts:
        name, _, value = (p.strip() for p in part.partition(":"))
        if name == "color" and len(value) == 4 and value.startswith("#"):
            value = "#" + "".join(c * 2 for c in value[1:])
        out.append(f"{name}: {value}")
    return "; ".join(out)


def _only_colour(declarations: str) -> bool:
    """Whether ``declarations`` set nothing but the colour (nothing a space would show)."""
    return all(
        part.strip().startswith("color:") for part in declarations.split(";") if part.strip()
    )
