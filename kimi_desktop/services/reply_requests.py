"""``ReplyRequests``: everything that asks the model for a reply.

Part of :class:`~kimi_desktop.services.presenter.ChatPresenter`, kept apart
because every way of asking for a reply goes through the same checks and the
same request options: sending the draft, editing a prompt (sent as a new
version of it, the earlier kept), regenerating and retrying, continuing a reply
that stopped short, and answering again with a larger output budget.

Every request says how it switches reasoning (``EndpointPresenter.thinking_for``)
and carries the conversation's output budget, capped by what the model's
context leaves (:class:`~kimi_desktop.services.budget.OutputBudget`).

Documents go with the prompt they were attached to and are stored with it; a
draft whose documents alone are larger than the model's context is refused
before anything is saved, saying by how many tokens.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QLocale, QObject, Signal

from kimi_desktop.domain import Draft, StoredMessage, ThinkingFields, has_visible_text
from kimi_desktop.i18n import N_, _
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS, OutputBudget, larger_budget
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice, Notice
from kimi_desktop.services.conversation_setup import ConversationSetup
from kimi_desktop.services.document_context import context_overflow, no_question
from kimi_desktop.services.endpoint_presenter import EndpointPresenter
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.shown_conversation import ShownConversation, unless_unsaved

# Sentences of the composer's notice line, translated where they are shown: _(NO_MODEL).
NO_MODEL = N_("Pick a model first, or type a model id.")
NO_KEY = N_("No API key is set for this endpoint. Add one in Settings (Ctrl+,).")
INVISIBLE = N_("The message holds only invisible characters, so there is nothing to send.")
EDITING = N_(
    "Editing your message — send it as a new version (the earlier one is kept), or Esc to cancel."
)


class ReplyRequests(QObject):
    """Sends the draft, edits prompts, and asks again for a reply.

    ``shown`` is the presenter's open conversation (a new chat is saved by the
    first draft sent); ``setup`` its settings, which every request carries.
    ``current_choice`` tells the model picked in the top bar.

    Signals:
        conversation_created(object conversation): the first draft saved the new chat.
        notice_changed(Notice): the composer's notice line.
        status_message(str sentence, int milliseconds)
        composer_text_set(str): the composer's text is replaced (an edit starts or ends).
        draft_sent(): the draft was taken; the composer empties.
    """

    conversation_created = Signal(object)
    notice_changed = Signal(object)
    status_message = Signal(str, int)
    composer_text_set = Signal(str)
    draft_sent = Signal()

    def __init__(
        self,
        *,
        shown: ShownConversation,
        setup: ConversationSetup,
        history: HistoryService,
        chat: ChatSession,
        endpoints: EndpointService,
        endpoint_presenter: EndpointPresenter,
        current_choice: Callable[[], ModelChoice],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._shown = shown
        self._setup = setup
        self._history = history
        self._chat = chat
        self._endpoints = endpoints
        self._endpoint_presenter = endpoint_presenter
        self._current_choice = current_choice
        self._editing: int | None = None  # the prompt being edited
        self._draft_before_edit = ""

    # -- sending -----------------------------------------------------------------

    def submit(self, draft: Draft) -> None:
        """Send the draft (or, while editing, send it as a new version of that prompt)."""
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
        with unless_unsaved(self.notice_changed.emit):
            if self._shown.conversation is None:
                self._shown.conversation = self._setup.create(choice.model)
                self.conversation_created.emit(self._shown.conversation)
            conversation_id = self._shown.conversation.id
            if self._chat.is_running(conversation_id):
                return
            self.notice_changed.emit(Notice())
            thinking, budget = self._request_options(choice)
            edited = self._editing
            command = (
                self._chat.send
                if edited is None
                else functools.partial(self._chat.edit_prompt, message_id=edited)
            )
            command(
                conversation_id,
                text=text,
                endpoint_id=endpoint_id,
                model=choice.model,
                thinking=thinking,
                budget=budget,
                attachments=draft.attachments,
                documents=draft.documents,
                web_search=self._setup.searches_web(),
            )
            self._editing = None
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
        overflow = context_overflow(draft.documents, self._setup.context_length(model))
        if overflow is not None:
            self.notice_changed.emit(Notice(overflow))
            return False
        return True

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
                        lambda: self._endpoint_presenter.choose_model(seeing, show=True),
                    ),
                )
            )
        return False

    def _request_options(self, choice: ModelChoice) -> tuple[ThinkingFields, OutputBudget]:
        """How a request for ``choice`` switches reasoning, and its output budget."""
        thinking = self._endpoint_presenter.thinking_for(choice)
        return thinking, self._setup.output_budget(choice.model)

    # -- editing a prompt -----------------------------------------------------------

    @property
    def edited_prompt(self) -> int | None:
        """The id of the prompt being edited, if one is."""
        return self._editing

    def edit(self, prompt: StoredMessage, draft_text: str) -> None:
        """Put a prompt in the composer to be sent as a new version of it;
        ``draft_text`` (the composer's) comes back if the edit is cancelled."""
        if self._editing is None:
            self._draft_before_edit = draft_text
        self._editing = prompt.id
        self.composer_text_set.emit(prompt.text)
        self.notice_changed.emit(
            Notice(_(EDITING), error=False, action=(_("Cancel"), self.cancel_edit))
        )

    def cancel_edit(self) -> None:
        """Leave edit mode; the draft typed before it comes back."""
        if self._editing is None:
            return
        self._editing = None
        self.composer_text_set.emit(self._draft_before_edit)
        self.notice_changed.emit(Notice())

    def forget_edit(self) -> None:
        """Leave edit mode without touching the composer (another conversation opens)."""
        self._editing = None

    # -- asking again --------------------------------------------------------------

    def regenerate(self) -> None:
        """Answer the last prompt again (a new version of the answer)."""
        self._ask_again(self._chat.regenerate)

    def continue_reply(self, message: StoredMessage) -> None:
        """Ask the model to go on with a reply that stopped short (one with no answer
        text yet is regenerated)."""
        self._ask_again(functools.partial(self._chat.continue_reply, message_id=message.id))

    def _ask_again(self, command: Callable[..., None]) -> None:
        """Run a chat session's command that asks again in the open conversation, with
        the model picked and this conversation's request options."""
        conversation = self._shown.conversation
        choice = self._current_choice()
        if conversation is None or not choice.model:
            return
        thinking, budget = self._request_options(choice)
        with unless_unsaved(self.notice_changed.emit):
            command(
                conversation.id,
                endpoint_id=self._endpoints.active_id,
                model=choice.model,
                thinking=thinking,
                budget=budget,
                web_search=self._setup.searches_web(),
            )

    def enlarge_budget(self) -> None:
        """Double the conversation's output budget (within the model's context), save
        it, and answer the last prompt again with it."""
        conversation = self._shown.conversation
        if conversation is None:
            return
        current = conversation.max_tokens
        larger = larger_budget(current, self._setup.context_length(self._current_choice().model))
        if larger <= (current if current is not None else DEFAULT_MAX_TOKENS):
            self.status_message.emit(
                _("The output budget is already as large as this model's context allows."), 5000
            )
            return
        with unless_unsaved(self.notice_changed.emit):
            self._history.set_max_tokens(conversation.id, larger)
            self._shown.conversation = self._history.conversation(conversation.id)
            self.status_message.emit(
                _("This conversation's output budget is now {tokens} tokens.").format(
                    tokens=QLocale().toString(larger)
                ),
                5000,
            )
            self.regenerate()
