"""``ChatPresenter``: what the main window does, without the widgets.

The window builds widgets, forwards what a person does to this object, and
applies its signals to the widgets; every decision lives here, so it can be
tested with no window at all: which conversation is open, whether the welcome
page or the chat is shown, switching between a message's versions, deleting
with undo, and what each of a message's buttons does.

Two parts of it have jobs of their own, and the presenter passes their signals
on as its own:

- :attr:`ChatPresenter.conversation_setup`, a
  :class:`~kimi_desktop.services.conversation_setup.ConversationSetup`: the
  conversation's settings (instructions, output budget, thinking, web search,
  temperature) and the assistant a new chat starts with;
- :attr:`ChatPresenter.replies`, a
  :class:`~kimi_desktop.services.reply_requests.ReplyRequests`: sending the draft,
  editing any prompt (a new version of it, the earlier kept), regenerating and
  retrying, continuing a reply that stopped short, a larger output budget.

The messages of the open conversation are kept here as they change, so the
window never reads the database again to learn what a signal already said.
When another branch is shown (a version switched to, a search result in a
branch not shown, a version deleted) the conversation is shown again whole,
through ``conversation_opened``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from kimi_desktop.domain import (
    Conversation,
    Draft,
    Message,
    MessageAction,
    MessageStatus,
    StoredMessage,
)
from kimi_desktop.i18n import _
from kimi_desktop.services.assistants import AssistantService, StarterPrompt
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice, Notice
from kimi_desktop.services.conversation_setup import ConversationSettings, ConversationSetup
from kimi_desktop.services.endpoint_presenter import EndpointPresenter
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.reply_requests import (
    EDITING,
    INVISIBLE,
    NO_KEY,
    NO_MODEL,
    ReplyRequests,
)
from kimi_desktop.services.request_history import build_history
from kimi_desktop.services.save_problems import HistoryNotSaved
from kimi_desktop.services.shown_conversation import ShownConversation, unless_unsaved
from kimi_desktop.services.title_requests import TitleGenerator
from kimi_desktop.services.workers import BackgroundTasks
from kimi_desktop.settings.store import SettingsStore

# Where the window and the tests have always found them.
__all__ = [
    "EDITING",
    "INVISIBLE",
    "NO_KEY",
    "NO_MODEL",
    "ChatPresenter",
    "ConversationSettings",
]


class ChatPresenter(QObject):
    """Owns the open conversation and every command the window offers.

    ``current_choice`` tells the model picked in the top bar; the presenter asks
    it when a command needs one (the top bar may hold a typed model id). The top
    bar's endpoints and models and the welcome page are decided by
    :attr:`endpoint_presenter`, an :class:`EndpointPresenter`.

    Signals:
        conversation_opened(object conversation, list messages): ``None`` is a new chat.
        message_added(StoredMessage), message_changed(StoredMessage): in the open chat.
        messages_removed(list[int] message ids): from the open chat.
        reply_notice_changed(StoredMessage reply, str sentence): a waiting reply's notice.
        running_changed(bool): a reply streams in the open chat, or no longer.
        usage_changed(): the open chat's usage changed (see :meth:`messages`).
        notice_changed(Notice): the composer's notice line.
        composer_text_set(str): the composer's text is replaced (an edit starts or ends).
        draft_sent(): the draft was taken; the composer empties.
        title_changed(str): the window's title.
        status_message(str sentence, int milliseconds)
        system_prompt_changed(bool has_prompt)
        conversation_deleted(str sentence, object restore): offer ``restore()`` as Undo.
        settings_requested()
        image_preview_requested(bytes data, str name)
        document_preview_requested(str name, str text): show a sent document's text.
        web_search_changed(bool on): the open conversation's web search (or, with no
            conversation open, the new chat's) was set.
        assistants_listed(list[Assistant], str chosen id): the assistants the empty
            chat offers, and the one chosen for it ("" when not known).
        thinking_chosen(bool on): the window's thinking toggle should show ``on``.
        effort_chosen(object effort): the window's effort picker should show this
            level ("low", "high", "max"; ``None``: the server's default).
        attach_requested(): a starter prompt wants a screenshot or a document: open
            the attach dialog.
        branch_shown(int message_id): a version switch showed another branch of the
            open conversation (``conversation_opened`` came first); keep this
            message in view. A search hit that :meth:`show_message` brought into
            view is scrolled to by whoever asked.
    """

    conversation_opened = Signal(object, list)
    message_added = Signal(object)
    message_changed = Signal(object)
    messages_removed = Signal(list)
    reply_notice_changed = Signal(object, str)
    running_changed = Signal(bool)
    usage_changed = Signal()
    notice_changed = Signal(object)
    composer_text_set = Signal(str)
    draft_sent = Signal()
    title_changed = Signal(str)
    system_prompt_changed = Signal(bool)
    status_message = Signal(str, int)
    conversation_deleted = Signal(str, object)
    settings_requested = Signal()
    image_preview_requested = Signal(bytes, str)
    document_preview_requested = Signal(str, str)
    web_search_changed = Signal(bool)
    assistants_listed = Signal(list, str)
    thinking_chosen = Signal(bool)
    effort_chosen = Signal(object)
    attach_requested = Signal()
    branch_shown = Signal(int)

    def __init__(
        self,
        *,
        history: HistoryService,
        chat: ChatSession,
        endpoints: EndpointService,
        settings: SettingsStore,
        current_choice: Callable[[], ModelChoice],
        assistants: AssistantService | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._history = history
        self._chat = chat
        self._endpoints = endpoints
        self._settings = settings
        self._current_choice = current_choice
        self._shown = ShownConversation()
        self._unsaved_notice = ""  # the notice about a reply that could not be saved
        self._tasks = BackgroundTasks()
        self.endpoint_presenter = EndpointPresenter(
            chat=chat,
            endpoints=endpoints,
            settings=settings,
            current_choice=current_choice,
            has_conversation=lambda: self._shown.conversation is not None,
            tasks=self._tasks,
            parent=self,
        )
        self.conversation_setup = ConversationSetup(
            shown=self._shown,
            history=history,
            endpoints=endpoints,
            endpoint_presenter=self.endpoint_presenter,
            current_choice=current_choice,
            assistants=assistants,
            parent=self,
        )
        self.replies = ReplyRequests(
            shown=self._shown,
            setup=self.conversation_setup,
            history=history,
            chat=chat,
            endpoints=endpoints,
            endpoint_presenter=self.endpoint_presenter,
            current_choice=current_choice,
            parent=self,
        )
        self._pass_on_signals_of_parts()
        # After a conversation's first answer, a short generated title.
        self.titles = TitleGenerator(
            chat=chat, history=history, endpoints=endpoints, tasks=self._tasks, parent=self
        )
        self.titles.title_generated.connect(self._on_titles_title_generated)
        chat.message_added.connect(self._on_chat_message_added)
        chat.message_changed.connect(self._on_chat_message_changed)
        chat.messages_removed.connect(self._on_chat_messages_removed)
        chat.reply_running_changed.connect(self._on_chat_reply_running_changed)
        chat.retry_scheduled.connect(self._on_chat_retry_scheduled)
        chat.save_failed.connect(self._on_chat_save_failed)
        chat.branch_changed.connect(self._on_chat_branch_changed)

    def _pass_on_signals_of_parts(self) -> None:
        """The window listens to the presenter alone: what a part says, it says."""
        setup, replies = self.conversation_setup, self.replies
        setup.notice_changed.connect(self.notice_changed)
        setup.status_message.connect(self.status_message)
        setup.system_prompt_changed.connect(self.system_prompt_changed)
        setup.web_search_changed.connect(self.web_search_changed)
        setup.assistants_listed.connect(self.assistants_listed)
        setup.thinking_chosen.connect(self.thinking_chosen)
        setup.effort_chosen.connect(self.effort_chosen)
        setup.composer_text_set.connect(self.composer_text_set)
        setup.attach_requested.connect(self.attach_requested)
        replies.conversation_created.connect(self._on_replies_conversation_created)
        replies.notice_changed.connect(self.notice_changed)
        replies.status_message.connect(self.status_message)
        replies.composer_text_set.connect(self.composer_text_set)
        replies.draft_sent.connect(self.draft_sent)

    # -- queries -----------------------------------------------------------------

    @property
    def conversation(self) -> Conversation | None:
        return self._shown.conversation

    @property
    def editing(self) -> bool:
        return self.replies.edited_prompt is not None

    def messages(self) -> list[StoredMessage]:
        """The open conversation's messages as last announced (no database read)."""
        return list(self._shown.messages.values())

    def items_endpoint(self) -> str:
        """The endpoint whose prices cost the open conversation's messages."""
        conversation = self._shown.conversation
        return (conversation.endpoint_id if conversation else None) or self._endpoints.active_id

    def is_running(self) -> bool:
        conversation = self._shown.conversation
        return conversation is not None and self._chat.is_running(conversation.id)

    def image_bytes(self, sha256: str) -> bytes | None:
        return self._history.image_bytes(sha256)

    def history_sent(self) -> list[Message]:
        """The open conversation as the next request sends it before the draft: the
        instructions, each prompt's documents as their blocks, the search turns and
        answers of replies (for the composer's token meter).

        Images are counted, not read: each stands as an empty image.
        """
        conversation = self._shown.conversation
        if conversation is None:
            return []
        return build_history(
            self.messages(),
            blob=lambda _sha256: b"",
            system_prompt=conversation.system_prompt,
            tool_turns=self._history.tool_turns(conversation.id),
        )

    # -- conversations -----------------------------------------------------------

    def open(self, conversation_id: int | None) -> None:
        """Show a conversation (``None``: a fresh, not yet saved chat)."""
        conversation = self._history.conversation(conversation_id) if conversation_id else None
        self._shown.conversation = conversation
        self.conversation_setup.forget_assistant()
        self.replies.forget_edit()
        messages = self._history.messages(conversation.id) if conversation else []
        self._shown.messages = {m.id: self._with_live_text(m) for m in messages}
        self.title_changed.emit(
            # TRANSLATORS: the window's title: the open conversation's, then the app's name.
            _("{title} — Kimi Desktop").format(title=conversation.title)
            if conversation and conversation.title
            else "Kimi Desktop"
        )
        self.system_prompt_changed.emit(bool(self.system_prompt()))
        self.web_search_changed.emit(self.web_search())
        self.list_assistants()
        self.conversation_opened.emit(conversation, self.messages())
        self.running_changed.emit(self.is_running())
        self.notice_changed.emit(Notice())
        if conversation is not None and conversation.endpoint_id:
            self._endpoints.set_active(conversation.endpoint_id)
            if conversation.model:
                self.endpoint_presenter.show_model(conversation.model)
        self.usage_changed.emit()
        self.endpoint_presenter.show_page()

    def switch_version(self, message_id: int, step: int) -> None:
        """Show the version ``step`` places from this message of the open conversation
        (-1: the one before), with the branch that follows it; the choice is saved.
        Not while a reply streams there."""
        conversation = self._shown.conversation
        if conversation is None or self.is_running():
            return
        with unless_unsaved(self.notice_changed.emit):
            shown = self._history.switch_version(conversation.id, message_id, step)
            if shown is not None:
                self._show_branch()
                if shown in self._shown.messages:
                    self.branch_shown.emit(shown)

    def show_message(self, message_id: int) -> bool:
        """Make sure a message of the open conversation is shown (a search result),
        switching to its branch when it is in another; False if it cannot be."""
        conversation = self._shown.conversation
        if message_id in self._shown.messages:
            return True
        if conversation is None or self.is_running():
            return False
        with unless_unsaved(self.notice_changed.emit):
            if self._history.select_branch(conversation.id, message_id):
                self._show_branch()
                return True
        return False

    def _show_branch(self) -> None:
        """Show the open conversation again, as the history now has it."""
        conversation = self._shown.conversation
        if conversation is None:
            return
        messages = self._history.messages(conversation.id)
        self._shown.messages = {m.id: self._with_live_text(m) for m in messages}
        edited = self.replies.edited_prompt
        if edited is not None and edited not in self._shown.messages:
            self.replies.cancel_edit()
        self.conversation_opened.emit(conversation, self.messages())
        self.running_changed.emit(self.is_running())
        self.usage_changed.emit()

    def _with_live_text(self, message: StoredMessage) -> StoredMessage:
        """A streaming reply as far as it has arrived (its saved row lags behind)."""
        streaming = message.status is MessageStatus.STREAMING
        live = self._chat.live_text(message.id) if streaming else None
        if live is None:
            return message
        searches = self._chat.live_searches(message.id) or message.web_searches
        return replace(message, text=live[0], reasoning=live[1], web_searches=searches)

    def delete(self, conversation_id: int) -> None:
        """Delete a conversation; ``conversation_deleted`` offers the undo."""
        if self._chat.is_running(conversation_id):
            self._chat.stop(conversation_id)
        deleted = self._history.conversation(conversation_id)
        try:
            self._history.delete(conversation_id)
        except HistoryNotSaved as exc:
            self.notice_changed.emit(Notice(exc.sentence))
            return
        if self._shown.is_shown(conversation_id):
            self.open(None)

        def restore() -> None:
            with unless_unsaved(self.notice_changed.emit):
                self._history.restore(conversation_id)
                self.status_message.emit(_("Conversation restored."), 2500)

        # TRANSLATORS: the title of a deleted conversation that had none, in "“{title}” deleted."
        title = deleted.title if deleted is not None and deleted.title else _("Conversation")
        self.conversation_deleted.emit(_("“{title}” deleted.").format(title=title), restore)

    def rename(self, conversation_id: int, title: str) -> None:
        with unless_unsaved(self.notice_changed.emit):
            self._history.rename(conversation_id, title)

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        with unless_unsaved(self.notice_changed.emit):
            self._history.set_pinned(conversation_id, pinned)

    # -- the conversation's setup (see ConversationSetup) ------------------------

    def system_prompt(self) -> str:
        """The open conversation's instructions (a new chat's: its assistant's)."""
        return self.conversation_setup.system_prompt()

    def web_search(self) -> bool:
        """Whether the open conversation (or the new chat) lets the model search the web."""
        return self.conversation_setup.web_search()

    def set_web_search(self, on: bool) -> None:
        """The web-search toggle: see :meth:`ConversationSetup.set_web_search`."""
        self.conversation_setup.set_web_search(on)

    def conversation_settings(self) -> ConversationSettings:
        """What the conversation's settings dialog shows."""
        return self.conversation_setup.conversation_settings()

    def set_conversation_settings(self, system_prompt: str, max_tokens: int | None) -> None:
        """Save the instructions and the output budget (``None``: the default)."""
        self.conversation_setup.set_conversation_settings(system_prompt, max_tokens)

    def apply_conversation_settings(self, settings: ConversationSettings) -> None:
        """Apply what the conversation's settings dialog chose."""
        self.conversation_setup.apply_conversation_settings(settings)

    def list_assistants(self) -> None:
        """Announce the assistants and the one chosen (``assistants_listed``)."""
        self.conversation_setup.list_assistants()

    def choose_assistant(self, assistant_id: str) -> None:
        """Start the shown chat with this assistant (see :class:`ConversationSetup`)."""
        self.conversation_setup.choose_assistant(assistant_id)

    def use_starter(self, starter: StarterPrompt, draft_text: str = "") -> None:
        """Start the empty chat from a starter prompt (``draft_text``: the composer's)."""
        self.conversation_setup.use_starter(starter, draft_text)

    # -- sending and a message's buttons -------------------------------------------

    def submit(self, draft: Draft) -> None:
        """Send the draft (or, while editing, send it as a new version of that prompt)."""
        self.replies.submit(draft)

    def act(self, action: MessageAction, message_id: int, draft_text: str = "") -> None:
        """Carry out a message's button; ``draft_text`` is the composer's text (kept
        aside while an edit replaces it)."""
        if action is MessageAction.SETTINGS:
            self.settings_requested.emit()
            return
        if action is MessageAction.COPY:  # the view has put the text on the clipboard
            self.status_message.emit(_("Message copied to the clipboard"), 2500)
            return
        conversation = self._shown.conversation
        message = self._shown.messages.get(message_id)
        if conversation is None:
            return
        if action is MessageAction.DELETE:
            self._chat.delete_message(conversation.id, message_id)
        elif action is MessageAction.EDIT and message is not None and message.role == "user":
            self.replies.edit(message, draft_text)
        elif action in (MessageAction.REGENERATE, MessageAction.RETRY):
            self.replies.regenerate()
        elif action is MessageAction.CONTINUE and message is not None:
            self.replies.continue_reply(message)
        elif action is MessageAction.LARGER_BUDGET:
            self.replies.enlarge_budget()
        elif action is MessageAction.PREVIOUS_VERSION:
            self.switch_version(message_id, -1)
        elif action is MessageAction.NEXT_VERSION:
            self.switch_version(message_id, 1)

    def cancel_edit(self) -> None:
        """Leave edit mode; the draft typed before it comes back."""
        self.replies.cancel_edit()

    def stop(self) -> None:
        if self._shown.conversation is not None:
            self._chat.stop(self._shown.conversation.id)

    def escape(self) -> None:
        """Esc undoes the nearest thing: a reply streaming, else an edit."""
        if self.is_running():
            self.stop()
        else:
            self.cancel_edit()

    def preview_image(self, sha256: str) -> None:
        data = self._history.image_bytes(sha256)
        if data is not None:
            self.image_preview_requested.emit(data, _("Image"))

    def preview_document(self, message_id: int, index: int) -> None:
        """Show the text of a document sent with a message of the open conversation."""
        message = self._shown.messages.get(message_id)
        if message is not None and 0 <= index < len(message.documents):
            document = message.documents[index]
            self.document_preview_requested.emit(document.name, document.text)

    # -- what the chat session and the parts report --------------------------------

    def _on_replies_conversation_created(self, conversation: Conversation) -> None:
        self.conversation_opened.emit(conversation, [])

    def _on_titles_title_generated(self, conversation_id: int, title: str) -> None:
        conversation = self._shown.conversation
        if self._shown.is_shown(conversation_id) and conversation is not None:
            self._shown.conversation = replace(conversation, title=title)
            self.title_changed.emit(_("{title} — Kimi Desktop").format(title=title))

    def _on_chat_message_added(self, message: StoredMessage) -> None:
        if self._shown.is_shown(message.conversation_id):
            self._shown.messages[message.id] = message
            self.message_added.emit(message)

    def _on_chat_message_changed(self, message: StoredMessage) -> None:
        if self._shown.is_shown(message.conversation_id):
            self._shown.messages[message.id] = message
            self.message_changed.emit(message)
            self.usage_changed.emit()

    def _on_chat_messages_removed(self, conversation_id: int, message_ids: list[int]) -> None:
        if self._shown.is_shown(conversation_id):
            for message_id in message_ids:
                self._shown.messages.pop(message_id, None)
            self.messages_removed.emit(message_ids)
            self.usage_changed.emit()

    def _on_chat_branch_changed(self, conversation_id: int) -> None:
        if self._shown.is_shown(conversation_id):
            self._show_branch()

    def _on_chat_reply_running_changed(self, conversation_id: int, running: bool) -> None:
        if self._shown.is_shown(conversation_id):
            self.running_changed.emit(running)

    def _on_chat_save_failed(self, reply: StoredMessage, sentence: str) -> None:
        """Say above the composer that a reply is kept in memory only (or, with an
        empty sentence, that it was saved after all)."""
        if not self._shown.is_shown(reply.conversation_id):
            return
        if sentence:
            self._unsaved_notice = sentence
            self.notice_changed.emit(Notice(sentence))
        elif self._unsaved_notice:
            self._unsaved_notice = ""
            self.notice_changed.emit(Notice())

    def _on_chat_retry_scheduled(self, reply: StoredMessage, sentence: str) -> None:
        """Say in the waiting reply itself when it will be asked again."""
        if self._shown.is_shown(reply.conversation_id) and reply.id in self._shown.messages:
            self.reply_notice_changed.emit(self._shown.messages[reply.id], sentence)

    # -- background work ----------------------------------------------------------

    def track(self, work: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        """Run ``work`` until :meth:`close`: resuming into a closed window would touch
        deleted widgets."""
        return self._tasks.start(work)

    def close(self) -> list[asyncio.Future[None]]:
        """Cancel the background work (the window is closing); returns the tasks
        cancelled, for a caller that can wait until they have unwound."""
        return self._tasks.cancel_all()
