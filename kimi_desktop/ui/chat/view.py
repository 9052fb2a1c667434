"""``ChatView``: the messages of one conversation, with replies streaming in live.

Only the messages in or near the viewport exist as widgets. Every other row is
a :class:`~kimi_desktop.ui.chat.rows.ChatRow` with a height (measured when it
was last shown at this width, else estimated from its text), so opening a
2,000-message conversation builds a handful of widgets, not 2,000. Scrolling
keeps the message at the top of the viewport still while heights above it are
corrected; following the newest message keeps the bottom in view instead.

Scrolling stays within a frame. A scroll step builds only the rows it brings on
screen, top first, while the turn's budget lasts; the rows it had no time for,
and those half a screen around the viewport plus a screen further in the
direction of scrolling, are built by passes of their own once the view has been
quiet for a moment, a row at a time, so that paging on finds the next screen
built. The costliest step of building a row that a step or a quiet pass must
build (rendering a reply's markdown, or making a widget when no spare one is
left) takes a pass of its own, and the row is built in the next; a quiet pass
renders the markdown of the other rows it builds in one pass and builds them in
the next. Passes between which the GUI thread did not rest (a paint counts as
work) share one budget (:class:`~kimi_desktop.ui.chat.turn_clock.TurnClock`),
the markdown of replies ahead is rendered in such quiet moments too, and
Python's full garbage collections wait until the scrolling rests
(:mod:`~kimi_desktop.ui.chat.collection_hold`). During a very fast scroll a row
may appear a frame after its neighbours; at rest every row on screen is built.

``reveal_message`` scrolls a message (a search result) a quarter of the way
down and highlights it briefly; the view stays there until the reader scrolls.
While the newest text is out of sight during a reply, or new text arrived
below, a round "Jump to latest" button floats at the bottom.

The view keeps the theme's colours on itself and its viewport: a widget
polished before the application's style sheet was set gets the palette it had
then put back when it is polished again (as the window is first shown), which
left a dark start with a white chat area.

Streaming deltas are buffered and applied together once a frame (every other
frame while flushes are costly), no more of them than fits in a frame's share of
work (the rest waits for the next flush); only
the open tail of a reply is rendered again
(:class:`~kimi_desktop.render.IncrementalMarkdown`) and set again
(:class:`~kimi_desktop.ui.chat.message_body.MessageBody`), and full garbage
collections wait while a reply streams. A reply that ends with text still queued
shows it in flushes of the same size, then takes its final state in a turn of
its own.

Work a flush would otherwise do is done ahead, in turns of its own between
flushes: a code block whose closing line is queued but not shown yet is
highlighted then (:meth:`~kimi_desktop.render.IncrementalMarkdown.lex_ahead`),
so the flush that shows that line finds it highlighted, and the message body
keeps a spare text box or two built for the chunks it freezes.

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
from typing import TYPE_CHECKING, Literal

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
from kimi_desktop.ui.chat.collection_hold import FullCollectionHold
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_style import MAX_COLUMN_WIDTH, MessageStyle
from kimi_desktop.ui.chat.placeholder import ChatPlaceholder
from kimi_desktop.ui.chat.rows import ROW_SPACING, ChatRow, ChatRows, TextMetrics, estimate_height
from kimi_desktop.ui.chat.turn_clock import TurnClock
from kimi_desktop.ui.chat.view_overlays import FocusRing, JumpToLatestButton

if TYPE_CHECKING:
    from kimi_desktop.render import MarkdownRenderer
    from kimi_desktop.ui.chat.message_widget import MessageWidget, RowContext

_PAD_TOP = 24
_PAD_BOTTOM = 32
_SIDE_MARGIN = 28
_FLUSH_MS = 16  # streamed text is shown once a 60 Hz frame, however fast it arrives
_FLUSH_MAX_MS = 33  # ... or once two frames, while flushes are costly (a fast, long reply)
_FLUSH_SHARE = 0.25  # the share of the GUI thread's time flushes may take before they space out
_FLUSH_BUDGET_S = 0.006  # the work a flush aims at, so a frame keeps room for input and paint
_FLUSH_MIN_CHARS = 256  # ... but every flush shows at least this much text
_FLUSH_START_CHARS = 2048  # what a flush may show before it has measured itself
_CATCH_UP_FLUSHES = 4  # text that waits is shown within about this many flushes
_FOLLOW_SLACK = 4  # px from the bottom that still count as "at the bottom"
_SPARE_WIDGETS = 16  # enough for every row a pass lets go of while it builds others
# Budgets of a turn (see turn_clock), well under a frame together with a paint: for the
# rows on screen while the reader scrolls, for those just outside the viewport, and for
# rendering markdown ahead. Each pass builds or renders at least one row all the same.
_SCREEN_BUDGET_S = 0.006
_OVERSCAN_BUDGET_S = 0.006
_PRERENDER_BUDGET_S = 0.005
_IDLE_AFTER_S = 0.006  # work that can wait waits this long after the view's last pass
_AHEAD_SCREENS = 1  # rows built beyond the overscan in the direction of scrolling
_ROW_COST_WEIGHT = 0.2  # of the latest row in the running average of what a row costs
_PRERENDER_DELAY_MS = 30
_PRERENDER_SCREENS = 3  # how many viewport heights ahead and behind
_REVEAL_BUDGET_S = 0.03  # per turn, for more segments of messages shown in part
_HIGHLIGHT_PAD_X = 14  # how far a highlight reaches beyond its message (inside the margin)
_HIGHLIGHT_PAD_Y = 10
_JUMP_MARGIN = 16  # px between the "Jump to latest" button and the viewport's bottom

_PassKind = Literal["full", "scrolled", "continued"]
_Step = Literal["build", "prepared", "later"]  # what a pass does for a row with no widget

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
        # Final states of replies that ended with text still queued, in arrival order.
        self._finals: dict[int, list[MessageItem]] = {}
        self._flush_chars = _FLUSH_START_CHARS  # how much text a flush may show
        self._following = True
        self._top = 0
        self._anchor: tuple[int, int] | None = None  # (message id, px into that row)
        self._laying_out = False
        self._syncing = False
        self._heading = 0  # the way the reader last scrolled: 1 down, -1 up, 0 not yet
        self._turn = TurnClock()
        self._row_cost = 0.002  # what building a row took lately, on average (seconds)
        self._render_cost = 0.001  # ... and rendering a reply's markdown ahead
        self._widget_cost = 0.005  # ... and making a new message widget
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
        self._flush_timer.timeout.connect(self._flush_frame)

        # Highlights code blocks whose closing line is queued, before the flush shows it.
        self._lex_timer = QTimer(self)
        self._lex_timer.setSingleShot(True)
        self._lex_timer.setInterval(0)
        self._lex_timer.timeout.connect(self._lex_ahead)

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
        self._overscan_timer.timeout.connect(self._continue_layout)

        # Adds the next segment of messages shown in part, one or a few per turn.
        self._reveal_timer = QTimer(self)
        self._reveal_timer.setSingleShot(True)
        self._reveal_timer.setInterval(0)
        self._reveal_timer.timeout.connect(self._reveal)

        # Ends the highlight of revealed messages; the clock says which are due.
        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.timeout.connect(self._end_highlights)

        # Full garbage collections wait while the reader scrolls, and while a reply streams.
        self._collection_hold = FullCollectionHold(self)
        self._stream_hold = FullCollectionHold(self)

        self.placeholder = ChatPlaceholder(self.viewport())
        self._focus_ring = FocusRing(self)
        self._jump = JumpToLatestButton(self)
        self._jump.clicked.connect(self._on_jump_clicked)
        self._apply_style()

    # -- conversation ------------------------------------------------------------

    def set_messages(self, items: list[MessageItem]) -> None:
        """Show a conversation, scrolled to its newest message."""
        self._pending.clear()
        self._finals.clear()
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
        self._heading = 0
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
        if item.streaming:
            self._stream_hold.hold()  # (the reply's first text is on its way)
        self._refresh_context()
        self._layout()

    def update_message(self, item: MessageItem) -> None:
        """Replace a message by id (status, usage, error, final text).

        An update with empty text or reasoning keeps what has streamed so far.
        A reply that ended with more text queued than a flush shows keeps
        streaming it in flushes of the usual size, and takes this final state once
        all of it is shown (:meth:`is_catching_up`): shown at once, the several
        thousand characters a fast reply leaves queued held the GUI thread for
        22-30 ms in one turn, the longest of the whole reply.
        """
        if item.id in self._finals or (not item.streaming and self._backlogged(item.id)):
            self._finals.setdefault(item.id, []).append(item)
            if self.isVisible() and not self._flush_timer.isActive():
                self._flush_timer.start(_FLUSH_MS)
            return
        self._flush()
        self._apply_update(item)

    def is_catching_up(self) -> bool:
        """Whether a reply that ended still has queued text to show before its final state."""
        return bool(self._finals)

    def _backlogged(self, message_id: int) -> bool:
        """Whether more of the message's text waits than a flush would show."""
        queued = self._pending.get(message_id)
        if queued is None or not self.isVisible():
            return False
        waiting = sum(len(text) for run in queued for text in run)
        return waiting > max(self._flush_chars, _FLUSH_MIN_CHARS)

    def _apply_finals(self) -> None:
        """Apply the final states whose text is all shown now."""
        for message_id in [i for i in self._finals if i not in self._pending]:
            for item in self._finals.pop(message_id):
                self._apply_update(item)

    def _apply_update(self, item: MessageItem) -> None:
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
        self._finals.pop(message_id, None)
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
            self._flush_timer.start(_FLUSH_MS)
        if kind == 1 and ("`" in text or "~" in text) and not self._lex_timer.isActive():
            self._lex_timer.start()  # (it may close a code block)

    def _lex_ahead(self) -> None:
        """Highlight a code block that queued text closes, one a turn: the flush that
        shows its closing line (already the longest kind of flush: the block is set and
        laid out anew) then finds the highlighted code cached."""
        more = False
        for message_id, queued in self._pending.items():
            row = self._rows.find(message_id)
            live = row.live if row is not None else None
            if live is not None and queued[1]:
                more |= live.lex_ahead("".join(queued[1]))
        if more:
            self._lex_timer.start()  # the next block in a turn of its own

    def _flush(self) -> None:
        """Show every queued delta now (before a message is replaced or revealed), and
        the final state of replies that ended meanwhile."""
        self._flush_timer.stop()
        self._show_pending(None)
        self._apply_finals()

    def _flush_frame(self) -> None:
        """Show as much queued text as fits in a frame's share of work; the rest waits
        for the next frame, so however fast a reply arrives no flush holds the GUI
        thread much longer than :data:`_FLUSH_BUDGET_S`.

        What a flush may show adapts to what flushes cost: it shrinks when one took
        longer than the budget, and grows when one left text waiting and time over.
        It is never less than a share of what waits, so that a reply arriving faster
        than its share falls behind by a few frames at most, rather than leaving a
        backlog to be shown all at once when it ends.
        """
        if any(message_id not in self._pending for message_id in self._finals):
            # A reply's final state, in a turn of its own (after its last text's paint).
            self._apply_finals()
            if self._pending:
                self._flush_timer.start(_FLUSH_MS)
            return
        started = time.perf_counter()
        waiting = sum(
            len(text) for parts in self._pending.values() for run in parts for text in run
        )
        shown, limited = self._show_pending(max(self._flush_chars, waiting // _CATCH_UP_FLUSHES))
        spent = time.perf_counter() - started
        if shown:
            # A full collection walks every object (50 ms and more): not while text
            # streams in, but once the reply has rested for a moment.
            self._stream_hold.hold()
        if self._pending and not self._lex_timer.isActive():
            self._lex_timer.start()  # (text left waiting may close a code block)
        if self._pending or self._finals:
            # Once the reply has ended nothing else competes for the GUI thread: the rest
            # follows a frame later, not two.
            period = _FLUSH_MS if self._finals else _flush_period_ms(spent)
            self._flush_timer.start(max(1, period - int(spent * 1000)))
        if shown and spent > _FLUSH_BUDGET_S:
            self._flush_chars = max(_FLUSH_MIN_CHARS, round(shown * _FLUSH_BUDGET_S / spent))
        elif limited and spent < _FLUSH_BUDGET_S / 2:
            self._flush_chars *= 2

    def _show_pending(self, limit: int | None) -> tuple[int, bool]:
        """Apply queued deltas, at most ``limit`` characters of them (``None``: all);
        (how many characters were shown, whether some had to wait)."""
        pending, self._pending = self._pending, {}
        self._unseen |= bool(pending) and not self._following
        shown, limited = 0, False
        for message_id, (reasoning, content) in pending.items():
            row = self._rows.find(message_id)
            if row is None:
                continue
            reasoning_now, reasoning_later = _take_text(reasoning, _left(limit, shown))
            shown += len(reasoning_now)
            content_now, content_later = _take_text(content, _left(limit, shown))
            shown += len(content_now)
            if reasoning_later or content_later:
                limited = True
                self._pending[message_id] = (
                    [reasoning_later] if reasoning_later else [],
                    [content_later] if content_later else [],
                )
            if not reasoning_now and not content_now:
                continue
            row.add_deltas(
                reasoning_now,
                content_now,
                self._clock(),
                thinking_expanded=self._reasoning_expanded,
            )
            self._refresh_row(row)
        return shown, limited

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
        if bar.value() != self._top:
            self._heading = 1 if bar.value() > self._top else -1
        self._top = bar.value()
        self._following = self._top >= bar.maximum() - _FOLLOW_SLACK
        self._pinned = None  # the reader moved on
        self._anchor = self._anchor_at(self._top)
        self._collection_hold.hold()
        self._layout(scrolled=True)

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
        self._collection_hold.release()
        self._stream_hold.release()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending or self._finals:
            self._flush_timer.start(_FLUSH_MS)
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

    def _layout(self, *, scrolled: bool = False) -> None:
        """Materialise, measure and place the rows in and near the viewport.

        ``scrolled``: the reader scrolled. The pass then builds the rows on screen
        while the turn's budget lasts (the first at least), and leaves the others,
        and those around the viewport, to passes of their own: a fast scroll never
        waits for rows it may be past by the next frame.
        """
        self._run_pass("scrolled" if scrolled else "full")

    def _continue_layout(self) -> None:
        """Build the rows an earlier pass had no time for."""
        self._run_pass("continued")

    def _run_pass(self, kind: _PassKind) -> None:
        if self._laying_out:
            return
        self._laying_out = True
        try:
            self._layout_pass(kind)
        finally:
            self._laying_out = False

    def _layout_pass(self, kind: _PassKind) -> None:
        """Build and measure the rows in the viewport, then those within the overscan
        (a screen further in the direction of scrolling), nearest first, while the
        turn's budget lasts; the rest on a later turn; then place them. Rows'
        heights settle within a few passes.

        A ``full`` pass builds every row on screen; a ``scrolled`` one builds no row
        off screen; a ``continued`` one waits until the view's passes have been quiet
        for a moment (:meth:`_postponed`).
        """
        if kind == "continued" and self._postponed(self._overscan_timer):
            return
        turn_start = self._turn.begin()
        screen_deadline = turn_start + _SCREEN_BUDGET_S
        beyond_deadline = turn_start + _OVERSCAN_BUDGET_S
        viewport = self.viewport()
        self.placeholder.setGeometry(viewport.rect())
        self.placeholder.setVisible(not len(self._rows))
        height = viewport.height()
        width = self._column_width()
        left = (viewport.width() - width) // 2
        above, below = self._overscan(height)
        first, last, top, deferred, worked = 0, -1, 0, False, False
        prepared: set[int] = set()  # rows this pass made ready to build: built in the next
        for _attempt in range(10):
            top = self._resolve_top(height)
            if not len(self._rows):
                break
            first = self._rows.row_at(top - _PAD_TOP - above)
            last = self._rows.row_at(top - _PAD_TOP + height + below)
            shown = range(
                self._rows.row_at(top - _PAD_TOP), self._rows.row_at(top - _PAD_TOP + height) + 1
            )
            self._release_outside(first, last)  # their widgets serve the rows built next
            after = range(shown.stop, last + 1)
            before = range(shown.start - 1, first - 1, -1)
            changed, deferred = False, False
            ahead = (*after, *before) if self._heading >= 0 else (*before, *after)
            for index in (*shown, *ahead):
                row = self._rows[index]
                if row.widget is None:
                    on_screen = index in shown
                    if kind == "scrolled" and not on_screen:
                        deferred = True
                        continue
                    # At least one row a pass (on screen, if any is missing), so later
                    # turns catch up; the others if they are likely to fit.
                    must = not worked or (kind == "full" and on_screen)
                    deadline = screen_deadline if on_screen else beyond_deadline
                    step = (
                        "later"
                        if index in prepared
                        else self._building_step(row, must, kind, deadline)
                    )
                    if step != "build":
                        if step == "prepared":  # built in the next pass
                            prepared.add(index)
                            worked = True
                        deferred = True
                        continue
                    worked = True
                changed |= self._measure(index, width)
            if not changed:
                break
        self._release_outside(first, last)
        self._sync_scroll_bar(top, height)
        for index in range(first, last + 1):
            row = self._rows[index]
            widget = row.widget
            if widget is None:
                continue  # built on a later turn
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
            self._overscan_timer.start(0)
        if len(self._rows) and self.isVisible() and not self._prerender_timer.isActive():
            # Not restarted when active: it must also run during a long scroll.
            self._prerender_timer.start(_PRERENDER_DELAY_MS)
        self._turn.end()

    def _postponed(self, timer: QTimer) -> bool:
        """Whether work that can wait (rows around the viewport, markdown ahead) waits a
        moment more: until the view's last pass is :data:`_IDLE_AFTER_S` behind, so that
        the timers and paints due meanwhile run first. Started again if so."""
        quiet = self._turn.quiet_for()
        if quiet >= _IDLE_AFTER_S:
            return False
        timer.start(max(1, round((_IDLE_AFTER_S - quiet) * 1000)))
        return True

    def _overscan(self, height: int) -> tuple[int, int]:
        """How far above and below the viewport rows are built: half a screen each way,
        and a screen more in the direction the reader scrolls, so that paging on
        finds the next screen built."""
        margin = max(240, height // 2)
        ahead = margin + _AHEAD_SCREENS * height
        if self._heading > 0:
            return margin, ahead
        if self._heading < 0:
            return ahead, margin
        return margin, margin

    def _release_outside(self, first: int, last: int) -> None:
        """Let go of the widgets of rows outside ``first``..``last`` (or gone)."""
        live = []
        for row in self._live:
            found = self._rows.index_of(row.item.id)
            if found is None or not first <= found <= last or self._rows[found] is not row:
                self._release(row)
            else:
                live.append(row)
        self._live = live

    def _prerender(self) -> None:
        """Render the markdown of rows near the viewport, nearest first, a little at a time."""
        if not self._rows:  # the timer can fire after the view was emptied
            return
        if self._postponed(self._prerender_timer):
            return
        rows, height = self._rows, max(1, self.viewport().height())
        reach = _PRERENDER_SCREENS * height
        first = rows.row_at(self._top - _PAD_TOP - reach)
        last = rows.row_at(self._top - _PAD_TOP + height + reach)
        middle = rows.row_at(self._top - _PAD_TOP + height // 2)
        heading = self._heading
        # Nearest first, the rows the reader is heading for before those left behind.
        order = sorted(
            range(first, last + 1),
            key=lambda index: ((index - middle) * heading < 0, abs(index - middle)),
        )
        deadline = self._turn.begin() + _PRERENDER_BUDGET_S
        rendered = False
        try:
            for index in order:
                row = rows[index]
                if row.parts or row.item.role != "assistant" or not row.item.text:
                    continue
                if rendered and time.perf_counter() + self._render_cost > deadline:
                    self._prerender_timer.start(_PRERENDER_DELAY_MS)
                    return
                started = time.perf_counter()
                row.part(0, self._markdown_renderer())
                spent = time.perf_counter() - started
                self._render_cost += (spent - self._render_cost) * _ROW_COST_WEIGHT
                rendered = True
        finally:
            if rendered:  # (a pass that found nothing to do leaves the view quiet)
                self._turn.end()

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

    def _row_fits(self, deadline: float) -> bool:
        """Whether a row built now is likely to be built by ``deadline`` (with a new
        widget, when no spare one is left)."""
        cost = self._row_cost if self._spare else self._row_cost + self._widget_cost
        return time.perf_counter() + cost < deadline

    def _building_step(self, row: ChatRow, must: bool, kind: _PassKind, deadline: float) -> _Step:
        """What a pass does for a row with no widget: build it, do the costliest step of
        building it in a pass of its own (``prepared``: built in the next pass), or
        leave it to a later pass.

        A ``full`` pass builds the rows it must at once. The row another pass must
        build has its reply's markdown rendered if that is not rendered yet, or else a
        widget made if no spare one is left, and is built in the next pass; a pass
        around the viewport renders the markdown of the rows it may build while that
        fits, and builds them in its next pass. Paging through 2,000 messages, a row
        built with its markdown (2-6 ms) or a new widget (4-6 ms) took 8-20 ms of the
        GUI thread in one turn, the longest turns of the scroll; split, the GUI
        thread's longest CPU gap fell from 19.1 to 17.7 ms and its 99th percentile
        from 14.3 to 12.7 ms (medians of six runs).
        """
        rendering = self._needs_rendering(row)
        if must and kind == "full":
            return "build"
        if must:
            if rendering:
                self._render_first(row)
                return "prepared"
            if not self._spare:
                started = time.perf_counter()
                self._spare.append(self._new_widget())
                spent = time.perf_counter() - started
                self._widget_cost += (spent - self._widget_cost) * _ROW_COST_WEIGHT
                return "prepared"
            return "build"
        if rendering and kind == "continued":
            if not self._render_fits(deadline):
                return "later"
            self._render_first(row)
            return "prepared"
        if not self._row_fits(deadline):
            return "later"
        if rendering:
            self._render_first(row)  # (built in this pass only if that still fits)
        return "build" if self._row_fits(deadline) else "later"

    def _render_fits(self, deadline: float) -> bool:
        """Whether a reply's markdown rendered now is likely to be rendered by ``deadline``."""
        return time.perf_counter() + self._render_cost < deadline

    @staticmethod
    def _needs_rendering(row: ChatRow) -> bool:
        """Whether building the row would render a complete reply's markdown first."""
        item = row.item
        return not row.parts and item.role == "assistant" and bool(item.text) and not item.streaming

    def _render_first(self, row: ChatRow) -> bool:
        """Render the markdown of a complete reply's first segment unless it is rendered
        already (a heavy reply's rendering and its layout then take a turn each); whether
        it rendered."""
        if not self._needs_rendering(row):
            return False
        started = time.perf_counter()
        row.part(0, self._markdown_renderer())
        spent = time.perf_counter() - started
        self._render_cost += (spent - self._render_cost) * _ROW_COST_WEIGHT
        return True

    def _measure(self, index: int, width: int) -> bool:
        """Build the row's widget if it has none, and measure it at ``width``; whether
        its height changed."""
        row = self._rows[index]
        widget = row.widget
        started = time.perf_counter()
        built = widget is None
        if widget is None:
            widget = row.widget = self._take_widget()
            self._live.append(row)
            self._configure(row)
        changed = False
        if row.measured_width != width:
            row.measured_width = width
            changed = self._rows.set_height(index, widget.height_for_width(width) + ROW_SPACING)
        if built:
            # Sized and shown now, so that what showing costs counts in this pass's
            # time (the end of the pass moves it where it belongs).
            geometry = widget.geometry()
            widget.setGeometry(geometry.x(), geometry.y(), width, row.height - ROW_SPACING)
            if widget.isHidden():
                widget.show()
            spent = time.perf_counter() - started
            self._row_cost += (spent - self._row_cost) * _ROW_COST_WEIGHT
        return changed

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
        return self._spare.pop() if self._spare else self._new_widget()

    def _new_widget(self) -> MessageWidget:
        # Loaded with the first message: an empty chat paints without the message
        # widgets, markdown and the highlighter behind them.
        from kimi_desktop.ui.chat.message_widget import MessageWidget

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
        from kimi_desktop.ui.chat.message_widget import RowContext

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


def _flush_period_ms(spent: float) -> int:
    """How long from the start of a flush that took ``spent`` seconds to the next one.

    A frame while flushes are cheap (a reply at the pace of a real server costs a
    millisecond or two a flush); up to two frames while they are not. Each flush
    also costs a re-render of the open tail, a measurement of the message and a
    paint, whatever it shows: streaming 20,000 tokens as fast as a loopback socket
    gives them, flushing every 33 ms instead of every 16 ms halved the GUI thread's
    CPU time (0.35-0.44 s against 0.52-0.80 s) and the time to the last token.
    """
    wanted = round(spent * 1000 / _FLUSH_SHARE)
    return max(_FLUSH_MS, min(_FLUSH_MAX_MS, wanted))


def _left(limit: int | None, used: int) -> int | None:
    return None if limit is None else max(0, limit - used)


def _take_text(parts: list[str], most: int | None) -> tuple[str, str]:
    """The joined ``parts`` split into (at most ``most`` characters to show now, the rest).

    The cut is made after a line break when one lies in the second half of what
    may be shown: a block that ends there is complete, so the renderer can keep it.
    """
    text = "".join(parts)
    if most is None or len(text) <= most:
        return text, ""
    cut = text.rfind("\n", most // 2, most) + 1 or most
    return text[:cut], text[cut:]


def _same_colours(a: QPalette, b: QPalette) -> bool:
    return all(a.color(role) == b.color(role) for role in _KEPT_ROLES)


def _palette_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
