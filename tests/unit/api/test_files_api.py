"""``KimiClient.extract_file`` against the fake's Moonshot files API.

The order of what the server received is the ground truth: upload, read, delete
— and the delete comes whatever happened after the upload.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from kimi_desktop.api import (
    AuthenticationError,
    BadRequestError,
    NetworkError,
    ProtocolError,
    ServerError,
    describe,
)
from kimi_desktop.api.bounded import Limits
from tests.fakes import (
    FakeKimiServer,
    Gate,
    json_reply,
    moonshot_file_error,
    provider_error,
)
from tests.unit.api.support import FAST_RETRY, assert_plain_sentence, make_client

StartServer = Callable[..., FakeKimiServer]
READ_ALL = ["file_upload", "file_content", "file_delete"]


@pytest.mark.asyncio
async def test_a_document_is_uploaded_read_and_deleted(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.file_texts["report.pdf"] = "Quarterly report\n\n营收增长 12%。"
    async with make_client(server) as client:
        text = await client.extract_file("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert text == "Quarterly report\n\n营收增长 12%。"
    assert server.request_kinds == READ_ALL
    (upload,) = server.uploaded
    assert upload.filename == "report.pdf"
    assert upload.data == b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    assert upload.purpose == "file-extract"
    assert upload.content_type == "application/pdf"
    posted, read, deleted = server.requests
    assert (posted.method, posted.path) == ("POST", "/v1/files")
    assert posted.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert (read.method, read.path) == ("GET", f"/v1/files/{upload.id}/content")
    assert (deleted.method, deleted.path) == ("DELETE", f"/v1/files/{upload.id}")
    for request in server.requests:
        assert request.headers["authorization"] == f"Bearer {server.api_key}"
    assert server.uploads == {}


@pytest.mark.asyncio
async def test_a_file_name_in_any_script_arrives_whole(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server) as client:
        text = await client.extract_file("会议纪要 v2.md", "# 纪要\n- 第一项".encode())
    assert text == "# 纪要\n- 第一项"
    assert server.uploaded[0].filename == "会议纪要 v2.md"


@pytest.mark.asyncio
async def test_a_failed_read_still_deletes(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue_for("file_content", provider_error("moonshot", "server"), times=10)
    async with make_client(server) as client:
        with pytest.raises(ServerError):
            await client.extract_file("notes.txt", b"some notes")
    attempts = FAST_RETRY.max_attempts
    assert server.request_kinds == ["file_upload", *["file_content"] * attempts, "file_delete"]
    assert server.uploads == {}


@pytest.mark.asyncio
async def test_an_unreadable_answer_still_deletes(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.enqueue_for("file_content", json_reply({"file_type": "text/plain"}))
    async with make_client(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.extract_file("notes.txt", b"some notes")
    assert caught.value.code == "bad_file_content"
    assert "notes.txt" in caught.value.message
    assert_plain_sentence(caught.value.message)
    assert server.request_kinds == READ_ALL


@pytest.mark.asyncio
async def test_text_too_large_to_read_still_deletes(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.file_texts["big.txt"] = "word " * 2000
    async with make_client(server, limits=Limits(json_body=4096)) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.extract_file("big.txt", b"x")
    assert caught.value.code == "file_text_too_large"
    assert server.request_kinds == READ_ALL


@pytest.mark.asyncio
async def test_a_cancelled_read_still_deletes(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    gate = Gate()
    server.enqueue_for(
        "file_content", json_reply({"content": "late"}).stalled(gate, after_events=None)
    )
    try:
        async with make_client(server) as client:
            task = asyncio.ensure_future(client.extract_file("notes.txt", b"some notes"))
            assert await asyncio.to_thread(gate.reached.wait, 10)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        assert server.request_kinds == READ_ALL
        assert server.uploads == {}
    finally:
        gate.open()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("too_many", "exceeded the max file count"),
        ("too_large", "max file size is 100MB"),
        ("bad_purpose", "only 'file-extract' accepted"),
    ],
)
async def test_an_upload_refusal_keeps_the_providers_words(
    fake_server: StartServer, kind: str, words: str
) -> None:
    server = fake_server("moonshot")
    server.enqueue_for("file_upload", moonshot_file_error(kind))
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.extract_file("slides.pptx", b"PK\x03\x04")
    error = caught.value
    assert error.status == 400
    assert error.code == "invalid_request_error"
    assert "slides.pptx" in error.message
    assert_plain_sentence(error.message)
    assert words in (error.detail or "")
    assert words in describe(error)
    assert server.request_kinds == ["file_upload"]  # no id, so nothing to read or delete


@pytest.mark.asyncio
async def test_an_empty_file_is_refused_by_the_provider(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.extract_file("empty.txt", b"")
    assert "File size is zero" in describe(caught.value)
    assert server.request_kinds == ["file_upload"]


@pytest.mark.asyncio
async def test_a_rejected_key_says_so(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    async with make_client(server, api_key="sk-wrong-key-0001") as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.extract_file("notes.txt", b"some notes")
    assert "sk-wrong-key-0001" not in describe(caught.value)
    assert server.request_kinds == ["file_upload"]


@pytest.mark.asyncio
async def test_a_drop_mid_upload_is_not_retried(fake_server: StartServer) -> None:
    server = fake_server("moonshot")
    server.cut_request("file_upload", after_bytes=1000)
    async with make_client(server) as client:
        with pytest.raises(NetworkError) as caught:
            await client.extract_file("scan.pdf", bytes(range(256)) * 1024)
    assert_plain_sentence(caught.value.message)
    assert server.request_kinds == ["file_upload"]
    assert len(server.requests[0].body) == 1000  # the server had only part of it
    assert server.uploaded == []


@pytest.mark.asyncio
async def test_a_document_over_the_providers_limit_is_not_sent(
    fake_server: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = fake_server("moonshot")
    monkeypatch.setattr("kimi_desktop.api.client.MAX_UPLOAD_BYTES", 64)
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.extract_file("huge.pdf", b"x" * 65)
        assert await client.extract_file("fits.txt", b"x" * 64) == "x" * 64
    assert caught.value.code == "file_too_large"
    assert "huge.pdf" in caught.value.message
    assert "100 MB" in caught.value.message
    assert server.request_kinds == READ_ALL


@pytest.mark.asyncio
async def test_moonshots_anthropic_base_reads_through_its_openai_twin(
    fake_server: StartServer,
) -> None:
    server = fake_server("moonshot-anthropic")
    async with make_client(server) as client:
        assert client.endpoint.protocol == "anthropic"
        assert await client.extract_file("a.txt", b"alpha") == "alpha"
    assert server.requests[0].path == "/v1/files"
    assert server.request_kinds == READ_ALL
    assert all(r.headers["authorization"] == "Bearer test-key" for r in server.requests)


@pytest.mark.asyncio
async def test_another_anthropic_endpoint_is_told_plainly(fake_server: StartServer) -> None:
    server = fake_server("kimik2")
    async with make_client(server, protocol="anthropic") as client:
        with pytest.raises(BadRequestError) as caught:
            await client.extract_file("a.txt", b"alpha")
    assert caught.value.code == "no_openai_base"
    assert_plain_sentence(caught.value.message)
    assert server.requests == []


@pytest.mark.asyncio
async def test_an_endpoint_without_a_files_api(fake_server: StartServer) -> None:
    server = fake_server("generic")
    async with make_client(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.extract_file("a.txt", b"alpha")
    assert caught.value.code == "no_files_api"
    assert_plain_sentence(caught.value.message)
    assert server.request_kinds == ["unknown"]
