"""Limits on a message's images taken together: how many, and how many bytes."""

from __future__ import annotations

from collections.abc import Iterable

from kimi_desktop.images.errors import ImageRejected, RejectReason
from kimi_desktop.images.limits import MAX_IMAGES_PER_MESSAGE, MAX_REQUEST_IMAGE_BYTES
from kimi_desktop.images.thumbnails import format_size


def image_room(existing_count: int) -> int:
    """How many more images a draft that has ``existing_count`` can take."""
    if existing_count < 0:
        raise ValueError("image counts cannot be negative")
    return max(0, MAX_IMAGES_PER_MESSAGE - existing_count)


def too_many_images(existing_count: int) -> ImageRejected:
    """Why images were left out of a draft that has ``existing_count`` (``TOO_MANY_IMAGES``).

    The sentence follows the one naming the images left out: "A message can
    carry up to 8 images, and this one already has 8."
    """
    return ImageRejected(
        f"A message can carry up to {MAX_IMAGES_PER_MESSAGE} images, "
        f"and this one already has {existing_count}.",
        RejectReason.TOO_MANY_IMAGES,
    )


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
