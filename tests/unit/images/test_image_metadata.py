"""What leaves the machine with an image: its pixels, never its metadata.

A photo's EXIF block can say where it was taken; PNG text chunks hold user
names and paths. Small images that need no scaling are cleaned without
re-encoding (same pixels, same compressed data); everything else is re-encoded
by Qt, which must not copy text over either.
"""

from __future__ import annotations

import struct
import zlib

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColorSpace, QImage, QImageReader, QImageWriter

from kimi_desktop.images import prepare_image
from kimi_desktop.images.formats import ImageFormat, is_complete
from kimi_desktop.images.metadata import strip_metadata

SECRETS = (b"GPS", b"Jane", b"/home/jane", b"xmpmeta", b"Canon")
GPS = b"GPS 51.5007N 0.1246W"  # stands in for a GPS sub-IFD


def assert_no_secrets(data: bytes) -> None:
    for secret in SECRETS:
        assert secret not in data, secret


def same_pixels(a: bytes, b: bytes) -> bool:
    first, second = QImage.fromData(a), QImage.fromData(b)
    assert not first.isNull()
    assert not second.isNull()
    return first == second


def frame_count(data: bytes) -> int:
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return QImageReader(buffer).imageCount()


def png_chunk_types(data: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


# --- small images: cleaned, not re-encoded ----------------------------------------


@pytest.fixture
def photo(factory) -> bytes:
    """A small JPEG straight from a camera: EXIF with GPS, XMP, a comment."""
    jpeg = factory.encode(factory.picture(64, 48), "jpeg", 90)
    return factory.jpeg_with_segments(
        jpeg,
        [
            (0xE1, b"Exif\x00\x00" + factory.exif(gps=GPS + b" Canon EOS")),
            (0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Jane</x:xmpmeta>"),
            (0xED, b"Photoshop 3.0\x00IPTC by Jane"),
            (0xFE, b"taken by Jane"),
        ],
    )


def test_small_jpeg_is_sent_without_exif_gps_xmp_or_comments(photo):
    assert GPS in photo
    prepared = prepare_image(photo)
    assert prepared.mime == "image/jpeg"
    assert_no_secrets(prepared.data)
    # The same compressed pixels: no second round of JPEG loss.
    assert same_pixels(prepared.data, photo)
    assert len(prepared.data) < len(photo)
    assert prepared.sha256 != ""
    assert prepared.original_bytes == len(photo)


def test_jpeg_with_normal_orientation_loses_its_exif_too(factory):
    data = factory.jpeg_with_segments(
        factory.encode(factory.picture(60, 40), "jpeg", 95),
        [(0xE1, b"Exif\x00\x00" + factory.exif(orientation=1, gps=GPS))],
    )
    prepared = prepare_image(data)
    assert GPS not in prepared.data
    assert b"Exif" not in prepared.data
    assert (prepared.width, prepared.height) == (60, 40)


def test_exif_orientation_is_still_applied_and_the_exif_dropped(factory):
    data = factory.jpeg_with_segments(
        factory.encode(factory.picture(60, 40), "jpeg", 95),
        [(0xE1, b"Exif\x00\x00" + factory.exif(orientation=6, gps=GPS))],
    )
    prepared = prepare_image(data)
    assert (prepared.width, prepared.height) == (40, 60)
    assert GPS not in prepared.data
    image = QImage.fromData(prepared.data)
    assert image.pixelColor(20, 10).red() > 150  # the left (red) half is now on top


def test_motion_photo_video_after_the_jpeg_is_not_sent(factory):
    jpeg = factory.encode(factory.picture(64, 48), "jpeg")
    trailer = b"\x00\x00\x00\x18ftypmp42" + b"GPS video" * 100
    prepared = prepare_image(jpeg + trailer)
    assert prepared.data.endswith(b"\xff\xd9")
    assert GPS[:3] not in prepared.data


def test_progressive_jpeg_keeps_every_scan(factory):
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, b"jpeg")
    writer.setProgressiveScanWrite(True)
    assert writer.write(factory.noise(64, 48))
    buffer.close()
    data = factory.jpeg_with_segments(bytes(array.data()), [(0xFE, b"by Jane")])
    assert data.count(b"\xff\xda") > 1  # several scans
    stripped = strip_metadata(ImageFormat.JPEG, data)
    assert stripped is not None
    assert b"Jane" not in stripped
    assert stripped.count(b"\xff\xda") == data.count(b"\xff\xda")
    assert same_pixels(stripped, data)


def test_small_png_is_sent_without_text_chunks(factory):
    png = factory.encode(factory.screenshot(480, 270), "png")
    data = factory.png_with_chunks(
        png,
        [
            (b"tEXt", b"Author\x00Jane"),
            (b"iTXt", b"Source\x00\x00\x00\x00\x00/home/jane/secret-project/mockup.png"),
            (b"zTXt", b"Comment\x00\x00" + zlib.compress(b"xmpmeta")),
            (b"eXIf", factory.exif(gps=GPS)),
            (b"tIME", struct.pack(">HBBBBB", 2025, 1, 2, 3, 4, 5)),
            (b"prVt", b"Canon private data"),
        ],
    )
    prepared = prepare_image(data)
    assert prepared.mime == "image/png"
    assert_no_secrets(prepared.data)
    assert png_chunk_types(prepared.data) == png_chunk_types(png)
    assert prepared.data == png  # the compressed pixels as they were
    assert is_complete(ImageFormat.PNG, prepared.data)


def test_small_webp_is_sent_without_exif_or_xmp(factory):
    webp = factory.encode(factory.picture(64, 48), "webp")
    data = factory.webp_extended(
        webp, [(b"EXIF", factory.exif(gps=GPS)), (b"XMP ", b"<x:xmpmeta>Jane</x:xmpmeta>")]
    )
    assert same_pixels(data, webp)
    prepared = prepare_image(data)
    assert prepared.mime == "image/webp"
    assert_no_secrets(prepared.data)
    assert b"EXIF" not in prepared.data
    assert prepared.data[20] & 0x0C == 0  # VP8X no longer announces EXIF or XMP
    assert is_complete(ImageFormat.WEBP, prepared.data)
    assert same_pixels(prepared.data, webp)


def test_small_still_gif_is_sent_without_comments_or_application_data(factory):
    gif = factory.gif([factory.picture(64, 48)])
    data = factory.gif_with_extensions(
        gif, [(0xFE, [b"made by Jane"]), (0xFF, [b"XMP DataXMP", b"<x:xmpmeta GPS/>"])]
    )
    prepared = prepare_image(data)
    assert prepared.mime == "image/gif"
    assert_no_secrets(prepared.data)
    assert prepared.data == gif
    assert same_pixels(prepared.data, gif)


# --- what the providers cannot take ------------------------------------------------


def test_animated_gif_that_fits_is_sent_as_its_first_frame_in_png(factory):
    data = factory.gif([factory.picture(64, 48), factory.noise(64, 48)])
    assert frame_count(data) == 2
    prepared = prepare_image(data)
    assert prepared.mime == "image/png"
    assert frame_count(prepared.data) == 1
    assert (prepared.width, prepared.height) == (64, 48)
    first = QImage.fromData(prepared.data)
    assert first.pixelColor(2, 12).red() > 150
    assert first.pixelColor(60, 12).blue() > 150


def test_animated_png_is_sent_as_its_first_frame(factory):
    png = factory.encode(factory.picture(64, 48), "png")
    apng = factory.png_with_chunks(png, [(b"acTL", struct.pack(">II", 2, 0))])
    prepared = prepare_image(apng)
    assert prepared.mime == "image/png"
    assert b"acTL" not in prepared.data
    assert same_pixels(prepared.data, png)


@pytest.mark.parametrize(
    "pixel_format", [QImage.Format.Format_RGBA64, QImage.Format.Format_Grayscale16]
)
def test_small_16_bit_png_is_sent_as_8_bit(factory, pixel_format):
    data = factory.encode(factory.picture(64, 48).convertToFormat(pixel_format), "png")
    assert data[24] == 16  # IHDR bit depth
    prepared = prepare_image(data)
    assert prepared.mime == "image/png"
    assert prepared.data[24] == 8
    assert (prepared.width, prepared.height) == (64, 48)


def test_small_cmyk_jpeg_is_sent_as_rgb(factory):
    cmyk = factory.picture(64, 48).convertToFormat(QImage.Format.Format_CMYK8888)
    prepared = prepare_image(factory.encode(cmyk, "jpeg", 95))
    assert prepared.mime == "image/jpeg"
    assert QImage.fromData(prepared.data).format() != QImage.Format.Format_CMYK8888


def test_small_image_in_a_wide_gamut_is_converted_to_srgb(factory):
    image = factory.picture(64, 48)
    image.setColorSpace(QColorSpace(QColorSpace.NamedColorSpace.DisplayP3))
    prepared = prepare_image(factory.encode(image, "png"))
    result = QImage.fromData(prepared.data)
    space = result.colorSpace()
    assert not space.isValid() or space == QColorSpace(QColorSpace.NamedColorSpace.SRgb)
    # The same red (#dc2626) in P3 is more saturated than in sRGB.
    red = result.pixelColor(2, 2)
    assert red.red() > 230
    assert red.green() < 30


def test_png_marked_with_a_gamma_near_srgb_is_not_re_encoded(factory):
    # Many tools write gAMA 1/2.2 instead of sRGB; converting would change nothing.
    png = factory.encode(factory.screenshot(480, 270), "png")
    data = factory.png_with_chunks(png, [(b"gAMA", struct.pack(">I", 45455))])
    assert QImage.fromData(data).colorSpace().isValid()
    assert prepare_image(data).data == data


# --- re-encoded images ------------------------------------------------------------


def test_downscaled_png_keeps_none_of_the_text_chunks(factory):
    png = factory.encode(factory.screenshot(960, 540), "png")
    data = factory.png_with_chunks(
        png, [(b"tEXt", b"Author\x00Jane"), (b"iTXt", b"Path\x00\x00\x00\x00\x00/home/jane")]
    )
    prepared = prepare_image(data, max_side=480)
    assert prepared.resized
    assert_no_secrets(prepared.data)
    assert not QImage.fromData(prepared.data).textKeys()


def test_downscaled_jpeg_keeps_no_comment(factory):
    data = factory.jpeg_with_segments(
        factory.encode(factory.picture(400, 300), "jpeg"), [(0xFE, b"taken by Jane")]
    )
    prepared = prepare_image(data, max_side=200)
    assert prepared.resized
    assert_no_secrets(prepared.data)


def test_rotated_jpeg_keeps_no_comment(factory):
    data = factory.jpeg_with_segments(
        factory.jpeg_with_orientation(factory.picture(60, 40), 6), [(0xFE, b"taken by Jane")]
    )
    prepared = prepare_image(data)
    assert (prepared.width, prepared.height) == (40, 60)
    assert_no_secrets(prepared.data)


# --- the stripper on its own -------------------------------------------------------


def test_files_it_cannot_walk_are_left_to_a_re_encode(factory):
    jpeg = factory.encode(factory.picture(16, 16), "jpeg")
    assert strip_metadata(ImageFormat.JPEG, jpeg[:2] + b"\x00\x00" + jpeg[2:]) is None
    png = factory.encode(factory.picture(16, 16), "png")
    assert strip_metadata(ImageFormat.PNG, png[:-12]) is None  # no IEND
    gif = factory.gif([factory.picture(16, 16), factory.picture(16, 16)])
    assert strip_metadata(ImageFormat.GIF, gif) is None  # animated


def test_webp_animation_is_left_to_a_re_encode(factory):
    webp = factory.encode(factory.picture(16, 16), "webp")
    animated = factory.webp_extended(webp, [(b"ANIM", bytes(6))])
    assert strip_metadata(ImageFormat.WEBP, animated) is None
