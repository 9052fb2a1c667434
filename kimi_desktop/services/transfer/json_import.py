"""Reading an import file: the file, its JSON, its format and version, then every
conversation in it (:mod:`.json_fields`); all of it or nothing.

The whole file is parsed before anything is written, so a damaged part
anywhere refuses the file with nothing imported. That holds the parsed file in
memory (about three times its size at the peak), so files above
:data:`MAX_IMPORT_BYTES` are refused up front rather than exhausting memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from kimi_desktop.domain.export_format import PortableConversation
from kimi_desktop.i18n import _
from kimi_desktop.images.thumbnails import format_size
from kimi_desktop.services.transfer.errors import TransferFailed
from kimi_desktop.services.transfer.json_export import FORMAT, VERSION
from kimi_desktop.services.transfer.json_fields import decode_conversation
from kimi_desktop.services.transfer.places import Place, impossible_value, wrong_field

#: The largest file imported. An "Export all" of a long history with images is
#: tens of megabytes; this leaves a wide margin while keeping the parse's peak
#: memory (about three times the file) affordable on any machine that runs the app.
MAX_IMPORT_BYTES: Final = 512 * 1024 * 1024
#: No number the format holds has more digits than this; a longer one is damage
#: (and Python would spend quadratic time converting it).
MAX_NUMBER_DIGITS: Final = 20


def read_import_file(path: Path) -> list[PortableConversation]:
    """The conversations in the export at ``path``, checked; raises :class:`TransferFailed`
    with the sentence saying what is wrong (nothing has been written then)."""
    version, items = _conversation_items(_parsed(path), path.name)
    conversations: list[PortableConversation] = []
    for index in range(len(items)):
        conversations.append(decode_conversation(items[index], index + 1, linear=version == 1))
        items[index] = None  # let go of the parsed text (base64 mostly) as soon as it is read
    return conversations


def _parsed(path: Path) -> Any:
    name = path.name
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise TransferFailed(
            _("“{name}” could not be read: {reason}. Nothing was imported.").format(
                name=name, reason=exc.strerror or exc
            )
        ) from exc
    if len(raw) > MAX_IMPORT_BYTES:
        raise TransferFailed(
            _(
                "“{name}” is larger than {limit}, the most Kimi Desktop imports at once. "
                "Nothing was imported."
            ).format(name=name, limit=format_size(MAX_IMPORT_BYTES))
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_json(name, _("it is not UTF-8 text")) from exc
    del raw
    try:
        return json.loads(text, parse_int=_whole_number, parse_constant=_not_a_number)
    except json.JSONDecodeError as exc:
        # TRANSLATORS: why a file is not valid JSON: where the parser stopped.
        where = _("line {line}, column {column}").format(line=exc.lineno, column=exc.colno)
        raise _not_json(name, where) from exc
    except RecursionError as exc:
        raise _not_json(name, _("it is nested too deeply")) from exc
    except ValueError as exc:  # a number refused below
        raise _not_json(name, str(exc)) from exc


def _conversation_items(document: Any, name: str) -> tuple[int, list[Any]]:
    """The file's format version and its CONVERSATION objects."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferFailed(
            _(
                "“{name}” is not a Kimi Desktop export (use a JSON file made by "
                "“Export conversation…” or “Export all…”). Nothing was imported."
            ).format(name=name)
        )
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise impossible_value(Place(), "version")
    if version > VERSION:
        raise TransferFailed(
            _(
                "“{name}” was exported by a newer Kimi Desktop (format version {found}; this "
                "version reads version {known}). Update Kimi Desktop to import it. Nothing "
                "was imported."
            ).format(name=name, found=version, known=VERSION)
        )
    if ("conversation" in document) == ("conversations" in document):
        raise wrong_field(Place(), "conversations")
    if "conversation" in document:
        return version, [document["conversation"]]
    items = document["conversations"]
    if not isinstance(items, list):
        raise wrong_field(Place(), "conversations")
    return version, items


def _not_json(name: str, reason: str) -> TransferFailed:
    return TransferFailed(
        # TRANSLATORS: {reason} says where or why, e.g. "line 3, column 14".
        _(
            "“{name}” is not a Kimi Desktop export: it is not valid JSON ({reason}). Nothing "
            "was imported."
        ).format(name=name, reason=reason)
    )


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(_("a number is too long"))
    return int(text)


def _not_a_number(text: str) -> float:
    raise ValueError(_("“{value}” is not a number JSON allows").format(value=text))
