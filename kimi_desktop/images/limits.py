"""Every number that bounds an attached image, each with the reason behind it.

Sizes are in bytes and use binary multiples (1 KB = 1024 bytes), the same units
:func:`kimi_desktop.images.thumbnails.format_size` shows to people, so a limit
reads back as a round number in a message ("images up to 40 MB can be attached").
"""

from __future__ import annotations

from typing import Final

from kimi_desktop.i18n import N_

KB: Final = 1024
MB: Final = 1024 * KB

ACCEPTED_MIME_TYPES: Final = ("image/png", "image/jpeg", "image/webp", "image/gif")
"""What Kimi accepts in an ``image_url`` data URL. Anything else is refused rather
than converted: a format the model cannot read should not be silently rewritten."""

ACCEPTED_NAMES: Final = N_("png, jpeg, webp or gif")
"""The accepted formats as a person reads them in a message (English: ``_()`` it)."""

MAX_FILE_BYTES: Final = 40 * MB
"""Largest file read at all. The whole file is held in memory while it is decoded;
a 6K screenshot saved as PNG or a 50-megapixel camera JPEG stays well below this,
and anything bigger is almost certainly not meant for a chat. Checked against the
file size before the file is read."""

MAX_PIXELS: Final = 64_000_000
"""Largest image, in pixels, that is decoded (a guard against decompression bombs:
a tiny file whose header claims a gigantic image). At four bytes a pixel the
decoded frame is at most 256 MB, which is also what Qt's default image allocation
limit allows; it covers 8K screens (33 MP) and 48-megapixel phone cameras."""

MAX_LONG_SIDE: Final = 2048
"""Longest side, in pixels, of an image sent to the model.

The vision encoder resizes to its own working resolution anyway (Moonshot bills a
flat token count per image), so extra pixels cost upload time and bytes without
adding detail. 2048 keeps UI screenshots legible: a 4K screen at 200 % scaling
becomes 2048 x 1152 with body text still about 14 px tall, and 1080p and most
laptop screenshots pass untouched."""

MAX_IMAGE_BYTES: Final = 1 * MB
"""Largest encoded image sent (before base64, which adds a third). A 2048-pixel UI
screenshot as PNG is typically 200 to 600 KB; photos are re-encoded as JPEG to fit."""

MAX_IMAGES_PER_MESSAGE: Final = 8
"""More images than this in one message rarely helps the model and makes the
request slow to upload; it also keeps the attachment strip readable."""

MAX_REQUEST_BODY_BYTES: Final = 4 * MB
"""The request size providers accept; requests must stay well under it."""

MAX_REQUEST_IMAGE_BYTES: Final = 2 * MB
"""Images allowed in one request, encoded, before base64. Base64 makes that about
2.7 MB on the wire, which leaves over 1.3 MB of the 4 MB request for the
conversation text and JSON framing."""

MIN_SHRINK_SIDE: Final = 256
"""Smallest long side tried when an image must shrink further to fit
:data:`MAX_IMAGE_BYTES`; below this a screenshot is no longer worth sending."""

PNG_QUALITY: Final = 60
"""Qt turns PNG "quality" q into zlib level (100 - q) * 9 // 91, so 60 is level 3
(90 and above store uncompressed). On a 2048-pixel UI screenshot level 3 is within
0.5 % of the smallest output (level 9) at a quarter of its time (52 vs 206 ms)."""

JPEG_QUALITIES: Final = (90, 80, 70, 60, 50)
"""JPEG qualities tried in turn until an image fits; 90 keeps text edges clean."""


def base64_size(n_bytes: int) -> int:
    """Length of ``n_bytes`` of data once base64-encoded (with padding)."""
    return 4 * ((n_bytes + 2) // 3)
