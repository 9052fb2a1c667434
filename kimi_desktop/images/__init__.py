"""Attached images: validate, orient, scale down and encode them for the model.

Runs off the GUI thread (``QImage`` only, no widgets, no ``QPixmap``). The
numbers that bound it live in :mod:`kimi_desktop.images.limits`.
"""

from kimi_desktop.images.batch import check_budget, image_room, too_many_images
from kimi_desktop.images.errors import ImageRejected, RejectReason
from kimi_desktop.images.formats import ImageFormat
from kimi_desktop.images.processing import (
    PreparedImage,
    check_source,
    prepare_image,
    prepare_image_async,
)
from kimi_desktop.images.thumbnails import format_size, make_thumbnail

__all__ = [
    "ImageFormat",
    "ImageRejected",
    "PreparedImage",
    "RejectReason",
    "check_budget",
    "check_source",
    "format_size",
    "image_room",
    "make_thumbnail",
    "prepare_image",
    "prepare_image_async",
    "too_many_images",
]
