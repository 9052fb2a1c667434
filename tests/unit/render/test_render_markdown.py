"""MarkdownRenderer: safety of untrusted model output, code blocks, and Qt-friendly HTML."""

from __future__ import annotations

import re

import pytest
from pygments.styles import get_style_by_name
from pygments.token import Error, Keyword, Name
from render_samples import LONG_REPLY, SHORT_SAMPLES

from kimi_desktop.render.markdown import MarkdownRenderer, RenderedMarkdown


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def coloured(html: str, token: object, text: str, style: str = "default") -> bool:
    """Whether ``text`` is a span in the colour ``style`` gives ``token``."""
    want = get_style_by_name(style).style_for_token(token)["color"].lower()
    for found in re.findall(rf'<span style="color: #(\w+)[^"]*">{re.escape(text)}</span>', html):
        found = found.lower()
        if want == (found if len(found) == 6 else "".join(c * 2 for c in found)):
            return True
    return False


def anchors(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"', html)


# --- raw HTML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "text <script>alert(1)</script> more",
        "<img src=x onerror=alert(1)>",
        "inline <img src=x onerror=alert(1)> image",
        '<a href="javascript:alert(1)">click</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<style>body { display: none }</style>",
        "- item <b onmouseover=alert(1)>bold</b>",
        "> <img src=https://tracker.example/pixel.gif>",
    ],
)
def test_raw_html_is_escaped_and_shown_as_text(renderer: MarkdownRenderer, source: str) -> None:
    html = renderer.render(source)

    for tag in ("<script", "<img", "<iframe", "<style", "<b ", '<a href="javascript'):
        assert tag not in html
    assert "&lt;" in html


def test_escaped_html_keeps_the_visible_text(renderer: MarkdownRenderer) -> None:
    html = renderer.render("Use <div> & <span> tags.")

    assert "Use &lt;div&gt; &amp; &lt;span&gt; tags." in html


# --- links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](java&#09;script:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](file:///etc/passwd)",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](relative/path.html)",
        "[click](/absolute/path)",
        "[click](#anchor)",
        "[click](//evil.example/x)",
        "[click](copy:0)",
        "<javascript:alert(1)>",
        "<file:///etc/passwd>",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_links_other_than_http_https_mailto_become_plain_text(
    renderer: MarkdownRenderer, source: str
) -> None:
    html = renderer.render(source)

    assert "<a " not in html
    assert "click" in html or ":" in html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[docs](https://example.com/a?b=1&c=2)", "https://example.com/a?b=1&amp;c=2"),
        ("[site](http://example.com)", "http://example.com"),
        ("[mail](mailto:someone@example.com)", "mailto:someone@example.com"),
        ("<https://example.com/auto>", "https://example.com/auto"),
        ("[ref link][r]\n\n[r]: https://example.com/ref", "https://example.com/ref"),
        ('[q](https://example.com/"onmouseover=x)', "https://example.com/%22onmouseover=x"),
    ],
)
def test_http_https_and_mailto_links_are_kept(
    renderer: MarkdownRenderer, source: str, href: str
) -> None:
    assert anchors(renderer.render(source)) == [href]


def test_a_dropped_link_keeps_its_formatted_label(renderer: MarkdownRenderer) -> None:
    html = renderer.render("see [the **docs**](javascript:alert(1)) now")

    assert html == "<p>see the <strong>docs</strong> now</p>\n"


# --- images -----------------------------------------------------------------------------


def test_remote_image_becomes_a_link_labelled_with_its_alt_text(
    renderer: MarkdownRenderer,
) -> None:
    html = renderer.render("![a chart](https://example.com/chart.png)")

    assert html == '<p><a href="https://example.com/chart.png">a chart</a></p>\n'


@pytest.mark.parametrize(
    "source",
    [
        "![pixel](http://tracker.example/p.gif)",
        "![](https://example.com/no-alt.png)",
        "![x](javascript:alert(1))",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "![x](file:///home/user/secret.png)",
        "![x](local.png)",
        "![x][img]\n\n[img]: https://example.com/ref.png",
        "[![badge](https://img.example/b.svg)](https://example.com)",
        "<img src=https://example.com/raw.png>",
    ],
)
def test_no_image_is_ever_rendered_as_img(renderer: MarkdownRenderer, source: str) -> None:
    html = renderer.render(source)

    assert "<img" not in html
    assert all(href.startswith(("http://", "https://")) for href in anchors(html))


def test_image_without_alt_text_is_labelled_with_its_url(renderer: MarkdownRenderer) -> None:
    html = renderer.render("![](https://example.com/a.png)")

    assert '<a href="https://example.com/a.png">https://example.com/a.png</a>' in html


def test_image_with_an_unsafe_url_shows_only_its_alt_text(renderer: MarkdownRenderer) -> None:
    assert renderer.render("![the alt](data:image/png;base64,AA==)") == "<p>the alt</p>\n"


def test_image_inside_a_link_is_not_a_second_nested_link(renderer: MarkdownRenderer) -> None:
    html = renderer.render("[![badge](https://img.example/b.svg)](https://example.com)")

    assert anchors(html) == ["https://example.com"]
    assert ">badge</a>" in html


def test_no_img_tag_anywhere_in_the_sample_answers(renderer: MarkdownRenderer) -> None:
    for text in [LONG_REPLY, *SHORT_SAMPLES.values()]:
        assert "<img" not in renderer.render(text)


# --- code blocks ------------------------------------------------------------------------


def test_fenced_code_is_highlighted_with_the_fence_language(renderer: MarkdownRenderer) -> None:
    html = renderer.render("```python\ndef f():\n    return 1\n```\n")

    assert coloured(html, Keyword, "def")
    assert coloured(html, Name.Function, "f")
    assert '<td class="codelang">python</td>' in html


@pytest.mark.parametrize("info", ["py", "Python", "python3", "python {.numberLines}", "{.python}"])
def test_fence_language_aliases_and_info_words(renderer: MarkdownRenderer, info: str) -> None:
    html = renderer.render(f"```{info}\nimport os\n```\n")

    assert coloured(html, Keyword.Namespace, "import")


@pytest.mark.parametrize("style", ["default", "github-dark"])
def test_code_takes_the_colours_of_the_chosen_style(style: str) -> None:
    html = MarkdownRenderer(style).render("```python\ndef f():\n    return 1\n```\n")

    assert coloured(html, Keyword, "def", style)
    assert 'class="' not in html.split("<pre>", 1)[1]  # colours inline, no token classes


def test_error_tokens_keep_their_colour_but_lose_the_box(renderer: MarkdownRenderer) -> None:
    assert get_style_by_name("default").style_for_token(Error)["border"]  # pygments draws a box
    html = renderer.render("```python\nx = 1 $ 2\n```\n")

    code = html.split("<pre>", 1)[1]
    assert "$" in code  # in the block's own colour: the default style gives Error none
    assert "border" not in code
    assert "background" not in code
    dark = MarkdownRenderer("github-dark").render("```python\nx = 1 $ 2\n```\n")
    assert coloured(dark, Error, "$", "github-dark")


@pytest.mark.parametrize("info", ["", "text", "plaintext", "no-such-language", "output"])
def test_code_without_a_known_language_is_never_guessed(
    renderer: MarkdownRenderer, info: str
) -> None:
    source = f"```{info}\nimport os\n\ndef main():\n    print('hi')\n```\n"

    html = renderer.render(source)

    assert "<span" not in html
    assert "<pre>import os\n\ndef main():\n    print('hi')</pre>" in html


def test_indented_code_is_a_plain_code_block(renderer: MarkdownRenderer) -> None:
    html = renderer.render("Text:\n\n    import os\n    os.exit()\n")

    assert "<span" not in html
    assert '<td class="codelang">code</td>' in html
    assert "<pre>import os\nos.exit()</pre>" in html


def test_code_is_escaped_inside_highlighting(renderer: MarkdownRenderer) -> None:
    html = renderer.render('```python\nx = "<script>alert(1)</script>"\n```\n')

    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_code_language_label_is_escaped(renderer: MarkdownRenderer) -> None:
    html = renderer.render("```<b>x</b>\ncode\n```\n")

    assert "<b>" not in html


def test_copy_links_index_the_exact_code(renderer: MarkdownRenderer) -> None:
    first = 'print("<b>&amp;</b>")\n\n    indented = True'
    second = "echo $HOME\n"  # a blank last line is part of the code
    third = "plain  spaces\tand tab"
    source = (
        f"Intro\n\n```python\n{first}\n```\n\ntext\n\n~~~bash\n{second}\n~~~\n\n"
        f"- item\n\n      {third}\n"
    )

    result = renderer.render_with_code(source)

    assert result.code_blocks == (first, second, third)
    assert re.findall(r'href="copy:(\d+)"', result.html) == ["0", "1", "2"]


def test_render_with_code_matches_render(renderer: MarkdownRenderer) -> None:
    result = renderer.render_with_code(LONG_REPLY)

    assert isinstance(result, RenderedMarkdown)
    assert result.html == renderer.render(LONG_REPLY)
    assert len(result.code_blocks) == result.html.count('href="copy:')


def test_open_fence_renders_its_code_so_far(renderer: MarkdownRenderer) -> None:
    result = renderer.render_with_code("Here:\n\n```python\nimport os\nprint(os.ge")

    assert result.code_blocks == ("import os\nprint(os.ge",)
    assert coloured(result.html, Keyword.Namespace, "import")
    assert "print(os.ge</pre>" in result.html  # the line still arriving stays plain


# --- structure --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ("Here are the options:\n- one\n- two\n", "ul"),
        ("Steps:\n1. one\n2. two\n", "ol"),
        ("Options:\n* one\n* two\n", "ul"),
        ("**Pros:**\n+ fast\n+ small\n", "ul"),
    ],
)
def test_list_right_after_a_line_of_text_is_a_list(
    renderer: MarkdownRenderer, source: str, tag: str
) -> None:
    html = renderer.render(source)

    assert re.search(rf"</p>\n<{tag}[ >]", html)
    assert html.count("<li>") == 2


def test_nested_lists_keep_their_structure(renderer: MarkdownRenderer) -> None:
    html = renderer.render(SHORT_SAMPLES["nested_lists"])

    assert html.count("<ol") == 1
    assert html.count("<ul") >= 3
    assert re.search(r"<li>Configure the client:<ul>\n<li>set <code>base_url</code>", html)


def test_the_list_that_ends_a_nested_list_gets_the_space_below(
    renderer: MarkdownRenderer,
) -> None:
    html = renderer.render("- a\n- b\n  - inner\n\nafter\n")

    assert html.startswith("<ul>\n")
    assert '<ul class="spaced">\n<li>inner</li>' in html


def test_table_renders_with_header_cells_and_alignment(renderer: MarkdownRenderer) -> None:
    html = renderer.render(SHORT_SAMPLES["table"])

    assert html.count('<table class="grid"') == 2
    assert '<th align="left">Model</th>' in html
    assert '<th align="right">Context</th>' in html
    assert '<td align="center"><strong>yes</strong></td>' in html
    assert "style=" not in html  # a style attribute on a cell drops Qt's cell borders


def test_task_list_items_use_qt_checkbox_markers(renderer: MarkdownRenderer) -> None:
    html = renderer.render(SHORT_SAMPLES["tasks"])

    assert html.count('<li class="checked">') == 2
    assert html.count('<li class="unchecked">') == 3
    assert '<li class="checked">Bump the version</li>' in html
    assert "<input" not in html
    assert "[ ]" not in html


def test_a_checkbox_lookalike_in_text_stays_text(renderer: MarkdownRenderer) -> None:
    html = renderer.render('- <input class="task-list-item-checkbox" type="checkbox"> x\n')

    assert "<input" not in html
    assert '<li class="' not in html


def test_headings_quotes_rules_and_inline_formatting(renderer: MarkdownRenderer) -> None:
    html = renderer.render(SHORT_SAMPLES["headings"] + SHORT_SAMPLES["quotes"] + "~~gone~~")

    for fragment in ("<h1>Title</h1>", "<h2>Section</h2>", "<h3>Subsection</h3>"):
        assert fragment in html
    assert "<h1>Setext heading</h1>" in html
    assert html.count("<hr />") == 2
    assert '<table class="quote"' in html
    assert "with a lazy continuation line." in html
    assert "<s>gone</s>" in html


def test_inline_code_is_a_code_element(renderer: MarkdownRenderer) -> None:
    assert renderer.render("run `a < b`") == "<p>run <code>a &lt; b</code></p>\n"


def test_cjk_and_emoji_pass_through(renderer: MarkdownRenderer) -> None:
    html = renderer.render(SHORT_SAMPLES["cjk"] + SHORT_SAMPLES["emoji"])

    assert "<h2>安装步骤</h2>" in html
    assert "👨‍👩‍👧" in html
    assert "<li>打开终端</li>" in html
