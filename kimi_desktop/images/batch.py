"""Limits on a message's images taken together: how many, and how many bytes."""

from __future__ import annotations

from collections.abc import Iterable

from kimi_desktop.images.errors import ImageRejected, RejectReason
from kimi_desktop.images.limits import MAX_IMAGES_PER_MESSAGE, MAX_REQUEST_IMAGE_BYTES
from kimi_desktop.images.thumbnails import format_size


def check_batch(existing_count: int, new_count: int) -> None:
    """Refuse adding ``new_count`` images to a draft that already has ``existing_count``.

    Call it before preparing dropped files, so nothing is decoded in vain.
    Raises :class:`ImageRejected` (``TOO_MANY_IMAGES``) when the message would
    carry more than :data:`~kimi_desktop.images.limits.MAX_IMAGES_PER_MESSAGE`.
    """
    if existing_count < 0 or new_count < 0:
        raise ValueError("image counts cannot be negative")
    if existing_count + new_count <= MAX_IMAGES_PER_MESSAGE:
        return
    room = MAX_IMAGES_PER_MESSAGE - existing_count
    limit = f"A message can carry up to {MAX_IMAGES_PER_MESSAGE} images"
    if room <= 0:
        message = f"{limit}, and this one already has {existing_count}."
    else:
        more = "1 more" if room == 1 else f"{room} more"
        message = f"{limit}; there is room for {more}."
    raise ImageRejected(message, RejectReason.TOO_MANY_IMAGES)


def check_budget(image_sizes: Iterable[int]) -> None:
    """Refuse a set of encoded images too large to send together.

    ``image_sizes`` are the byte lengths of every image the request will carry
    (``len(prepared.data)``), before base64. Raises :class:`ImageRejected`
    (``OVER_BUDGET``) above
    :data:`~kimi_desktop.images.limits.MAX_REQUEST_IMAGE_BYTES`.
    """
    sizes = list(image_sizes)
    total = sum(sizes)
    if total <= MAX_REQUEST_IMAGE_BYTES:
        return
    budget = format_size(MAX_REQUEST_IMAGE_BYTES)
    total_text = format_size(total)
    if total_text == budget:
        total_text = f"over {budget}"
    advice = "Remove one or attach smaller images." if len(sizes) > 1 else "Attach a smaller image."
    raise ImageRejected(
        f"Together the images come to {total_text}; one message can carry {budget} of images. "
        f"{advice}",
        RejectReason.OVER_BUDGET,
    )
