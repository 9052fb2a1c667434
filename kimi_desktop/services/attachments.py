"""``DraftImages``: the images of the prompt being written, checked and prepared off the GUI thread.

Every source (a dropped file, a pasted image, the file dialog, a second launch)
ends in :meth:`DraftImages.add_sources`, which first refuses what cannot be an
image, then prepares as many of the rest as the message has room for (nothing
is decoded in vain), each image and its thumbnail in a worker thread, and
reports every refusal as a sentence naming the file — the draft text and the
other images always stay. The composer's strip only draws what this holds.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kimi_desktop.domain import NewAttachment
from kimi_desktop.i18n import _, ngettext
from kimi_desktop.images import ImageRejected, check_budget, image_room, too_many_images
from kimi_desktop.services.workers import in_worker

if TYPE_CHECKING:  # the image processing loads with the first image (see _check_all)
    from kimi_desktop.images import PreparedImage

#: A file path, or the bytes of a pasted image.
Source = str | bytes


@dataclass(frozen=True, slots=True, eq=False)
class DraftImage:
    """One image of the draft with its thumbnail (compared by identity)."""

    image: PreparedImage
    thumbnail: QImage


class DraftImages(QObject):
    """The draft's images, in the order they were attached.

    Signals:
        changed(): images were added or removed.
        rejected(str sentence): a source could not be attached, and why.
        busy_changed(bool): sources are being checked or prepared (Send waits).
    """

    changed = Signal()
    rejected = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._attached: list[DraftImage] = []
        self._pending = 0  # sources being checked or prepared (busy while > 0)
        self._reserved = 0  # places kept for the images being prepared

    # -- state -------------------------------------------------------------------

    def entries(self) -> list[DraftImage]:
        return list(self._attached)

    def images(self) -> list[PreparedImage]:
        return [a.image for a in self._attached]

    def is_busy(self) -> bool:
        return self._pending > 0

    def attachments(self) -> tuple[NewAttachment, ...]:
        """The images as a message carries them."""
        return tuple(
            NewAttachment(i.mime, i.data, i.width, i.height, i.name) for i in self.images()
        )

    def clear(self) -> None:
        self._attached.clear()
        self.changed.emit()

    def remove(self, entry: DraftImage | int) -> None:
        """Remove an image (the entry, or its index)."""
        if isinstance(entry, int):
            if not 0 <= entry < len(self._attached):
                return
            entry = self._attached[entry]
        if entry in self._attached:
            self._attached.remove(entry)
            self.changed.emit()

    # -- adding ------------------------------------------------------------------

    def add_sources(self, sources: Sequence[Source], *, thumb_side: int) -> asyncio.Task[list[str]]:
        """Start attaching images; the task returns the sentences of those refused.

        What cannot be an image (a folder, an empty file, a text file, a BMP)
        is refused first and takes no place among the images a message can
        carry; the images then fill the places left, in order, and the ones
        beyond are named in one sentence.

        Busy from this call on, not from the task's first step, so a Send
        pressed right after a paste waits for the image instead of leaving it
        behind.
        """
        sources = list(sources)
        task = asyncio.ensure_future(self._add(sources, thumb_side))
        if sources:
            self._set_pending(self._pending + len(sources))
            task.add_done_callback(lambda _task: self._set_pending(self._pending - len(sources)))
        return task

    async def _add(self, sources: list[Source], thumb_side: int) -> list[str]:
        if not sources:
            return []
        # Each source's sentence, kept in the order the files came in.
        sentences: dict[int, str] = {}
        checks = await in_worker(functools.partial(_check_all, sources))
        for index, refusal in enumerate(checks):
            if refusal is not None:
                sentences[index] = refusal
        queue = [i for i, refusal in enumerate(checks) if refusal is None]
        # Places taken by a damaged file or a duplicate go to the next images.
        while queue:
            room = image_room(len(self._attached) + self._reserved)
            if room == 0:
                break
            batch, queue = queue[:room], queue[room:]
            self._reserved += len(batch)
            try:
                results = await asyncio.gather(
                    *(_prepare(sources[i], thumb_side) for i in batch), return_exceptions=True
                )
            finally:
                self._reserved -= len(batch)
            for index, result in zip(batch, results, strict=True):
                refusal = self._attach(sources[index], result)
                if refusal is not None:
                    sentences[index] = refusal
            self.changed.emit()
        refusals = [sentences[i] for i in sorted(sentences)]
        if queue:
            left_out = [sources[i] for i in queue]
            full = too_many_images(len(self._attached) + self._reserved)
            refusals.append(f"{_not_attached(left_out)} {full}")  # which ones, then why
        for sentence in refusals:
            self.rejected.emit(sentence)
        return refusals

    def _attach(self, source: Source, result: DraftImage | BaseException) -> str | None:
        """Add a prepared image to the draft, or say why it was not added."""
        if isinstance(result, ImageRejected):
            return str(result)
        name = _name_of(source)
        if isinstance(result, BaseException):
            error = type(result).__name__
            if name:
                return _("“{name}” could not be attached ({error}).").format(name=name, error=error)
            return _("The pasted image could not be attached ({error}).").format(error=error)
        if any(a.image.sha256 == result.image.sha256 for a in self._attached):
            if name:
                return _("“{name}” is already attached.").format(name=name)
            return _("The pasted image is already attached.")
        try:
            check_budget([*(len(i.data) for i in self.images()), len(result.image.data)])
        except ImageRejected as exc:
            return f"{_not_attached([source])} {exc}"
        self._attached.append(result)
        return None

    def _set_pending(self, pending: int) -> None:
        was_busy = self._pending > 0
        self._pending = pending
        if was_busy != (pending > 0):
            self.busy_changed.emit(pending > 0)


def _check_all(sources: Sequence[Source]) -> list[str | None]:
    """For each source, why it cannot be an image, or ``None`` (blocking: a small read each)."""
    from kimi_desktop.images import check_source  # loads the image processing, once

    refusals: list[str | None] = []
    for source in sources:
        try:
            check_source(source, name=_name_of(source))
        except ImageRejected as exc:
            refusals.append(str(exc))
        else:
            refusals.append(None)
    return refusals


async def _prepare(source: Source, thumb_side: int) -> DraftImage:
    """The prepared image and its thumbnail, both made in worker threads."""
    from kimi_desktop.images import make_thumbnail, prepare_image

    image = await in_worker(functools.partial(prepare_image, source, name=_name_of(source)))
    thumbnail = await in_worker(functools.partial(make_thumbnail, image.data, thumb_side))
    return DraftImage(image, thumbnail)


def _name_of(source: Source) -> str | None:
    return Path(source).name if isinstance(source, str) else None


def _not_attached(sources: Sequence[Source]) -> str:
    """ "“a.png” was not attached." — opens the sentence of a refusal about several images.

    Names up to three, then counts the rest: "“a.png”, “b.png”, “c.png” and 2
    more were not attached."
    """
    names = [_name_of(s) for s in sources]
    if len(sources) == 1:
        if names[0]:
            return _("“{name}” was not attached.").format(name=names[0])
        return _("The pasted image was not attached.")
    if not all(names):
        return ngettext(
            "This {n} image was not attached.", "These {n} images were not attached.", len(sources)
        ).format(n=len(sources))
    if len(names) == 2:
        return _("“{first}” and “{second}” were not attached.").format(
            first=names[0], second=names[1]
        )
    if len(names) == 3:
        return _("“{first}”, “{second}” and “{third}” were not attached.").format(
            first=names[0], second=names[1], third=names[2]
        )
    more = len(names) - 3
    return ngettext(
        "“{first}”, “{second}”, “{third}” and {n} more were not attached.",
        "“{first}”, “{second}”, “{third}” and {n} more were not attached.",
        more,
    ).format(first=names[0], second=names[1], third=names[2], n=more)
