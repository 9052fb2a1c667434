"""A message's text: ``MessageBody`` (a reply, or the text of a prompt) and ``UserBubble``.

A long message is shown in *segments* (:mod:`kimi_desktop.render.segments`),
each cheap enough to lay out at once; the view hands the body one more segment
per event-loop turn, since laying out a 5 MB reply at once stalled the window
for seconds.

Setting the HTML of a segment costs Qt time in proportion to its length
(about 100 ms for 15 KB of markdown), far too much to repeat on every flush.
While a reply streams, the finished top-level blocks of its last segment are
therefore moved into frozen chunks, each its own document that is never
touched again, and only the open tail is set anew, or, when it only grew at
the end of a paragraph, has the new characters inserted
(:meth:`MessageText.set_rich` with ``growing``). The chunks stay when the
reply completes (joining them would stall the view once more); a widget
showing the reply afresh, after it was scrolled away, uses one document per
segment.

A streamed reply needs a new chunk every few flushes (about 35 for 20,000
tokens), and building a text box and giving it the theme's stylesheet costs
about 1 ms: while the reply streams, the body keeps a spare chunk or two,
built and styled in an event-loop turn of their own after the flush that took
one, so that no flush builds one. They are let go of when the reply ends.

Each code block's header links to its actions: Copy (handled by the text
itself), and "Save as…" and "Preview" (:mod:`.code_actions`), carried out here
with the block's exact text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kimi_desktop.render.breaks import break_long_runs, strip_breaks
from kimi_desktop.ui.chat.code_actions import CodeActions, code_link
from kimi_desktop.ui.chat.html_blocks import top_level_ends
from kimi_desktop.ui.chat.message_parts import MessageText
from kimi_desktop.ui.chat.message_style import MessageStyle

#: Finished blocks are frozen once they add up to this much HTML: fewer, larger
#: chunks mean fewer widgets, smaller ones a cheaper tail. (A fast reply finishes
#: blocks at nearly every flush, and each time the tail is set anew: at 6,000 that
#: cost about 3 ms a flush, at 1,500 under 2 ms.)
CHUNK_CHARS = 1500

#: Text longer than this fills the bubble's width anyway: its ideal width is not measured.
_IDEAL_WIDTH_CHARS = 4000

#: Chunks kept built while a reply streams: a flush freezes at most one chunk, so one
#: is enough, and a second covers a flush that comes before the turn that builds more.
_SPARE_CHUNKS = 2


class _Segment:
    """One segment of a message on screen: its documents (chunks) and what they show."""

    def __init__(self, make_chunk: Callable[[], MessageText]) -> None:
        self._make_chunk = make_chunk
        self.chunks: list[MessageText] = []
        self.count = 0  # chunks in use; while streaming, the last one holds the tail
        self.frozen = ""  # the HTML of every chunk in use but the last, joined
        self.source: str | None = None  # the HTML or plain text shown

    def set(
        self, content: str, codes: tuple[str, ...], css: str, *, rich: bool, streaming: bool
    ) -> None:
        """Show ``content``; while ``streaming`` only its changed tail is set again."""
        if content == self.source and self.count:
            return
        if not rich:
            self._use(1)
            self.frozen = ""
            self.chunk(0).set_plain(break_long_runs(content))
        else:
            if not self.count or not content.startswith(self.frozen):
                self._use(1)
                self.frozen = ""
            tail = content[len(self.frozen) :]
            if streaming:
                tail = self._freeze_finished_blocks(tail, codes, css)
            self.chunk(self.count - 1).set_rich(tail, codes, css, growing=streaming)
        self.source = content

    def clear(self) -> None:
        """Show nothing; the documents are let go of, the widgets kept for reuse."""
        self._use(0)
        self.frozen = ""
        self.source = None

    def restyle(self, css: str) -> None:
        for chunk in self.chunks[: self.count]:
            chunk.restyle(css)

    def chunk(self, index: int) -> MessageText:
        while len(self.chunks) <= index:
            self.chunks.append(self._make_chunk())
        return self.chunks[index]

    def _use(self, count: int) -> None:
        for chunk in self.chunks[count : self.count]:
            chunk.set_plain("")
        self.count = count
        if count:
            self.chunk(count - 1)

    def _freeze_finished_blocks(self, tail: str, codes: tuple[str, ...], css: str) -> str:
        # The last block may still grow; everything before it is done.
        ends = top_level_ends(tail)
        if len(ends) < 2 or ends[-2] < CHUNK_CHARS:
            return tail
        done = ends[-2]
        self.chunk(self.count - 1).set_rich(tail[:done], codes, css, growing=True)
        self.frozen += tail[:done]
        self.count += 1
        self.chunk(self.count - 1)
        return tail[done:]


class MessageBody(QWidget):
    """A message's text, one segment after another: rendered markdown or plain text.

    Signals:
        web_link_activated(str url, str text): an http or https link showing
            ``text`` was clicked.
        link_hovered(str address): the pointer is on a link to ``address``
            (``""``: it left the link).
        code_copied(str code): a code block was copied to the clipboard.
        code_saved(str path): a code block was saved as ``path`` ("Save as…").
        code_previewed(str path): an HTML or SVG code block was written to ``path``
            and opened in the browser ("Preview").
    """

    web_link_activated = Signal(str, str)
    link_hovered = Signal(str)
    code_copied = Signal(str)
    code_saved = Signal(str)
    code_previewed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list[_Segment] = []
        self._shown = 0  # segments in use
        self._code_blocks: tuple[str, ...] = ()
        self._style: MessageStyle | None = None
        self._code_actions: CodeActions | None = None  # made at the first click
        self._visible: list[MessageText] = []  # the chunks shown, top to bottom
        self._placed: dict[int, tuple[int, int, int]] = {}  # chunk id -> (y, width, height)
        # Chunks built ahead while a reply streams, and the stylesheet they are given.
        self._spares: list[MessageText] = []
        self._spare_css: str | None = None  # None: not streaming, no spares wanted
        self._spare_timer: QTimer | None = None  # made when a reply first streams here

    def set_segments(
        self,
        segments: Sequence[tuple[str, Sequence[str]]],
        css: str = "",
        *,
        rich: bool = True,
        streaming: bool = False,
    ) -> None:
        """Show these segments, top to bottom: (HTML if ``rich``, else plain text; the
        message's code blocks up to the end of the segment).

        A segment shown before is set again only if it changed; while ``streaming``
        only the changed tail of the last one is. Segments shown before beyond
        these are dropped.
        """
        codes = tuple(segments[-1][1]) if segments else ()
        for index, (content, _) in enumerate(segments):
            last = index == len(segments) - 1
            self._segment(index).set(content, codes, css, rich=rich, streaming=streaming and last)
        for segment in self._segments[len(segments) : self._shown]:
            segment.clear()
        self._shown = len(segments)
        self._code_blocks = codes
        self._show_chunks()
        if streaming and rich:
            self._keep_spares(css)
        elif self._spare_css is not None:
            self._drop_spares()

    def set_html(self, html: str, code_blocks: Sequence[str], css: str, *, streaming: bool) -> None:
        """Show ``html`` alone; while ``streaming`` only its changed tail is set again."""
        self.set_segments([(html, code_blocks)], css, streaming=streaming)

    def set_plain(self, text: str) -> None:
        """Show ``text`` alone, as it is (with break opportunities in its long runs)."""
        self.set_segments([(text, ())], rich=False)

    def segments_shown(self) -> int:
        """How many segments are shown."""
        return self._shown

    def keep_first_segment(self) -> None:
        """Drop every segment but the first (before the text is laid out anew)."""
        if self._shown > 1:
            for segment in self._segments[1 : self._shown]:
                segment.clear()
            self._shown = 1
            self._show_chunks()

    def _segment(self, index: int) -> _Segment:
        while len(self._segments) <= index:
            self._segments.append(_Segment(self._new_chunk))
        return self._segments[index]

    def _new_chunk(self) -> MessageText:
        """A chunk for a segment: a spare one if there is one (another is built in a
        later turn), else one built now."""
        if self._spares:
            chunk = self._spares.pop()
            self._keep_spares(self._spare_css)
            return chunk
        return self._build_chunk()

    def _keep_spares(self, css: str | None) -> None:
        """Have spare chunks built, styled with ``css``, in turns of their own."""
        self._spare_css = css
        if len(self._spares) >= _SPARE_CHUNKS:
            return
        if self._spare_timer is None:
            self._spare_timer = QTimer(self)
            self._spare_timer.setSingleShot(True)
            self._spare_timer.setInterval(0)
            self._spare_timer.timeout.connect(self._build_spare)
        if not self._spare_timer.isActive():
            self._spare_timer.start()

    def _build_spare(self) -> None:
        """Build one spare chunk and give it the stylesheet (one per turn: each is about
        1 ms)."""
        css = self._spare_css
        if css is None or len(self._spares) >= _SPARE_CHUNKS:
            return
        chunk = self._build_chunk()
        # Styled as a chunk used before and let go of is: the stylesheet set, no text.
        chunk.set_rich("", (), css)
        chunk.set_plain("")
        self._spares.append(chunk)
        self._keep_spares(css)

    def _drop_spares(self) -> None:
        """The reply ended: no more chunks are needed ahead."""
        self._spare_css = None
        if self._spare_timer is not None:
            self._spare_timer.stop()
        spares, self._spares = self._spares, []
        for chunk in spares:
            chunk.deleteLater()

    def spare_chunks(self) -> int:
        """How many chunks are built ahead (while a reply streams)."""
        return len(self._spares)

    def _build_chunk(self) -> MessageText:
        chunk = MessageText(self)
        chunk.setFont(self.font())  # not inherited under an application style sheet
        chunk.web_link_activated.connect(self.web_link_activated)
        chunk.link_hovered.connect(self.link_hovered)
        chunk.code_copied.connect(self.code_copied)
        chunk.anchorClicked.connect(lambda url, chunk=chunk: self._on_chunk_clicked(chunk, url))
        if self._style is not None:
            chunk.apply_style(self._style)
        chunk.hide()
        return chunk

    def _on_chunk_clicked(self, chunk: MessageText, url: QUrl) -> None:
        """A code block's "Save as…" or "Preview" was clicked (other links: see
        :class:`MessageText`)."""
        link = code_link(url)
        codes = chunk.code_blocks()
        if link is None or not 0 <= link.index < len(codes):
            return
        self.code_actions().run(link, codes[link.index])

    def code_actions(self) -> CodeActions:
        """What carries out the code blocks' "Save as…" and "Preview"."""
        if self._code_actions is None:
            self._code_actions = CodeActions(self)
            self._code_actions.saved.connect(self.code_saved)
            self._code_actions.previewed.connect(self.code_previewed)
        return self._code_actions

    def _show_chunks(self) -> None:
        # A streamed reply may have dozens of chunks, and this runs at every flush:
        # only the chunks that appear or disappear are touched.
        shown = self.chunks()
        codes = self._code_blocks
        for chunk in shown:
            if chunk.code_blocks() is not codes:
                chunk.set_code_blocks(codes)
        if shown != self._visible:
            # Only the chunks that appear or disappear: a chunk frozen at a flush changes
            # no other chunk (setting every chunk's visibility again cost ~2,000 calls
            # a reply).
            visible = set(map(id, shown))
            was_visible = set(map(id, self._visible))
            for segment in self._segments:
                for chunk in segment.chunks:
                    if (id(chunk) in visible) != (id(chunk) in was_visible):
                        chunk.setVisible(id(chunk) in visible)
            self._visible = shown
        self._place()

    # -- what tests and the message widget need ------------------------------------

    def chunks(self) -> list[MessageText]:
        """The documents in use, top to bottom (one per segment unless the reply was
        streamed here)."""
        return [
            chunk
            for segment in self._segments[: self._shown]
            for chunk in segment.chunks[: segment.count]
        ]

    def first(self) -> MessageText:
        """The first document: the whole first segment once the reply is complete."""
        return self._segment(0).chunk(0)

    def plain_text(self) -> str:
        """The text shown, without formatting or the break opportunities added to it."""
        return strip_breaks("\n".join(chunk.toPlainText() for chunk in self.chunks()))

    def layout_key(self) -> tuple[str | None, int]:
        """Changes whenever what is shown does (to cache measurements by)."""
        first = self._segments[0].source if self._shown else None
        return first, self._shown

    def ideal_width(self, max_width: int) -> int:
        """The width the text needs when it may wrap at ``max_width``."""
        chunks = self.chunks()
        if len(chunks) != 1 or len(self._segments[0].source or "") > _IDEAL_WIDTH_CHARS:
            return max_width  # long enough to fill any width
        # Measured on a copy: the text box lays its own document out again at the
        # box's width, under the measurement, when the document's size changes.
        document = chunks[0].document().clone()
        document.setTextWidth(max_width)
        return int(document.idealWidth() + 0.999)

    def apply_style(self, style: MessageStyle) -> None:
        """Recolour every chunk and give it the theme's document stylesheet."""
        self._style = style
        for segment in self._segments:
            for chunk in segment.chunks:
                chunk.apply_style(style)
            segment.restyle(style.css)
        for chunk in self._spares:
            chunk.apply_style(style)

    # -- geometry ------------------------------------------------------------------

    def height_for_width(self, width: int) -> int:
        return sum(chunk.height_for_width(width) for chunk in self.chunks())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            for segment in self._segments:
                for chunk in segment.chunks:
                    chunk.setFont(self.font())
            for chunk in self._spares:
                chunk.setFont(self.font())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place()

    def _place(self) -> None:
        width, y = self.width(), 0
        if width <= 0:
            return
        placed: dict[int, tuple[int, int, int]] = {}
        for chunk in self.chunks():
            height = chunk.height_for_width(width)
            where = (y, width, height)
            if self._placed.get(id(chunk)) != where:
                chunk.setGeometry(0, y, width, height)
            placed[id(chunk)] = where
            y += height
        self._placed = placed


class UserBubble(QWidget):
    """A tinted, rounded bubble hugging the user's text, aligned to the right."""

    PADDING_X = 14
    PADDING_Y = 9
    MAX_RATIO = 0.82

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = MessageBody(self)
        self.color = QColor()
        self._inner_key: tuple[object, str, int] = ((), "", -1)
        self._inner = 0
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        inner = self._inner_width(width)
        return self.text.height_for_width(inner) + 2 * self.PADDING_Y

    def sizeHint(self) -> QSize:
        return QSize(200, self.heightForWidth(400))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place_text()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._place_text()  # (Qt gives children their font before telling us)

    def place_text(self) -> None:
        """Lay the text out again (its parts changed)."""
        self._place_text()

    def _place_text(self) -> None:
        inner = self._inner_width(self.width())
        height = self.text.height_for_width(inner)
        self.text.setGeometry(
            self.width() - inner - self.PADDING_X, self.PADDING_Y, inner, max(height, 1)
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.color)
        geometry = self.text.geometry()
        rect = QRectF(geometry).adjusted(-self.PADDING_X, -self.PADDING_Y, self.PADDING_X, 0)
        rect.setBottom(self.height())
        painter.drawRoundedRect(rect, 16, 16)

    def _inner_width(self, width: int) -> int:
        # The font is part of the key: the chat's font may be set after the text.
        key = (self.text.layout_key(), self.text.font().key(), width)
        if key != self._inner_key:
            most = max(40, int(width * self.MAX_RATIO) - 2 * self.PADDING_X)
            self._inner_key = key
            self._inner = max(24, min(most, self.text.ideal_width(most) + 2))
        return self._inner
