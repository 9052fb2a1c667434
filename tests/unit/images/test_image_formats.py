"""Format detection from content, and the structure checks that catch cut files."""

from __future__ import annotations

import pytest

from kimi_desktop.images.formats import (
    ImageFormat,
    describe_other,
    is_complete,
    is_lossless,
    sniff,
)


@pytest.fixture
def samples(factory):
    picture = factory.picture(64, 48)
    return {
        ImageFormat.PNG: factory.encode(picture, "png"),
        ImageFormat.JPEG: factory.encode(picture, "jpeg"),
        ImageFormat.WEBP: factory.encode(picture, "webp"),
        ImageFormat.GIF: factory.gif([picture, factory.picture(64, 48, alpha=True)]),
    }


@pytest.mark.parametrize("image_format", list(ImageFormat))
def test_sniff_recognises_each_accepted_format(samples, image_format):
    assert sniff(samples[image_format]) is image_format


@pytest.mark.parametrize(
    "data", [b"", b"hello, world\n", b"\x89PN", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"<svg/>"]
)
def test_sniff_rejects_other_content(data):
    assert sniff(data) is None


@pytest.mark.parametrize(
    ("data", "description"),
    [
        (b"BM" + bytes(60), "a BMP image"),
        (b"II*\x00" + bytes(60), "a TIFF image"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(60), "a HEIC photo"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"plain text", None),
    ],
)
def test_describe_other_names_common_unaccepted_formats(data, description):
    assert describe_other(data) == description


def test_mime_and_qt_names():
    assert [f.mime for f in ImageFormat] == ["image/png", "image/jpeg", "image/webp", "image/gif"]
    assert ImageFormat.JPEG.qt_name == b"jpeg"


@pytest.mark.parametrize("image_format", list(ImageFormat))
def test_whole_files_are_complete(samples, image_format):
    assert is_complete(image_format, samples[image_format])


@pytest.mark.parametrize("image_format", list(ImageFormat))
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_files_are_incomplete(samples, image_format, keep):
    data = samples[image_format]
    assert not is_complete(image_format, data[: int(len(data) * keep)])


def test_png_with_a_damaged_critical_chunk_is_incomplete(samples):
    data = bytearray(samples[ImageFormat.PNG])
    data[20] ^= 0xFF  # inside IHDR, so its CRC no longer matches
    assert not is_complete(ImageFormat.PNG, bytes(data))


def test_jpeg_with_data_after_the_end_is_complete(samples):
    # "Motion photos" append a video after the JPEG's end marker.
    assert is_complete(ImageFormat.JPEG, samples[ImageFormat.JPEG] + b"\x00" * 1000)


def test_gif_without_trailer_but_whole_frames_is_complete(samples):
    assert is_complete(ImageFormat.GIF, samples[ImageFormat.GIF][:-1])


def test_lossless_sources(factory, samples):
    picture = factory.picture(32, 32)
    assert is_lossless(ImageFormat.PNG, samples[ImageFormat.PNG])
    assert is_lossless(ImageFormat.GIF, samples[ImageFormat.GIF])
    assert not is_lossless(ImageFormat.JPEG, samples[ImageFormat.JPEG])
    assert not is_lossless(ImageFormat.WEBP, factory.encode(picture, "webp", 80))
    # Qt writes lossless WebP at quality 100.
    assert is_lossless(ImageFormat.WEBP, factory.encode(picture, "webp", 100))
