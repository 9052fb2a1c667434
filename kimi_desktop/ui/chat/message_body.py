"""``MessageBody``: a reply's rendered text, cheap to update while it streams.

Setting the HTML of a long reply costs Qt time in proportion to its length
(about 100 ms for 15 KB of markdown), far too much to repeat on every flush.
While a reply streams, its finished top-level blocks are therefore moved into
frozen chunks, each its own document that is never touched again, and only the
open tail is set anew. The chunks stay when the reply completes (joining them
would stall the view once more); a widget showing the reply afresh, after it
was scrolled away, uses one document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from kimi_desktop.ui.chat.message_parts import MessageText
from kimi_desktop.ui.chat.message_style import MessageStyle

#: Finished blocks are frozen once they add up to this much HTML: fewer, larger
#: chunks mean fewer widgets, smaller ones a cheaper tail.
CHUNK_CHARS = 6000

# Block elements whose nesting decides where a top-level block ends; text from
# the model is escaped, so every "<" here starts a tag from the renderer.
_BLOCK_TAG_OR_NEWLINE = re.compile(r"<(/?)(?:ul|ol|table|p|h[1-6]|pre|blockquote)\b|\n")


def top_level_ends(html: str) -> list[int]:
    """Offsets just after each top-level block of rendered ``html``."""
    ends: list[int] = []
    depth = 0
    for match in _BLOCK_TAG_OR_NEWLINE.finditer(html):
        if match.group(0) == "\n":
            if depth == 0:
                ends.append(match.end())
        elif match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
    return ends


class MessageBody(QWidget):
    """Rendered markdown in one document, or in frozen chunks plus a tail while streaming.

    Signals:
        web_link_activated(str url): an http or https link was clicked.
        code_copied(str code): a code block was copied to the clipboard.
    """

    web_link_activated = Signal(str)
    code_copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chunks: list[MessageText] = []
        self._frozen = ""  # the HTML of every chunk but the last, joined
        self._count = 1  # chunks in use; the last one holds the tail
        self._style: MessageStyle | None = None

    def set_html(self, html: str, code_blocks: Sequence[str], css: str, *, streaming: bool) -> None:
        """Show ``html``; while ``streaming`` only its changed tail is set again."""
        if not html.startswith(self._frozen):
            self._frozen = ""
            self._count = 1
            for chunk in self._chunks[1:]:
                chunk.set_plain("")  # let go of another reply's documents
        tail = html[len(self._frozen) :]
        if streaming:
            tail = self._freeze_finished_blocks(tail, code_blocks, css)
        self._chunk(self._count - 1).set_rich(tail, code_blocks, css)
        for index, chunk in enumerate(self._chunks):
            chunk.setVisible(index < self._count)
            if index < self._count:
                chunk.set_code_blocks(code_blocks)
        self._place()

    def _freeze_finished_blocks(self, tail: str, code_blocks: Sequence[str], css: str) -> str:
        # The last block may still grow; everything before it is done.
        ends = top_level_ends(tail)
        if len(ends) < 2 or ends[-2] < CHUNK_CHARS:
            return tail
        done = ends[-2]
        self._chunk(self._count - 1).set_rich(tail[:done], code_blocks, css)
        self._frozen += tail[:done]
        self._count += 1
        return tail[done:]

    def _chunk(self, index: int) -> MessageText:
        while len(self._chunks) <= index:
            chunk = MessageText(self)
            chunk.setFont(self.font())  # not inherited under an application style sheet
            chunk.web_link_activated.connect(self.web_link_activated)
            chunk.code_copied.connect(self.code_copied)
            if self._style is not None:
                chunk.apply_style(self._style)
            self._chunks.append(chunk)
        return self._chunks[index]

    # -- what tests and the message widget need ------------------------------------

    def chunks(self) -> list[MessageText]:
        """The documents in use, top to bottom (one unless the reply was streamed here)."""
        return self._chunks[: self._count]

    def first(self) -> MessageText:
        """The first document: the whole text once the reply is complete."""
        return self._chunk(0)

    def plain_text(self) -> str:
        return "\n".join(chunk.toPlainText() for chunk in self.chunks())

    def apply_style(self, style: MessageStyle) -> None:
        """Recolour every chunk and give it the theme's document stylesheet."""
        self._style = style
        for chunk in self._chunks:
            chunk.apply_style(style)
            chunk.restyle(style.css)

    # -- geometry ------------------------------------------------------------------

    def height_for_width(self, width: int) -> int:
        return sum(chunk.height_for_width(width) for chunk in self.chunks())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            for chunk in self._chunks:
                chunk.setFont(self.font())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place()

    def _place(self) -> None:
        width, y = self.width(), 0
        if width <= 0:
            return
        for chunk in self.chunks():
            height = chunk.height_for_width(width)
            chunk.setGeometry(0, y, width, height)
            y += height
