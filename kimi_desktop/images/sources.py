"""Read an attachment's bytes from a path or take them as given, refusing early.

Files are checked by their metadata before a byte is read: folders, pipes and
devices, empty files and files over
:data:`~kimi_desktop.images.limits.MAX_FILE_BYTES` are refused from ``stat``
alone, so a huge drop never lands in memory.
"""

from __future__ import annotations

import os
import stat

from kimi_desktop.images.errors import ImageRejected, RejectReason, subject
from kimi_desktop.images.limits import MAX_FILE_BYTES
from kimi_desktop.images.thumbnails import format_size

Source = bytes | os.PathLike[str] | str
"""Image file contents, or the path of an image file."""


def read_source(source: Source, name: str | None, *, head: int | None = None) -> tuple[bytes, str]:
    """The bytes of ``source`` and the name to speak of it by.

    ``name`` defaults to the path's base name, or "" for bytes. With ``head``,
    only that many first bytes are read (the size checks still apply to the
    whole file). Raises :class:`ImageRejected` for anything that cannot be read
    as a file.
    """
    if isinstance(source, bytes):
        name = name or ""
        check_file_size(len(source), name)
        return source[:head], name
    path = os.fspath(source)
    name = name or os.path.basename(path.rstrip("/" + os.sep)) or path
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ImageRejected(
                f"{subject(name)} is a folder, not an image.", RejectReason.FOLDER, name
            )
        if not stat.S_ISREG(info.st_mode):  # a pipe or device would block or never end
            raise ImageRejected(
                f"{subject(name)} is not a file that can be attached.",
                RejectReason.NOT_A_FILE,
                name,
            )
        # Refuse oversized files from their size alone, before reading a byte.
        check_file_size(info.st_size, name)
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1 if head is None else head)
    except IsADirectoryError:
        raise ImageRejected(
            f"{subject(name)} is a folder, not an image.", RejectReason.FOLDER, name
        ) from None
    except FileNotFoundError:
        raise ImageRejected(
            f"{subject(name)} cannot be found; it may have been moved or deleted.",
            RejectReason.NOT_FOUND,
            name,
        ) from None
    except PermissionError:
        raise ImageRejected(
            f"{subject(name)} cannot be read: permission denied.", RejectReason.UNREADABLE, name
        ) from None
    except OSError as error:
        reason = (error.strerror or "the system reported an error").lower()
        raise ImageRejected(
            f"{subject(name)} cannot be read: {reason}.", RejectReason.UNREADABLE, name
        ) from None
    if head is None:
        check_file_size(len(data), name)  # the file may have changed since stat()
    elif not data:
        check_file_size(0, name)  # emptied since stat()
    return data, name


def check_file_size(size: int, name: str) -> None:
    """Refuse an empty file or one over the size limit."""
    if size == 0:
        raise ImageRejected(f"{subject(name)} is empty.", RejectReason.EMPTY, name)
    if size > MAX_FILE_BYTES:
        limit = format_size(MAX_FILE_BYTES)
        actual = format_size(size)
        if actual == limit:
            actual = f"over {limit}"
        raise ImageRejected(
            f"{subject(name)} is {actual}; images up to {limit} can be attached.",
            RejectReason.FILE_TOO_LARGE,
            name,
        )
