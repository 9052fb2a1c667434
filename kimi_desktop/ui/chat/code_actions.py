"""What a code block's "Save as…" and "Preview" links do.

The renderer writes ``save:N/LANG`` and ``preview:N/LANG`` links into each code
block's header (:mod:`kimi_desktop.render.markdown`): N is the block's index in
the message, LANG its fence's language, URL-quoted. "Save as…" proposes
``snippet.<ext>`` (the extension from the language, ``.txt`` when it names
none) and writes the block's exact text. "Preview", offered for HTML and SVG,
writes the block to a private file and opens it in the default browser: the
way to see the page a model just wrote. Nothing is written before the click,
and the file is only opened, never served or shared.

Preview files go to one folder per window (:class:`CodeFiles`), made with
``tempfile.mkdtemp`` (readable by the user alone) at the first preview, each
file created 0600, the folder removed when the window goes and at exit. A
browser reads the file after ``openUrl`` returns, so a file must outlive the
message widget that wrote it, which the chat recycles while scrolling.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal
from urllib.parse import unquote

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from kimi_desktop.i18n import _

CodeAction = Literal["save", "preview"]

#: File extensions by fence language (after :data:`LANGUAGE_ALIASES`); any other
#: language, or none, saves as ``.txt``.
EXTENSIONS: Final[dict[str, str]] = {
    "bash": ".sh",
    "c": ".c",
    "clojure": ".clj",
    "cpp": ".cpp",
    "c++": ".cpp",
    "csharp": ".cs",
    "css": ".css",
    "csv": ".csv",
    "dart": ".dart",
    "diff": ".diff",
    "docker": ".dockerfile",
    "elixir": ".ex",
    "erlang": ".erl",
    "fsharp": ".fs",
    "go": ".go",
    "graphql": ".graphql",
    "groovy": ".groovy",
    "haskell": ".hs",
    "htm": ".html",
    "html": ".html",
    "ini": ".ini",
    "java": ".java",
    "javascript": ".js",
    "json": ".json",
    "jsonc": ".jsonc",
    "jsx": ".jsx",
    "julia": ".jl",
    "kotlin": ".kt",
    "latex": ".tex",
    "less": ".less",
    "lua": ".lua",
    "makefile": ".mk",
    "markdown": ".md",
    "md": ".md",
    "nginx": ".conf",
    "objective-c": ".m",
    "ocaml": ".ml",
    "patch": ".patch",
    "perl": ".pl",
    "php": ".php",
    "powershell": ".ps1",
    "protobuf": ".proto",
    "python": ".py",
    "r": ".r",
    "ruby": ".rb",
    "rust": ".rs",
    "scala": ".scala",
    "scss": ".scss",
    "sql": ".sql",
    "svg": ".svg",
    "svelte": ".svelte",
    "swift": ".swift",
    "terraform": ".tf",
    "tex": ".tex",
    "toml": ".toml",
    "ts": ".ts",
    "tsx": ".tsx",
    "typescript": ".ts",
    "vb": ".vb",
    "vue": ".vue",
    "xhtml": ".xhtml",
    "xml": ".xml",
    "yaml": ".yaml",
    "yml": ".yml",
    "zig": ".zig",
}
#: Where a language is spelled as its own alias target would lose the file type
#: the fence named (``vue`` highlights as HTML but is a Vue file).
_OWN_EXTENSION = frozenset({"vue", "svelte", "tsx", "jsx"})

#: The folder's object name under its window.
CODE_FILES_NAME: Final = "codeFiles"


def file_extension(language: str) -> str:
    """The extension (with its dot) a code block in ``language`` is saved with."""
    from kimi_desktop.render.highlight import LANGUAGE_ALIASES  # with pygments, on first use

    name = language.strip().lower()
    if name not in _OWN_EXTENSION:
        name = LANGUAGE_ALIASES.get(name, name)
    return EXTENSIONS.get(name, ".txt")


def previewable(language: str) -> bool:
    """Whether a code block in ``language`` can be previewed in a browser."""
    from kimi_desktop.render.markdown import PREVIEW_LANGUAGES  # with markdown-it, on first use

    return language.strip().lower() in PREVIEW_LANGUAGES


@dataclass(frozen=True, slots=True)
class CodeLink:
    """A code block header's link: what to do, to which block, in which language."""

    action: CodeAction
    index: int
    language: str


def code_link(url: QUrl) -> CodeLink | None:
    """The code action a clicked link asks for, or ``None`` for any other link."""
    scheme = url.scheme()
    if scheme not in ("save", "preview"):
        return None
    text = url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
    index, _slash, language = text.partition(":")[2].partition("/")
    if not index.isdigit():
        return None
    action: CodeAction = "save" if scheme == "save" else "preview"
    return CodeLink(action, int(index), unquote(language))


class CodeFiles(QObject):
    """The files code blocks make for one window: previews in a private folder, and
    the folder "Save as…" last used.

    The preview folder exists from the first preview on, and is removed with
    this object (when its window goes) and at exit, whichever comes first.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(CODE_FILES_NAME)
        self._previews: Path | None = None
        self.save_folder = _documents_folder()

    @classmethod
    def of(cls, widget: QWidget) -> CodeFiles:
        """The code files of ``widget``'s window (made the first time they are needed)."""
        window = widget.window()
        for child in window.findChildren(
            QObject, CODE_FILES_NAME, Qt.FindChildOption.FindDirectChildrenOnly
        ):
            if isinstance(child, CodeFiles):
                return child
        return cls(window)

    def write_preview(self, code: str, suffix: str) -> Path:
        """Write ``code`` to a new private file ending in ``suffix``; returns its path.

        HTML starts with a UTF-8 byte order mark: a page without ``<meta
        charset>`` would otherwise be read in the browser's legacy encoding and
        show any non-ASCII text garbled.
        """
        folder = self._preview_folder()
        handle, name = tempfile.mkstemp(suffix=suffix, prefix="preview-", dir=folder)  # 0600
        encoding = "utf-8-sig" if suffix in (".html", ".xhtml") else "utf-8"
        with os.fdopen(handle, "w", encoding=encoding, errors="replace", newline="") as stream:
            stream.write(code)
        return Path(name)

    def preview_folder(self) -> Path | None:
        """The private folder previews are written to, once one was."""
        return self._previews

    def _preview_folder(self) -> Path:
        if self._previews is None or not self._previews.is_dir():
            folder = tempfile.mkdtemp(prefix="kimi-desktop-preview-")  # 0700, this user's
            self._previews = Path(folder)
            # Runs when this object is collected with its window, or at exit.
            weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
        return self._previews


class CodeActions(QObject):
    """Carries out a code block's "Save as…" and "Preview" for the widget showing it.

    Signals:
        saved(str path): a code block was written to ``path``.
        previewed(str path): a preview file was written and handed to the browser.
        failed(str sentence): saving or previewing did not work (also shown in a
            message box on the window).
    """

    saved = Signal(str)
    previewed = Signal(str)
    failed = Signal(str)

    def __init__(self, widget: QWidget, files: CodeFiles | None = None) -> None:
        super().__init__(widget)
        self._widget = widget
        self._files = files

    def run(self, link: CodeLink, code: str) -> None:
        """Do what ``link`` asks with ``code``, the block's exact text."""
        if link.action == "save":
            self.save(code, link.language)
        elif previewable(link.language):
            self.preview(code, link.language)

    def save(self, code: str, language: str) -> None:
        """Ask where to save ``code`` (proposing ``snippet.<ext>``), then write it as is."""
        files = self._code_files()
        suffix = file_extension(language)
        all_files = _("All files")  # outside the f-string, where the catalog can see it
        path, _filter = QFileDialog.getSaveFileName(
            self._widget.window(),
            _("Save code as"),
            str(files.save_folder / f"snippet{suffix}"),
            f"*{suffix};;{all_files} (*)",
        )
        if not path:
            return
        target = Path(path)
        try:
            # The text of one code block: written here, the dialog has held the window anyway.
            with target.open("w", encoding="utf-8", errors="replace", newline="") as stream:
                stream.write(code)
        except OSError as exc:
            self._fail(
                _("The code could not be saved as “{name}”: {error}").format(
                    name=target.name, error=exc.strerror or exc
                )
            )
            return
        files.save_folder = target.parent
        self.saved.emit(str(target))

    def preview(self, code: str, language: str) -> None:
        """Write ``code`` to a private file and open it in the default browser."""
        suffix = ".svg" if language.strip().lower() == "svg" else file_extension(language)
        try:
            path = self._code_files().write_preview(code, suffix)
        except OSError as exc:
            self._fail(
                _("The preview could not be written: {error}").format(error=exc.strerror or exc)
            )
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            with contextlib.suppress(OSError):
                path.unlink()
            self._fail(_("No web browser could be opened to show the preview."))
            return
        self.previewed.emit(str(path))

    def _code_files(self) -> CodeFiles:
        if self._files is None:
            self._files = CodeFiles.of(self._widget)
        return self._files

    def _fail(self, sentence: str) -> None:
        self.failed.emit(sentence)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Code block"),
            sentence,
            QMessageBox.StandardButton.Ok,
            self._widget.window(),
        )
        box.setObjectName("codeActionProblem")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _documents_folder() -> Path:
    """Where "Save as…" starts: the user's documents folder, else the home folder."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()
