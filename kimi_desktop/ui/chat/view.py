"""``ChatView``: the messages of one conversation, with replies streaming in live.

Only the messages in or near the viewport exist as widgets. Every other row is
a :class:`~kimi_desktop.ui.chat.rows.ChatRow` with a height (measured when it
was last shown at this width, else estimated from its text), so opening a
2,000-message conversation builds a handful of widgets, not 2,000. Scrolling
keeps the message at the top of the viewport still while heights above it are
corrected; following the newest message keeps the bottom in view instead.

``reveal_message`` scrolls a message (a search result) a quarter of the way
down and highlights it briefly; the view stays there until the reader scrolls.
While the newest text is out of sight during a reply, or new text arrived
below, a round "Jump to latest" button floats at the bottom.

The view keeps the theme's colours on itself and its viewport: a widget
polished before the application's style sheet was set gets the palette it had
then put back when it is polished again (as the window is first shown), which
left a dark start with a white chat area.

Streaming deltas are buffered and applied together on a short timer; only the
open tail of a reply is rendered again (:class:`~kimi_desktop.render.IncrementalMarkdown`)
and set again (:class:`~kimi_desktop.ui.chat.message_body.MessageBody`).

A message is rendered and laid out a segment at a time
(:mod:`kimi_desktop.render.segments`): its first segment when its widget is
built, then one more per event-loop turn, up to ``AUTO_CHARS`` by themselves
and the rest after "Show all", so no message of any size holds the GUI thread
for long. A message shown in several segments is cut back to its first, and
shown again a segment per turn, before it is laid out anew (another width,
font or theme).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_style import MAX_COLUMN_WIDTH, MessageStyle
from kimi_desktop.ui.chat.message_widget import MessageWidget, RowContext
from kimi_desktop.ui.chat.placeholder import ChatPlaceholder
from kimi_desktop.ui.chat.rows import ROW_SPACING, ChatRow, ChatRows, TextMetrics, estimate_height
from kimi_desktop.ui.chat.view_overlays import FocusRing, JumpToLatestButton

if TYPE_CHECKING:
    from kimi_desktop.render import MarkdownRenderer

_PAD_TOP = 24
_PAD_BOTTOM = 32
_SIDE_MARGIN = 28
_FLUSH_MS = 24  # coalesce streaming deltas into at most ~40 repaints a second
_FLUSH_SHARE = 2  # wait at least this many times as long as the last flush took
_FLUSH_MAX_MS = 48  # ... but never longer: the text must still look live
_FOLLOW_SLACK = 4  # px from the bottom that still count as "at the bottom"
_SPARE_WIDGETS = 6
_OVERSCAN_BUDGET_S = 0.008  # per layout pass, for rows just outside the viewport
_PRERENDER_DELAY_MS = 30
_PRERENDER_BUDGET_S = 0.008  # per idle turn, well under a frame
_PRERENDER_SCREENS = 3  # how many viewport heights ahead and behind
_REVEAL_BUDGET_S = 0.03  # per turn, for more segments of messages shown in part
_HIGHLIGHT_PAD_X = 14  # how far a highlight reaches beyond its message (inside the margin)
_HIGHLIGHT_PAD_Y = 10
_JUMP_MARGIN = 16  # px between the "Jump to latest" button and the viewport's bottom

#: How long a message revealed by ``reveal_message`` stays highlighted.
HIGHLIGHT_SECONDS = 1.5

#: The palette roles the view sets and checks a style did not put back.
_KEPT_ROLES = (
    QPalette.ColorRole.Window,
    QPalette.ColorRole.Base,
    QPalette.ColorRole.WindowText,
    QPalette.ColorRole.Text,
    QPalette.ColorRole.Button,
)


class ChatView(QAbstractScrollArea):
    """The conversation: a virtualised, scrolling column of messages.

    Signals:
        link_activated(str url, str text): an http or https link showing ``text``
            was clicked; the window opens it (after asking, if it may mislead).
        link_hovered(str address): the pointer is on a link to ``address``, for the
            status bar (``""``: it left the link).
        action_requested(MessageAction, int message_id): a message's button
            (for ``COPY`` the text is already on the clipboard).
        image_preview_requested(str sha256): an attached image was clicked.
        code_copied(str code): a code block's Copy link put ``code`` on the clipboard.

    Keys: Page Up, Page Down, the arrows, Space, Home and End scroll the view
    while it has focus (a ring around it shows that it has).
    """

    link_activated = Signal(str, str)
    link_hovered = Signal(str)
    action_requested = Signal(object, int)
    image_preview_requested = Signal(str)
    code_copied = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        renderer: MarkdownRenderer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setAccessibleName(_("Conversation"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verticalScrollBar().setSingleStep(48)
        self._renderer = renderer
        self._owns_renderer = renderer is None  # a given one keeps its code colours
        self._clock = clock
        self._rows = ChatRows()
        self._spare: list[MessageWidget] = []
        self._live: list[ChatRow] = []  # rows that have a widget
        self._pending: dict[int, tuple[list[str], list[str]]] = {}
        self._following = True
        self._top = 0
        self._anchor: tuple[int, int] | None = None  # (message id, px into that row)
        self._laying_out = False
        self._syncing = False
        self._reasoning_expanded = True
        self._context = (-1, -1, False, -1)  # last user id, last assistant id, busy, last id
        self._dark_chosen = False
        self._font: QFont | None = None  # set by the font size preference
        self._style = MessageStyle.for_dark(_palette_is_dark(self.palette()))
        self._view_palette: QPalette | None = None  # the theme's colours for the view
        self._pinned: int | None = None  # a revealed message, held in place until a scroll
        self._unseen = False  # new text arrived below while the reader was elsewhere

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(_FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)

        # Renders markdown of the rows just outside the viewport while the app is
        # idle, so scrolling to them only has to lay them out.
        self._prerender_timer = QTimer(self)
        self._prerender_timer.setSingleShot(True)
        self._prerender_timer.setInterval(_PRERENDER_DELAY_MS)
        self._prerender_timer.timeout.connect(self._prerender)

        # Builds the rows just outside the viewport that a layout pass had no time for.
        self._overscan_timer = QTimer(self)
        self._overscan_timer.setSingleShot(True)
        self._overscan_timer.setInterval(0)
        self._overscan_timer.timeout.connect(self._layout)

        # Adds the next segment of messages shown in part, one or a few per turn.
        self._reveal_timer = QTimer(self)
        self._reveal_timer.setSingleShot(True)
        self._reveal_timer.setInterval(0)
        self._reveal_timer.timeout.connect(self._reveal)

        # Ends the highlight of revealed messages; the clock says which are due.
        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.timeout.connect(self._end_highlights)

        self.placeholder = ChatPlaceholder(self.viewport())
        self._focus_ring = FocusRing(self)
        self._jump = JumpToLatestButton(self)
        self._jump.clicked.connect(self._on_jump_clicked)
        self._apply_style()

    # -- conversation ------------------------------------------------------------

    def set_messages(self, items: list[MessageItem]) -> None:
        """Show a conversation, scrolled to its newest message."""
        self._pending.clear()
        for row in self._live:
            self._release(row)
        self._live = []
        width, metrics, now = self._column_width(), self._metrics(), self._clock()
        expanded = self._reasoning_expanded
        self._rows.reset(
            [
                ChatRow.create(
                    item, estimate_height(item, width, metrics), now, thinking_expanded=expanded
                )
                for item in items
            ]
        )
        self._following = True
        self._anchor = None
        self._pinned = None
        self._unseen = False
        self._highlight_timer.stop()
        self._refresh_context()
        self._layout()

    def append_message(self, item: MessageItem) -> None:
        """Add a message at the end; a new prompt brings the view back to the bottom."""
        if self._rows.index_of(item.id) is not None:
            self.update_message(item)
            return
        height = estimate_height(item, self._column_width(), self._metrics())
        self._rows.append(
            ChatRow.create(item, height, self._clock(), thinking_expanded=self._reasoning_expanded)
        )
        if item.role == "user":
            self._following = True
            self._pinned = None
        else:
            self._unseen |= not self._following
        self._refresh_context()
        self._layout()

    def update_message(self, item: MessageItem) -> None:
        """Replace a message by id (status, usage, error, final text).

        An update with empty text or reasoning keeps what has streamed so far.
        """
        self._flush()
        row = self._rows.find(item.id)
        if row is None:
            return
        changed = row.item.text != item.text and bool(item.text)
        row.update(item, self._clock())
        self._unseen |= changed and not self._following
        self._refresh_context()
        self._refresh_row(row)

    def remove_message(self, message_id: int) -> None:
        index = self._rows.index_of(message_id)
        if index is None:
            return
        self._pending.pop(message_id, None)
        if self._pinned == message_id:
            self._pinned = None
        row = self._rows.pop(index)
        self._release(row)
        if row in self._live:
            self._live.remove(row)
        self._refresh_context()
        self._layout()

    def message_ids(self) -> list[int]:
        return [row.item.id for row in self._rows]

    def message_widget(self, message_id: int) -> MessageWidget | None:
        """The widget showing a message, if it is in or near the viewport."""
        row = self._rows.find(message_id)
        return None if row is None else row.widget

    # -- streaming ---------------------------------------------------------------

    def append_reasoning(self, message_id: int, text: str) -> None:
        """Reasoning text arrived for a streaming reply (shown on the next flush)."""
        self._queue(message_id, text, 0)

    def append_content(self, message_id: int, text: str) -> None:
        """Answer text arrived for a streaming reply (shown on the next flush)."""
        self._queue(message_id, text, 1)

    def _queue(self, message_id: int, text: str, kind: int) -> None:
        if not text:
            return
        self._pending.setdefault(message_id, ([], []))[kind].append(text)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        """Show queued deltas; the next flush waits in proportion to this one's cost,
        so that a fast stream of a long reply leaves the GUI thread time for input."""
        started = time.perf_counter()
        self._flush_timer.stop()
        self._show_pending()
        spent_ms = (time.perf_counter() - started) * 1000
        self._flush_timer.setInterval(
            int(min(_FLUSH_MAX_MS, max(_FLUSH_MS, _FLUSH_SHARE * spent_ms)))
        )

    def _show_pending(self) -> None:
        pending, self._pending = self._pending, {}
        self._unseen |= bool(pending) and not self._following
        for message_id, (reasoning, content) in pending.items():
            row = self._rows.find(message_id)
            if row is None:
                continue
            row.add_deltas(
                "".join(reasoning),
                "".join(content),
                self._clock(),
                thinking_expanded=self._reasoning_expanded,
            )
            self._refresh_row(row)

    # -- preferences -------------------------------------------------------------

    def set_reasoning_expanded_default(self, expanded: bool) -> None:
        """Whether a reply's reasoning panel starts open while the model thinks."""
        self._reasoning_expanded = expanded

    def is_dark(self) -> bool:
        """Whether messages are drawn in the dark theme."""
        return self._style.dark

    def set_dark(self, dark: bool) -> None:
        """Use the dark or the light theme."""
        self._dark_chosen = True
        if dark != self._style.dark:
            self._style = MessageStyle.for_dark(dark)
            self._apply_style()

    def set_font_point_size(self, pt: int) -> None:
        """Show messages in this font size."""
        self._restart_reveals()
        font = QFont(self.font())
        font.setPointSize(pt)
        self._font = font
        # Given to each widget: under an application style sheet a font set on
        # the view does not reach children that were already polished.
        self.setFont(font)
        self.viewport().setFont(font)
        self.placeholder.apply_font(font)
        for widget in self._widgets():
            widget.apply_font(font)
        self._remeasure_all()

    # -- scrolling ---------------------------------------------------------------

    def scroll_to_bottom(self) -> None:
        self._following = True
        self._pinned = None
        self._layout()

    def reveal_message(self, message_id: int) -> bool:
        """Scroll so the message's top sits a quarter of the way down, stop following
        the reply, and highlight the message for :data:`HIGHLIGHT_SECONDS`.

        The message stays there while rows around it are measured, until the
        reader scrolls. False if the view does not show that message.
        """
        row = self._rows.find(message_id)
        if row is None:
            return False
        self._flush()
        self._following = False
        self._pinned = message_id
        self._anchor = self._pinned_anchor()
        row.highlight_until = self._clock() + HIGHLIGHT_SECONDS
        self._highlight_timer.start(int(HIGHLIGHT_SECONDS * 1000))
        self._layout()
        # Once more on the next turn, when rows measured in between have their heights.
        QTimer.singleShot(0, self, self._layout)
        return True

    def highlighted_ids(self) -> list[int]:
        """The messages shown highlighted now (just revealed)."""
        return [row.item.id for row in self._rows if row.highlight_until is not None]

    def jump_button(self) -> JumpToLatestButton:
        """The "Jump to latest" button (hidden while the newest text is in view)."""
        return self._jump

    def _pinned_anchor(self) -> tuple[int, int] | None:
        if self._pinned is None:
            return None
        return self._pinned, -(self.viewport().height() // 4)

    def _end_highlights(self) -> None:
        now, due = self._clock(), None
        for row in self._rows:
            until = row.highlight_until
            if until is None:
                continue
            if until <= now:
                row.highlight_until = None
                self.viewport().update()
            else:
                due = until if due is None else min(due, until)
        if due is not None:
            self._highlight_timer.start(max(1, int((due - now) * 1000)))

    def _on_jump_clicked(self) -> None:
        self.scroll_to_bottom()

    def is_following(self) -> bool:
        """Whether the view keeps the newest message in view as it grows."""
        return self._following

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        if self._syncing:
            return
        bar = self.verticalScrollBar()
        self._top = bar.value()
        self._following = self._top >= bar.maximum() - _FOLLOW_SLACK
        self._pinned = None  # the reader moved on
        self._anchor = self._anchor_at(self._top)
        self._layout()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        bar = self.verticalScrollBar()
        action = bar.SliderAction
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        steps = {
            Qt.Key.Key_PageUp: action.SliderPageStepSub,
            Qt.Key.Key_PageDown: action.SliderPageStepAdd,
            Qt.Key.Key_Up: action.SliderSingleStepSub,
            Qt.Key.Key_Down: action.SliderSingleStepAdd,
            Qt.Key.Key_Space: action.SliderPageStepSub if shift else action.SliderPageStepAdd,
        }
        key = event.key()
        self._show_focus_ring()  # the keyboard is in use: show where it goes
        if key == Qt.Key.Key_Home:
            bar.setValue(0)
        elif key == Qt.Key.Key_End:
            self.scroll_to_bottom()
        elif key in steps:
            bar.triggerAction(steps[Qt.Key(key)])
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # A click says where the reader is already; Tab and shortcuts need the ring.
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self._show_focus_ring()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._focus_ring.hide()

    def _show_focus_ring(self) -> None:
        if self.hasFocus() and self._focus_ring.isHidden():
            self._focus_ring.show()
            self._focus_ring.raise_()

    def has_focus_ring(self) -> bool:
        """Whether the ring that shows the view has keyboard focus is drawn."""
        return self._focus_ring.isVisible()

    # -- Qt events ---------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_overlays()
        if event.size().width() != event.oldSize().width():
            self._restart_reveals()
            width, metrics = self._column_width(), self._metrics()
            for row in self._rows:
                if row.measured_width == 0 and row.widget is None:
                    row.height = estimate_height(row.item, width, metrics)
            self._rows.heights_changed()
        self._layout()

    def hideEvent(self, event: QHideEvent) -> None:
        # No timers left running in a hidden view: a view closed with a timer
        # pending cannot be destroyed cleanly from another thread. Deltas wait.
        self._flush_timer.stop()
        self._prerender_timer.stop()
        self._overscan_timer.stop()
        self._reveal_timer.stop()
        self._highlight_timer.stop()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending:
            self._flush_timer.start()
        if any(r.widget and r.segments_wanted(r.widget.segments_shown()) for r in self._live):
            self._reveal_timer.start()  # (stopped while hidden)
        if any(row.highlight_until is not None for row in self._rows):
            self._end_highlights()  # (its timer stopped while hidden)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        kind = event.type()
        if kind == QEvent.Type.PaletteChange:
            self._keep_palette(self)
        elif kind == QEvent.Type.FontChange and self._font is None:
            self._restart_reveals()
            self._remeasure_all()
        elif kind == QEvent.Type.ApplicationPaletteChange and not self._dark_chosen:
            dark = _palette_is_dark(QGuiApplication.palette())
            if dark != self._style.dark:
                self._style = MessageStyle.for_dark(dark)
                self._apply_style()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The viewport: its background (filled by Qt), and a tint behind each
        highlighted message, a little larger than the message."""
        rows = [row for row in self._live if row.highlight_until is not None and row.widget]
        if not rows:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._style.highlight)
        for row in rows:
            assert row.widget is not None
            area = QRectF(row.widget.geometry()).adjusted(
                -_HIGHLIGHT_PAD_X, -_HIGHLIGHT_PAD_Y, _HIGHLIGHT_PAD_X, _HIGHLIGHT_PAD_Y
            )
            painter.drawRoundedRect(area, 10, 10)

    # -- layout ------------------------------------------------------------------

    def _column_width(self) -> int:
        available = self.viewport().width() - 2 * _SIDE_MARGIN
        return max(120, min(MAX_COLUMN_WIDTH, available))

    def _metrics(self) -> TextMetrics:
        metrics = QFontMetrics(self.font())
        return TextMetrics(metrics.lineSpacing(), max(1, metrics.averageCharWidth()))

    def _content_height(self) -> int:
        return _PAD_TOP + self._rows.total() + _PAD_BOTTOM

    def _resolve_top(self, viewport_height: int) -> int:
        bottom = max(0, self._content_height() - viewport_height)
        if self._following:
            return bottom
        top = self._top
        if self._pinned is not None:
            self._anchor = self._pinned_anchor()
        if self._anchor is not None:
            index = self._rows.index_of(self._anchor[0])
            if index is not None:
                top = _PAD_TOP + self._rows.offset(index) + self._anchor[1]
        return min(max(0, top), bottom)

    def _anchor_at(self, top: int) -> tuple[int, int] | None:
        if not len(self._rows):
            return None
        index = self._rows.row_at(top - _PAD_TOP)
        return self._rows[index].item.id, top - _PAD_TOP - self._rows.offset(index)

    def _layout(self) -> None:
        """Materialise, measure and place the rows in and near the viewport."""
        if self._laying_out:
            return
        self._laying_out = True
        try:
            self._layout_pass()
        finally:
            self._laying_out = False

    def _layout_pass(self) -> None:
        """Build and measure the rows in the viewport, then those within the overscan
        above and below while the pass has time (the rest on the next turn), and
        place them. Rows' heights settle within a few passes."""
        viewport = self.viewport()
        self.placeholder.setGeometry(viewport.rect())
        self.placeholder.setVisible(not len(self._rows))
        height = viewport.height()
        width = self._column_width()
        left = (viewport.width() - width) // 2
        overscan = max(240, height // 2)
        deadline = time.perf_counter() + _OVERSCAN_BUDGET_S
        first, last, top, deferred, built_beyond = 0, -1, 0, False, 0
        for _attempt in range(10):
            top = self._resolve_top(height)
            if not len(self._rows):
                break
            first = self._rows.row_at(top - _PAD_TOP - overscan)
            last = self._rows.row_at(top - _PAD_TOP + height + overscan)
            shown = range(
                self._rows.row_at(top - _PAD_TOP), self._rows.row_at(top - _PAD_TOP + height) + 1
            )
            changed, deferred = False, False
            for index in (
                *shown,
                *range(shown.stop, last + 1),
                *range(shown.start - 1, first - 1, -1),
            ):
                if index not in shown and self._rows[index].widget is None:
                    if built_beyond and time.perf_counter() > deadline:
                        deferred = True
                        continue
                    built_beyond += 1  # at least one per pass, so later turns catch up
                changed |= self._measure(index, width)
            if not changed:
                break
        live = []
        for row in self._live:
            found = self._rows.index_of(row.item.id)
            if found is None or not first <= found <= last or self._rows[found] is not row:
                self._release(row)
            else:
                live.append(row)
        self._live = live
        self._sync_scroll_bar(top, height)
        for index in range(first, last + 1):
            row = self._rows[index]
            widget = row.widget
            if widget is None:
                continue  # outside the viewport, built on a later turn
            y = _PAD_TOP + self._rows.offset(index) - top
            widget.setGeometry(left, y, width, row.height - ROW_SPACING)
            if widget.isHidden():
                widget.show()
        self._top = top
        if self._following:
            self._unseen = False
        else:
            self._anchor = self._pinned_anchor() or self._anchor_at(top)
        self._update_jump_button()
        if any(row.highlight_until is not None for row in self._live):
            viewport.update()  # the highlight reaches beyond the widget it surrounds
        if deferred and self.isVisible():
            self._overscan_timer.start()
        if len(self._rows) and self.isVisible() and not self._prerender_timer.isActive():
            self._prerender_timer.start()  # not restarted: it must also run during a long scroll

    def _prerender(self) -> None:
        """Render the markdown of rows near the viewport, nearest first, a little at a time."""
        if not self._rows:  # the timer can fire after the view was emptied
            return
        rows, height = self._rows, max(1, self.viewport().height())
        reach = _PRERENDER_SCREENS * height
        first = rows.row_at(self._top - _PAD_TOP - reach)
        last = rows.row_at(self._top - _PAD_TOP + height + reach)
        middle = rows.row_at(self._top - _PAD_TOP + height // 2)
        order = sorted(range(first, last + 1), key=lambda index: abs(index - middle))
        deadline = time.perf_counter() + _PRERENDER_BUDGET_S
        for index in order:
            row = rows[index]
            if not row.parts and row.item.role == "assistant" and row.item.text:
                row.part(0, self._markdown_renderer())
                if time.perf_counter() > deadline:
                    self._prerender_timer.start()
                    return

    def _reveal(self) -> None:
        """Show one more segment of messages shown in part, while this turn's budget lasts."""
        deadline = time.perf_counter() + _REVEAL_BUDGET_S
        more = False
        for row in list(self._live):
            widget = row.widget
            while widget is not None and row.segments_wanted(shown := widget.segments_shown()):
                self._configure(row)
                row.measured_width = 0
                if widget.segments_shown() <= shown:
                    break  # nothing more to show yet
                if time.perf_counter() > deadline:
                    more = True
                    break
            if more:
                break
        self._layout()
        if more and self.isVisible():
            self._reveal_timer.start()

    def _restart_reveals(self) -> None:
        """Cut messages back to their first segment, to be shown again a segment per
        turn: they are about to be laid out anew, all at once if left as they are."""
        for row in self._live:
            if row.widget is not None and row.widget.segments_shown() > 1:
                row.widget.keep_first_segment()
                row.measured_width = 0
                if self.isVisible():
                    self._reveal_timer.start()

    def _on_widget_show_all_requested(self, message_id: int) -> None:
        row = self._rows.find(message_id)
        if row is None or row.expanded:
            return
        row.expanded = True
        # The message grows downwards from where the reader is, without following it.
        self._following = False
        self._anchor = self._anchor_at(self._top)
        if row.widget is not None:
            self._configure(row)
        row.measured_width = 0
        self._layout()

    def _measure(self, index: int, width: int) -> bool:
        row = self._rows[index]
        if row.widget is None:
            row.widget = self._take_widget()
            self._live.append(row)
            self._configure(row)
        if row.measured_width == width:
            return False
        row.measured_width = width
        return self._rows.set_height(index, row.widget.height_for_width(width) + ROW_SPACING)

    def _sync_scroll_bar(self, top: int, height: int) -> None:
        bar = self.verticalScrollBar()
        self._syncing = True
        try:
            bar.setRange(0, max(0, self._content_height() - height))
            bar.setPageStep(max(1, height))
            bar.setValue(top)
        finally:
            self._syncing = False

    def _remeasure_all(self) -> None:
        width, metrics = self._column_width(), self._metrics()
        for row in self._rows:
            row.measured_width = 0
            if row.widget is None:
                row.height = estimate_height(row.item, width, metrics)
        self._rows.heights_changed()
        self._layout()

    # -- widgets -----------------------------------------------------------------

    def _take_widget(self) -> MessageWidget:
        if self._spare:
            return self._spare.pop()
        widget = MessageWidget(self._style, self.viewport(), clock=self._clock)
        if self._font is not None:
            widget.apply_font(self._font)
        widget.action_requested.connect(self.action_requested)
        widget.image_preview_requested.connect(self.image_preview_requested)
        widget.link_activated.connect(self.link_activated)
        widget.link_hovered.connect(self.link_hovered)
        widget.code_copied.connect(self.code_copied)
        widget.reasoning_toggled.connect(self._on_widget_reasoning_toggled)
        widget.show_all_requested.connect(self._on_widget_show_all_requested)
        return widget

    def _release(self, row: ChatRow) -> None:
        widget, row.widget = row.widget, None
        if widget is None:
            return
        widget.hide()
        widget.keep_first_segment()  # a spare keeps no large documents
        if len(self._spare) < _SPARE_WIDGETS:
            self._spare.append(widget)
        else:
            widget.deleteLater()

    def _configure(self, row: ChatRow) -> None:
        """Show the row's message in its widget, with at most one more segment than it
        showed (the others follow a turn at a time)."""
        widget = row.widget
        if widget is None:
            return
        item = row.item
        segments = []
        if item.text:
            previous = widget.item
            shown = 0
            if previous is not None and previous.id == item.id:
                shown = widget.segments_shown() if item.text.startswith(previous.text) else 0
            count = max(1, shown + 1 if row.segments_wanted(shown) else shown)
            renderer = self._markdown_renderer() if item.role == "assistant" else None
            segments = row.shown(count, renderer)
        widget.set_item(
            item,
            segments=segments,
            context=self._context_for(item),
            reasoning=row.reasoning,
            hidden=row.hidden_chars(),
        )
        if row.segments_wanted(widget.segments_shown()) and self.isVisible():
            self._reveal_timer.start()

    def _refresh_row(self, row: ChatRow) -> None:
        """The row's message changed: show it again and correct its height."""
        row.measured_width = 0
        if row.widget is not None:
            self._configure(row)
        else:
            index = self._rows.index_of(row.item.id)
            if index is not None:
                estimate = estimate_height(row.item, self._column_width(), self._metrics())
                self._rows.set_height(index, estimate)
        self._layout()

    def _on_widget_reasoning_toggled(self, message_id: int, expanded: bool) -> None:
        row = self._rows.find(message_id)
        if row is None:
            return
        row.set_reasoning_expanded(expanded)
        row.measured_width = 0
        self._layout()

    # -- which buttons each message offers ----------------------------------------

    def _refresh_context(self) -> None:
        last_user = last_assistant = -1
        for row in reversed(self._rows):
            if last_user < 0 and row.item.role == "user":
                last_user = row.item.id
            if last_assistant < 0 and row.item.role == "assistant":
                last_assistant = row.item.id
            if last_user >= 0 and last_assistant >= 0:
                break
        busy = any(row.item.streaming for row in self._rows)
        final = self._rows[len(self._rows) - 1].item.id if len(self._rows) else -1
        context = (last_user, last_assistant, busy, final)
        if context == self._context:
            return
        self._context = context
        for row in self._live:
            if row.widget is not None and row.widget.set_context(self._context_for(row.item)):
                row.measured_width = 0  # its notice gained or lost buttons

    def _context_for(self, item: MessageItem) -> RowContext:
        last_user, last_assistant, busy, final = self._context
        return RowContext(
            last=item.id in (last_user, last_assistant), busy=busy, final=item.id == final
        )

    # -- rendering and style ------------------------------------------------------

    def _markdown_renderer(self) -> MarkdownRenderer:
        if self._renderer is None:
            from kimi_desktop.render import MarkdownRenderer  # brings in markdown-it

            self._renderer = MarkdownRenderer(self._style.code_style)
        return self._renderer

    def _apply_style(self) -> None:
        self._restart_reveals()
        style = self._style
        palette = style.view_palette(QGuiApplication.palette())
        self._view_palette = palette
        # Set on each widget: under an application style sheet a palette set on
        # the view does not reach children that were already polished.
        for widget in (self, self.viewport(), self.verticalScrollBar()):
            widget.setPalette(palette)
        self.viewport().setAutoFillBackground(True)
        self.placeholder.apply_style(style)
        self._focus_ring.apply_style(style)
        self._jump.apply_style(style)
        for widget in self._widgets():
            widget.set_style(style)
        renderer = self._renderer
        if self._owns_renderer and renderer is not None and renderer.code_style != style.code_style:
            # Code colours are in the HTML: render every reply again, in the new colours.
            self._renderer = None
            for row in self._rows:
                row.forget_rendering()
            for row in self._live:
                self._configure(row)
        self._remeasure_all()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange:
            self._keep_palette(self.viewport())
        elif event.type() == QEvent.Type.Polish:
            # The placeholder's labels are polished after the viewport: their
            # colours are set again once the whole view is polished.
            QTimer.singleShot(0, self, self._restyle_placeholder)
        return super().viewportEvent(event)

    def _keep_palette(self, widget: QWidget) -> None:
        """Put the theme's colours back on ``widget`` if a style replaced them.

        WORKAROUND: Qt's style sheet style (seen with PySide6 6.11.3) remembers a
        widget's palette when it polishes it under an application style sheet
        and puts that palette back when it polishes the widget again, as when
        the window is first shown: a view built before the dark theme was
        applied went back to its light colours. No upstream report found.
        """
        palette = self._view_palette
        if palette is not None and not _same_colours(widget.palette(), palette):
            widget.setPalette(palette)

    def _restyle_placeholder(self) -> None:
        self.placeholder.apply_style(self._style)

    def _place_overlays(self) -> None:
        """The focus ring around the viewport, the jump button at its bottom middle."""
        area = self.viewport().geometry()
        self._focus_ring.setGeometry(area)
        side = self._jump.width()
        self._jump.move(
            area.left() + (area.width() - side) // 2, area.bottom() - side - _JUMP_MARGIN + 1
        )
        self._jump.raise_()
        self._focus_ring.raise_()

    def _update_jump_button(self) -> None:
        """Shown while the bottom is out of view during a reply, or after new text
        arrived below; hidden once the view follows the newest text again."""
        busy = self._context[2]
        wanted = bool(len(self._rows)) and not self._following and (busy or self._unseen)
        if wanted == self._jump.isHidden():
            if wanted:
                self._place_overlays()
            self._jump.setVisible(wanted)

    def _widgets(self) -> list[MessageWidget]:
        """Every message widget: those showing a row and the spare ones."""
        return [row.widget for row in self._live if row.widget is not None] + self._spare


def _same_colours(a: QPalette, b: QPalette) -> bool:
    return all(a.color(role) == b.color(role) for role in _KEPT_ROLES)


def _palette_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
