"""Markdown to Qt rich text: the renderer, its streaming form, and the themes."""

from kimi_desktop.render.incremental import IncrementalMarkdown
from kimi_desktop.render.markdown import MarkdownRenderer, RenderedMarkdown
from kimi_desktop.render.theme import Palette, Theme, theme_for

__all__ = [
    "IncrementalMarkdown",
    "MarkdownRenderer",
    "Palette",
    "RenderedMarkdown",
    "Theme",
    "theme_for",
]
