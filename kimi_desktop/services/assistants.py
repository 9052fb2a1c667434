"""``AssistantService``: the assistants a chat starts with, and what the empty chat offers.

The built-in assistants come first, then the user's own (``settings/assistants.py``
keeps those in ``assistants.json``). Settings saves the user's list here in one
piece, and every view of the list (the empty chat's chooser) refreshes on
``assistants_changed``.

An assistant's temperature becomes the conversation's and is stored with it.
Whether a request carries it is decided at the last moment, by the model the
request is for (:func:`request_temperature`): the K2.5 family refuses any
temperature but its own, and the model of a conversation can change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from kimi_desktop.i18n import N_, _
from kimi_desktop.services.save_problems import writing
from kimi_desktop.settings.assistants import Assistant, AssistantStore
from kimi_desktop.settings.built_in_assistants import (
    DEFAULT_ASSISTANT_ID,
    SCREENSHOT_TO_CODE_ID,
    SUMMARISER_ID,
    TRANSLATOR_ID,
    built_in_assistants,
)
from kimi_desktop.settings.known_models import accepts_temperature
from kimi_desktop.store import ConversationRepository

__all__ = [
    "AssistantService",
    "AssistantsNotSaved",
    "StarterPrompt",
    "request_temperature",
    "starter_prompts",
]


def request_temperature(model: str, wanted: float | None) -> float | None:
    """The temperature a request for ``model`` carries: ``wanted`` (the conversation's),
    unless the model takes none but its own (the K2.5 family); then none is sent."""
    return wanted if wanted is not None and accepts_temperature(model) else None


class AssistantsNotSaved(Exception):
    """The assistants could not be saved; ``sentence`` says why. Nothing changed."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


class AssistantService(QObject):
    """The assistants on offer, the user's saved ones, and a conversation's temperature.

    ``repository`` writes a conversation's temperature; without one (a history
    whose schema has no place for it) temperatures are not kept, and
    :attr:`keeps_temperature` says so.

    Signals:
        assistants_changed(): the user's assistants were saved.
    """

    assistants_changed = Signal()

    def __init__(
        self,
        store: AssistantStore,
        repository: ConversationRepository | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._repo = repository

    @property
    def load_warnings(self) -> list[str]:
        """What could not be read from the user's assistants file, in words."""
        return list(self._store.load_warnings)

    @property
    def keeps_temperature(self) -> bool:
        """Whether a conversation's temperature can be stored."""
        return self._repo is not None

    def assistants(self) -> tuple[Assistant, ...]:
        """Every assistant on offer: the built-in ones, then the user's."""
        return (*built_in_assistants(), *self._store.assistants)

    def user_assistants(self) -> tuple[Assistant, ...]:
        return self._store.assistants

    def assistant(self, assistant_id: str) -> Assistant | None:
        return next((a for a in self.assistants() if a.id == assistant_id), None)

    def default(self) -> Assistant:
        """The plain Kimi, which a new chat starts with."""
        found = self.assistant(DEFAULT_ASSISTANT_ID)
        assert found is not None, "the plain Kimi is built in"
        return found

    def save(self, assistants: Sequence[Assistant]) -> None:
        """Keep ``assistants`` as the user's (built-in ones in it are left out).

        Raises :class:`AssistantsNotSaved` with the sentence to show; nothing
        changed then.
        """
        try:
            self._store.save(assistants)
        except ValueError as exc:
            raise AssistantsNotSaved(str(exc)) from exc
        except OSError as exc:
            raise AssistantsNotSaved(
                _("Your assistants could not be saved in {folder}: {reason}.").format(
                    folder=self._store.path.parent, reason=exc.strerror or str(exc)
                )
            ) from exc
        self.assistants_changed.emit()

    def set_temperature(self, conversation_id: int, temperature: float | None) -> None:
        """Store the conversation's temperature (``None``: the model's own).

        Raises :class:`~kimi_desktop.services.save_problems.HistoryNotSaved` when the
        history cannot be written.
        """
        if self._repo is None:
            raise RuntimeError("no history to keep the temperature in (see keeps_temperature)")
        with writing(self._repo):
            self._repo.set_temperature(conversation_id, temperature)


@dataclass(frozen=True, slots=True)
class StarterPrompt:
    """A way into an empty chat: a title to click, the text it puts in the composer,
    the assistant it chooses (``None``: the one chosen stays) and whether it opens
    the attach dialog (for a screenshot or a document)."""

    title: str
    text: str
    assistant_id: str | None = None
    attach: bool = False


_STARTERS = (
    StarterPrompt(
        N_("Turn this screenshot into code"),
        N_("Turn this screenshot into code."),
        SCREENSHOT_TO_CODE_ID,
        attach=True,
    ),
    StarterPrompt(
        N_("Explain this code"),
        N_("Explain what this code does, step by step:\n\n"),
        DEFAULT_ASSISTANT_ID,
    ),
    StarterPrompt(
        N_("Summarise a document"),
        N_("Summarise this document."),
        SUMMARISER_ID,
        attach=True,
    ),
    StarterPrompt(
        N_("Translate into Chinese"),
        N_("Translate into Chinese:\n\n"),
        TRANSLATOR_ID,
    ),
)


def starter_prompts() -> tuple[StarterPrompt, ...]:
    """The empty chat's starter prompts, in the active language."""
    return tuple(StarterPrompt(_(s.title), _(s.text), s.assistant_id, s.attach) for s in _STARTERS)
