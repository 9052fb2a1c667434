"""Turn a dropped or pasted image into bytes ready to send to the model.

:func:`prepare_image` validates (format from content, size, integrity, decoded
size), applies EXIF orientation, scales down to
:data:`~kimi_desktop.images.limits.MAX_LONG_SIDE` and encodes to fit
:data:`~kimi_desktop.images.limits.MAX_IMAGE_BYTES`:

- an image that already fits and needs no rotation, scaling or conversion is
  sent as the original file without its metadata (EXIF, XMP, text chunks,
  comments; see :mod:`~kimi_desktop.images.metadata`): the same compressed
  pixels, so no second round of JPEG loss;
- anything else is decoded (an animation to its first frame, as providers take
  only still images; 16-bit and CMYK pixels to 8-bit RGB; colour profiles to
  sRGB) and re-encoded without the metadata. Lossless sources (PNG, GIF,
  lossless WebP) and images with transparency are tried as PNG first, so UI
  text stays crisp; then JPEG at falling quality (transparency composited on
  white), and finally smaller sizes, until the image fits.

A re-encode only ever produces PNG or JPEG: every OpenAI-compatible server
reads them, while some local ones cannot decode WebP and Qt cannot write GIF.

Everything here uses ``QImage`` and plain Qt I/O classes, never ``QPixmap`` or
widgets, and keeps no shared state, so it runs on any thread;
:func:`prepare_image_async` does the work in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from dataclasses import dataclass, field

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from kimi_desktop.domain import Attachment, ImageData
from kimi_desktop.i18n import _, ngettext
from kimi_desktop.images.encoding import (
    eight_bit_rgb,
    encode,
    estimate_png_size,
    on_white,
    sendable_as_is,
    to_srgb,
)
from kimi_desktop.images.errors import ImageRejected, RejectReason, about
from kimi_desktop.images.formats import (
    ImageFormat,
    describe_other,
    is_complete,
    is_lossless,
    sniff,
)
from kimi_desktop.images.limits import (
    ACCEPTED_NAMES,
    JPEG_QUALITIES,
    MAX_IMAGE_BYTES,
    MAX_LONG_SIDE,
    MAX_PIXELS,
    MIN_SHRINK_SIDE,
    PNG_QUALITY,
)
from kimi_desktop.images.metadata import strip_metadata
from kimi_desktop.images.sources import Source, read_source
from kimi_desktop.images.thumbnails import fit_within, format_size


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """An image validated and encoded for sending.

    ``width``/``height`` describe ``data``; ``original_width``/``original_height``
    the source as a person sees it (after EXIF orientation) and
    ``original_bytes`` its file size. ``sha256`` is the hex digest of ``data``,
    the key attachments are stored under.
    """

    mime: str
    data: bytes = field(repr=False)
    width: int
    height: int
    original_width: int
    original_height: int
    original_bytes: int
    name: str
    sha256: str

    @property
    def image_data(self) -> ImageData:
        """The image as the API layer sends it."""
        return ImageData(mime=self.mime, data=self.data)

    @property
    def attachment(self) -> Attachment:
        """The image as it is stored with a message."""
        return Attachment(
            sha256=self.sha256,
            mime=self.mime,
            width=self.width,
            height=self.height,
            size=len(self.data),
            name=self.name,
        )

    @property
    def resized(self) -> bool:
        """Whether the image was scaled down (or shrunk further to fit)."""
        return (self.width, self.height) != (self.original_width, self.original_height)


def prepare_image(
    source: Source,
    *,
    name: str | None = None,
    max_side: int = MAX_LONG_SIDE,
    max_bytes: int = MAX_IMAGE_BYTES,
) -> PreparedImage:
    """Validate and encode ``source`` (file contents, or a path) for sending.

    ``name`` is the file name used in messages and stored with the attachment;
    by default the path's base name, or none for bytes. Raises
    :class:`ImageRejected` with a sentence to show when the image cannot be
    attached. Blocking (tens to a few hundred milliseconds): call it off the GUI
    thread, e.g. through :func:`prepare_image_async`.
    """
    data, name = read_source(source, name)
    image_format = _accepted_format(data, name)
    if not is_complete(image_format, data):
        raise _damaged(name)
    return _Preparation(data, image_format, name, max_side, max_bytes).run()


def check_source(source: Source, *, name: str | None = None) -> None:
    """Refuse, cheaply, a ``source`` that cannot be an image to attach.

    From the file's metadata and first bytes alone (no decoding), with the
    sentences :func:`prepare_image` would give: a folder, an empty, missing,
    unreadable or oversized file, something that is not an image, or an image
    in a format that is not accepted. A source that passes may still be refused
    by :func:`prepare_image` (damaged, too many pixels). Blocking (one small
    read): call it off the GUI thread.
    """
    head, name = read_source(source, name, head=_SNIFF_BYTES)
    _accepted_format(head, name)


_SNIFF_BYTES = 32  # enough for every signature in kimi_desktop.images.formats


def _accepted_format(data: bytes, name: str) -> ImageFormat:
    image_format = sniff(data)
    if image_format is not None:
        return image_format
    accepted = _(ACCEPTED_NAMES)
    other = describe_other(data)
    if other is None:
        message = about(
            name,
            # TRANSLATORS: {accepted} lists the formats: "png, jpeg, webp or gif".
            _("“{name}” is not an image ({accepted})."),
            # TRANSLATORS: {accepted} lists the formats: "png, jpeg, webp or gif".
            _("The data is not an image ({accepted})."),
            accepted=accepted,
        )
        raise ImageRejected(message, RejectReason.NOT_AN_IMAGE, name)
    message = about(
        name,
        # TRANSLATORS: {kind} is like "a HEIC photo"; {accepted}: "png, jpeg, webp or gif".
        _("“{name}” is {kind}; only {accepted} images can be attached."),
        # TRANSLATORS: {kind} is like "a HEIC photo"; {accepted}: "png, jpeg, webp or gif".
        _("The image is {kind}; only {accepted} images can be attached."),
        kind=_(other),
        accepted=accepted,
    )
    raise ImageRejected(message, RejectReason.UNSUPPORTED_FORMAT, name)


async def prepare_image_async(
    source: Source,
    *,
    name: str | None = None,
    max_side: int = MAX_LONG_SIDE,
    max_bytes: int = MAX_IMAGE_BYTES,
) -> PreparedImage:
    """:func:`prepare_image` in a worker thread, so the event loop keeps running."""
    return await asyncio.to_thread(
        prepare_image, source, name=name, max_side=max_side, max_bytes=max_bytes
    )


def _damaged(name: str) -> ImageRejected:
    return ImageRejected(
        about(
            name,
            _("“{name}” is damaged and cannot be read."),
            _("The image is damaged and cannot be read."),
        ),
        RejectReason.DAMAGED,
        name,
    )


def _too_many_pixels(name: str, size: QSize, max_pixels: int) -> ImageRejected:
    megapixels = max_pixels // 1_000_000
    message = about(
        name,
        ngettext(
            "“{name}” is {width} × {height} pixels; images up to {megapixels} megapixel "
            "can be attached.",
            "“{name}” is {width} × {height} pixels; images up to {megapixels} megapixels "
            "can be attached.",
            megapixels,
        ),
        ngettext(
            "The image is {width} × {height} pixels; images up to {megapixels} megapixel "
            "can be attached.",
            "The image is {width} × {height} pixels; images up to {megapixels} megapixels "
            "can be attached.",
            megapixels,
        ),
        width=size.width(),
        height=size.height(),
        megapixels=megapixels,
    )
    return ImageRejected(message, RejectReason.TOO_MANY_PIXELS, name)


class _Preparation:
    """One image on its way from validated bytes to a :class:`PreparedImage`."""

    def __init__(
        self, data: bytes, image_format: ImageFormat, name: str, max_side: int, max_bytes: int
    ) -> None:
        self.data = data
        self.format = image_format
        self.name = name
        self.max_side = max_side
        self.max_bytes = max_bytes
        self._array = QByteArray(data)  # the reader's device must outlive it
        self._buffer = QBuffer(self._array)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.reader = QImageReader(self._buffer, image_format.qt_name)
        self.reader.setAutoTransform(True)

    def run(self) -> PreparedImage:
        try:
            return self._run()
        finally:
            self._buffer.close()

    def _run(self) -> PreparedImage:
        stored = self.reader.size()  # from the header, before decoding anything
        if not stored.isValid() or stored.isEmpty():
            raise _damaged(self.name)
        if stored.width() * stored.height() > MAX_PIXELS:
            raise _too_many_pixels(self.name, stored, MAX_PIXELS)
        transformation = self.reader.transformation()
        rotated = bool(transformation & QImageIOHandler.Transformation.TransformationRotate90)
        oriented = stored.transposed() if rotated else stored
        target = fit_within(oriented, self.max_side)
        unchanged = (
            transformation == QImageIOHandler.Transformation.TransformationNone
            and target == oriented
        )

        decoded_size = stored
        if self.format is ImageFormat.JPEG and target != oriented:
            # libjpeg can decode straight to a fraction of the size: faster, and
            # far less memory for large photos.
            decoded_size = target.transposed() if rotated else target
            self.reader.setScaledSize(decoded_size)
        self._check_allocation(decoded_size)

        image = self.reader.read()  # the first frame of an animation
        if image.isNull():
            raise _damaged(self.name)
        if unchanged and len(self.data) <= self.max_bytes and sendable_as_is(image):
            # Dropping the metadata is all there is to do: a hundredth of a
            # millisecond, where a re-encode takes tens and makes a PNG larger.
            stripped = strip_metadata(self.format, self.data)
            if stripped is not None:
                return self._prepared(self.format, stripped, oriented, oriented)

        image = to_srgb(eight_bit_rgb(image))
        if image.size() != target:
            image = image.scaled(
                target,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        image_format, encoded, size = self._encode_to_fit(image)
        return self._prepared(image_format, encoded, size, oriented)

    def _check_allocation(self, size: QSize) -> None:
        # Qt refuses (and logs) decodes above its allocation limit; 16-bit PNGs
        # take 8 bytes a pixel, so they reach it at fewer pixels than MAX_PIXELS.
        limit_mb = QImageReader.allocationLimit()
        if limit_mb <= 0:
            return
        pixel_format = self.reader.imageFormat()
        bits = 32
        if pixel_format != QImage.Format.Format_Invalid:
            bits = max(bits, QImage.toPixelFormat(pixel_format).bitsPerPixel())
        max_pixels = limit_mb * 1024 * 1024 * 8 // bits
        if size.width() * size.height() > max_pixels:
            raise _too_many_pixels(self.name, self.reader.size(), min(max_pixels, MAX_PIXELS))

    def _encode_to_fit(self, image: QImage) -> tuple[ImageFormat, bytes, QSize]:
        lossless = is_lossless(self.format, self.data) or image.hasAlphaChannel()
        if lossless and estimate_png_size(image) <= 2 * self.max_bytes:
            png = encode(image, b"png", PNG_QUALITY)
            if len(png) <= self.max_bytes:
                return ImageFormat.PNG, png, image.size()
        opaque = on_white(image)
        while True:
            for quality in JPEG_QUALITIES:
                jpeg = encode(opaque, b"jpeg", quality)
                if len(jpeg) <= self.max_bytes:
                    return ImageFormat.JPEG, jpeg, opaque.size()
            longest = max(opaque.width(), opaque.height())
            if longest <= MIN_SHRINK_SIDE:
                raise ImageRejected(
                    about(
                        self.name,
                        _("“{name}” cannot be made small enough to send ({size} at most)."),
                        _("The image cannot be made small enough to send ({size} at most)."),
                        size=format_size(self.max_bytes),
                    ),
                    RejectReason.CANNOT_SHRINK,
                    self.name,
                )
            # Bytes grow with area: aim the next size at the budget, shrinking
            # at least a little and at most by half per round.
            factor = min(0.9, max(0.5, math.sqrt(self.max_bytes / len(jpeg))))
            side = max(MIN_SHRINK_SIDE, int(longest * factor))
            opaque = opaque.scaled(
                fit_within(opaque.size(), side),
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )

    def _prepared(
        self, image_format: ImageFormat, data: bytes, size: QSize, original: QSize
    ) -> PreparedImage:
        return PreparedImage(
            mime=image_format.mime,
            data=data,
            width=size.width(),
            height=size.height(),
            original_width=original.width(),
            original_height=original.height(),
            original_bytes=len(self.data),
            name=self.name,
            sha256=hashlib.sha256(data).hexdigest(),
        )
