"""Attached images: validate, orient, scale down and encode them for the model.

Runs off the GUI thread (``QImage`` only, no widgets, no ``QPixmap``). The
numbers that bound it live in :mod:`kimi_desktop.images.limits`.

The names below load their module on first use: the window needs a format's
sniffing at start, but the processing behind an attached image (encoders,
orientation, thumbnails) only once one is attached.
"""

from typing import TYPE_CHECKING

from kimi_desktop.lazy_exports import lazy_exports

if TYPE_CHECKING:
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

#: Each public name and the module of this package that defines it.
_HOMES = {
    "ImageFormat": "formats",
    "ImageRejected": "errors",
    "PreparedImage": "processing",
    "RejectReason": "errors",
    "check_budget": "batch",
    "check_source": "processing",
    "format_size": "thumbnails",
    "image_room": "batch",
    "make_thumbnail": "thumbnails",
    "prepare_image": "processing",
    "prepare_image_async": "processing",
    "too_many_images": "batch",
}

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


if not TYPE_CHECKING:  # hidden from mypy, which then still flags an unknown name
    __getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
