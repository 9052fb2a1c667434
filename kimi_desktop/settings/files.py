"""Small JSON file helpers: atomic writes and moving unreadable files aside.

A write goes to a temporary file in the same directory, is flushed and fsynced,
then renamed over the target with :func:`os.replace`, so a crash or a full disk
leaves either the old file or the new one, never half of each.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

from kimi_desktop.i18n import _, ngettext

__all__ = [
    "JsonFileError",
    "atomic_write_bytes",
    "atomic_write_json",
    "copy_aside",
    "move_aside",
    "read_json",
]


#: No setting needs a longer whole number; one this long is damage, not a value.
MAX_INT_DIGITS = 100


class JsonFileError(Exception):
    """A file exists but does not hold readable JSON (broken, truncated, not UTF-8,
    nested deeper than the parser goes, or holding an absurdly long number)."""


def read_json(path: Path) -> Any:
    """The parsed content of ``path``, or ``None`` if the file does not exist.

    Raises :class:`JsonFileError` for content that is not valid UTF-8 JSON, or
    that only a hostile or broken writer makes (nesting deep enough to exhaust
    the parser's recursion, a number of more than :data:`MAX_INT_DIGITS`
    digits), and lets :class:`OSError` through for files that exist but cannot
    be read.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_int=_bounded_int)
    except RecursionError as exc:
        # TRANSLATORS: why a settings file cannot be read: its JSON is nested too deeply.
        raise JsonFileError(_("the content is nested too deeply")) from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, _bounded_int's refusal
        raise JsonFileError(str(exc)[:200]) from exc


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        # TRANSLATORS: why a settings file cannot be read: it holds an absurdly long number.
        digits = len(text)
        raise ValueError(
            ngettext("a number has {count} digit", "a number has {count} digits", digits).format(
                count=digits
            )
        )
    return int(text)


def atomic_write_json(path: Path, data: Any, *, mode: int = 0o600) -> None:
    """Write ``data`` as JSON to ``path`` atomically, the file getting ``mode``."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        payload = text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate read from a file ("\ud800") is no UTF-8; JSON's escapes
        # carry it, so the file still reads back as it was.
        payload = (json.dumps(data, indent=2, ensure_ascii=True) + "\n").encode("ascii")
    atomic_write_bytes(path, payload, mode=mode)


def atomic_write_bytes(path: Path, payload: bytes, *, mode: int = 0o600) -> None:
    """Write ``payload`` to ``path`` atomically, the file getting ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Random hex from os.urandom: uuid would bring platform in at start-up.
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    # The temporary file is created with its final mode, so the content is never
    # readable by others, not even for an instant. O_EXCL: never reuse a file
    # (or follow a link) someone else put there.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, mode)
    try:
        with os.fdopen(fd, "wb") as stream:
            if hasattr(os, "fchmod"):  # the umask may have removed bits from mode
                os.fchmod(stream.fileno(), mode)
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_directory(path.parent)


def move_aside(path: Path, label: str = "corrupt") -> Path:
    """Rename ``path`` to ``<name>.<label>-<timestamp>`` and return the new path."""
    target = _aside_name(path, label)
    os.replace(path, target)
    return target


def copy_aside(path: Path, label: str) -> Path:
    """Copy ``path`` to ``<name>.<label>-<timestamp>`` and return the copy's path."""
    target = _aside_name(path, label)
    atomic_write_bytes(target, path.read_bytes())
    return target


def _aside_name(path: Path, label: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
    return target


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; directories cannot be opened on
    # Windows, where NTFS journals the rename anyway.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
