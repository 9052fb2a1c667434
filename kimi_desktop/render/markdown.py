"""Markdown from the model to HTML that Qt's rich-text engine shows well.

The output targets ``QTextDocument`` (https://doc.qt.io/qt-6/richtext-html-subset.html),
not a browser: code blocks and quotes are tables (the only boxes Qt can pad and
colour), task list items use Qt's own ``li.checked``/``li.unchecked`` markers,
and colours come from the stylesheet in :mod:`kimi_desktop.render.theme`.

Model output is untrusted:

- raw HTML is not parsed (``html=False``) and shows as text;
- images are never ``<img>``: an ``http(s)`` image becomes a link labelled with
  its alt text, so nothing remote is ever fetched. The one ``<img>`` written is
  a formula's (:mod:`kimi_desktop.render.math_markdown`), whose address names
  no file or host: the ``kimi-math:`` address holds the LaTeX itself, which the
  window typesets (:mod:`kimi_desktop.render.math`);
- links keep only ``http:``, ``https:`` and ``mailto:`` targets; any other link
  (``javascript:``, ``file:``, ``data:``, relative) shows its label as plain text;
- code is highlighted with the lexer its fence names, never a guessed one.

Each code block is preceded by a header with the language and a ``copy:N`` link;
N indexes :attr:`RenderedMarkdown.code_blocks`, which holds the exact code. A
``save:N/LANG`` link (and, for :data:`PREVIEW_LANGUAGES`, a ``preview:N/LANG``
one) carries the fence's language, URL-quoted, for the window to act on.

A formula that typesets is an ``<img>`` (its LaTeX as alt text), in the middle
of the line when inline, centred on a line of its own for display math; one
that does not, or one still arriving while a reply streams, shows its LaTeX
as code. Typesetting the formulas of one rendered piece may take at most
:data:`~kimi_desktop.render.math.RENDER_WORK` units of work; past that the
rest show as code too.

Model output can also be hostile to Qt's layout, which runs on the GUI thread:

- every quote is a table, and Qt's cost grows three to four times per nested
  table (a 19-byte ``>>>>>>>>>>>>>>>> x`` stalled the window for 10 s). Quotes
  and lists are drawn at most :data:`MAX_DEPTH` deep; deeper ones are drawn at
  that depth. Deeper than markdown-it parses at all (its ``maxNesting``), the
  rest of the block is kept as the text of a paragraph instead of dropped;
- long runs with no break opportunity get zero-width spaces
  (:mod:`kimi_desktop.render.breaks`), in the HTML only.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.tasklists import tasklists_plugin

from kimi_desktop.i18n import _
from kimi_desktop.render import math
from kimi_desktop.render.breaks import break_long_runs_html
from kimi_desktop.render.highlight import CodeHighlighter, fence_language
from kimi_desktop.render.math_markdown import math_plugin

Env = MutableMapping[str, Any]

_ALLOWED_HREF = re.compile(r"(?:https?://|mailto:)\S", re.IGNORECASE)
_IMAGE_HREF = re.compile(r"https?://\S", re.IGNORECASE)
_CHECKBOX_PREFIX = '<input class="task-list-item-checkbox"'

MAX_DEPTH = 4
"""How deep quotes, and lists, are drawn nested; deeper levels are drawn at this one."""

# From this parser level on (each quote, list and list item opens one), a
# block's lines are kept as one paragraph of text: markdown-it drops whatever
# lies deeper than its ``maxNesting`` (20), and parsing each level recurses.
_FLAT_LEVEL = 16

# Keys of the markdown-it env used while rendering.
_CODES = "kimi_code_blocks"
_FIRST_CODE = "kimi_first_code_index"
_LINKS = "kimi_open_links"
_QUOTES = "kimi_quote_depth"
_LISTS = "kimi_list_depth"
_MATH_WORK = "kimi_math_work"  # layout work of the formulas typeset so far
_INLINE = {"strong": "kimi_strong_depth", "em": "kimi_em_depth", "s": "kimi_s_depth"}

# ``**`` inside ``**`` draws nothing new, but Qt reads 5,000 nested <strong>
# tags (from a run of asterisks) in seconds; only this many are written.
_MAX_INLINE_DEPTH = 2


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """HTML for one message and the raw code its ``copy:N`` links refer to.

    ``math_work`` is the layout work of the formulas typeset, counting from the
    ``math_work`` :meth:`MarkdownRenderer.render_tokens` was given.
    """

    html: str
    code_blocks: tuple[str, ...]
    math_work: int = 0


class MarkdownRenderer:
    """Turns markdown into Qt rich-text HTML; build one and share it (it caches lexers).

    ``render`` is all most callers need. ``parse`` and ``render_tokens`` exist for
    :class:`~kimi_desktop.render.incremental.IncrementalMarkdown`, which renders a
    message block by block.
    """

    def __init__(self, code_style: str = "default") -> None:
        """``code_style``: the pygments style whose colours code blocks get."""
        md = MarkdownIt("commonmark", {"html": False}, renderer_cls=_QtRenderer)
        md.enable(["table", "strikethrough"])
        md.use(tasklists_plugin)
        md.use(math_plugin)
        md.core.ruler.after("github-tasklists", "kimi_task_markers", _mark_task_items)
        md.core.ruler.push("kimi_list_ends", _mark_list_ends)
        md.block.ruler.before("table", "kimi_too_deep", _too_deep)
        # Every URL is let through the parser so that the renderer alone decides
        # what becomes a link; a rejected URL would otherwise leave ``[x](...)``
        # source text behind.
        md.validateLink = _accept_any_url  # type: ignore[method-assign]
        assert isinstance(md.renderer, _QtRenderer)
        md.renderer.highlighter = CodeHighlighter(code_style)
        self._md = md
        self.code_style = code_style

    def render(self, text: str) -> str:
        """The HTML for ``text``."""
        return self.render_with_code(text).html

    def render_with_code(self, text: str, *, first_code_index: int = 0) -> RenderedMarkdown:
        """The HTML for ``text`` and the code blocks its copy links refer to
        (numbered from ``first_code_index``)."""
        env: Env = {}
        return self.render_tokens(self.parse(text, env), env, first_code_index=first_code_index)

    def parse(self, text: str, env: Env) -> list[Token]:
        """Block and inline tokens of ``text``; link reference definitions land in ``env``."""
        return self._md.parse(text, env)

    def render_tokens(
        self, tokens: Sequence[Token], env: Env, *, first_code_index: int = 0, math_work: int = 0
    ) -> RenderedMarkdown:
        """Render tokens from :meth:`parse`; copy links are numbered from ``first_code_index``.

        ``math_work``: the work of the formulas typeset in the text before these
        tokens, for a text rendered in pieces to typeset what it would whole.
        """
        codes: list[str] = []
        env[_CODES] = codes
        env[_FIRST_CODE] = first_code_index
        env[_LINKS] = []
        env[_MATH_WORK] = math_work
        depths = (_QUOTES, _LISTS, *_INLINE.values())
        env.update(dict.fromkeys(depths, 0))
        try:
            html = self._md.renderer.render(tokens, self._md.options, env)
            work = env[_MATH_WORK]
        finally:
            del env[_CODES], env[_FIRST_CODE], env[_LINKS], env[_MATH_WORK]
            for key in depths:
                del env[key]
        return RenderedMarkdown(break_long_runs_html(html), tuple(codes), work)

    def highlight_closed_fences(self, tokens: Sequence[Token]) -> None:
        """Highlight the code of every closed fence among ``tokens`` (from :meth:`parse`)
        as rendering them would, so that rendering finds it cached."""
        renderer = self._md.renderer
        assert isinstance(renderer, _QtRenderer)
        for token in tokens:
            if token.type == "fence" and not token.meta.get(OPEN_FENCE):
                renderer.highlight(token.content, fence_language(token.info))


def _accept_any_url(url: str) -> bool:
    return True


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Past :data:`_FLAT_LEVEL`, the rest of the container's lines as one paragraph."""
    if state.level < _FLAT_LEVEL:
        return False
    if silent:
        return True
    last = start + 1
    while last < end and (state.isEmpty(last) or state.sCount[last] >= state.blkIndent):
        last += 1
    while last - 1 > start and state.isEmpty(last - 1):
        last -= 1
    state.line = last
    token = state.push("paragraph_open", "p", 1)
    token.map = [start, last]
    token = state.push("inline", "", 0)
    token.content = state.getLines(start, last, state.blkIndent, False).strip()
    token.map = [start, last]
    token.children = []
    state.push("paragraph_close", "p", -1)
    return True


def _mark_task_items(state: StateCore) -> None:
    """Turn the plugin's ``<input>`` checkboxes into a ``checked`` flag on the item.

    Qt has no form controls, but draws a checkbox for ``<li class="checked">``.
    """
    tokens = state.tokens
    for i, token in enumerate(tokens):
        children = token.children
        if token.type != "inline" or not children or i < 2:
            continue
        first = children[0]
        if first.type != "html_inline" or not first.content.startswith(_CHECKBOX_PREFIX):
            continue
        tokens[i - 2].meta["task"] = "checked" if 'checked="checked"' in first.content else "open"
        del children[0]
        if children and children[0].type == "text":
            children[0].content = children[0].content.lstrip()


_LIST_OPEN = frozenset({"bullet_list_open", "ordered_list_open"})
_LIST_CLOSE = frozenset({"bullet_list_close", "ordered_list_close"})


def _mark_list_ends(state: StateCore) -> None:
    """Mark the lists whose last item is the last block of a whole (outer) list.

    Qt puts a list's bottom margin on the list's last item, even when a nested
    list follows inside that item; so the space below a list has to come from
    the innermost list that really ends it. Those lists get ``meta["spaced"]``.
    """
    tokens = state.tokens
    parent: dict[int, int] = {}  # list -> the list whose item it sits in directly
    trailing: dict[int, int] = {}  # list -> the nested list that ends its last item
    stack: list[int] = []  # open lists, by token index
    for i, token in enumerate(tokens):
        if token.type in _LIST_OPEN:
            if stack and token.level == tokens[stack[-1]].level + 2:
                parent[i] = stack[-1]
            stack.append(i)
        elif token.type in _LIST_CLOSE:
            opened = stack.pop()
            if opened in parent and _ends_last_item(tokens, i):
                trailing[parent[opened]] = opened
    for index, token in enumerate(tokens):
        if token.type not in _LIST_OPEN or index in trailing:
            continue
        outermost = index
        while outermost in parent and trailing.get(parent[outermost]) == outermost:
            outermost = parent[outermost]
        token.meta["spaced"] = outermost not in parent


def _ends_last_item(tokens: Sequence[Token], close: int) -> bool:
    """Whether the list closing at ``close`` is the end of its parent list's last item."""
    return (
        close + 2 < len(tokens)
        and tokens[close + 1].type == "list_item_close"
        and tokens[close + 2].type in _LIST_CLOSE
    )


PREVIEW_LANGUAGES = frozenset({"html", "htm", "xhtml", "svg"})
"""Fence languages whose code block offers "Preview" (opened in a web browser)."""

OPEN_FENCE = "kimi_open_fence"
"""``Token.meta`` key set on a fence still waiting for its closing line: its code is
shown plain (monospace, unhighlighted) until it closes. Only a streaming message's
renderer sets it (:meth:`IncrementalMarkdown.html`); lexing a growing block again on
every new line cost time in proportion to the block, on every line."""


class _QtRenderer(RendererHTML):
    """markdown-it's HTML renderer with the rules Qt and safety need."""

    highlighter: CodeHighlighter

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        token = tokens[idx]
        plain = bool(token.meta.get(OPEN_FENCE))
        return self._code_block(token.content, fence_language(token.info), env, plain=plain)

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return self._code_block(tokens[idx].content, "", env)

    def _code_block(self, content: str, language: str, env: Env, *, plain: bool = False) -> str:
        code = content[:-1] if content.endswith("\n") else content
        codes: list[str] = env[_CODES]
        index = env[_FIRST_CODE] + len(codes)
        codes.append(code)
        body = self._plain(content, language) if plain else self.highlight(content, language)
        # TRANSLATORS: the header of a code block whose language is not named.
        label = escapeHtml(language) if language else escapeHtml(_("code"))
        target = f"{index}/{quote(language, safe='')}"
        # Each word is translated before its f-string: Babel reads an f-string as one token.
        # TRANSLATORS: a link above a code block: save the code in a file.
        save_as = escapeHtml(_("Save as…"))
        links = [f'<a href="save:{target}">{save_as}</a>']
        if language.lower() in PREVIEW_LANGUAGES:
            # TRANSLATORS: a link above an HTML or SVG code block: open it in a browser.
            preview = escapeHtml(_("Preview"))
            links.append(f'<a href="preview:{target}">{preview}</a>')
        # TRANSLATORS: a link above a code block: copy the code to the clipboard.
        copy = escapeHtml(_("Copy"))
        links.append(f'<a href="copy:{index}">{copy}</a>')
        actions = "&nbsp;&nbsp;&nbsp;".join(links)
        return (
            '<table class="codeblock" width="100%" border="0" cellspacing="0" cellpadding="0">'
            f'<tr><td class="codelang">{label}</td>'
            f'<td class="codecopy" align="right">{actions}</td></tr>'
            f'<tr><td class="codebody" colspan="2"><pre>{body}</pre></td></tr>'
            "</table>\n"
        )

    def _plain(self, content: str, language: str) -> str:
        """An open fence's code laid out as :meth:`_highlight` lays it out, uncoloured."""
        code = content[:-1] if content.endswith("\n") else content
        text = escapeHtml(code)
        if content.endswith("\n") and self.highlighter.knows(language):
            text = text.removesuffix("\n")  # as the highlighter drops the lexer's last break
        return text

    def highlight(self, content: str, language: str) -> str:
        """Highlighted code; a last line still arriving (open fence) stays plain.

        Highlighting only whole lines means a streaming code block is lexed again
        once per line, not once per delta (the lexer's result is cached).
        """
        if content.endswith("\n") or not content:
            return self.highlighter.to_html(content[:-1], language)
        cut = content.rfind("\n")
        partial = escapeHtml(content[cut + 1 :])
        if cut == -1:
            return partial
        return self.highlighter.to_html(content[:cut], language) + "\n" + partial

    def code_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return f"<code>{escapeHtml(tokens[idx].content)}</code>"

    def math_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        token = tokens[idx]
        latex = token.content.strip()
        if not _typesets(latex, token.meta["display"], env):
            return f"<code>{escapeHtml(latex)}</code>"
        return _formula_img(latex, token.meta["display"], ' align="middle"')

    def math_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        latex = tokens[idx].content.strip()
        if not _typesets(latex, True, env):
            return self._code_block(latex, "latex", env)
        return f'<p align="center">{_formula_img(latex, True)}</p>\n'

    def math_block_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        # Not closed (yet): its source, as a failed formula would show, until it is.
        return self._code_block(tokens[idx].content.strip("\n"), "latex", env)

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        href = tokens[idx].attrGet("href")
        allowed = isinstance(href, str) and _ALLOWED_HREF.match(href) is not None
        env[_LINKS].append(allowed)
        return f'<a href="{escapeHtml(str(href))}">' if allowed else ""

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        links: list[bool] = env[_LINKS]
        return "</a>" if links and links.pop() else ""

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        token = tokens[idx]
        alt = escapeHtml(self.renderInlineAsText(token.children, options, env))
        src = token.attrGet("src")
        if True in env[_LINKS] or not isinstance(src, str) or not _IMAGE_HREF.match(src):
            return alt
        return f'<a href="{escapeHtml(src)}">{alt or escapeHtml(src)}</a>'

    def bullet_list_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        if _deeper(env, _LISTS):
            return ""  # its items join the list drawn at MAX_DEPTH
        return "<ul>\n" if not tokens[idx].meta.get("spaced") else '<ul class="spaced">\n'

    def bullet_list_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        return "" if _shallower(env, _LISTS) else "</ul>\n"

    def ordered_list_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        if _deeper(env, _LISTS):
            return ""
        start = tokens[idx].attrGet("start")
        attrs = f' start="{escapeHtml(str(start))}"' if start is not None else ""
        if tokens[idx].meta.get("spaced"):
            attrs += ' class="spaced"'
        return f"<ol{attrs}>\n"

    def ordered_list_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        return "" if _shallower(env, _LISTS) else "</ol>\n"

    def list_item_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        task = tokens[idx].meta.get("task")
        if task is None:
            return "<li>"
        return '<li class="checked">' if task == "checked" else '<li class="unchecked">'

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return '<table class="grid" border="0" cellspacing="0" cellpadding="0">\n'

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return _cell_open("th", tokens[idx])

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return _cell_open("td", tokens[idx])

    def blockquote_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        if _deeper(env, _QUOTES):
            return ""  # its blocks join the quote drawn at MAX_DEPTH
        return (
            '<table class="quote" width="100%" border="0" cellspacing="0" cellpadding="0">'
            '<tr><td class="quotebody">\n'
        )

    def blockquote_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        return "" if _shallower(env, _QUOTES) else "</td></tr></table>\n"

    def strong_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return _inline_open(tokens[idx], env)

    def strong_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env
    ) -> str:
        return _inline_close(tokens[idx], env)

    def em_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return _inline_open(tokens[idx], env)

    def em_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return _inline_close(tokens[idx], env)

    def s_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return _inline_open(tokens[idx], env)

    def s_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return _inline_close(tokens[idx], env)

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return escapeHtml(tokens[idx].content)

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        return f"<p>{escapeHtml(tokens[idx].content)}</p>\n"


def _typesets(latex: str, display: bool, env: Env) -> bool:
    """Whether ``latex`` typesets within what is left of this rendering's math work.

    Formulas are counted in order, typeset or not, so a text rendered in pieces
    shows the same formulas as when rendered whole; once one does not fit, no
    later one is typeset either.
    """
    if env[_MATH_WORK] >= math.RENDER_WORK:
        return False
    work = math.layout_work(latex, display=display)
    if work is None:
        return False
    if env[_MATH_WORK] + work > math.RENDER_WORK:
        env[_MATH_WORK] = math.RENDER_WORK
        return False
    if math.typeset(latex, display=display) is None:
        return False
    env[_MATH_WORK] += work
    return True


def _formula_img(latex: str, display: bool, attributes: str = "") -> str:
    """The image of a formula, its source as alt text (on one line: the HTML's
    newlines are read as ends of blocks)."""
    src = escapeHtml(math.formula_url(latex, display=display))
    alt = escapeHtml(latex).replace("\n", "&#10;")
    return f'<img src="{src}" alt="{alt}"{attributes} />'


def _deeper(env: Env, key: str, most: int = MAX_DEPTH) -> bool:
    """Open one more level of ``key``; whether it lies deeper than ``most``, so is not drawn."""
    env[key] += 1
    return bool(env[key] > most)


def _shallower(env: Env, key: str, most: int = MAX_DEPTH) -> bool:
    """Close a level of ``key``; whether it lay deeper than ``most``."""
    env[key] -= 1
    return bool(env[key] >= most)


def _inline_open(token: Token, env: Env) -> str:
    return "" if _deeper(env, _INLINE[token.tag], _MAX_INLINE_DEPTH) else f"<{token.tag}>"


def _inline_close(token: Token, env: Env) -> str:
    return "" if _shallower(env, _INLINE[token.tag], _MAX_INLINE_DEPTH) else f"</{token.tag}>"


def _cell_open(tag: str, token: Token) -> str:
    # Alignment as an attribute: a cell with a style attribute loses the
    # stylesheet's borders in Qt.
    style = str(token.attrGet("style") or "")
    align = style.removeprefix("text-align:").strip()
    if align in ("left", "right", "center"):
        return f'<{tag} align="{align}">'
    return f"<{tag}>"
