"""``ChatPresenter``: what the main window does, without the widgets.

The window builds widgets, forwards what a person does to this object, and
applies its signals to the widgets; every decision lives here, so it can be
tested with no window at all: which conversation is open, whether a draft can
be sent (a model, a key, a model that sees the images), sending, editing the
last prompt, regenerating and retrying, continuing a reply that stopped short,
the conversation's settings (instructions, output budget, thinking, web search,
temperature), starting a chat with an assistant, deleting with undo, and whether
the welcome page or the chat is shown.

Every request says how it switches reasoning (``EndpointPresenter.thinking_for``)
and carries the conversation's output budget, capped by what the model's
context leaves (:class:`~kimi_desktop.services.budget.OutputBudget`).

Documents go with the prompt they were attached to and are stored with it; a
draft whose documents alone are larger than the model's context is refused
before anything is saved, saying by how many tokens.

Web search is a setting of each conversation. A new chat starts with the
setting last chosen in this run (any conversation's toggle), so someone who
searches keeps searching; the setting is sent only where the endpoint runs
Kimi's search (``EndpointPresenter.web_search_available``).

A new chat starts with an assistant (the plain Kimi unless another is chosen
on the empty chat). What it says about the window (model, thinking, web search)
applies at once; its instructions, budget and temperature wait until the chat
is saved (its first message, or its settings), and go into the conversation
then. An empty saved conversation takes a chosen assistant's settings at once.
Thinking belongs to the window's thinking control, which the conversation's
settings show and set (``thinking_chosen``, ``effort_chosen``).

The messages of the open conversation are kept here as they change, so the
window never reads the database again to learn what a signal already said.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QLocale, QObject, Signal

from kimi_desktop.domain import (
    Conversation,
    Draft,
    Message,
    MessageAction,
    MessageStatus,
    ModelInfo,
    StoredMessage,
    ThinkingFields,
    ThinkingMode,
    has_visible_text,
)
from kimi_desktop.i18n import N_, _
from kimi_desktop.services.assistants import AssistantService, StarterPrompt
from kimi_desktop.services.budget import (
    DEFAULT_MAX_TOKENS,
    MAX_MAX_TOKENS,
    OutputBudget,
    larger_budget,
)
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice, Notice
from kimi_desktop.services.document_context import context_overflow, no_question
from kimi_desktop.services.endpoint_presenter import EndpointPresenter
from kimi_desktop.services.endpoints import EndpointService, ModelListing
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.request_history import build_history
from kimi_desktop.services.save_problems import HistoryNotSaved
from kimi_desktop.services.title_requests import TitleGenerator
from kimi_desktop.services.workers import BackgroundTasks
from kimi_desktop.settings.assistants import Assistant
from kimi_desktop.settings.built_in_assistants import DEFAULT_ASSISTANT_ID, built_in_assistants
from kimi_desktop.settings.known_models import accepts_temperature, thinking_mode
from kimi_desktop.settings.store import SettingsStore

# Sentences of the composer's notice line, translated where they are shown: _(NO_MODEL).
NO_MODEL = N_("Pick a model first, or type a model id.")
NO_KEY = N_("No API key is set for this endpoint. Add one in Settings (Ctrl+,).")
INVISIBLE = N_("The message holds only invisible characters, so there is nothing to send.")
EDITING = N_("Editing your last message — send to replace it, or Esc to cancel.")


@dataclass(frozen=True, slots=True)
class ConversationSettings:
    """What the conversation's settings dialog edits, and the room it has.

    ``max_tokens`` is the output budget (``None``: the default, :data:`DEFAULT_MAX_TOKENS`);
    ``budget_limit`` the most it may be: the model's context when known.
    ``thinking`` and ``effort`` are the window's thinking control (as in
    :class:`ModelChoice`), offered as ``thinking_mode`` says the model allows.
    ``web_search`` is offered where ``web_search_available``; ``temperature``
    (``None``: the model's own) where ``temperature_accepted``: the model takes one
    and the history can keep it.
    """

    system_prompt: str = ""
    max_tokens: int | None = None
    budget_limit: int = MAX_MAX_TOKENS
    thinking: bool | None = None
    effort: str | None = None
    thinking_mode: ThinkingMode = ThinkingMode.NONE
    web_search: bool = False
    web_search_available: bool = False
    temperature: float | None = None
    temperature_accepted: bool = False


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
        self._assistants = assistants
        self._conversation: Conversation | None = None
        # The assistant the shown chat was started with, if known; a new chat's
        # instructions, budget and temperature wait in it until the chat is saved.
        self._assistant: Assistant | None = self._default_assistant()
        self._messages: dict[int, StoredMessage] = {}  # the open chat's, in order
        self._editing = False
        self._draft_before_edit = ""
        self._unsaved_notice = ""  # the notice about a reply that could not be saved
        self._web_search_default = False  # what a new chat starts with (the last choice)
        self._tasks = BackgroundTasks()
        self.endpoint_presenter = EndpointPresenter(
            chat=chat,
            endpoints=endpoints,
            settings=settings,
            current_choice=current_choice,
            has_conversation=lambda: self._conversation is not None,
            tasks=self._tasks,
            parent=self,
        )
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
        if assistants is not None:
            assistants.assistants_changed.connect(self._on_assistants_changed)

    # -- queries -----------------------------------------------------------------

    @property
    def conversation(self) -> Conversation | None:
        return self._conversation

    @property
    def editing(self) -> bool:
        return self._editing

    def messages(self) -> list[StoredMessage]:
        """The open conversation's messages as last announced (no database read)."""
        return list(self._messages.values())

    def items_endpoint(self) -> str:
        """The endpoint whose prices cost the open conversation's messages."""
        conversation = self._conversation
        return (conversation.endpoint_id if conversation else None) or self._endpoints.active_id

    def is_running(self) -> bool:
        return self._conversation is not None and self._chat.is_running(self._conversation.id)

    def image_bytes(self, sha256: str) -> bytes | None:
        return self._history.image_bytes(sha256)

    def history_sent(self) -> list[Message]:
        """The open conversation as the next request sends it before the draft: the
        instructions, each prompt's documents as their blocks, the search turns and
        answers of replies (for the composer's token meter).

        Images are counted, not read: each stands as an empty image.
        """
        conversation = self._conversation
        if conversation is None:
            return []
        return build_history(
            self.messages(),
            blob=lambda _sha256: b"",
            system_prompt=conversation.system_prompt,
            tool_turns=self._history.tool_turns(conversation.id),
        )

    def web_search(self) -> bool:
        """Whether the open conversation (or the new chat) lets the model search the web."""
        conversation = self._conversation
        return conversation.web_search if conversation is not None else self._web_search_default

    # -- conversations -----------------------------------------------------------

    def open(self, conversation_id: int | None) -> None:
        """Show a conversation (``None``: a fresh, not yet saved chat)."""
        conversation = self._history.conversation(conversation_id) if conversation_id else None
        self._conversation = conversation
        self._assistant = self._default_assistant() if conversation is None else None
        self._editing = False
        messages = self._history.messages(conversation.id) if conversation else []
        self._messages = {m.id: self._with_live_text(m) for m in messages}
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

    def _with_live_text(self, message: StoredMessage) -> StoredMessage:
        """A streaming reply as far as it has arrived (its saved row lags behind)."""
        streaming = message.status is MessageStatus.STREAMING
        live = self._chat.live_text(message.id) if streaming else None
        if live is None:
            return message
        searches = self._chat.live_searches(message.id) or message.web_searches
        return replace(message, text=live[0], reasoning=live[1], web_searches=searches)

    def set_system_prompt(self, text: str) -> None:
        """Set the instructions the model gets before this conversation (saving a new chat)."""
        text = text.strip()
        if text == self.system_prompt().strip():
            return
        with self._unless_unsaved():
            if self._conversation is None:
                self._conversation = self._create(self._current_choice().model or None)
            self._history.set_system_prompt(self._conversation.id, text)
            self._conversation = self._history.conversation(self._conversation.id)
            self.system_prompt_changed.emit(bool(text))

    def system_prompt(self) -> str:
        """The open conversation's instructions (a new chat's: its assistant's)."""
        if self._conversation is not None:
            return self._conversation.system_prompt
        return self._assistant.system_prompt if self._assistant is not None else ""

    def set_web_search(self, on: bool) -> None:
        """Let the model search the web in the open conversation (saved with it), or not.

        The choice is also what the next new chat starts with. With no
        conversation open, nothing is saved until the first message creates one.
        """
        conversation = self._conversation
        if conversation is not None and conversation.web_search != on:
            try:
                self._history.set_web_search(conversation.id, on)
            except HistoryNotSaved as exc:
                self.notice_changed.emit(Notice(exc.sentence))
                self.web_search_changed.emit(conversation.web_search)  # the toggle goes back
                return
            self._conversation = replace(conversation, web_search=on)
        self._web_search_default = on
        self.web_search_changed.emit(on)

    def conversation_settings(self) -> ConversationSettings:
        """The open conversation's settings (a new chat's: its assistant's), and what the
        model and the endpoint allow, for the dialog."""
        conversation, choice = self._conversation, self._current_choice()
        pending = self._assistant if conversation is None else None
        context = self._context_length(choice.model)
        info = self.endpoint_presenter.model_info(choice.model) if choice.model else None
        if conversation is not None:
            max_tokens, temperature = conversation.max_tokens, conversation.temperature
        elif pending is not None:
            max_tokens, temperature = pending.max_tokens, pending.temperature
        else:
            max_tokens, temperature = None, None
        return ConversationSettings(
            system_prompt=self.system_prompt(),
            max_tokens=max_tokens,
            budget_limit=min(context, MAX_MAX_TOKENS) if context else MAX_MAX_TOKENS,
            thinking=choice.thinking,
            effort=choice.effort,
            thinking_mode=thinking_mode(info or ModelInfo(choice.model)),
            web_search=self.web_search(),
            web_search_available=self.endpoint_presenter.web_search_available(),
            temperature=temperature,
            temperature_accepted=self._keeps_temperature() and accepts_temperature(choice.model),
        )

    def set_conversation_settings(self, system_prompt: str, max_tokens: int | None) -> None:
        """Save the instructions and the output budget (``None``: the default); a new
        chat is saved first, so the settings have a conversation to belong to."""
        self.apply_conversation_settings(
            replace(
                self.conversation_settings(), system_prompt=system_prompt, max_tokens=max_tokens
            )
        )

    def apply_conversation_settings(self, settings: ConversationSettings) -> None:
        """Apply what the conversation's settings dialog chose.

        Instructions, budget and temperature are saved with the conversation (a new
        chat is saved first when one of them changed); web search is set as its
        toggle sets it; thinking goes to the window's thinking control.
        """
        current = self.conversation_settings()
        text = settings.system_prompt.strip()
        stored = (text, settings.max_tokens, settings.temperature)
        if stored != (current.system_prompt.strip(), current.max_tokens, current.temperature):
            with self._unless_unsaved():
                if self._conversation is None:
                    self._conversation = self._create(self._current_choice().model or None)
                self._conversation = self._write_settings(self._conversation, *stored)
                self.system_prompt_changed.emit(bool(text))
        if settings.web_search != current.web_search:
            self.set_web_search(settings.web_search)
        if settings.thinking is not None and settings.thinking != current.thinking:
            self.thinking_chosen.emit(settings.thinking)
        if settings.effort != current.effort:
            self.effort_chosen.emit(settings.effort)

    def _write_settings(
        self,
        conversation: Conversation,
        system_prompt: str,
        max_tokens: int | None,
        temperature: float | None,
    ) -> Conversation:
        """Save what differs from ``conversation``; returns it as saved.

        The temperature is only kept where the history has a place for it.
        Raises :class:`HistoryNotSaved` (what was saved before the failure stays).
        """
        conversation_id = conversation.id
        if system_prompt != conversation.system_prompt:
            self._history.set_system_prompt(conversation_id, system_prompt)
            conversation = replace(conversation, system_prompt=system_prompt)
        if max_tokens != conversation.max_tokens:
            self._history.set_max_tokens(conversation_id, max_tokens)
            conversation = replace(conversation, max_tokens=max_tokens)
        assistants = self._assistants
        keeps = assistants is not None and assistants.keeps_temperature
        if assistants is not None and keeps and temperature != conversation.temperature:
            assistants.set_temperature(conversation_id, temperature)
            conversation = replace(conversation, temperature=temperature)
        return conversation

    # -- assistants ----------------------------------------------------------------

    def assistants(self) -> list[Assistant]:
        """The assistants a chat can start with: the built-in ones, then the user's."""
        if self._assistants is None:
            return list(built_in_assistants())
        return list(self._assistants.assistants())

    def chosen_assistant(self) -> Assistant | None:
        """The assistant the shown chat was started with, if known (a new chat's is)."""
        return self._assistant

    def list_assistants(self) -> None:
        """Announce the assistants and the one chosen (``assistants_listed``)."""
        chosen = self._assistant.id if self._assistant is not None else ""
        self.assistants_listed.emit(self.assistants(), chosen)

    def choose_assistant(self, assistant_id: str) -> None:
        """Start the shown chat with this assistant.

        Its model, thinking and web search apply at once. Its instructions, budget
        and temperature go into a new chat when it is saved, or into an empty saved
        conversation now. A conversation that has messages keeps its own.
        """
        assistant = next((a for a in self.assistants() if a.id == assistant_id), None)
        conversation = self._conversation
        if assistant is None or (conversation is not None and self._messages):
            return
        if conversation is not None:
            with self._unless_unsaved():
                self._conversation = self._write_settings(
                    conversation,
                    assistant.system_prompt,
                    assistant.max_tokens,
                    assistant.temperature,
                )
        self._assistant = assistant
        if assistant.model:
            self._use_model(assistant)
        switch = assistant.thinking_switch()
        if switch is not None:
            on, effort = switch
            self.thinking_chosen.emit(on)
            if effort is not None:
                self.effort_chosen.emit(effort)
        if assistant.web_search is not None:
            self.set_web_search(assistant.web_search)
        self.system_prompt_changed.emit(bool(self.system_prompt()))
        self.list_assistants()

    def use_starter(self, starter: StarterPrompt, draft_text: str = "") -> None:
        """Start the empty chat from a starter prompt: choose its assistant, put its
        text in the composer (unless ``draft_text``, the composer's, holds a draft),
        and ask for the attach dialog when it wants a file."""
        if starter.assistant_id:
            self.choose_assistant(starter.assistant_id)
        if not draft_text.strip():
            self.composer_text_set.emit(starter.text)
        if starter.attach:
            self.attach_requested.emit()

    def _use_model(self, assistant: Assistant) -> None:
        """Pick the assistant's model where the active endpoint offers it; otherwise
        keep the one picked and say so."""
        model = assistant.model
        if not model:
            return
        endpoint_id = self._endpoints.active_id
        listed = self._endpoints.model_listing(endpoint_id) is ModelListing.LISTED
        if listed and model not in {m.id for m in self._endpoints.models(endpoint_id)}:
            self.status_message.emit(
                _(
                    "“{assistant}” uses {model}, which this endpoint does not offer, so the "
                    "model picked stays."
                ).format(assistant=assistant.name, model=model),
                8000,
            )
            return
        self.endpoint_presenter.choose_model(model, show=True)

    def _default_assistant(self) -> Assistant | None:
        found = (a for a in self.assistants() if a.id == DEFAULT_ASSISTANT_ID)
        return next(found, None)

    def _keeps_temperature(self) -> bool:
        return self._assistants is not None and self._assistants.keeps_temperature

    def _on_assistants_changed(self) -> None:
        """The user's assistants were saved: a new chat's assistant follows its edits
        (or, deleted, gives way to the plain Kimi), and the list is announced again."""
        chosen = self._assistant
        if chosen is not None and self._conversation is None:
            edited = next((a for a in self.assistants() if a.id == chosen.id), None)
            self._assistant = edited or self._default_assistant()
            self.system_prompt_changed.emit(bool(self.system_prompt()))
        self.list_assistants()

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
        if self._conversation is not None and self._conversation.id == conversation_id:
            self.open(None)

        def restore() -> None:
            with self._unless_unsaved():
                self._history.restore(conversation_id)
                self.status_message.emit(_("Conversation restored."), 2500)

        # TRANSLATORS: the title of a deleted conversation that had none, in "“{title}” deleted."
        title = deleted.title if deleted is not None and deleted.title else _("Conversation")
        self.conversation_deleted.emit(_("“{title}” deleted.").format(title=title), restore)

    def rename(self, conversation_id: int, title: str) -> None:
        with self._unless_unsaved():
            self._history.rename(conversation_id, title)

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        with self._unless_unsaved():
            self._history.set_pinned(conversation_id, pinned)

    @contextlib.contextmanager
    def _unless_unsaved(self) -> Iterator[None]:
        """Run a command that writes the history; if it could not be written, the
        command did nothing, and the composer's notice says why (the draft stays)."""
        try:
            yield
        except HistoryNotSaved as exc:
            self.notice_changed.emit(Notice(exc.sentence))

    def _create(self, model: str | None) -> Conversation:
        """Save the new chat, with its assistant's instructions, budget and temperature."""
        conversation = self._history.create(
            endpoint_id=self._endpoints.active_id,
            model=model,
            web_search=self._web_search_default,
        )
        self._messages = {}
        assistant = self._assistant
        if assistant is not None:
            conversation = self._write_settings(
                conversation, assistant.system_prompt, assistant.max_tokens, assistant.temperature
            )
        return conversation

    # -- sending -----------------------------------------------------------------

    def submit(self, draft: Draft) -> None:
        """Send the draft (or, while editing, replace the last prompt with it)."""
        if draft.is_empty:
            if draft.text:  # only zero-width or other invisible characters
                self.notice_changed.emit(Notice(_(INVISIBLE)))
            return
        text = draft.text.strip() if has_visible_text(draft.text) else ""
        endpoint_id = self._endpoints.active_id
        choice = self._current_choice()
        if not choice.model:
            self.notice_changed.emit(Notice(_(NO_MODEL)))
            return
        if draft.attachments and not self._model_sees_images(choice.model):
            return
        if draft.documents and not self._documents_fit(draft, choice.model):
            return
        if self._endpoints.needs_key(endpoint_id):
            self.notice_changed.emit(Notice(_(NO_KEY)))
            return
        with self._unless_unsaved():
            if self._conversation is None:
                self._conversation = self._create(choice.model)
                self.conversation_opened.emit(self._conversation, [])
            conversation_id = self._conversation.id
            if self._chat.is_running(conversation_id):
                return
            self.notice_changed.emit(Notice())
            command = self._chat.edit_last_prompt if self._editing else self._chat.send
            thinking, budget = self._request_options(choice)
            command(
                conversation_id,
                text,
                endpoint_id=endpoint_id,
                model=choice.model,
                thinking=thinking,
                budget=budget,
                attachments=draft.attachments,
                documents=draft.documents,
                web_search=self._searches_web(),
            )
            self._editing = False
            self.draft_sent.emit()
            self._endpoints.remember_model(endpoint_id, choice.model)

    def _documents_fit(self, draft: Draft, model: str) -> bool:
        """Say so before sending when the documents cannot go: no question asked about
        them, or more than the model's context holds on their own."""
        if not has_visible_text(draft.text):
            # Moonshot refuses a message with no content, and the documents travel as
            # messages of their own: the prompt itself would be empty.
            self.notice_changed.emit(Notice(no_question()))
            return False
        overflow = context_overflow(draft.documents, self._context_length(model))
        if overflow is not None:
            self.notice_changed.emit(Notice(overflow))
            return False
        return True

    def _searches_web(self) -> bool:
        """Whether this request lets the model search: the conversation says so and the
        endpoint runs Kimi's search (another endpoint would refuse the tool)."""
        return self.web_search() and self.endpoint_presenter.web_search_available()

    def _model_sees_images(self, model: str) -> bool:
        """Say so before sending when the model is known to be blind, and offer one that sees."""
        endpoint_id = self._endpoints.active_id
        if self._endpoints.sees_images(endpoint_id, model):
            return True
        models = self._endpoints.models(endpoint_id)
        seeing = next((m.id for m in models if m.supports_images), None)
        if seeing is None:
            self.notice_changed.emit(
                Notice(
                    _(
                        "“{model}” cannot see images, and this endpoint lists no model that "
                        "can. Remove the images or switch endpoints."
                    ).format(model=model)
                )
            )
        else:
            self.notice_changed.emit(
                Notice(
                    _("“{model}” cannot see images. Switch to {other}, which can?").format(
                        model=model, other=seeing
                    ),
                    action=(
                        # TRANSLATORS: a button: switch to the model {model}.
                        _("Use {model}").format(model=seeing),
                        lambda: self.endpoint_presenter.choose_model(seeing, show=True),
                    ),
                )
            )
        return False

    def act(self, action: MessageAction, message_id: int, draft_text: str = "") -> None:
        """Carry out a message's button; ``draft_text`` is the composer's text (kept
        aside while an edit replaces it)."""
        if action is MessageAction.SETTINGS:
            self.settings_requested.emit()
            return
        if action is MessageAction.COPY:  # the view has put the text on the clipboard
            self.status_message.emit(_("Message copied to the clipboard"), 2500)
            return
        conversation = self._conversation
        message = self._messages.get(message_id)
        if conversation is None:
            return
        if action is MessageAction.DELETE:
            self._chat.delete_message(conversation.id, message_id)
        elif action is MessageAction.EDIT and message is not None:
            if not self._editing:
                self._draft_before_edit = draft_text
            self._editing = True
            self.composer_text_set.emit(message.text)
            self.notice_changed.emit(
                Notice(_(EDITING), error=False, action=(_("Cancel"), self.cancel_edit))
            )
        elif action in (MessageAction.REGENERATE, MessageAction.RETRY):
            self._regenerate()
        elif action is MessageAction.CONTINUE and message is not None:
            self._continue(message)
        elif action is MessageAction.LARGER_BUDGET:
            self._enlarge_budget()

    def _request_options(self, choice: ModelChoice) -> tuple[ThinkingFields, OutputBudget]:
        """How a request for ``choice`` switches reasoning, and its output budget."""
        conversation = self._conversation
        thinking = self.endpoint_presenter.thinking_for(choice)
        wanted = conversation.max_tokens if conversation is not None else None
        return thinking, OutputBudget(wanted, self._context_length(choice.model))

    def _context_length(self, model: str) -> int | None:
        info = self.endpoint_presenter.model_info(model) if model else None
        return info.context_length if info is not None else None

    def _regenerate(self) -> None:
        conversation = self._conversation
        choice = self._current_choice()
        if conversation is None or not choice.model:
            return
        thinking, budget = self._request_options(choice)
        with self._unless_unsaved():
            self._chat.regenerate(
                conversation.id,
                endpoint_id=self._endpoints.active_id,
                model=choice.model,
                thinking=thinking,
                budget=budget,
                web_search=self._searches_web(),
            )

    def _continue(self, message: StoredMessage) -> None:
        """Ask the model to go on with a reply that stopped short (one with no answer
        text yet is regenerated)."""
        conversation = self._conversation
        choice = self._current_choice()
        if conversation is None or not choice.model:
            return
        thinking, budget = self._request_options(choice)
        with self._unless_unsaved():
            self._chat.continue_reply(
                conversation.id,
                message.id,
                endpoint_id=self._endpoints.active_id,
                model=choice.model,
                thinking=thinking,
                budget=budget,
                web_search=self._searches_web(),
            )

    def _enlarge_budget(self) -> None:
        """Double the conversation's output budget (within the model's context), save
        it, and answer the last prompt again with it."""
        conversation = self._conversation
        if conversation is None:
            return
        current = conversation.max_tokens
        larger = larger_budget(current, self._context_length(self._current_choice().model))
        if larger <= (current if current is not None else DEFAULT_MAX_TOKENS):
            self.status_message.emit(
                _("The output budget is already as large as this model's context allows."), 5000
            )
            return
        with self._unless_unsaved():
            self._history.set_max_tokens(conversation.id, larger)
            self._conversation = self._history.conversation(conversation.id)
            self.status_message.emit(
                _("This conversation's output budget is now {tokens} tokens.").format(
                    tokens=QLocale().toString(larger)
                ),
                5000,
            )
            self._regenerate()

    def cancel_edit(self) -> None:
        """Leave edit mode; the draft typed before it comes back."""
        if not self._editing:
            return
        self._editing = False
        self.composer_text_set.emit(self._draft_before_edit)
        self.notice_changed.emit(Notice())

    def stop(self) -> None:
        if self._conversation is not None:
            self._chat.stop(self._conversation.id)

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
        message = self._messages.get(message_id)
        if message is not None and 0 <= index < len(message.documents):
            document = message.documents[index]
            self.document_preview_requested.emit(document.name, document.text)

    # -- what the chat session reports -------------------------------------------

    def _on_titles_title_generated(self, conversation_id: int, title: str) -> None:
        if self._is_shown(conversation_id) and self._conversation is not None:
            self._conversation = replace(self._conversation, title=title)
            self.title_changed.emit(_("{title} — Kimi Desktop").format(title=title))

    def _is_shown(self, conversation_id: int) -> bool:
        return self._conversation is not None and self._conversation.id == conversation_id

    def _on_chat_message_added(self, message: StoredMessage) -> None:
        if self._is_shown(message.conversation_id):
            self._messages[message.id] = message
            self.message_added.emit(message)

    def _on_chat_message_changed(self, message: StoredMessage) -> None:
        if self._is_shown(message.conversation_id):
            self._messages[message.id] = message
            self.message_changed.emit(message)
            self.usage_changed.emit()

    def _on_chat_messages_removed(self, conversation_id: int, message_ids: list[int]) -> None:
        if self._is_shown(conversation_id):
            for message_id in message_ids:
                self._messages.pop(message_id, None)
            self.messages_removed.emit(message_ids)
            self.usage_changed.emit()

    def _on_chat_reply_running_changed(self, conversation_id: int, running: bool) -> None:
        if self._is_shown(conversation_id):
            self.running_changed.emit(running)

    def _on_chat_save_failed(self, reply: StoredMessage, sentence: str) -> None:
        """Say above the composer that a reply is kept in memory only (or, with an
        empty sentence, that it was saved after all)."""
        if not self._is_shown(reply.conversation_id):
            return
        if sentence:
            self._unsaved_notice = sentence
            self.notice_changed.emit(Notice(sentence))
        elif self._unsaved_notice:
            self._unsaved_notice = ""
            self.notice_changed.emit(Notice())

    def _on_chat_retry_scheduled(self, reply: StoredMessage, sentence: str) -> None:
        """Say in the waiting reply itself when it will be asked again."""
        if self._is_shown(reply.conversation_id) and reply.id in self._messages:
            self.reply_notice_changed.emit(self._messages[reply.id], sentence)

    # -- background work ----------------------------------------------------------

    def track(self, work: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        """Run ``work`` until :meth:`close`: resuming into a closed window would touch
        deleted widgets."""
        return self._tasks.start(work)

    def close(self) -> list[asyncio.Future[None]]:
        """Cancel the background work (the window is closing); returns the tasks
        cancelled, for a caller that can wait until they have unwound."""
        return self._tasks.cancel_all()
