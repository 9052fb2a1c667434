"""A conversation as a Markdown file a person reads: for sharing and keeping, not restoring.

Prompts and answers follow one another under a line naming the author and the
time. Reasoning, instructions and the text of attached documents are folded
into ``<details>`` blocks (GitHub, GitLab, VS Code and most viewers show them
closed), so the answers stay readable. Images are written into a folder next
to the file, ``<name>_files/``, and linked relatively, so the file and its
folder can be moved together. Only the branch shown is written: the versions
not shown stay in the JSON export.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final
from urllib.parse import quote

from kimi_desktop.domain import AttachedDocument, MessageStatus
from kimi_desktop.domain.export_format import PortableConversation, PortableImage, PortableMessage
from kimi_desktop.i18n import _, ngettext
from kimi_desktop.services.transfer.files import replacing, write_bytes

#: File extensions for the image types the app stores.
_EXTENSIONS: Final = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
}
_DETAILS_END = re.compile(r"</details\s*>", re.IGNORECASE)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def images_folder(path: Path) -> Path:
    """Where the images of the Markdown file at ``path`` go: ``<name>_files`` beside it."""
    return path.with_name(f"{path.stem}_files")


def write_markdown(conversation: PortableConversation, path: Path) -> Path | None:
    """Write ``conversation`` to ``path`` as Markdown, its images beside it.

    Returns the images' folder, or ``None`` when there were no images. An image
    used several times is written once. The Markdown file is replaced whole or
    not at all; images are written first, so the file never links to one missing.
    """
    folder = images_folder(path)
    files = _write_images(conversation, folder)
    with replacing(path) as stream:
        for part in _document(conversation, folder.name, files):
            stream.write(part)
    return folder if files else None


def _write_images(conversation: PortableConversation, folder: Path) -> dict[str, str]:
    """Write each distinct image; returns the file name of each by its hash."""
    files: dict[str, str] = {}
    for message in conversation.shown_branch():
        for image in message.images:
            sha256 = image.attachment.sha256
            if sha256 in files:
                continue
            extension = _EXTENSIONS.get(image.attachment.mime, "bin")
            name = f"image-{len(files) + 1}.{extension}"
            if not files:
                folder.mkdir(exist_ok=True)
            write_bytes(folder / name, image.data)
            files[sha256] = name
    return files


def _document(
    conversation: PortableConversation, folder_name: str, files: dict[str, str]
) -> Iterator[str]:
    title = conversation.title or _("New chat")
    yield f"# {title}\n\n"
    if conversation.system_prompt.strip():
        yield _details(_("Instructions"), conversation.system_prompt)
    for message in conversation.shown_branch():
        yield "---\n\n"
        yield f"### {_author(message)} · {_time(message.created_at)}\n\n"
        yield from _message_body(message, folder_name, files)


def _author(message: PortableMessage) -> str:
    if message.role == "user":
        return _("You")
    if message.role == "system":
        return _("Instructions")
    return f"Kimi · {message.model}" if message.model else "Kimi"


def _time(timestamp: float) -> str:
    """The local date and time, to the minute (a file has no locale to follow)."""
    return datetime.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _message_body(
    message: PortableMessage, folder_name: str, files: dict[str, str]
) -> Iterator[str]:
    if message.web_searches:
        yield f"*{_searched_the_web(message.web_searches)}*\n\n"
    if message.reasoning.strip():
        # TRANSLATORS: the title of a folded block holding a reply's reasoning in an export.
        yield _details(_("Thinking"), message.reasoning)
    if message.text.strip():
        text = message.text.rstrip()
        yield (_with_line_breaks(text) if message.role == "user" else text) + "\n\n"
    for image in message.images:
        yield _image_link(image, folder_name, files) + "\n\n"
    for document in message.documents:
        yield _details(_document_title(document), _fenced(document.text), markdown=False)
    ending = _ending(message)
    if ending:
        yield f"*{ending}*\n\n"


def _with_line_breaks(text: str) -> str:
    """A prompt's lines kept as typed: Markdown would join lines into one paragraph, so
    each line outside a code fence ends in a hard break (a backslash)."""
    lines = text.split("\n")
    fence = ""
    for index, line in enumerate(lines[:-1]):
        marker = _FENCE.match(line)
        if marker and (not fence or marker.group(1).startswith(fence)):
            fence = "" if fence else marker.group(1)
        elif not fence and line.strip() and lines[index + 1].strip():
            lines[index] = line + "\\"
    return "\n".join(lines)


def _searched_the_web(count: int) -> str:
    if count == 1:
        # TRANSLATORS: a line before a reply's answer: the model looked things up online.
        return _("Searched the web")
    # TRANSLATORS: a line before a reply's answer; {count} is 2 or more.
    return ngettext(
        "Searched the web {count} time", "Searched the web {count} times", count
    ).format(count=count)


def _image_link(image: PortableImage, folder_name: str, files: dict[str, str]) -> str:
    alt = _link_text(image.attachment.name or _("image"))
    target = quote(f"{folder_name}/{files[image.attachment.sha256]}")
    return f"![{alt}]({target})"


def _link_text(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))


def _document_title(document: AttachedDocument) -> str:
    if document.pages:
        length = ngettext("{count} page", "{count} pages", document.pages)
        size = length.format(count=document.pages)
    elif document.lines:
        length = ngettext("{count} line", "{count} lines", document.lines)
        size = length.format(count=document.lines)
    else:
        return document.name
    # TRANSLATORS: a document attached to a prompt, in an export: its name and length.
    return _("{name} ({length})").format(name=document.name, length=size)


def _details(summary: str, body: str, *, markdown: bool = True) -> str:
    """A folded block. A ``</details>`` in Markdown would close it early, so it is
    escaped there (in a code fence it is only text, and stays as it is)."""
    inner = body.strip("\n")
    if markdown:
        inner = _DETAILS_END.sub("&lt;/details&gt;", inner)
    title = summary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<details><summary>{title}</summary>\n\n{inner}\n\n</details>\n\n"


def _fenced(text: str) -> str:
    """``text`` shown as it is: in a code fence longer than any run of backticks in it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def _ending(message: PortableMessage) -> str:
    """What the reader should know about a reply that did not finish normally."""
    if message.role != "assistant":
        return ""
    if message.status is MessageStatus.STOPPED:
        return _("This reply was stopped before it finished.")
    if message.status in (MessageStatus.INTERRUPTED, MessageStatus.STREAMING):
        return message.error or _("This reply did not finish.")
    if message.status is MessageStatus.ERROR:
        return message.error or _("This reply failed.")
    return ""
