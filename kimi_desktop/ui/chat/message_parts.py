"""The pieces a :class:`~kimi_desktop.ui.chat.message_widget.MessageWidget` is built from."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QWidget,
)

from kimi_desktop.domain import MessageAction
from kimi_desktop.i18n import _, ngettext
from kimi_desktop.render.breaks import strip_breaks
from kimi_desktop.ui.chat.html_blocks import block_tags, last_block_start
from kimi_desktop.ui.chat.items import AttachmentView
from kimi_desktop.ui.chat.link_check import shown_address
from kimi_desktop.ui.chat.math_images import (
    add_math_images,
    html_with_formula_sources,
    refresh_math_images,
    with_formula_sources,
)
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.plain_text import plain_tooltip

#: The notice's buttons of their own; any other action it is given is a failure's fix.
_OWN_BUTTONS = (MessageAction.CONTINUE, MessageAction.LARGER_BUDGET)
_FIXES = (MessageAction.RETRY, MessageAction.SETTINGS, MessageAction.REGENERATE)

#: Link schemes a click may open; everything else in model output is inert.
WEB_SCHEMES = frozenset({"http", "https"})


def is_web_link(url: str) -> bool:
    """Whether ``url`` is an http(s) link with a host (the only kind that opens)."""
    parsed = QUrl(url)
    return parsed.isValid() and parsed.scheme().lower() in WEB_SCHEMES and bool(parsed.host())


class MessageText(QTextBrowser):
    """Message text: rich (rendered markdown) or plain, selectable, never scrolling itself.

    Links only ever emit signals. ``copy:N`` links put the N-th code block on the
    clipboard; http(s) links are passed on with the text they show, so the window
    can tell a link that reads as another address; anything else is ignored.
    Hovering an http(s) link shows its address in a tooltip.

    Signals:
        web_link_activated(str url, str text): an http or https link was clicked;
            ``text`` is what the link shows.
        link_hovered(str address): the pointer (or keyboard focus) is on an http(s)
            link to ``address`` (as :func:`~.link_check.shown_address` writes it);
            ``""`` when it left the link.
        code_copied(str code): a code block was copied to the clipboard.
    """

    web_link_activated = Signal(str, str)
    link_hovered = Signal(str)
    code_copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        # Set first: changeEvent (which reads them) already runs during the setters below.
        self._rich = False
        self._source = ""
        # (content revision, width, height) of the last measurement: a streamed reply's
        # dozens of chunks are measured several times a flush, and asking the document
        # each time cost more than all of a flush's other bookkeeping.
        self._revision = 0
        self._look: tuple[QColor, QFont] | None = None  # formulas' colour and font
        self._measured: tuple[int, int, int] | None = None
        super().__init__(parent)
        self.setObjectName("messageText")
        self.setAccessibleName(_("Message text"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.document().setDocumentMargin(0)
        self.document().setUndoRedoEnabled(False)
        option = self.document().defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDefaultTextOption(option)
        self._code_blocks: tuple[str, ...] = ()
        self._css = ""
        self._pointer: QPoint | None = None  # where a click is being released
        # The last top-level block of the rich text shown, laid out on its own: (where
        # it starts in the HTML, its document), for a growing text to be compared with.
        self._last_block: tuple[int, QTextDocument] | None = None
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.highlighted.connect(self._on_highlighted)

    def set_rich(
        self, html: str, code_blocks: Sequence[str], css: str, *, growing: bool = False
    ) -> None:
        """Show rendered markdown; ``copy:N`` links refer to ``code_blocks[N]``.

        ``growing``: ``html`` is likely what is shown with more text at the end of its
        last block (a streaming reply): then only the new characters are inserted,
        which costs in proportion to them, where setting the HTML anew costs in
        proportion to all of it. Either way the document ends up the same.
        """
        self._code_blocks = tuple(code_blocks)
        if self._rich and html == self._source and css == self._css:
            return
        self._revision += 1
        if growing and self._rich and css == self._css and self._extend(html):
            self._source = html
            return
        if css != self._css:  # parsing the stylesheet is not free: only when it changes
            self.document().setDefaultStyleSheet(css)
        self._rich, self._source, self._css = True, html, css
        self._last_block = None
        add_math_images(self.document(), html, *self._math_look())
        # A newline after the last block would show as a trailing space.
        self.setHtml(html.rstrip())

    def _extend(self, html: str) -> bool:
        """Insert what ``html`` adds to the last block shown, if that is all it changes:
        its blocks before the last are the same, and the last one grew by text at the
        end of one of its paragraphs. Whether it did.

        The last block is laid out by itself, before and after, in a small document of
        its own: that tells which characters are new and the formats they get, exactly
        as setting the whole HTML would give them.
        """
        old = self._source
        start = last_block_start(old)
        if html[:start] != old[:start] or last_block_start(html) != start:
            return False
        if block_tags(html, start) != block_tags(old, start):
            return False  # a new item, row, paragraph or code line: blocks were added
        if self._last_block is None or self._last_block[0] != start:
            self._last_block = (start, self._block_document(old[start:]))
        before = self._last_block[1]
        after = self._block_document(html[start:])
        growth = grown_text(before, after)
        if growth is None:
            return False
        index, runs = growth
        document = self.document()
        block = document.findBlockByNumber(document.blockCount() - before.blockCount() + index)
        if block.text() != before.findBlockByNumber(index).text():
            return False  # (the document does not end as expected: set it anew)
        add_math_images(document, html[start:], *self._math_look())
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        for text, char_format in runs:
            cursor.insertText(text, char_format)
        self._last_block = (start, after)
        return True

    def _block_document(self, html: str) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultStyleSheet(self._css)
        document.setDefaultFont(self.document().defaultFont())
        document.setHtml(html.rstrip())
        return document

    def set_plain(self, text: str) -> None:
        self._code_blocks = ()
        if not self._rich and text == self._source:
            return
        self._rich, self._source = False, text
        self._revision += 1
        self.setPlainText(text)

    def restyle(self, css: str) -> None:
        """Apply another theme's stylesheet to the rich text shown."""
        if self._rich and css != self._css:
            self.set_rich(self._source, self._code_blocks, css)

    def set_code_blocks(self, code_blocks: Sequence[str]) -> None:
        """The code the ``copy:N`` links refer to (numbered across the whole reply)."""
        self._code_blocks = tuple(code_blocks)  # (the same object, given a tuple)

    def shown_source(self) -> str:
        """The HTML or plain text last set."""
        return self._source

    def code_blocks(self) -> tuple[str, ...]:
        return self._code_blocks

    def height_for_width(self, width: int) -> int:
        """The text's height at ``width``, measured again only after the text, its font or
        its style changed (a streamed reply's chunks are asked at every flush: 6,000
        measurements a reply, about 50 ms of the GUI thread's time before)."""
        measured = self._measured
        if measured is not None and measured[0] == self._revision and measured[1] == width:
            return measured[2]
        document = self.document()
        if self.viewport().width() == width:
            if document.textWidth() != width:
                document.setTextWidth(width)
            height = int(document.size().height() + 0.999)
        else:
            height = self._measure_elsewhere(width)
        if document.textWidth() == width:
            # (Not when the text box laid its document out at its own width meanwhile:
            # then this was measured at that width, and the next call measures again.)
            self._measured = (self._revision, width, height)
        return height

    def _measure_elsewhere(self, width: int) -> int:
        """The text's height at ``width`` when the box is not that wide (yet).

        The box is not told that its document was laid out: told, it lays the
        document out again at its own width, in the middle of the measurement, and
        the height read is that width's (a new box, still at Qt's default size,
        gave 181 px for a reply 143 px high at the column's width). It is laid out
        at its width when it gets it.
        """
        document = self.document()
        layout = document.documentLayout()
        blocked = layout.blockSignals(True)
        try:
            if document.textWidth() != width:
                document.setTextWidth(width)
            return int(document.size().height() + 0.999)
        finally:
            layout.blockSignals(blocked)

    def ideal_width(self, max_width: int) -> int:
        """The width the text needs when it may wrap at ``max_width``."""
        self._measured = None  # the document is laid out at another width now
        document = self.document()
        document.setTextWidth(max_width)
        return int(document.idealWidth() + 0.999)

    def apply_style(self, style: MessageStyle, *, muted: bool = False) -> None:
        palette = style.apply_text_palette(self.palette(), muted=muted)
        transparent = QColor(0, 0, 0, 0)
        palette.setColor(QPalette.ColorRole.Base, transparent)
        palette.setColor(QPalette.ColorRole.Window, transparent)
        self.setPalette(palette)

    def _math_look(self) -> tuple[QColor, QFont, float]:
        """What formulas are drawn with: the text's colour and font, at the screen's ratio.

        The colour and font are kept until the next change event (asked at every
        ``set_rich``, copying them cost 3-4 ms of a streamed reply's GUI time).
        """
        if self._look is None:
            self._look = (self.palette().color(QPalette.ColorRole.Text), self.font())
        return (*self._look, self.devicePixelRatioF())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        self._revision += 1  # a font, style or palette (formulas' images) may change sizes
        self._look = None
        if event.type() == QEvent.Type.FontChange:
            self._last_block = None
        if self._rich and event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            refresh_math_images(self.document(), self._source, *self._math_look())

    def createMimeDataFromSelection(self) -> QMimeData:
        """What Copy puts on the clipboard: formulas as their LaTeX source, and without the
        break opportunities added for layout."""
        selected = super().createMimeDataFromSelection()
        mime = QMimeData()
        mime.setText(strip_breaks(with_formula_sources(selected.text(), selected.html())))
        if selected.hasHtml():
            mime.setHtml(strip_breaks(html_with_formula_sources(selected.html())))
        return mime

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        return None  # model output is untrusted: never read files or fetch images

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # the chat view scrolls, never the text inside a message

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lay the text out again only if its width changed.

        A box resized while hidden (a reused message widget showing another
        message) is told its new size when it is shown, with no old size, and
        QTextEdit then lays the whole document out again even though it was laid
        out at this width when measured: about 1 ms a row while scrolling (0.2 ms
        without).
        """
        size = event.size()
        if not event.oldSize().isValid() and self.document().textWidth() == self.viewport().width():
            event = QResizeEvent(size, QSize(size.width(), size.height()))
        super().resizeEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        # A click on a link is announced from inside this call: remember where it
        # was, to tell which link's text was clicked.
        self._pointer = event.position().toPoint()
        try:
            super().mouseReleaseEvent(event)
        finally:
            self._pointer = None

    def _on_highlighted(self, url: QUrl) -> None:
        href = url.toString()
        address = shown_address(href) if is_web_link(href) else ""
        self.setToolTip(plain_tooltip(address))
        self.link_hovered.emit(address)

    def _clicked_anchor_text(self, href: str) -> str:
        if self._pointer is not None:
            return anchor_text(
                self.document(), href, self.cursorForPosition(self._pointer).position()
            )
        cursor = self.textCursor()  # a link reached with Tab is selected
        if cursor.hasSelection() and cursor.charFormat().anchorHref() == href:
            return cursor.selectedText()
        return anchor_text(self.document(), href, None)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        href = url.toString()
        if url.scheme() == "copy":
            try:
                code = self._code_blocks[int(url.path())]
            except (ValueError, IndexError):
                return
            QGuiApplication.clipboard().setText(code)
            self.code_copied.emit(code)
        elif is_web_link(href):
            self.web_link_activated.emit(href, strip_breaks(self._clicked_anchor_text(href)))


Run = tuple[str, QTextCharFormat]  # text in one format


def grown_text(before: QTextDocument, after: QTextDocument) -> tuple[int, list[Run]] | None:
    """How ``after`` differs from ``before`` if only by text added at the end of one
    block: (that block's number, the new text in runs of one format each); else None."""
    if before.blockCount() != after.blockCount():
        return None
    if len(before.rootFrame().childFrames()) != len(after.rootFrame().childFrames()):
        return None
    old, new = before.begin(), after.begin()
    grown: tuple[int, list[Run]] | None = None
    number = 0
    while old.isValid() and new.isValid():
        if not _same_frame_of_block(old, new):
            return None
        old_text, new_text = old.text(), new.text()
        old_runs, new_runs = _runs(old), _runs(new)
        if old_text != new_text:
            if grown is not None or not new_text.startswith(old_text):
                return None
            if _runs_before(new_runs, len(old_text)) != old_runs:
                return None
            grown = (number, _runs_after(new_runs, len(old_text)))
        elif old_runs != new_runs:
            return None
        old, new = old.next(), new.next()
        number += 1
    return grown


def _same_frame_of_block(old: QTextBlock, new: QTextBlock) -> bool:
    """Whether two blocks have the same formats and list membership."""
    if old.blockFormat() != new.blockFormat() or old.charFormat() != new.charFormat():
        return False
    old_list, new_list = old.textList(), new.textList()
    if (old_list is None) != (new_list is None):
        return False
    return old_list is None or (
        new_list is not None
        and old_list.format() == new_list.format()
        and old_list.itemNumber(old) == new_list.itemNumber(new)
    )


def _runs(block: QTextBlock) -> list[Run]:
    """The text of ``block`` in runs of one format each."""
    runs: list[Run] = []
    fragments = block.begin()
    while not fragments.atEnd():
        fragment = fragments.fragment()
        fragments += 1
        if fragment.isValid():
            runs.append((fragment.text(), fragment.charFormat()))
    return runs


def _runs_before(runs: list[Run], length: int) -> list[Run]:
    """The runs of the first ``length`` characters."""
    kept: list[Run] = []
    for text, char_format in runs:
        if length <= 0:
            break
        kept.append((text[:length], char_format))
        length -= len(text)
    return kept


def _runs_after(runs: list[Run], length: int) -> list[Run]:
    """The runs after the first ``length`` characters."""
    added: list[Run] = []
    for text, char_format in runs:
        if length >= len(text):
            length -= len(text)
            continue
        added.append((text[max(0, length) :], char_format))
        length = 0
    return added


def anchor_text(document: QTextDocument, href: str, position: int | None) -> str:
    """The text of the link to ``href`` at ``position`` in ``document``; with no position
    (or none on such a link), the texts of every link to ``href``, joined by spaces."""
    if position is not None:
        for start, end, shown in _anchor_runs(href, document.findBlock(position)):
            if start <= position <= end:
                return shown
    texts: list[str] = []
    block = document.begin()
    while block.isValid():
        texts += [run[2] for run in _anchor_runs(href, block) if run[2] not in texts]
        block = block.next()
    return " ".join(texts)


def _anchor_runs(href: str, block: QTextBlock) -> list[tuple[int, int, str]]:
    """(start, end, text) of each run of ``block`` linking to ``href`` (a link whose text
    mixes formats, such as ``[the **docs**](…)``, is several fragments)."""
    runs: list[tuple[int, int, str]] = []
    fragments = block.begin()
    while not fragments.atEnd():
        fragment = fragments.fragment()
        fragments += 1
        if not fragment.isValid() or fragment.charFormat().anchorHref() != href:
            continue
        start = fragment.position()
        end = start + fragment.length()
        if runs and runs[-1][1] == start:
            runs[-1] = (runs[-1][0], end, runs[-1][2] + fragment.text())
        else:
            runs.append((start, end, fragment.text()))
    return runs


class ActionButton(QToolButton):
    """A small flat icon button with a tooltip and an accessible name."""

    def __init__(
        self, action: MessageAction, icon: str, label: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.icon_name = icon
        self.setObjectName(f"{action}Button")
        self.setAutoRaise(True)
        self.setToolTip(label)
        self.setAccessibleName(label)
        self.setIconSize(QSize(16, 16))
        self.setFixedSize(28, 28)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)


class Avatar(QWidget):
    """A small round badge: "K" for Kimi."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(22, 22)
        self.color = QColor("#3b82f6")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.color)
        painter.drawEllipse(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "K")


class AttachmentStrip(QWidget):
    """Thumbnails of a message's images; clicking one asks for a preview.

    Signals:
        attachment_activated(str sha256)
    """

    attachment_activated = Signal(str)
    THUMB = 96

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._shown: tuple[AttachmentView, ...] = ()

    def set_attachments(self, attachments: tuple[AttachmentView, ...], *, right: bool) -> None:
        if attachments == self._shown:
            return
        self._shown = attachments
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        if right:
            self._layout.addStretch(1)
        for attachment in attachments:
            button = self._thumbnail(attachment)
            self._layout.addWidget(button)
            # Shown now, not when the layout gets round to it: a message measured
            # in between (its thumbnails replaced while on screen) would leave
            # no room for them.
            button.show()
        if not right:
            self._layout.addStretch(1)

    def _thumbnail(self, attachment: AttachmentView) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName("attachmentThumbnail")
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        pixmap = QPixmap.fromImage(attachment.thumbnail)
        button.setIcon(QIcon(pixmap))
        size = pixmap.size().scaled(
            QSize(self.THUMB, self.THUMB), Qt.AspectRatioMode.KeepAspectRatio
        )
        button.setIconSize(size if not size.isEmpty() else QSize(self.THUMB, self.THUMB))
        name = attachment.label or _("image")
        button.setToolTip(plain_tooltip(_("Preview {name}").format(name=name)))
        button.setAccessibleName(_("Preview attached image {name}").format(name=name))
        button.clicked.connect(lambda: self.attachment_activated.emit(attachment.sha256))
        return button


def web_search_text(count: int) -> str:
    """ "Searched the web", "Searched the web 3 times": what a reply's searches say."""
    if count == 1:
        # TRANSLATORS: a line before a reply's answer: the model looked things up online.
        return _("Searched the web")
    # TRANSLATORS: a line before a reply's answer; {count} is 2 or more.
    return ngettext(
        "Searched the web {count} time", "Searched the web {count} times", count
    ).format(count=count)


class WebSearchNote(QWidget):
    """A small muted line with a globe before a reply's answer: "Searched the web"."""

    ICON = 14

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("webSearchNote")
        self.icon = QLabel(self)
        self.icon.setFixedSize(self.ICON, self.ICON)
        self.label = QLabel(self)
        self.label.setObjectName("webSearchText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self._colour = QColor()
        self.count = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.label, 1)

    def set_count(self, count: int) -> None:
        self.count = count
        text = web_search_text(count) if count else ""
        self.label.setText(text)
        self.setAccessibleName(text)

    def text(self) -> str:
        return self.label.text()

    def apply_style(self, style: MessageStyle) -> None:
        self.label.setPalette(style.apply_text_palette(self.label.palette(), muted=True))
        if style.muted != self._colour:
            self._colour = QColor(style.muted)
            self.icon.setPixmap(_globe(self._colour, self.ICON, self.devicePixelRatioF()))


def _globe(colour: QColor, side: int, ratio: float) -> QPixmap:
    """A line drawing of a globe (outline, a meridian, the equator) in ``colour``."""
    scale = max(1.0, ratio)
    pixmap = QPixmap(int(side * scale), int(side * scale))
    pixmap.fill(Qt.GlobalColor.transparent)
    pixmap.setDevicePixelRatio(scale)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 1.1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    box = QRectF(1.5, 1.5, side - 3, side - 3)
    painter.drawEllipse(box)
    painter.drawEllipse(box.adjusted(box.width() * 0.28, 0, -box.width() * 0.28, 0))
    middle = box.center().y()
    painter.drawLine(QPoint(int(box.left()), int(middle)), QPoint(int(box.right()), int(middle)))
    painter.end()
    return pixmap


class ErrorNotice(QFrame):
    """A notice under a reply that ended short or failed, with the buttons that help.

    Framed and tinted for a failure or a reply with no answer; ``quiet`` for a
    plain line of muted text (a stopped reply, one the output budget cut).
    The buttons appear in the order given: Continue, "Larger budget", and the
    failure's fix (Retry, Open Settings or Regenerate) in ``button``.

    Signals:
        action_requested(MessageAction): ``CONTINUE``, ``LARGER_BUDGET``, ``RETRY``,
            ``SETTINGS`` or ``REGENERATE``.
    """

    action_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorNotice")
        self.background = QColor()
        self.border = QColor()
        self.quiet = False
        self._style: MessageStyle | None = None
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.continue_button = self._make_button("continueButton", MessageAction.CONTINUE)
        self.larger_button = self._make_button("largerBudgetButton", MessageAction.LARGER_BUDGET)
        self.button = self._make_button("errorActionButton", None)
        self._action: MessageAction | None = None
        self.button.clicked.connect(lambda: self.action_requested.emit(self._action))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 10)
        layout.setSpacing(12)
        layout.addWidget(self.label, 1)
        for button in (self.continue_button, self.larger_button, self.button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)

    def _make_button(self, name: str, action: MessageAction | None) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        if action is not None:
            button.clicked.connect(lambda: self.action_requested.emit(action))
        return button

    def set_error(self, text: str, action: MessageAction | None) -> None:
        """A failure and the one button that helps with it (if any)."""
        self.set_notice(text, (action,) if action is not None else (), error=True)

    def set_notice(
        self,
        text: str,
        actions: Sequence[MessageAction],
        *,
        quiet: bool = False,
        error: bool = False,
    ) -> None:
        """Say ``text`` with ``actions``' buttons (``error``: it reports a failure)."""
        self.label.setText(text)
        self.setAccessibleName(_("Error: {text}").format(text=text) if error else text)
        self._set_quiet(quiet)
        # TRANSLATORS: a button under a reply that stopped short: the model goes on with it.
        self.continue_button.setText(_("Continue"))
        self.continue_button.setToolTip(_("Ask Kimi to go on from where the reply stopped"))
        # TRANSLATORS: a button: double the conversation's output budget (max tokens).
        self.larger_button.setText(_("Larger budget"))
        self.larger_button.setToolTip(_("Double this conversation's output budget and ask again"))
        fix = next((a for a in actions if a not in _OWN_BUTTONS), None)
        self._action = fix
        if fix is MessageAction.SETTINGS:
            self.button.setText(_("Open Settings"))
            self.button.setToolTip(_("Check the endpoint and API key in Settings"))
        elif fix is MessageAction.RETRY:
            self.button.setText(_("Retry"))
            self.button.setToolTip(_("Ask Kimi again"))
        elif fix is MessageAction.REGENERATE:
            self.button.setText(_("Regenerate"))
            self.button.setToolTip(_("Ask again from your last message"))
        for button in (self.continue_button, self.larger_button, self.button):
            button.setAccessibleName(button.text())
        self.continue_button.setVisible(MessageAction.CONTINUE in actions)
        self.larger_button.setVisible(MessageAction.LARGER_BUDGET in actions)
        self.button.setVisible(fix in _FIXES)

    def _set_quiet(self, quiet: bool) -> None:
        if quiet == self.quiet:
            return
        self.quiet = quiet
        layout = self.layout()
        if layout is not None:
            layout.setContentsMargins(*((0, 0, 0, 0) if quiet else (14, 10, 10, 10)))
        if self._style is not None:
            self.apply_style(self._style)

    def apply_style(self, style: MessageStyle) -> None:
        self._style = style
        self.background = style.notice_background
        self.border = style.notice_border
        for button in (self.continue_button, self.larger_button, self.button):
            button.setPalette(style.view_palette(button.palette()))
        self.label.setPalette(style.apply_text_palette(self.label.palette(), muted=self.quiet))
        if not self.quiet:
            palette = self.label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, style.notice_text)
            self.label.setPalette(palette)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.quiet:
            return  # a line of text with its buttons: no box around it
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.border)
        painter.setBrush(self.background)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
