"""``ConversationSetup``: what the open conversation is set up with.

Part of :class:`~kimi_desktop.services.presenter.ChatPresenter`, kept apart
because it changes for other reasons than sending and showing messages: the
instructions, the output budget, the temperature and web search of the open
conversation, what the conversation's settings dialog shows and sets, and the
assistant a new chat starts with (with the starter prompts of the empty chat).

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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal

from kimi_desktop.domain import Conversation, ModelInfo, ThinkingMode
from kimi_desktop.i18n import _
from kimi_desktop.services.assistants import AssistantService, StarterPrompt
from kimi_desktop.services.budget import MAX_MAX_TOKENS, OutputBudget
from kimi_desktop.services.choices import ModelChoice, Notice
from kimi_desktop.services.endpoint_presenter import EndpointPresenter
from kimi_desktop.services.endpoints import EndpointService, ModelListing
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.save_problems import HistoryNotSaved
from kimi_desktop.services.shown_conversation import ShownConversation, unless_unsaved
from kimi_desktop.settings.assistants import Assistant
from kimi_desktop.settings.built_in_assistants import DEFAULT_ASSISTANT_ID, built_in_assistants
from kimi_desktop.settings.known_models import accepts_temperature, thinking_mode


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


class ConversationSetup(QObject):
    """The open conversation's settings and the assistant a new chat starts with.

    ``shown`` is the presenter's open conversation, read and replaced here (a new
    chat is saved when one of its settings is). ``current_choice`` tells the model
    picked in the top bar.

    Signals:
        notice_changed(Notice): the composer's notice line (a setting not saved).
        status_message(str sentence, int milliseconds)
        system_prompt_changed(bool has_prompt)
        web_search_changed(bool on): the open conversation's web search (or, with no
            conversation open, the new chat's) was set.
        assistants_listed(list[Assistant], str chosen id): the assistants the empty
            chat offers, and the one chosen for it ("" when not known).
        thinking_chosen(bool on): the window's thinking toggle should show ``on``.
        effort_chosen(object effort): the window's effort picker should show this
            level ("low", "high", "max"; ``None``: the server's default).
        composer_text_set(str): a starter prompt's text goes into the composer.
        attach_requested(): a starter prompt wants a screenshot or a document: open
            the attach dialog.
    """

    notice_changed = Signal(object)
    status_message = Signal(str, int)
    system_prompt_changed = Signal(bool)
    web_search_changed = Signal(bool)
    assistants_listed = Signal(list, str)
    thinking_chosen = Signal(bool)
    effort_chosen = Signal(object)
    composer_text_set = Signal(str)
    attach_requested = Signal()

    def __init__(
        self,
        *,
        shown: ShownConversation,
        history: HistoryService,
        endpoints: EndpointService,
        endpoint_presenter: EndpointPresenter,
        current_choice: Callable[[], ModelChoice],
        assistants: AssistantService | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._shown = shown
        self._history = history
        self._endpoints = endpoints
        self._endpoint_presenter = endpoint_presenter
        self._current_choice = current_choice
        self._assistants = assistants
        # The assistant the shown chat was started with, if known; a new chat's
        # instructions, budget and temperature wait in it until the chat is saved.
        self._assistant: Assistant | None = self._default_assistant()
        self._web_search_default = False  # what a new chat starts with (the last choice)
        if assistants is not None:
            assistants.assistants_changed.connect(self._on_assistants_changed)

    def forget_assistant(self) -> None:
        """Another conversation is shown: a new chat starts with the plain Kimi; which
        assistant a saved conversation was started with is not known."""
        new_chat = self._shown.conversation is None
        self._assistant = self._default_assistant() if new_chat else None

    def create(self, model: str | None) -> Conversation:
        """Save the new chat, with its assistant's instructions, budget and temperature."""
        conversation = self._history.create(
            endpoint_id=self._endpoints.active_id,
            model=model,
            web_search=self._web_search_default,
        )
        self._shown.messages = {}
        assistant = self._assistant
        if assistant is not None:
            conversation = self._write_settings(
                conversation, assistant.system_prompt, assistant.max_tokens, assistant.temperature
            )
        return conversation

    # -- instructions, budget and web search ---------------------------------------

    def set_system_prompt(self, text: str) -> None:
        """Set the instructions the model gets before this conversation (saving a new chat)."""
        text = text.strip()
        if text == self.system_prompt().strip():
            return
        with unless_unsaved(self.notice_changed.emit):
            if self._shown.conversation is None:
                self._shown.conversation = self.create(self._current_choice().model or None)
            conversation_id = self._shown.conversation.id
            self._history.set_system_prompt(conversation_id, text)
            self._shown.conversation = self._history.conversation(conversation_id)
            self.system_prompt_changed.emit(bool(text))

    def system_prompt(self) -> str:
        """The open conversation's instructions (a new chat's: its assistant's)."""
        if self._shown.conversation is not None:
            return self._shown.conversation.system_prompt
        return self._assistant.system_prompt if self._assistant is not None else ""

    def web_search(self) -> bool:
        """Whether the open conversation (or the new chat) lets the model search the web."""
        conversation = self._shown.conversation
        return conversation.web_search if conversation is not None else self._web_search_default

    def set_web_search(self, on: bool) -> None:
        """Let the model search the web in the open conversation (saved with it), or not.

        The choice is also what the next new chat starts with. With no
        conversation open, nothing is saved until the first message creates one.
        """
        conversation = self._shown.conversation
        if conversation is not None and conversation.web_search != on:
            try:
                self._history.set_web_search(conversation.id, on)
            except HistoryNotSaved as exc:
                self.notice_changed.emit(Notice(exc.sentence))
                self.web_search_changed.emit(conversation.web_search)  # the toggle goes back
                return
            self._shown.conversation = replace(conversation, web_search=on)
        self._web_search_default = on
        self.web_search_changed.emit(on)

    def searches_web(self) -> bool:
        """Whether a request now lets the model search: the conversation says so and the
        endpoint runs Kimi's search (another endpoint would refuse the tool)."""
        return self.web_search() and self._endpoint_presenter.web_search_available()

    def context_length(self, model: str) -> int | None:
        """The model's context, when the endpoint or the model table knows it."""
        info = self._endpoint_presenter.model_info(model) if model else None
        return info.context_length if info is not None else None

    def output_budget(self, model: str) -> OutputBudget:
        """The open conversation's output budget for a request to ``model``."""
        conversation = self._shown.conversation
        wanted = conversation.max_tokens if conversation is not None else None
        return OutputBudget(wanted, self.context_length(model))

    # -- the settings dialog ---------------------------------------------------------

    def conversation_settings(self) -> ConversationSettings:
        """The open conversation's settings (a new chat's: its assistant's), and what the
        model and the endpoint allow, for the dialog."""
        conversation, choice = self._shown.conversation, self._current_choice()
        pending = self._assistant if conversation is None else None
        context = self.context_length(choice.model)
        info = self._endpoint_presenter.model_info(choice.model) if choice.model else None
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
            web_search_available=self._endpoint_presenter.web_search_available(),
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
            with unless_unsaved(self.notice_changed.emit):
                if self._shown.conversation is None:
                    self._shown.conversation = self.create(self._current_choice().model or None)
                self._shown.conversation = self._write_settings(self._shown.conversation, *stored)
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
        conversation = self._shown.conversation
        if assistant is None or (conversation is not None and self._shown.messages):
            return
        if conversation is not None:
            with unless_unsaved(self.notice_changed.emit):
                self._shown.conversation = self._write_settings(
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
        self._endpoint_presenter.choose_model(model, show=True)

    def _default_assistant(self) -> Assistant | None:
        found = (a for a in self.assistants() if a.id == DEFAULT_ASSISTANT_ID)
        return next(found, None)

    def _keeps_temperature(self) -> bool:
        return self._assistants is not None and self._assistants.keeps_temperature

    def _on_assistants_changed(self) -> None:
        """The user's assistants were saved: a new chat's assistant follows its edits
        (or, deleted, gives way to the plain Kimi), and the list is announced again."""
        chosen = self._assistant
        if chosen is not None and self._shown.conversation is None:
            edited = next((a for a in self.assistants() if a.id == chosen.id), None)
            self._assistant = edited or self._default_assistant()
            self.system_prompt_changed.emit(bool(self.system_prompt()))
        self.list_assistants()
