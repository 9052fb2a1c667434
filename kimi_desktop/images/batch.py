"""Limits on a message's images taken together: how many, and how many bytes."""

from __future__ import annotations

from collections.abc import Iterable

from kimi_desktop.i18n import _, ngettext
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
        ngettext(
            "A message can carry up to {limit} image, and this one already has {count}.",
            "A message can carry up to {limit} images, and this one already has {count}.",
            MAX_IMAGES_PER_MESSAGE,
        ).format(limit=MAX_IMAGES_PER_MESSAGE, count=existing_count),
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
    several = len(sizes) > 1
    if total_text == budget:  # rounded to the budget: say "over", not "come to 2 MB"
        message = (
            _(
                "Together the images come to over {budget}; one message can carry {budget} "
                "of images. Remove one or attach smaller images."
            )
            if several
            else _(
                "Together the images come to over {budget}; one message can carry {budget} "
                "of images. Attach a smaller image."
            )
        )
    else:
        message = (
            _(
                "Together the images come to {total}; one message can carry {budget} "
                "of images. Remove one or attach smaller images."
            )
            if several
            else _(
                "Together the images come to {total}; one message can carry {budget} "
                "of images. Attach a smaller image."
            )
        )
    raise ImageRejected(message.format(total=total_text, budget=budget), RejectReason.OVER_BUDGET)
