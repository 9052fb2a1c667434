"""Reading attachments from paths and bytes: every way a file can be refused."""

from __future__ import annotations

import errno
import os

import pytest

from kimi_desktop.images import ImageRejected, RejectReason, check_source, prepare_image, sources
from kimi_desktop.images.limits import MAX_FILE_BYTES, MB


def rejection(source, **kwargs) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        prepare_image(source, **kwargs)
    return caught.value


@pytest.fixture
def png(factory) -> bytes:
    return factory.encode(factory.picture(64, 48), "png")


def test_bytes_without_a_name_are_unnamed(png):
    assert prepare_image(png).name == ""


def test_path_like_and_str_paths(tmp_path, png):
    path = tmp_path / "shot.png"
    path.write_bytes(png)
    assert prepare_image(str(path)).data == prepare_image(path).data
    assert prepare_image(path, name="Screenshot").name == "Screenshot"


def test_empty_file(tmp_path):
    path = tmp_path / "x.png"
    path.touch()
    error = rejection(path)
    assert error.reason is RejectReason.EMPTY
    assert str(error) == "\u201cx.png\u201d is empty."


def test_empty_bytes():
    assert str(rejection(b"")) == "The image is empty."


def test_folder(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    error = rejection(folder)
    assert error.reason is RejectReason.FOLDER
    assert str(error) == "\u201cfolder\u201d is a folder, not an image."


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "pipe.png"
    os.mkfifo(pipe)
    assert rejection(pipe).reason is RejectReason.NOT_A_FILE


def test_missing_file(tmp_path):
    error = rejection(tmp_path / "gone.png")
    assert error.reason is RejectReason.NOT_FOUND
    assert str(error).startswith("\u201cgone.png\u201d cannot be found")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file(tmp_path, png):
    path = tmp_path / "x.png"
    path.write_bytes(png)
    path.chmod(0)
    try:
        error = rejection(path)
    finally:
        path.chmod(0o600)
    assert str(error) == "\u201cx.png\u201d cannot be read: permission denied."


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
        (OSError(errno.EIO, "Input/output error"), "input/output error"),
    ],
)
def test_open_failures_become_sentences(tmp_path, png, monkeypatch, error, message):
    path = tmp_path / "x.png"
    path.write_bytes(png)

    def failing_open(*args, **kwargs):
        raise error

    monkeypatch.setattr(sources, "open", failing_open, raising=False)
    rejected = rejection(path)
    assert rejected.reason is RejectReason.UNREADABLE
    assert str(rejected) == f"\u201cx.png\u201d cannot be read: {message}."


def test_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.png"
    with path.open("wb") as file:  # sparse: takes no disk space
        file.write(b"\x89PNG\r\n\x1a\n")
        file.truncate(103 * MB)

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(sources, "open", no_open, raising=False)
    error = rejection(path)
    assert error.reason is RejectReason.FILE_TOO_LARGE
    assert str(error) == "\u201chuge.png\u201d is 103 MB; images up to 40 MB can be attached."


def test_oversized_bytes_are_refused():
    error = rejection(bytes(MAX_FILE_BYTES + 1), name="big.png")
    assert str(error) == "\u201cbig.png\u201d is over 40 MB; images up to 40 MB can be attached."


# --- check_source: what cannot be an image, told without decoding ------------------


def _bad_sources(tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    empty = tmp_path / "empty.png"
    empty.touch()
    text = tmp_path / "notes.png"
    text.write_text("remember the milk\n")
    bmp = tmp_path / "scan.bmp"
    bmp.write_bytes(b"BM" + bytes(100))
    return [folder, empty, text, bmp, tmp_path / "gone.png", b"{}"]


def test_check_source_refuses_as_prepare_image_does(tmp_path):
    for source in _bad_sources(tmp_path):
        with pytest.raises(ImageRejected) as checked:
            check_source(source)
        assert str(checked.value) == str(rejection(source))
        assert checked.value.reason is rejection(source).reason


def test_check_source_reads_only_the_first_bytes(tmp_path, factory):
    whole = factory.encode(factory.noise(300, 200), "png")
    path = tmp_path / "cut.png"
    path.write_bytes(whole[: len(whole) // 2])  # damaged, which only decoding would show
    check_source(path)
    check_source(whole)
    assert rejection(path).reason is RejectReason.DAMAGED


def test_check_source_refuses_a_huge_file_from_its_size(tmp_path):
    path = tmp_path / "huge.png"
    with path.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ImageRejected) as caught:
        check_source(path)
    assert caught.value.reason is RejectReason.FILE_TOO_LARGE
