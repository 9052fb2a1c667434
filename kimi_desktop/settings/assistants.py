"""Assistants: a named way to start a chat, and the user's own in ``assistants.json``.

An assistant holds what a new chat starts with: instructions (the system
prompt), a model, how it thinks, an output budget, web search and a
temperature. Every field but the name and the instructions may be left unset,
and then the chat keeps what the window already says (the model picked, the
thinking toggle, the web-search toggle) or the app's default (the budget, the
model's own temperature).

The built-in assistants (:mod:`.built_in_assistants`) ship with the app and are
never written; the user's own live in ``assistants.json`` in the config folder,
written atomically like the other settings files. A file that cannot be read is
moved aside as ``assistants.json.corrupt-<time>`` and only the built-ins are
offered; one assistant that does not hold up is skipped while the others load,
and a copy of the file is kept. Each is said in :attr:`AssistantStore.load_warnings`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, Literal

from kimi_desktop.i18n import N_, _
from kimi_desktop.settings.files import (
    JsonFileError,
    atomic_write_json,
    copy_aside,
    move_aside,
    read_json,
)
from kimi_desktop.settings.paths import AppPaths

__all__ = [
    "ASSISTANTS_FILE",
    "MAX_ASSISTANT_BUDGET",
    "MAX_DESCRIPTION_CHARS",
    "MAX_INSTRUCTION_CHARS",
    "MAX_NAME_CHARS",
    "THINKING_CHOICES",
    "Assistant",
    "AssistantStore",
    "ThinkingChoice",
    "assistant_problem",
    "duplicate_assistant",
    "new_assistant_id",
]

ASSISTANTS_FILE: Final = "assistants.json"
_FORMAT_VERSION: Final = 1

ThinkingChoice = Literal["on", "off", "low", "high", "max"]
"""What an assistant asks of reasoning: on, off, or on at an effort (kimi-k3's
``reasoning_effort`` levels). Unset (``None``): the window's thinking control stays."""

THINKING_CHOICES: Final[tuple[ThinkingChoice, ...]] = ("on", "off", "low", "high", "max")

MAX_NAME_CHARS: Final = 80
MAX_DESCRIPTION_CHARS: Final = 300
#: Instructions longer than this are a pasted document, not instructions.
MAX_INSTRUCTION_CHARS: Final = 100_000
#: The largest Kimi context (kimi-k3's); a request asks for no more than its model allows.
MAX_ASSISTANT_BUDGET: Final = 1_048_576
#: Moonshot takes a temperature from 0 to 1 (platform.moonshot.cn/docs/api/chat);
#: OpenAI-compatible servers take up to 2, so 0 to 1 suits every endpoint.
MIN_TEMPERATURE: Final = 0.0
MAX_TEMPERATURE: Final = 1.0


@dataclass(frozen=True, slots=True)
class Assistant:
    """A named way to start a chat.

    ``model`` ``None``: the model picked in the window. ``thinking`` ``None``:
    the window's thinking control stays as it is. ``max_tokens`` ``None``: the
    app's default output budget. ``web_search`` ``None``: the web-search toggle
    stays. ``temperature`` ``None``: the model's own; it is only ever sent to a
    model that accepts one. ``built_in``: shipped with the app, never stored
    (copies of it are the user's).
    """

    id: str
    name: str
    system_prompt: str = ""
    description: str = ""
    model: str | None = None
    thinking: ThinkingChoice | None = None
    max_tokens: int | None = None
    web_search: bool | None = None
    temperature: float | None = None
    built_in: bool = False

    def thinking_switch(self) -> tuple[bool, str | None] | None:
        """The thinking toggle and effort this assistant sets, or ``None`` to keep both.

        "on" and "off" set the toggle and keep the effort picked (``None``); an
        effort level turns thinking on at that level.
        """
        if self.thinking is None:
            return None
        if self.thinking in ("on", "off"):
            return self.thinking == "on", None
        return True, self.thinking

    def to_dict(self) -> dict[str, object]:
        """The stored form (``built_in`` is never stored: a stored assistant is the user's)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "system_prompt": self.system_prompt,
            "model": self.model,
            "thinking": self.thinking,
            "max_tokens": self.max_tokens,
            "web_search": self.web_search,
            "temperature": self.temperature,
        }

    @classmethod
    def from_dict(cls, data: object) -> Assistant:
        """An assistant from stored data; ``ValueError`` with the reason it cannot be one.

        Unknown fields are ignored and a thinking choice this version does not know
        reads as unset, so files written by newer versions load.
        """
        if not isinstance(data, Mapping):
            # TRANSLATORS: follows "Assistant 1 was skipped because"; "it" is the assistant.
            raise ValueError(_("it is not a set of named values"))
        for name in ("id", "name"):
            if not isinstance(data.get(name), str):
                # TRANSLATORS: {name} is a key of the stored assistant, like 'name'.
                raise ValueError(_("its {name} is missing or not text").format(name=repr(name)))
        for name in ("description", "system_prompt", "model"):
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                # TRANSLATORS: {name} is a key of the stored assistant, like 'model'.
                raise ValueError(_("its {name} is not text").format(name=repr(name)))
        web_search = data.get("web_search")
        if web_search is not None and not isinstance(web_search, bool):
            # TRANSLATORS: {name} is a key of the stored assistant, like 'web_search'.
            raise ValueError(_("its {name} is not true or false").format(name=repr("web_search")))
        thinking = data.get("thinking")
        assistant = cls(
            id=data["id"],
            name=data["name"],
            description=data.get("description") or "",
            system_prompt=data.get("system_prompt") or "",
            model=data.get("model") or None,
            thinking=next((c for c in THINKING_CHOICES if c == thinking), None),
            max_tokens=_whole_number(data.get("max_tokens")),
            web_search=web_search,
            temperature=_number(data.get("temperature")),
        )
        problem = assistant_problem(assistant)
        if problem:
            raise ValueError(problem)
        return assistant


def assistant_problem(assistant: Assistant) -> str | None:
    """Why ``assistant`` cannot be kept (a phrase that follows "because"), or ``None``."""
    if not assistant.id.strip():
        # TRANSLATORS: follows "Assistant 1 was skipped because".
        return _("its id is empty")
    name = assistant.name.strip()
    if not name:
        # TRANSLATORS: follows "Assistant 1 was skipped because", or is shown in the editor.
        return _("its name is empty")
    if len(name) > MAX_NAME_CHARS:
        return _("its name is longer than {limit} characters").format(limit=MAX_NAME_CHARS)
    if len(assistant.description) > MAX_DESCRIPTION_CHARS:
        return _("its description is longer than {limit} characters").format(
            limit=MAX_DESCRIPTION_CHARS
        )
    if len(assistant.system_prompt) > MAX_INSTRUCTION_CHARS:
        return _("its instructions are longer than {limit} characters").format(
            limit=f"{MAX_INSTRUCTION_CHARS:,}"
        )
    budget = assistant.max_tokens
    if budget is not None and not 1 <= budget <= MAX_ASSISTANT_BUDGET:
        return _budget_problem()
    temperature = assistant.temperature
    if temperature is not None and not MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE:
        return _temperature_problem()  # NaN fails this test too
    return None


def _whole_number(value: object) -> int | None:
    """A stored budget: ``None`` or an int; anything else is ``ValueError``."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError(_budget_problem())


def _number(value: object) -> float | None:
    """A stored temperature: ``None`` or a finite number; anything else is ``ValueError``."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            number = math.inf
        if math.isfinite(number):
            return number
    raise ValueError(_temperature_problem())


def _budget_problem() -> str:
    # TRANSLATORS: follows "Assistant 1 was skipped because", or is shown in the editor.
    return _("its output budget is not a whole number from 1 to {limit}").format(
        limit=f"{MAX_ASSISTANT_BUDGET:,}"
    )


def _temperature_problem() -> str:
    # TRANSLATORS: follows "Assistant 1 was skipped because", or is shown in the editor.
    return _("its temperature is not a number from 0 to 1")


def new_assistant_id(name: str, existing: Collection[str] = ()) -> str:
    """A fresh id for a user's assistant: a slug of ``name`` plus a random part."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32].strip("-") or "assistant"
    while True:
        candidate = f"{slug}-{os.urandom(4).hex()}"
        if candidate not in existing:
            return candidate


def duplicate_assistant(original: Assistant, existing: Collection[str] = ()) -> Assistant:
    """A copy the user owns and may edit: a new id, the name marked as a copy."""
    name = _("{name} (copy)").format(name=original.name)[:MAX_NAME_CHARS]
    return replace(original, id=new_assistant_id(name, existing), name=name, built_in=False)


# -- the file --------------------------------------------------------------------

#: Why the file could not be read, by what was wrong with it.
_UNREADABLE = {
    "damaged": N_(
        "Your assistants could not be read because {file} is damaged, so only the built-in "
        "ones are offered."
    ),
    "layout": N_(
        "Your assistants could not be read because {file} does not have the expected layout, "
        "so only the built-in ones are offered."
    ),
}
_NOT_OPENED = N_(
    "Your assistants could not be read ({path}: {reason}), so only the built-in ones are "
    "offered for this session."
)


class AssistantStore:
    """The user's assistants, read at construction and written whole by :meth:`save`.

    ``reserved_ids`` are the built-in assistants' ids: a stored assistant may not
    take one.
    """

    def __init__(self, paths: AppPaths, reserved_ids: Collection[str] = ()) -> None:
        self._paths = paths
        self._reserved = frozenset(reserved_ids)
        self._assistants: tuple[Assistant, ...] = ()
        self.load_warnings: list[str] = []
        """Plain-words explanations of anything that could not be loaded as stored."""
        self.reload()

    def __repr__(self) -> str:
        return f"AssistantStore({self.path!s}, {len(self._assistants)} assistants)"

    @property
    def path(self) -> Path:
        return self._paths.config_dir / ASSISTANTS_FILE

    @property
    def assistants(self) -> tuple[Assistant, ...]:
        """The user's assistants, in the user's order."""
        return self._assistants

    def reload(self) -> None:
        """(Re)read the file; :attr:`load_warnings` then describes this load only."""
        self.load_warnings = []
        self._assistants = tuple(self._load())

    def save(self, assistants: Sequence[Assistant]) -> None:
        """Replace the stored assistants with ``assistants`` (built-ins are left out).

        Raises :class:`OSError` when the file cannot be written (nothing changed then),
        :class:`ValueError` for an assistant that cannot be kept (see
        :func:`assistant_problem`) or an id used twice.
        """
        kept = [a for a in assistants if not a.built_in]
        self._check(kept)
        self._paths.ensure_config_dir()
        data = {"version": _FORMAT_VERSION, "assistants": [a.to_dict() for a in kept]}
        atomic_write_json(self.path, data)
        self._assistants = tuple(kept)

    def _check(self, assistants: Iterable[Assistant]) -> None:
        seen: set[str] = set()
        for assistant in assistants:
            problem = assistant_problem(assistant) or self._id_problem(assistant.id, seen)
            if problem:
                raise ValueError(
                    # TRANSLATORS: {name} is an assistant's name; {reason} says what is wrong.
                    _("“{name}” cannot be saved because {reason}.").format(
                        name=assistant.name, reason=problem
                    )
                )
            seen.add(assistant.id)

    def _id_problem(self, assistant_id: str, seen: Collection[str]) -> str | None:
        if assistant_id in self._reserved:
            # TRANSLATORS: follows "Assistant 1 was skipped because"; {id} is its id.
            return _("the id {id} belongs to a built-in assistant").format(id=repr(assistant_id))
        if assistant_id in seen:
            # TRANSLATORS: follows "Assistant 1 was skipped because"; {id} is its id.
            return _("another assistant already has the id {id}").format(id=repr(assistant_id))
        return None

    # -- loading -----------------------------------------------------------------

    def _load(self) -> list[Assistant]:
        path = self.path
        try:
            data = read_json(path)
        except JsonFileError:
            self._quarantine("damaged")
            return []
        except OSError as exc:
            self.load_warnings.append(
                _(_NOT_OPENED).format(path=path, reason=exc.strerror or str(exc))
            )
            return []
        if data is None:
            return []
        entries = data.get("assistants") if isinstance(data, Mapping) else data
        if not isinstance(entries, list):
            self._quarantine("layout")
            return []
        return self._parse(entries)

    def _parse(self, entries: list[Any]) -> list[Assistant]:
        assistants: list[Assistant] = []
        skipped: list[str] = []
        seen: set[str] = set()
        for number, entry in enumerate(entries, start=1):
            name = entry.get("name") if isinstance(entry, Mapping) else None
            try:
                assistant = Assistant.from_dict(entry)
                problem = self._id_problem(assistant.id, seen)
                if problem:
                    raise ValueError(problem)
            except ValueError as exc:
                skipped.append(_skipped(number, name, str(exc).rstrip(".。"), self.path.name))
                continue
            seen.add(assistant.id)
            assistants.append(assistant)
        if skipped:
            try:
                backup = " " + _("A copy of the file was kept as {name}.").format(
                    name=copy_aside(self.path, "invalid").name
                )
            except OSError:
                backup = ""
            self.load_warnings += [message + backup for message in skipped]
        return assistants

    def _quarantine(self, why: str) -> None:
        try:
            kept = " " + _("The unreadable file was kept as {name}.").format(
                name=move_aside(self.path).name
            )
        except OSError:
            kept = ""
        self.load_warnings.append(_(_UNREADABLE[why]).format(file=self.path.name) + kept)


def _skipped(number: int, name: object, reason: str, file: str) -> str:
    """The sentence for assistant ``number`` (named ``name``, if text) skipped because of
    ``reason`` in ``file``."""
    if isinstance(name, str) and name.strip():
        return _("Assistant {number} (“{name}”) was skipped because {reason} (in {file}).").format(
            number=number, name=name.strip()[:MAX_NAME_CHARS], reason=reason, file=file
        )
    return _("Assistant {number} was skipped because {reason} (in {file}).").format(
        number=number, reason=reason, file=file
    )
