"""Markdown to Qt rich text: the renderer, its streaming form, and the themes.

The renderer and its streaming form are imported on first use: they bring in
markdown-it, which an empty window does not need before its first paint.
"""

from typing import TYPE_CHECKING, Any

from kimi_desktop.render.theme import Palette, Theme, theme_for

if TYPE_CHECKING:
    from kimi_desktop.render.incremental import IncrementalMarkdown
    from kimi_desktop.render.markdown import MarkdownRenderer, RenderedMarkdown

__all__ = [
    "IncrementalMarkdown",
    "MarkdownRenderer",
    "Palette",
    "RenderedMarkdown",
    "Theme",
    "theme_for",
    "warm_up",
]


def warm_up() -> None:
    """Load markdown-it and the lexers of common languages, so the first reply or
    scroll does not wait for them (20-40 ms per lexer). Safe off the GUI thread."""
    from kimi_desktop.render import highlight, markdown  # noqa: F401

    highlight.warm_up()


def __getattr__(name: str) -> Any:
    if name == "IncrementalMarkdown":
        from kimi_desktop.render.incremental import IncrementalMarkdown

        return IncrementalMarkdown
    if name in ("MarkdownRenderer", "RenderedMarkdown"):
        from kimi_desktop.render import markdown

        return getattr(markdown, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
