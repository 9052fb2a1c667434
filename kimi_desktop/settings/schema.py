"""Every user preference, declared once.

Each field of :class:`Preferences` carries its title, description, section and,
for numbers, its range; choices come from the field's ``Literal`` type. Titles,
descriptions, sections and choice titles are English, marked with ``N_``: whoever
shows them translates them with ``_()``. The
settings dialog is generated from :data:`SETTINGS`, the same declarations read
back as :class:`SettingSpec` objects, so adding a preference is one field here.

Preferences are what the user chooses. Window geometry, the last endpoint used
and similar remembered state live elsewhere (see :mod:`.store`).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kimi_desktop.i18n import N_, _

Theme = Literal["system", "light", "dark"]
Language = Literal["system", "en", "zh_CN"]
SendShortcut = Literal["enter", "ctrl_enter"]
SettingKind = Literal["bool", "int", "choice"]

_META_KEY = "kimi_desktop.setting"


@dataclass(frozen=True, slots=True)
class _Meta:
    title: str
    description: str
    section: str
    choice_titles: Mapping[str, str] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None


def _meta(
    *,
    title: str,
    description: str,
    section: str,
    choice_titles: Mapping[str, str] | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> dict[str, _Meta]:
    return {
        _META_KEY: _Meta(title, description, section, dict(choice_titles or {}), minimum, maximum)
    }


@dataclass(frozen=True, slots=True)
class Preferences:
    """The user's preferences, always valid: construction checks every value.

    Build from untrusted data (a file) with :meth:`from_dict`, which never raises
    and explains every value it had to replace.
    """

    theme: Theme = field(
        default="system",
        metadata=_meta(
            title=N_("Theme"),
            description=N_("Light or dark colours, or follow the operating system."),
            section=N_("Appearance"),
            choice_titles={
                "system": N_("Same as the system"),
                "light": N_("Light"),
                "dark": N_("Dark"),
            },
        ),
    )
    font_size: int = field(
        default=11,
        metadata=_meta(
            title=N_("Font size"),
            description=N_("Size of the conversation text, in points."),
            section=N_("Appearance"),
            minimum=8,
            maximum=32,
        ),
    )
    language: Language = field(
        default="system",
        metadata=_meta(
            title=N_("Language"),
            description=N_("The language of the window; used from the next start."),
            section=N_("Appearance"),
            # Each language by the name it calls itself, so anyone can find their own.
            choice_titles={
                "system": N_("Same as the system"),
                "en": "English",
                "zh_CN": "简体中文",
            },
        ),
    )
    send_shortcut: SendShortcut = field(
        default="enter",
        metadata=_meta(
            title=N_("Send with"),
            description=N_("Which key sends a message; the other combination starts a new line."),
            section=N_("Chat"),
            choice_titles={
                "enter": N_("Enter (Shift+Enter for a new line)"),
                "ctrl_enter": N_("Ctrl+Enter (Enter for a new line)"),
            },
        ),
    )
    reasoning_expanded: bool = field(
        default=True,
        metadata=_meta(
            title=N_("Show reasoning while it streams"),
            description=N_(
                "Keep the model's reasoning panel open while it thinks. When off, the "
                "reasoning is collapsed and can be opened with a click."
            ),
            section=N_("Chat"),
        ),
    )
    generate_titles: bool = field(
        default=True,
        metadata=_meta(
            title=N_("Let the model title new conversations"),
            description=N_(
                "After the first answer, the same endpoint is asked for a short title: a "
                "small request with thinking off where the model allows it. A conversation "
                "you renamed keeps its name. When off, a conversation is named after the "
                "first words of its first message."
            ),
            section=N_("Chat"),
        ),
    )
    store_keys_in_file: bool = field(
        default=False,
        metadata=_meta(
            title=N_("Store API keys in a file when no keyring is available"),
            description=N_(
                "Only used when the system has no working keyring. Keys are then saved "
                "unencrypted in a file that only your user account can read; anyone with "
                "access to your account or your backups can read them. When off, a key "
                "is kept for the current session only."
            ),
            section=N_("Security"),
        ),
    )

    def __post_init__(self) -> None:
        for spec in SETTINGS:
            problem = spec.check(getattr(self, spec.name))
            if problem is not None:
                raise ValueError(problem)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> tuple[Preferences, list[str]]:
        """Preferences from stored data, plus a warning for every value replaced.

        Unknown names are ignored (a newer version may have written them); a
        value of the wrong type or outside its choices falls back to the default;
        a number outside its range is clamped.
        """
        values: dict[str, Any] = {}  # each value checked by its spec
        warnings: list[str] = []
        for spec in SETTINGS:
            if spec.name not in data:
                continue
            value, warning = spec.coerce(data[spec.name])
            values[spec.name] = value
            if warning is not None:
                warnings.append(warning)
        return cls(**values), warnings

    def to_dict(self) -> dict[str, object]:
        """Every preference by name, ready for JSON."""
        return {spec.name: getattr(self, spec.name) for spec in SETTINGS}

    def with_value(self, name: str, value: object) -> Preferences:
        """A copy with one preference changed; ``ValueError`` if it is not valid."""
        spec = setting(name)
        problem = spec.check(value)
        if problem is not None:
            raise ValueError(problem)
        changes: dict[str, Any] = {name: value}
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One preference as the settings dialog needs it.

    ``kind`` tells which editor to build: a check box (``"bool"``), a spin box
    within ``minimum``..``maximum`` (``"int"``) or a combo box over ``choices``,
    pairs of (stored value, title shown) (``"choice"``). ``title``,
    ``description``, ``section`` and the choice titles are the English source:
    translate them with ``_()`` where they are shown. The sentences of
    :meth:`check`, :meth:`coerce` and :meth:`describe` come translated.
    """

    name: str
    kind: SettingKind
    default: bool | int | str
    title: str
    description: str
    section: str
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: object) -> str | None:
        """Why ``value`` is not acceptable, in plain words, or ``None`` if it is."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                return self._problem(
                    _("“{title}” must be on or off, not {value}."), value=repr(value)
                )
        elif self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return self._problem(
                    _("“{title}” must be a whole number, not {value}."), value=repr(value)
                )
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                return self._problem(
                    _("“{title}” must be between {minimum} and {maximum}, not {value}."),
                    minimum=self.minimum,
                    maximum=self.maximum,
                    value=value,
                )
        elif value not in {choice for choice, _title in self.choices}:
            # Stored values, as they are written in the file.
            allowed = ", ".join(f"“{choice}”" for choice, _title in self.choices)
            return self._problem(
                # TRANSLATORS: {allowed} lists the values the file may hold: “system”, “light”.
                _("“{title}” must be one of {allowed}, not {value}."),
                allowed=allowed,
                value=repr(value),
            )
        return None

    def _problem(self, sentence: str, **values: object) -> str:
        """``sentence`` (translated) with this preference's translated title filled in."""
        return sentence.format(title=_(self.title), **values)

    def coerce(self, value: object) -> tuple[object, str | None]:
        """``value`` if valid, else a usable replacement and a warning saying why."""
        problem = self.check(value)
        if problem is None:
            return value, None
        if (
            self.kind == "int"
            and isinstance(value, int)
            and not isinstance(value, bool)
            and self.minimum is not None
            and self.maximum is not None
        ):
            clamped = min(max(value, self.minimum), self.maximum)
            # TRANSLATORS: {problem} says why a stored preference was not usable.
            return clamped, _("{problem} Using {value} instead.").format(
                problem=problem, value=clamped
            )
        # TRANSLATORS: {problem} says why a stored preference was not usable.
        return self.default, _("{problem} Using the default ({value}) instead.").format(
            problem=problem, value=self.describe(self.default)
        )

    def describe(self, value: object) -> str:
        """``value`` as the dialog shows it: "on"/"off", a choice's title, a number."""
        if isinstance(value, bool):
            # TRANSLATORS: the value of a preference that is a check box.
            return _("on") if value else _("off")
        for choice, title in self.choices:
            if choice == value:
                return _(title)
        return str(value)


def _build_specs() -> tuple[SettingSpec, ...]:
    hints = typing.get_type_hints(Preferences)
    specs: list[SettingSpec] = []
    for declared in dataclasses.fields(Preferences):
        meta = declared.metadata[_META_KEY]
        assert isinstance(meta, _Meta)
        hint = hints[declared.name]
        kind: SettingKind
        choices: tuple[tuple[str, str], ...] = ()
        if hint is bool:
            kind = "bool"
        elif hint is int:
            kind = "int"
        elif typing.get_origin(hint) is Literal:
            kind = "choice"
            values = typing.get_args(hint)
            choices = tuple((value, meta.choice_titles.get(value, value)) for value in values)
        else:  # pragma: no cover - a declaration error, caught at import
            raise TypeError(f"unsupported preference type for {declared.name}: {hint!r}")
        specs.append(
            SettingSpec(
                name=declared.name,
                kind=kind,
                default=declared.default,  # type: ignore[arg-type]
                title=meta.title,
                description=meta.description,
                section=meta.section,
                choices=choices,
                minimum=meta.minimum,
                maximum=meta.maximum,
            )
        )
    return tuple(specs)


SETTINGS: tuple[SettingSpec, ...] = _build_specs()
"""Every preference in declaration order (the order the dialog shows them)."""

_BY_NAME = {spec.name: spec for spec in SETTINGS}


def setting(name: str) -> SettingSpec:
    """The declaration of preference ``name``; ``KeyError`` if there is none."""
    return _BY_NAME[name]
