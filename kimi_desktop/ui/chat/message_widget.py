"""``MessageWidget``: one message of the chat view, as the user sees it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from kimi_desktop.domain import MessageAction
from kimi_desktop.i18n import N_, _
from kimi_desktop.images import format_size
from kimi_desktop.render.segments import first_segment
from kimi_desktop.ui.chat.items import MessageItem
from kimi_desktop.ui.chat.message_body import MessageBody, UserBubble
from kimi_desktop.ui.chat.message_icons import line_icon
from kimi_desktop.ui.chat.message_parts import (
    ActionButton,
    AttachmentStrip,
    Avatar,
    ErrorNotice,
    MessageText,
    WebSearchNote,
)
from kimi_desktop.ui.chat.message_style import MessageStyle
from kimi_desktop.ui.chat.reasoning_panel import ReasoningPanel
from kimi_desktop.ui.chat.reply_notice import STATUS_HINTS, ReplyNotice, reply_notice
from kimi_desktop.ui.chat.usage_text import format_usage
from kimi_desktop.ui.chat.version_switcher import VersionSwitcher, version_of
from kimi_desktop.ui.composer.document_chips import DocumentChip, DocumentStrip

_WAITING_HINT = N_("Waiting for Kimi…")
# TRANSLATORS: a button under a long message; {size} is like "586 KB".
_SHOW_ALL = N_("Show all ({size})")
_SHOW_ALL_TIP = N_("Show the rest of this long message")
_SHOW_ALL_LATER_TIP = N_("The rest can be shown once the reply is complete")
_COPIED_FEEDBACK_MS = 1500


@dataclass(frozen=True, slots=True)
class ReasoningState:
    """How a message's reasoning panel is shown; kept by the view, not the widget.

    ``started_at`` is set (on the view's clock) while the model is thinking;
    ``seconds`` is how long it thought, once known.
    """

    expanded: bool = False
    started_at: float | None = None
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class RowContext:
    """What a message's buttons depend on beyond the message itself.

    ``last`` marks the last message of its role (Regenerate acts on the last reply);
    ``busy`` says a reply is streaming, when Edit, Regenerate and Delete are hidden
    and versions cannot be switched.
    ``final`` marks the conversation's last message (Continue and "Larger
    budget" act on it).
    """

    last: bool = False
    busy: bool = False
    final: bool = False


class MessageWidget(QWidget):
    """A user message (a tinted bubble on the right) or a reply (full width).

    A prompt shows the documents sent with it as chips under its text (a click
    opens a document's text); a reply that searched the web says so in a muted
    line before its answer. Neither is part of what Copy copies. A message with
    versions (answered again, edited) shows "< 2/3 >" in its footer.

    The widget shows what it is given: the view renders the markdown, keeps
    the reasoning panel's state and decides which message is the last one, so
    a widget can be reused for any message.

    A long message is shown in the segments the view gives, maybe with a "Show
    all" button below for the rest. Copy always copies the whole text.

    Signals:
        action_requested(MessageAction, int message_id): a button was pressed
            (for ``COPY`` the text is already on the clipboard).
        image_preview_requested(str sha256): an attached image was clicked.
        link_activated(str url, str text): an http(s) link showing ``text`` was clicked.
        link_hovered(str address): the pointer is on a link to ``address`` (``""``: it left).
        code_copied(str code): a code block was copied to the clipboard.
        reasoning_toggled(int message_id, bool expanded): the user opened or
            closed the reasoning panel.
        show_all_requested(int message_id): the user asked for the whole of a
            long message.
    """

    action_requested = Signal(object, int)
    image_preview_requested = Signal(str)
    link_activated = Signal(str, str)
    link_hovered = Signal(str)
    code_copied = Signal(str)
    reasoning_toggled = Signal(int, bool)
    show_all_requested = Signal(int)

    GAP = 8  # between the parts of one message

    def __init__(
        self,
        style: MessageStyle,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("messageWidget")
        self._style = style
        self._item: MessageItem | None = None
        self._context = RowContext()
        self._notice: ReplyNotice | None = None

        self._header = QWidget(self)
        self._avatar = Avatar(self._header)
        self._name = QLabel(self._header)
        self._name.setObjectName("messageAuthor")
        self._model = QLabel(self._header)
        self._model.setObjectName("messageModel")
        header = QHBoxLayout(self._header)
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(8)
        header.addWidget(self._avatar)
        header.addWidget(self._name)
        header.addWidget(self._model)
        header.addStretch(1)

        self._attachments = AttachmentStrip(self)
        self._attachments.attachment_activated.connect(self.image_preview_requested)
        self._reasoning = ReasoningPanel(self, clock=clock)
        self._reasoning.toggled.connect(self._on_reasoning_toggled)
        self._web_search = WebSearchNote(self)
        self._documents = DocumentStrip(self)
        self._text = MessageBody(self)
        self._bubble = UserBubble(self)
        for text in (self._text, self._bubble.text):
            text.web_link_activated.connect(self.link_activated)
            text.link_hovered.connect(self.link_hovered)
            text.code_copied.connect(self.code_copied)
        self._more = QWidget(self)
        self._show_all = QPushButton(self._more)
        self._show_all.setObjectName("showAllButton")
        self._show_all.setFlat(True)
        self._show_all.setCursor(Qt.CursorShape.PointingHandCursor)
        self._show_all.clicked.connect(self._on_show_all_clicked)
        more = QHBoxLayout(self._more)
        more.setContentsMargins(0, 0, 0, 0)
        more.addWidget(self._show_all)
        more.addStretch(1)
        self._hint = QLabel(self)
        self._hint.setObjectName("messageStatus")
        self._error = ErrorNotice(self)
        self._error.action_requested.connect(self._emit_action)

        self._footer = QWidget(self)
        self._usage = QLabel(self._footer)
        self._usage.setObjectName("messageUsage")
        self._usage.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._versions = VersionSwitcher(self._footer)
        self._versions.action_requested.connect(self._emit_action)
        self._buttons = {
            action: ActionButton(action, icon, label, self._footer)
            for action, icon, label in (
                (MessageAction.COPY, "copy", _("Copy message")),
                (MessageAction.EDIT, "edit", _("Edit and resend")),
                (MessageAction.REGENERATE, "regenerate", _("Regenerate reply")),
                (MessageAction.DELETE, "delete", _("Delete message")),
            )
        }
        footer = QHBoxLayout(self._footer)
        footer.setContentsMargins(0, 0, 0, 0)
        footer.setSpacing(2)
        footer.addWidget(self._versions)
        footer.addWidget(self._usage, 1)
        for button in self._buttons.values():
            footer.addWidget(button)
            button.clicked.connect(lambda _checked=False, b=button: self._on_button_clicked(b))

        # Parts in display order, with the space above each.
        self._parts: list[tuple[QWidget, int]] = [
            (self._header, 0),
            (self._attachments, self.GAP),
            (self._reasoning, 6),
            (self._web_search, 6),
            (self._text, self.GAP),
            (self._bubble, 6),
            (self._more, 4),
            (self._documents, 6),
            (self._hint, 6),
            (self._error, self.GAP),
            (self._footer, 4),
        ]
        # No size until the view gives one: a new widget's text was otherwise laid out
        # at Qt's default width of 100 px when first set, then again at the column's
        # width when measured (about 1 ms a new widget, paging through 2,000 messages).
        for widget in (self, self._text, self._bubble, self._bubble.text):
            widget.resize(0, 0)
        self._laid_out = (
            self._header,
            self._attachments,
            *self._reasoning.findChildren(QWidget),
            self._reasoning,
            self._web_search,
            self._more,
            self._documents,
            self._error,
            self._footer,
        )
        self.set_style(style)

    # -- content -----------------------------------------------------------------

    @property
    def message_id(self) -> int:
        return self._item.id if self._item is not None else -1

    @property
    def item(self) -> MessageItem | None:
        return self._item

    def set_item(
        self,
        item: MessageItem,
        *,
        html: str = "",
        code_blocks: Sequence[str] = (),
        segments: Sequence[tuple[str, Sequence[str]]] | None = None,
        context: RowContext = RowContext(),
        reasoning: ReasoningState = ReasoningState(),
        hidden: int = 0,
    ) -> None:
        """Show ``item``.

        ``segments`` are the parts of its text to show, top to bottom: rendered
        HTML for a reply and plain text for a prompt, each with the message's code
        blocks up to its end (by default, ``html`` and ``code_blocks`` for a reply,
        the first segment of a prompt). While a reply streams, the last segment
        is the one growing. ``hidden`` characters follow, shown on request
        ("Show all").
        """
        # Polished before anything is measured: the style sheet may change fonts and
        # sizes, and a widget is otherwise polished only when it is first shown.
        self.ensurePolished()
        self._item = item
        self._context = context
        user = item.role == "user"
        self.setAccessibleName(_("Your message") if user else _("Kimi's reply"))
        self._avatar.setVisible(not user)
        # TRANSLATORS: the author of a message the user wrote.
        name = _("You") if user else "Kimi"
        if self._name.text() != name:
            self._name.setText(name)
            self._apply_fonts()
            self._name.setPalette(self._style.apply_text_palette(self._name.palette(), muted=user))
        self._model.setText(f"· {item.model}" if item.model and not user else "")
        self._model.setVisible(bool(self._model.text()))
        header = self._header.layout()
        assert isinstance(header, QHBoxLayout)
        header.setDirection(
            QHBoxLayout.Direction.RightToLeft if user else QHBoxLayout.Direction.LeftToRight
        )

        self._attachments.setVisible(bool(item.attachments))
        if item.attachments:
            self._attachments.set_attachments(item.attachments, right=user)
        self._documents.setVisible(bool(item.documents))
        self._documents.set_documents(item.documents, right=user)
        searched = 0 if user else item.web_searches
        self._web_search.setVisible(searched > 0)
        self._web_search.set_count(searched)

        self._bubble.setVisible(user)
        self._text.setVisible(not user and bool(item.text))
        if segments is None:
            if user:
                segments = [(item.text[: first_segment(item.text).end], ())]
            else:
                segments = [(html, code_blocks)] if item.text else []
        if user:
            self._text.set_segments([])  # (let go of another message's documents)
            self._bubble.text.set_segments(segments, rich=False)
        else:
            self._bubble.text.set_segments([], rich=False)
            self._text.set_segments(segments, self._style.css, streaming=item.streaming)
        self._show_more(hidden, streaming=item.streaming)
        self._show_reasoning(reasoning, item.reasoning)

        self._show_notice()
        self._update_footer()
        self._relayout()

    def _show_notice(self) -> bool:
        """Show the status line and the notice under a reply; True if either changed."""
        item = self._item
        if item is None:
            return False
        context = self._context
        notice = reply_notice(item, offered=context.final and not context.busy)
        hint = _(STATUS_HINTS[item.status]) if item.status in STATUS_HINTS else ""
        if item.streaming and not item.text and not item.reasoning:
            hint = item.notice or _(_WAITING_HINT)
        if notice is not None and notice.replaces_status:
            hint = ""
        changed = notice != self._notice or hint != self._hint.text()
        self._hint.setText(hint)
        self._hint.setVisible(bool(hint))
        self._notice = notice
        self._error.setVisible(notice is not None)
        if notice is not None:
            self._error.set_notice(
                notice.text, notice.actions, quiet=notice.quiet, error=notice.error
            )
        return changed

    def _show_more(self, hidden: int, *, streaming: bool) -> None:
        item = self._item
        visible = hidden > 0 and item is not None
        self._more.setVisible(visible)
        if not visible or item is None:
            return
        self._show_all.setText(_(_SHOW_ALL).format(size=format_size(len(item.text))))
        self._show_all.setAccessibleName(self._show_all.text())
        self._show_all.setEnabled(not streaming)
        self._show_all.setToolTip(_(_SHOW_ALL_LATER_TIP if streaming else _SHOW_ALL_TIP))
        layout = self._more.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.setDirection(
            QHBoxLayout.Direction.RightToLeft
            if item.role == "user"
            else QHBoxLayout.Direction.LeftToRight
        )

    def segments_shown(self) -> int:
        """How many segments of its text the message shows."""
        body = (
            self._bubble.text
            if self._item is not None and self._item.role == "user"
            else self._text
        )
        return body.segments_shown()

    def keep_first_segment(self) -> None:
        """Show the first segment alone again (before the text is laid out anew, at
        another width, say: laying out all of a long message at once would stall)."""
        if self.segments_shown() > 1:
            self._text.keep_first_segment()
            self._bubble.text.keep_first_segment()
            self._relayout()

    def set_reasoning(self, state: ReasoningState, text: str | None = None) -> None:
        """Show the reasoning panel as ``state`` says; ``text`` defaults to the item's."""
        if self._item is not None:
            self._show_reasoning(state, self._item.reasoning if text is None else text)
            self._relayout()

    def _show_reasoning(self, state: ReasoningState, text: str) -> None:
        item = self._item
        show = item is not None and item.role == "assistant"
        show = show and (bool(text) or state.started_at is not None)
        self._reasoning.setVisible(show)
        if not show:
            self._reasoning.set_finished(None)  # stops the ticking
            return
        self._reasoning.set_text(text)
        if state.started_at is not None:
            self._reasoning.set_thinking(state.started_at)
        else:
            self._reasoning.set_finished(state.seconds)
        self._reasoning.set_expanded(state.expanded)
        if text and item is not None and item.streaming:
            self._hint.setVisible(False)  # the wait is over

    def set_context(self, context: RowContext) -> bool:
        """Show the buttons ``context`` allows; True if the message's height may have
        changed (a notice gained or lost its buttons)."""
        if context == self._context:
            return False
        self._context = context
        self._update_footer()
        if not self._show_notice():
            return False
        self._relayout()
        return True

    def set_style(self, style: MessageStyle) -> None:
        self._style = style
        self._avatar.color = style.accent
        self._apply_fonts()
        user = self._item is not None and self._item.role == "user"
        self._name.setPalette(style.apply_text_palette(self._name.palette(), muted=user))
        for label in (self._model, self._usage, self._hint):
            label.setPalette(style.apply_text_palette(label.palette(), muted=True))
        self._text.apply_style(style)
        self._bubble.text.apply_style(style)
        self._bubble.color = style.user_bubble
        self._reasoning.apply_style(style)
        self._web_search.apply_style(style)
        self._documents.set_colours(style.view_palette(self._documents.palette()))
        self._error.apply_style(style)
        self._versions.apply_style(style)
        self._show_all.setPalette(style.view_palette(self._show_all.palette()))
        for button in self._buttons.values():
            button.setIcon(line_icon(button.icon_name, style.muted))
            palette = button.palette()
            palette.setColor(QPalette.ColorRole.Button, style.hover)
            button.setPalette(palette)
        self.update()

    def apply_font(self, font: QFont) -> None:
        """Use ``font`` for the message and everything in it (the header and footer
        use smaller variants)."""
        self.setFont(font)
        for child in self.findChildren(QWidget):
            child.setFont(font)
        self._apply_fonts()
        # The bubble measured its text when it was told of the new font, before
        # the text itself had it: measure and place again, now that all have it.
        self._relayout()

    def _apply_fonts(self) -> None:
        user = self._item is not None and self._item.role == "user"
        base = self.font()
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.88)
        name = QFont(small if user else base)
        name.setWeight(QFont.Weight.Normal if user else QFont.Weight.DemiBold)
        self._name.setFont(name)
        for label in (self._model, self._usage, self._hint, self._web_search.label):
            label.setFont(small)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()

    # -- geometry ----------------------------------------------------------------

    def height_for_width(self, width: int) -> int:
        """The height this message needs at ``width``."""
        return self._stack(width, place=False)

    def sizeHint(self) -> QSize:
        # At the width it has: measuring lays the text out at that width.
        width = self.width() if self.width() > 0 else 400
        return QSize(width, self.height_for_width(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._stack(self.width(), place=True)

    def _relayout(self) -> None:
        # Parts change while hidden or before the first show, when Qt does not
        # tell their layouts; drop every cached size so measuring is exact.
        for widget in self._laid_out:
            widget.updateGeometry()
            layout = widget.layout()
            if layout is not None:
                layout.invalidate()
        if self.width() > 0:
            self._stack(self.width(), place=True)

    def _stack(self, width: int, *, place: bool) -> int:
        y = 0
        first = True
        for widget, gap in self._parts:
            if not widget.isVisibleTo(self):
                continue
            if not first:
                y += gap
            first = False
            if widget is self._text:
                height = self._text.height_for_width(width)
            elif widget.hasHeightForWidth():
                height = widget.heightForWidth(width)
            else:
                height = widget.sizeHint().height()
            if place:
                widget.setGeometry(0, y, width, height)
                if widget is self._bubble:
                    # Its text is placed again even when its box kept its size: the
                    # text, its font or its width may have changed since (a widget
                    # reused for another prompt, a font measured before it reached
                    # the text).
                    self._bubble.place_text()
            y += height
        return y

    # -- footer ------------------------------------------------------------------

    def _update_footer(self) -> None:
        item = self._item
        if item is None:
            return
        user = item.role == "user"
        context = self._context
        visible = {
            MessageAction.COPY: bool(item.text),
            MessageAction.EDIT: user and not context.busy,
            MessageAction.REGENERATE: not user and context.last and not context.busy,
            MessageAction.DELETE: not context.busy,
        }
        for action, button in self._buttons.items():
            button.setVisible(visible[action])
        self._usage.setText("" if user else format_usage(item.usage, item.cost))
        version, versions = version_of(item)
        self._versions.setVisible(versions > 1)
        self._versions.set_version(version, versions, enabled=not context.busy)
        self._footer.setVisible(not item.streaming)
        layout = self._footer.layout()
        if isinstance(layout, QHBoxLayout):
            # A prompt's versions sit by its buttons, on the right with its bubble;
            # a reply's open its footer, on the left.
            layout.removeWidget(self._versions)
            layout.insertWidget(1 if user else 0, self._versions)
            layout.invalidate()

    def _on_button_clicked(self, button: ActionButton) -> None:
        if button.action is MessageAction.COPY and self._item is not None:
            QGuiApplication.clipboard().setText(self._item.text)
            button.setIcon(line_icon("check", self._style.muted))
            QTimer.singleShot(_COPIED_FEEDBACK_MS, button, self._restore_copy_icon)
        self._emit_action(button.action)

    def _restore_copy_icon(self) -> None:
        self._buttons[MessageAction.COPY].setIcon(line_icon("copy", self._style.muted))

    def _emit_action(self, action: MessageAction) -> None:
        if self._item is not None:
            self.action_requested.emit(action, self._item.id)

    def _on_show_all_clicked(self) -> None:
        self._more.setVisible(False)
        self._relayout()
        if self._item is not None:
            self.show_all_requested.emit(self._item.id)

    def _on_reasoning_toggled(self, expanded: bool) -> None:
        self._relayout()
        if self._item is not None:
            self.reasoning_toggled.emit(self._item.id, expanded)

    # -- for tests and accessibility tools ----------------------------------------

    def text_widget(self) -> MessageText:
        """The (first) document showing the message text."""
        item = self._item
        if item is not None and item.role == "user":
            return self._bubble.text.first()
        return self._text.first()

    def plain_text(self) -> str:
        """The message text as shown, without formatting."""
        item = self._item
        if item is not None and item.role == "user":
            return self._bubble.text.plain_text()
        return self._text.plain_text() if self._text.isVisibleTo(self) else ""

    def reasoning_panel(self) -> ReasoningPanel:
        return self._reasoning

    def document_chips(self) -> list[DocumentChip]:
        """The chips of the documents sent with the message (none when hidden)."""
        return self._documents.chips() if self._documents.isVisibleTo(self) else []

    def web_search_text(self) -> str:
        """The line that says the reply searched the web ("" when it did not)."""
        return self._web_search.text() if self._web_search.isVisibleTo(self) else ""

    def button(self, action: MessageAction | str) -> ActionButton:
        return self._buttons[MessageAction(action)]

    def version_switcher(self) -> VersionSwitcher | None:
        """The "< 2/3 >" under the message, or ``None`` when it shows none."""
        return self._versions if self._versions.isVisibleTo(self) else None

    def status_text(self) -> str:
        """The status line, or the notice that says it instead ("Stopped" with Continue)."""
        if self._hint.isVisibleTo(self):
            return self._hint.text()
        notice = self._notice
        return notice.text if notice is not None and notice.replaces_status else ""

    def notice(self) -> ErrorNotice:
        """The notice under the message, with its buttons (hidden when there is none)."""
        return self._error
