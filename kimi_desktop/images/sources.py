"""Read an attachment's bytes from a path or take them as given, refusing early.

Files are checked by their metadata before a byte is read: folders, pipes and
devices, empty files and files over
:data:`~kimi_desktop.images.limits.MAX_FILE_BYTES` are refused from ``stat``
alone, so a huge drop never lands in memory.
"""

from __future__ import annotations

import os
import stat

from kimi_desktop.i18n import _
from kimi_desktop.images.errors import ImageRejected, RejectReason, about
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
            raise _folder(name)
        if not stat.S_ISREG(info.st_mode):  # a pipe or device would block or never end
            raise ImageRejected(
                about(
                    name,
                    _("“{name}” is not a file that can be attached."),
                    _("The image is not a file that can be attached."),
                ),
                RejectReason.NOT_A_FILE,
                name,
            )
        # Refuse oversized files from their size alone, before reading a byte.
        check_file_size(info.st_size, name)
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1 if head is None else head)
    except IsADirectoryError:
        raise _folder(name) from None
    except FileNotFoundError:
        raise ImageRejected(
            about(
                name,
                _("“{name}” cannot be found; it may have been moved or deleted."),
                _("The image cannot be found; it may have been moved or deleted."),
            ),
            RejectReason.NOT_FOUND,
            name,
        ) from None
    except PermissionError:
        raise ImageRejected(
            about(
                name,
                _("“{name}” cannot be read: permission denied."),
                _("The image cannot be read: permission denied."),
            ),
            RejectReason.UNREADABLE,
            name,
        ) from None
    except OSError as error:
        # The system's own words (in the system's language), else ours.
        reason = (error.strerror or _("the system reported an error")).lower()
        raise ImageRejected(
            about(
                name,
                # TRANSLATORS: {reason} is the system's explanation, like "input/output error".
                _("“{name}” cannot be read: {reason}."),
                # TRANSLATORS: {reason} is the system's explanation, like "input/output error".
                _("The image cannot be read: {reason}."),
                reason=reason,
            ),
            RejectReason.UNREADABLE,
            name,
        ) from None
    if head is None:
        check_file_size(len(data), name)  # the file may have changed since stat()
    elif not data:
        check_file_size(0, name)  # emptied since stat()
    return data, name


def check_file_size(size: int, name: str) -> None:
    """Refuse an empty file or one over the size limit."""
    if size == 0:
        raise ImageRejected(
            about(name, _("“{name}” is empty."), _("The image is empty.")), RejectReason.EMPTY, name
        )
    if size > MAX_FILE_BYTES:
        limit = format_size(MAX_FILE_BYTES)
        actual = format_size(size)
        if actual == limit:  # rounded to the limit: say "over", not "is 40 MB; up to 40 MB"
            message = about(
                name,
                _("“{name}” is over {limit}; images up to {limit} can be attached."),
                _("The image is over {limit}; images up to {limit} can be attached."),
                limit=limit,
            )
        else:
            message = about(
                name,
                _("“{name}” is {size}; images up to {limit} can be attached."),
                _("The image is {size}; images up to {limit} can be attached."),
                size=actual,
                limit=limit,
            )
        raise ImageRejected(message, RejectReason.FILE_TOO_LARGE, name)


def _folder(name: str) -> ImageRejected:
    return ImageRejected(
        about(
            name,
            _("“{name}” is a folder, not an image."),
            _("The image is a folder, not an image."),
        ),
        RejectReason.FOLDER,
        name,
    )
