"""A code block's "Save as…" and "Preview": the exact text under the fence's extension, and
an HTML or SVG block written to a private file and opened in the browser only on click."""

from __future__ import annotations

import gc
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kimi_desktop.render.markdown import MarkdownRenderer
from kimi_desktop.ui.chat.code_actions import CodeFiles, code_link, file_extension
from kimi_desktop.ui.chat.message_body import MessageBody

CODE = 'def greet(name):\n\treturn f"héllo {name}"   \n\n# 你好\n'
PAGE = '<!doctype html>\n<title>Card</title>\n<p style="color: teal">Olá, 世界</p>'
ICON = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><circle r="4"/></svg>'

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def shown(qtbot, markdown: str) -> MessageBody:
    """A message body showing ``markdown`` rendered, as a reply is."""
    body = MessageBody()
    qtbot.addWidget(body)
    rendered = MarkdownRenderer().render_with_code(markdown)
    body.set_html(rendered.html, rendered.code_blocks, "", streaming=False)
    return body


def header_link(body: MessageBody, scheme: str, block: int = 0) -> str | None:
    """The href of the ``scheme`` link above code block ``block``, as rendered."""
    links = re.findall(rf'href="({scheme}:[^"]*)"', body.first().shown_source())
    return links[block] if block < len(links) else None


def click(body: MessageBody, href: str) -> None:
    body.first().anchorClicked.emit(QUrl(href))


class Desktop:
    """QDesktopServices.openUrl, recorded; ``opens`` says whether a browser answered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, opens: bool = True) -> None:
        self.urls: list[QUrl] = []
        self.opens = opens
        monkeypatch.setattr(QDesktopServices, "openUrl", self.open_url)

    def open_url(self, url: QUrl) -> bool:
        self.urls.append(url)
        return self.opens


@pytest.fixture
def made_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every folder ``tempfile.mkdtemp`` makes from now on (inside ``tmp_path``)."""
    made: list[Path] = []
    real = tempfile.mkdtemp

    def mkdtemp(suffix: str | None = None, prefix: str | None = None, dir: str | None = None):
        folder = real(suffix, prefix, str(tmp_path))
        made.append(Path(folder))
        return folder

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    return made


@pytest.mark.parametrize(
    ("language", "extension"),
    [
        ("python", ".py"),
        ("py3", ".py"),
        ("js", ".js"),
        ("TypeScript", ".ts"),
        ("c#", ".cs"),
        ("sh", ".sh"),
        ("html", ".html"),
        ("vue", ".vue"),
        ("", ".txt"),
        ("brainfuck", ".txt"),
    ],
)
def test_save_as_writes_the_exact_text_under_the_fence_extension(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, extension: str
) -> None:
    body = shown(qtbot, f"Here:\n\n```{language}\n{CODE}```\n")
    proposed: list[str] = []
    target = tmp_path / f"mine{extension}"

    def save_dialog(parent, caption, start, filters):
        proposed.append(start)
        assert extension in filters
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    href = header_link(body, "save")
    assert href is not None

    with qtbot.waitSignal(body.code_saved) as saved:
        click(body, href)

    assert Path(proposed[0]).name == f"snippet{extension}"
    assert target.read_bytes() == CODE[:-1].encode("utf-8")  # the block's text, byte for byte
    assert saved.args == [str(target)]


def test_save_as_cancelled_writes_nothing(qtbot, tmp_path: Path, monkeypatch) -> None:
    body = shown(qtbot, f"```python\n{CODE}```")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    saved: list[str] = []
    body.code_saved.connect(saved.append)

    click(body, "save:0/python")

    assert saved == []
    assert list(tmp_path.iterdir()) == []


def test_a_save_that_fails_says_why(qtbot, tmp_path: Path, monkeypatch) -> None:
    body = shown(qtbot, f"```python\n{CODE}```")
    missing = tmp_path / "no such folder" / "snippet.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(missing), ""))

    with qtbot.waitSignal(body.code_actions().failed) as failed:
        click(body, "save:0/python")

    assert "snippet.py" in failed.args[0]
    box = body.findChild(QMessageBox, "codeActionProblem")
    assert box is not None
    assert box.text() == failed.args[0]
    box.close()


@posix_only
def test_preview_writes_a_private_file_only_on_click_and_opens_it(
    qtbot, monkeypatch, made_folders: list[Path]
) -> None:
    desktop = Desktop(monkeypatch)
    body = shown(qtbot, f"A card:\n\n```html\n{PAGE}\n```\n")
    href = header_link(body, "preview")
    assert href is not None

    assert made_folders == []  # nothing written, nothing opened before the click
    assert desktop.urls == []

    with qtbot.waitSignal(body.code_previewed) as previewed:
        click(body, href)

    [folder] = made_folders
    [url] = desktop.urls
    assert url.isLocalFile()
    assert url.scheme() == "file"
    path = Path(url.toLocalFile())
    assert previewed.args == [str(path)]
    assert path.parent == folder
    assert path.suffix == ".html"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert path.read_bytes() == b"\xef\xbb\xbf" + PAGE.encode("utf-8")  # read as UTF-8


@posix_only
def test_every_preview_is_a_new_file_in_the_same_folder(
    qtbot, monkeypatch, made_folders: list[Path]
) -> None:
    desktop = Desktop(monkeypatch)
    body = shown(qtbot, f"```svg\n{ICON}\n```\n\n```HTML\n{PAGE}\n```")
    svg, html = header_link(body, "preview", 0), header_link(body, "preview", 1)
    assert svg is not None
    assert html is not None

    click(body, svg)
    click(body, html)
    click(body, svg)

    paths = [Path(url.toLocalFile()) for url in desktop.urls]
    assert len(set(paths)) == 3
    assert {path.parent for path in paths} == set(made_folders)
    assert len(made_folders) == 1
    assert [path.suffix for path in paths] == [".svg", ".html", ".svg"]
    assert paths[0].read_text(encoding="utf-8") == ICON
    assert all(stat.S_IMODE(os.stat(path).st_mode) == 0o600 for path in paths)


def test_only_html_and_svg_blocks_offer_a_preview(qtbot, monkeypatch, made_folders) -> None:
    desktop = Desktop(monkeypatch)
    body = shown(qtbot, f"```python\n{CODE}```\n\n```js\nalert(1)\n```\n\n```\n{PAGE}\n```")

    assert header_link(body, "preview") is None
    click(body, "preview:0/python")  # not a link the header has: nothing happens

    assert desktop.urls == []
    assert made_folders == []


def test_a_model_cannot_write_a_preview_link(qtbot, monkeypatch, made_folders) -> None:
    desktop = Desktop(monkeypatch)
    body = shown(qtbot, f"[open me](preview:0/html) [save](save:0/html)\n\n```html\n{PAGE}\n```")

    assert len(re.findall(r'href="preview:', body.first().shown_source())) == 1  # the header's
    assert "open me" in body.plain_text()
    assert desktop.urls == []
    assert made_folders == []


def test_a_preview_no_browser_opens_is_removed_and_said(
    qtbot, monkeypatch, made_folders: list[Path]
) -> None:
    Desktop(monkeypatch, opens=False)
    body = shown(qtbot, f"```html\n{PAGE}\n```")

    with qtbot.waitSignal(body.code_actions().failed):
        click(body, "preview:0/html")

    [folder] = made_folders
    assert list(folder.iterdir()) == []
    box = body.findChild(QMessageBox, "codeActionProblem")
    assert box is not None
    box.close()


def test_the_preview_folder_goes_with_its_owner(qapp, made_folders: list[Path]) -> None:
    files = CodeFiles()
    path = files.write_preview(PAGE, ".html")
    assert path.exists()

    del files
    gc.collect()

    [folder] = made_folders
    assert not folder.exists()


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("save:3/python", ("save", 3, "python")),
        ("preview:0/html", ("preview", 0, "html")),
        ("save:1/c%23", ("save", 1, "c#")),
        ("save:2/", ("save", 2, "")),
    ],
)
def test_code_links_are_read_back(href: str, expected: tuple[str, int, str]) -> None:
    link = code_link(QUrl(href))

    assert link is not None
    assert (link.action, link.index, link.language) == expected


@pytest.mark.parametrize("href", ["copy:0", "https://example.com/", "save:x/python", "preview:"])
def test_other_links_are_no_code_actions(href: str) -> None:
    assert code_link(QUrl(href)) is None


def test_a_language_with_no_extension_of_its_own_saves_as_text() -> None:
    assert file_extension("mermaid") == ".txt"
    assert file_extension(" Python ") == ".py"
