"""Thumbnails for the attachment strip and the chat view, and human-readable sizes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from kimi_desktop.images import format_size, make_thumbnail


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_thumbnail_fits_and_keeps_the_aspect_ratio(factory, fmt):
    data = factory.encode(factory.picture(400, 100), fmt)
    thumb = make_thumbnail(data, 96)
    assert (thumb.width(), thumb.height()) == (96, 24)
    assert thumb.format() == QImage.Format.Format_RGB32


def test_thumbnail_of_a_gif_is_its_first_frame(factory):
    data = factory.gif([factory.picture(80, 40), factory.noise(80, 40)])
    thumb = make_thumbnail(data, 40)
    assert (thumb.width(), thumb.height()) == (40, 20)
    assert thumb.pixelColor(2, 10).red() > 150  # the red half of the first frame


def test_thumbnail_never_enlarges(factory):
    thumb = make_thumbnail(factory.encode(factory.picture(30, 20), "png"), 96)
    assert (thumb.width(), thumb.height()) == (30, 20)


def test_thumbnail_keeps_transparency(factory):
    thumb = make_thumbnail(factory.encode(factory.picture(64, 64, alpha=True), "png"), 32)
    assert thumb.format() == QImage.Format.Format_ARGB32_Premultiplied
    assert thumb.pixelColor(1, 1).alpha() == 0


def test_thumbnail_applies_exif_orientation(factory):
    thumb = make_thumbnail(factory.jpeg_with_orientation(factory.picture(60, 40), 6), 30)
    assert (thumb.width(), thumb.height()) == (20, 30)


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + bytes(30)])
def test_unreadable_data_gives_a_null_thumbnail(data):
    assert make_thumbnail(data, 64).isNull()


def test_thumbnail_refuses_a_decompression_bomb(factory):
    assert make_thumbnail(factory.png_header_only(20_000, 20_000), 64).isNull()


def test_thumbnail_size_must_be_positive(factory):
    with pytest.raises(ValueError, match="max_side"):
        make_thumbnail(factory.encode(factory.picture(8, 8), "png"), 0)


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (820 * 1024, "820 KB"),
        (1024 * 1024 - 1, "1 MB"),
        (int(1.4 * 1024 * 1024), "1.4 MB"),
        (int(9.97 * 1024 * 1024), "10 MB"),
        (103 * 1024 * 1024 + 5, "103 MB"),
        (40 * 1024 * 1024, "40 MB"),
        (3 * 1024**3, "3 GB"),
    ],
)
def test_format_size(n_bytes, text):
    assert format_size(n_bytes) == text
