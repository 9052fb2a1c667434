"""Light and dark palettes, and the document stylesheet each one gives rendered markdown.

The HTML from :mod:`kimi_desktop.render.markdown` names classes (``codeblock``,
``codelang``, ``grid``, ``quotebody``, ``spaced``, ...) and carries no colours
but those of highlighted code, which the renderer writes inline for the theme's
``pygments_style`` (a rule per token class made Qt's HTML import twice as slow).
A view applies a theme with ``doc.setDefaultStyleSheet(theme.css)`` *before*
``doc.setHtml(html)``; switching themes renders code blocks again.

Everything here is written for Qt's rich-text CSS subset
(https://doc.qt.io/qt-6/richtext-html-subset.html), whose quirks shape it:

- a ``body`` rule is ignored when the HTML has no ``<body>``, so the text colour
  is set on every block element instead (the document needs no palette);
- a cell with a ``style`` attribute loses the stylesheet's borders, so the HTML
  aligns cells with ``align`` and all borders come from here;
- a list's bottom margin lands on its last item even when a nested list follows
  it, so only lists marked ``spaced`` get one;
- list indentation is ``QTextDocument.indentWidth()`` (40 px by default), not CSS;
  about 24 px suits a chat bubble.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

MONO_FAMILIES = (
    '"JetBrains Mono", "Cascadia Mono", "SF Mono", Menlo, Consolas, '
    '"DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono", monospace'
)
"""Monospace font families for code, best first; Qt takes the first one installed."""


@dataclass(frozen=True, slots=True)
class Palette:
    """The colours of one theme, as ``#rrggbb`` strings."""

    background: str
    text: str
    muted_text: str
    link: str
    code_background: str
    code_header_background: str
    inline_code_background: str
    border: str
    table_header_background: str
    quote_bar: str
    user_bubble_background: str
    reasoning_text: str
    error: str


@dataclass(frozen=True, slots=True)
class Theme:
    """A palette, the pygments style that suits it, and the stylesheet they make."""

    name: str
    dark: bool
    palette: Palette
    pygments_style: str
    css: str


LIGHT_PALETTE = Palette(
    background="#ffffff",
    text="#1f2328",
    muted_text="#656d76",
    link="#0969da",
    code_background="#f6f8fa",
    code_header_background="#eaeef2",
    inline_code_background="#eff1f3",
    border="#d0d7de",
    table_header_background="#f6f8fa",
    quote_bar="#d0d7de",
    user_bubble_background="#e8f0fe",
    reasoning_text="#6e7781",
    error="#cf222e",
)

DARK_PALETTE = Palette(
    background="#1e1f22",
    text="#e6edf3",
    muted_text="#9198a1",
    link="#4493f8",
    code_background="#0d1117",
    code_header_background="#161b22",
    inline_code_background="#343942",
    border="#3d444d",
    table_header_background="#262a30",
    quote_bar="#4a515b",
    user_bubble_background="#2b3440",
    reasoning_text="#8b949e",
    error="#f85149",
)

LIGHT_PYGMENTS_STYLE = "default"
DARK_PYGMENTS_STYLE = "github-dark"


def document_css(palette: Palette, mono_families: str = MONO_FAMILIES) -> str:
    """The default stylesheet for a ``QTextDocument`` showing rendered markdown."""
    p = palette
    line = f"1px solid {p.border}"
    return f"""
p, li, h1, h2, h3, h4, h5, h6, th, td, pre {{ color: {p.text}; }}
a {{ color: {p.link}; text-decoration: none; }}
p {{ margin-top: 0px; margin-bottom: 10px; line-height: 135%; }}
h1, h2, h3, h4, h5, h6 {{ margin-top: 14px; margin-bottom: 6px; font-weight: 600; }}
h1 {{ font-size: x-large; }}
h2 {{ font-size: large; }}
h3, h4, h5, h6 {{ font-size: medium; }}
h5, h6 {{ color: {p.muted_text}; }}
ul, ol {{ margin-top: 0px; margin-bottom: 0px; }}
ul.spaced, ol.spaced {{ margin-bottom: 10px; }}
li {{ margin-top: 2px; margin-bottom: 2px; line-height: 135%; }}
code {{ font-family: {mono_families}; background-color: {p.inline_code_background}; }}
pre {{ font-family: {mono_families}; margin-top: 0px; margin-bottom: 0px;
       white-space: pre-wrap; line-height: 125%; color: {p.text}; }}
hr {{ background-color: {p.border}; margin-top: 8px; margin-bottom: 14px; }}
table.codeblock {{ border-collapse: collapse; margin-top: 6px; margin-bottom: 12px; }}
td.codelang, td.codecopy {{ background-color: {p.code_header_background};
    color: {p.muted_text}; font-size: small; padding: 4px 10px 4px 10px;
    border-top: {line}; border-bottom: {line}; }}
td.codelang {{ border-left: {line}; }}
td.codecopy {{ border-right: {line}; }}
td.codebody {{ background-color: {p.code_background}; padding: 8px 10px 8px 10px;
    border-left: {line}; border-right: {line}; border-bottom: {line}; }}
table.grid {{ border-collapse: collapse; margin-top: 6px; margin-bottom: 12px; }}
table.grid th, table.grid td {{ border: {line}; padding: 5px 10px 5px 10px; }}
table.grid th {{ background-color: {p.table_header_background}; font-weight: 600; }}
table.quote {{ border-collapse: collapse; margin-top: 8px; margin-bottom: 10px; }}
td.quotebody {{ border-left: 3px solid {p.quote_bar}; padding: 0px 0px 0px 12px;
    color: {p.muted_text}; }}
td.quotebody p, td.quotebody li, td.quotebody h1, td.quotebody h2, td.quotebody h3,
td.quotebody h4, td.quotebody h5, td.quotebody h6 {{ color: {p.muted_text}; }}
td.quotebody p {{ margin-top: 2px; margin-bottom: 4px; }}
""".strip()


@functools.cache
def theme_for(dark: bool) -> Theme:
    """The light or the dark theme."""
    if dark:
        return Theme(
            name="dark",
            dark=True,
            palette=DARK_PALETTE,
            pygments_style=DARK_PYGMENTS_STYLE,
            css=document_css(DARK_PALETTE),
        )
    return Theme(
        name="light",
        dark=False,
        palette=LIGHT_PALETTE,
        pygments_style=LIGHT_PYGMENTS_STYLE,
        css=document_css(LIGHT_PALETTE),
    )
