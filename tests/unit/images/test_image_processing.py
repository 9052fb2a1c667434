"""prepare_image: from untrusted bytes or paths to images ready to send."""

from __future__ import annotations

import asyncio
import hashlib
import struct
import threading
import zlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from kimi_desktop.domain import Attachment, ImageData
from kimi_desktop.images import (
    ImageRejected,
    PreparedImage,
    RejectReason,
    prepare_image,
    prepare_image_async,
    processing,
)
from kimi_desktop.images.limits import MAX_IMAGE_BYTES, MAX_LONG_SIDE


def rejection(source, **kwargs) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        prepare_image(source, **kwargs)
    return caught.value


def decode(prepared: PreparedImage) -> QImage:
    image = QImage.fromData(prepared.data)
    assert not image.isNull()
    assert (image.width(), image.height()) == (prepared.width, prepared.height)
    return image


# --- accepted formats ---------------------------------------------------------------


@pytest.fixture
def small_files(factory):
    picture = factory.picture(64, 48)
    return {
        "image/png": factory.encode(picture, "png"),
        "image/jpeg": factory.encode(picture, "jpeg"),
        "image/webp": factory.encode(picture, "webp"),
        "image/gif": factory.gif([picture]),
    }


@pytest.mark.parametrize("mime", ["image/png", "image/jpeg", "image/webp", "image/gif"])
def test_format_comes_from_content_not_extension(tmp_path, small_files, mime):
    path = tmp_path / "misnamed.txt"
    path.write_bytes(small_files[mime])
    prepared = prepare_image(path)
    assert prepared.mime == mime
    assert prepared.name == "misnamed.txt"
    assert (prepared.width, prepared.height) == (64, 48)


@pytest.mark.parametrize("mime", ["image/png", "image/jpeg", "image/webp", "image/gif"])
def test_image_that_fits_keeps_its_compressed_pixels(small_files, mime):
    # Nothing to strip from these: the file goes out as it came in.
    data = small_files[mime]
    prepared = prepare_image(data, name="small")
    assert prepared.data == data
    assert prepared.mime == mime
    assert not prepared.resized
    assert prepared.original_bytes == len(data)


def test_animated_gif_that_must_shrink_becomes_its_first_frame_as_png(factory):
    data = factory.gif([factory.picture(64, 48), factory.noise(64, 48)])
    prepared = prepare_image(data, max_side=32)
    assert prepared.mime == "image/png"
    assert (prepared.width, prepared.height, prepared.original_width) == (32, 24, 64)
    assert decode(prepared).pixelColor(2, 12).red() > 150


def test_prepared_image_converts_to_domain_types(small_files):
    data = small_files["image/png"]
    prepared = prepare_image(data, name="a.png")
    digest = hashlib.sha256(data).hexdigest()
    assert prepared.sha256 == digest
    assert prepared.image_data == ImageData("image/png", data)
    assert prepared.attachment == Attachment(digest, "image/png", 64, 48, len(data), "a.png")
    assert "data=" not in repr(prepared)


# --- refusals -----------------------------------------------------------------------


def test_text_file_named_png_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("remember the milk\n")
    error = rejection(path)
    assert error.reason is RejectReason.NOT_AN_IMAGE
    assert error.name == "notes.png"
    assert str(error) == "\u201cnotes.png\u201d is not an image (png, jpeg, webp or gif)."


def test_unnamed_data_that_is_not_an_image():
    assert str(rejection(b"{}")) == "The data is not an image (png, jpeg, webp or gif)."


def test_known_but_unaccepted_format_says_what_it_is():
    error = rejection(b"BM" + bytes(100), name="scan.bmp")
    assert error.reason is RejectReason.UNSUPPORTED_FORMAT
    assert str(error) == (
        "\u201cscan.bmp\u201d is a BMP image; only png, jpeg, webp or gif images can be attached."
    )


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_truncated_image_is_damaged(factory, fmt):
    data = factory.encode(factory.noise(64, 48), fmt)
    error = rejection(data[: len(data) * 2 // 3], name="shot.png")
    assert error.reason is RejectReason.DAMAGED
    assert str(error) == "\u201cshot.png\u201d is damaged and cannot be read."


def test_truncated_gif_is_damaged(factory):
    data = factory.gif([factory.noise(64, 48)])
    assert rejection(data[:-100]).reason is RejectReason.DAMAGED


def test_bare_signature_is_damaged():
    assert rejection(b"\x89PNG\r\n\x1a\n").reason is RejectReason.DAMAGED


@pytest.mark.qt_log_ignore(r"libpng error")
def test_corrupt_pixel_data_is_damaged(factory):
    # Framing and CRCs are right, but the compressed pixels are garbage: only the
    # decoder can tell (and logs why, hence the ignored warning).
    data = factory.encode(factory.picture(64, 48), "png")
    start = data.index(b"IDAT") - 4
    length = struct.unpack(">I", data[start : start + 4])[0]
    garbage = bytes(range(256)) * (length // 256 + 1)
    garbage = garbage[:length]
    idat = (
        struct.pack(">I", length)
        + b"IDAT"
        + garbage
        + struct.pack(">I", zlib.crc32(b"IDAT" + garbage))
    )
    corrupt = data[:start] + idat + data[start + 12 + length :]
    assert rejection(corrupt).reason is RejectReason.DAMAGED


def test_huge_dimensions_in_the_header_are_refused_before_decoding(factory):
    error = rejection(factory.png_header_only(20_000, 20_000), name="bomb.png")
    assert error.reason is RejectReason.TOO_MANY_PIXELS
    assert str(error) == (
        "\u201cbomb.png\u201d is 20000 \u00d7 20000 pixels; "
        "images up to 64 megapixels can be attached."
    )


def test_deep_colour_images_are_held_to_the_decoder_memory_limit(factory):
    # 16 bits per channel take 8 bytes a pixel: 36 MP would need 288 MB.
    error = rejection(factory.png_header_only(6000, 6000, bit_depth=16))
    assert error.reason is RejectReason.TOO_MANY_PIXELS
    assert "up to 33 megapixels" in str(error)


# --- orientation, scaling, encoding -------------------------------------------------


def test_exif_orientation_is_applied(factory):
    data = factory.jpeg_with_orientation(factory.picture(60, 40), 6)  # rotate 90° clockwise
    prepared = prepare_image(data)
    assert prepared.mime == "image/jpeg"
    assert prepared.data != data
    assert (prepared.width, prepared.height) == (40, 60)
    assert (prepared.original_width, prepared.original_height) == (40, 60)
    image = decode(prepared)
    # The left (red) half of the stored picture is now on top.
    assert image.pixelColor(20, 10).red() > 150
    assert image.pixelColor(20, 50).blue() > 150


def test_exif_orientation_is_applied_when_scaling_down(factory):
    data = factory.jpeg_with_orientation(factory.picture(600, 400), 6)
    prepared = prepare_image(data, max_side=300)
    assert (prepared.width, prepared.height) == (200, 300)
    assert decode(prepared).pixelColor(100, 30).red() > 150


def test_4k_screenshot_is_scaled_to_the_limit_as_png(factory):
    data = factory.encode(factory.screenshot(3840, 2160), "png")
    prepared = prepare_image(data, name="screen.png")
    assert MAX_LONG_SIDE == 2048
    assert prepared.mime == "image/png"
    assert (prepared.width, prepared.height) == (2048, 1152)
    assert (prepared.original_width, prepared.original_height) == (3840, 2160)
    assert prepared.resized
    assert len(prepared.data) <= MAX_IMAGE_BYTES
    decode(prepared)


@pytest.mark.parametrize(
    ("size", "expected"), [((1000, 5000), (410, 2048)), ((2049, 7), (2048, 7))]
)
def test_aspect_ratio_is_kept(factory, size, expected):
    prepared = prepare_image(factory.encode(factory.picture(*size), "png"))
    assert (prepared.width, prepared.height) == expected


def test_large_jpeg_photo_is_scaled_down_as_jpeg(factory):
    prepared = prepare_image(factory.encode(factory.picture(4032, 3024), "jpeg"))
    assert prepared.mime == "image/jpeg"
    assert (prepared.width, prepared.height) == (2048, 1536)


@pytest.mark.parametrize("max_bytes", [MAX_IMAGE_BYTES, 200_000, 20_000])
def test_output_always_fits_the_byte_limit(factory, max_bytes):
    data = factory.encode(factory.noise(1200, 900), "png")
    assert len(data) > MAX_IMAGE_BYTES
    prepared = prepare_image(data, max_bytes=max_bytes)
    assert len(prepared.data) <= max_bytes
    assert prepared.mime == "image/jpeg"
    decode(prepared)


def test_image_that_cannot_shrink_enough_is_refused(factory):
    data = factory.encode(factory.noise(600, 400), "png")
    error = rejection(data, name="noise.png", max_bytes=100)
    assert error.reason is RejectReason.CANNOT_SHRINK
    assert (
        str(error)
        == "\u201cnoise.png\u201d cannot be made small enough to send (100 bytes at most)."
    )


@pytest.mark.parametrize(
    ("fmt", "pixel_format", "mime"),
    [
        ("png", QImage.Format.Format_RGBA64, "image/png"),
        ("jpeg", QImage.Format.Format_CMYK8888, "image/jpeg"),
    ],
)
def test_re_encoded_images_are_8_bit_rgb(factory, fmt, pixel_format, mime):
    source = factory.picture(200, 100).convertToFormat(pixel_format)
    prepared = prepare_image(factory.encode(source, fmt), max_side=100)
    assert prepared.mime == mime
    assert decode(prepared).format() in (QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32)


def test_transparency_stays_when_png_fits(factory):
    data = factory.encode(factory.picture(400, 400, alpha=True), "png")
    prepared = prepare_image(data, max_side=200)
    assert prepared.mime == "image/png"
    assert decode(prepared).pixelColor(5, 5).alpha() == 0


def test_transparent_png_converted_to_jpeg_has_a_white_background(factory):
    # Noise cannot fit as PNG, so this must become JPEG, which has no alpha.
    source = _clear_top_left_quarter(factory.noise(600, 600))
    prepared = prepare_image(factory.encode(source, "png"), max_bytes=60_000)
    assert prepared.mime == "image/jpeg"
    corner = decode(prepared).pixelColor(10, 10)
    assert min(corner.red(), corner.green(), corner.blue()) > 240


def _clear_top_left_quarter(image: QImage) -> QImage:
    result = image.convertToFormat(QImage.Format.Format_ARGB32)
    painter = QPainter(result)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    painter.fillRect(0, 0, result.width() // 2, result.height() // 2, Qt.GlobalColor.transparent)
    painter.end()
    return result


# --- off the GUI thread -------------------------------------------------------------


@pytest.mark.asyncio
async def test_async_preparation_runs_in_worker_threads(factory, monkeypatch):
    sources = [factory.encode(factory.screenshot(2400, 1500), "png") for _ in range(3)]
    threads = set()
    real = processing.prepare_image

    def recording(*args, **kwargs):
        threads.add(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(processing, "prepare_image", recording)
    results = await asyncio.gather(*(prepare_image_async(s, name="s.png") for s in sources))
    assert threading.get_ident() not in threads
    assert {(r.width, r.height) for r in results} == {(2048, 1280)}
    assert len({r.sha256 for r in results}) == 1


@pytest.mark.asyncio
async def test_async_preparation_raises_the_same_rejection(factory):
    with pytest.raises(ImageRejected, match="not an image"):
        await prepare_image_async(b"hello")
    with pytest.raises(ImageRejected, match="megapixels"):  # refused while decoding
        await prepare_image_async(factory.png_header_only(20_000, 20_000))
