"""Moonshot's platform APIs beside chat: where they live, what they answer, what failing says.

The files API reads documents (``POST <base>/files`` with ``purpose=file-extract``,
``GET <base>/files/{id}/content``, ``DELETE <base>/files/{id}``;
https://platform.moonshot.ai/docs/api/files) and the tokenizer counts a prompt
before it is sent (``POST <base>/tokenizers/estimate-token-count`` answering
``{"data": {"total_tokens": N}}``; https://platform.moonshot.ai/docs/api/estimate,
and ``EstimateTokenCount`` in MoonshotAI-Cookbook's Go client). Both exist only
beside the OpenAI-format chat; the client does the HTTP, this module the shapes.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kimi_desktop.api.errors import ApiError, BadRequestError, ProtocolError
from kimi_desktop.domain import Endpoint
from kimi_desktop.i18n import _

#: "Each file must not exceed 100 MB" (https://platform.moonshot.ai/docs/api/files);
#: a larger one is refused here rather than uploaded to be refused.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
#: The form field that asks for a document's text (the only purpose that reads one).
UPLOAD_FORM = {"purpose": "file-extract"}
_ANTHROPIC_SUFFIX = "/anthropic"


def openai_base(endpoint: Endpoint) -> str:
    """The OpenAI-format base URL of ``endpoint``, where its files and tokenizer live.

    Moonshot serves its Anthropic format at ``https://api.moonshot.ai/anthropic``
    beside ``https://api.moonshot.ai/v1`` (the presets pair them so), with the same
    key: an Anthropic-format base ending in ``/anthropic`` becomes ``/v1`` on the
    same server. Any other Anthropic-format endpoint has no known OpenAI-format
    twin, and :class:`BadRequestError` says so rather than guess.
    """
    base = endpoint.base_url.rstrip("/")
    if endpoint.protocol != "anthropic":
        return base
    parts = urlsplit(base)
    if not parts.path.endswith(_ANTHROPIC_SUFFIX):
        raise BadRequestError(
            _(
                "This Anthropic-format endpoint cannot read documents or count tokens: "
                "that needs Moonshot's own address. Use the Moonshot AI endpoint for it."
            ),
            code="no_openai_base",
        )
    path = parts.path.removesuffix(_ANTHROPIC_SUFFIX) + "/v1"
    return urlunsplit(parts._replace(path=path))


def upload_parts(filename: str, data: bytes) -> dict[str, tuple[str, bytes, str]]:
    """The multipart ``file`` part; the type is guessed from the name, as browsers do."""
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return {"file": (filename, data, mime)}


def file_id_of(payload: Any) -> str:
    """The id in Moonshot's file object (``{"id", "object": "file", "filename", ...}``)."""
    file_id = payload.get("id") if isinstance(payload, dict) else None
    if isinstance(file_id, str) and file_id and "/" not in file_id:
        return file_id
    raise ProtocolError(
        _("The endpoint's answer to the upload could not be read. Check the base URL in Settings."),
        code="bad_file_object",
    )


def file_text_of(payload: Any, filename: str) -> str:
    """The ``content`` of the answer ``{"content", "file_type", "filename", "title", ...}``."""
    content = payload.get("content") if isinstance(payload, dict) else None
    if isinstance(content, str):
        return content
    raise ProtocolError(
        _(
            "The endpoint's answer with the text of “{name}” could not be read. Check the "
            "base URL in Settings."
        ).format(name=filename),
        code="bad_file_content",
    )


def token_count_of(payload: Any) -> int:
    """``data.total_tokens`` of the tokenizer's answer, or :class:`ProtocolError`."""
    data = payload.get("data") if isinstance(payload, dict) else None
    total = data.get("total_tokens") if isinstance(data, dict) else None
    if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
        return total
    raise ProtocolError(
        _("The endpoint's token count could not be read. Check the base URL in Settings."),
        code="bad_token_count",
    )


def file_too_large_error(filename: str) -> BadRequestError:
    """A document over :data:`MAX_UPLOAD_BYTES`, refused before it is sent."""
    return BadRequestError(
        # TRANSLATORS: {size} is a size such as "100 MB".
        _("“{name}” is larger than {size}, the most the provider reads from one file.").format(
            name=filename, size=f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
        ),
        code="file_too_large",
    )


def text_too_large_error(filename: str, limit: int) -> ProtocolError:
    """The text read from a document is larger than a whole answer may be."""
    return ProtocolError(
        # TRANSLATORS: {size} is a size such as "8 MB".
        _(
            "The text of “{name}” is larger than {size}, more than a model can read at once. "
            "Attach a shorter part of the document."
        ).format(name=filename, size=f"{limit / (1024 * 1024):.0f} MB"),
        code="file_text_too_large",
    )


def upload_error(error: ApiError, filename: str) -> ApiError:
    """An upload's failure in words about the document, the provider's own words kept.

    Only a refusal of the request itself (400, 413, 422) is reworded: the
    provider says why (“File size is zero, ...”) in ``detail``. A 404 means the
    endpoint has no files API. Keys, balance and rate limits keep their sentences.
    """
    if not isinstance(error, BadRequestError) or error.code in ("redirect", "no_openai_base"):
        return error
    if error.status == 404:
        return replace_message(
            error,
            _(
                "This endpoint cannot read documents: it has no files API. Use the Moonshot "
                "AI endpoint to attach documents."
            ),
            code="no_files_api",
        )
    return replace_message(
        error, _("The provider did not accept “{name}” for reading.").format(name=filename)
    )


def token_count_error(error: ApiError) -> ApiError:
    """A 404 from the tokenizer means the endpoint cannot count tokens before sending."""
    if isinstance(error, BadRequestError) and error.status == 404:
        return replace_message(
            error,
            _("This endpoint cannot count a prompt's tokens before it is sent."),
            code="no_token_count",
        )
    return error


def replace_message(error: ApiError, message: str, *, code: str | None = None) -> ApiError:
    """The same kind of error with another sentence; status, detail and wait kept."""
    return type(error)(
        message,
        status=error.status,
        code=code or error.code,
        detail=error.detail,
        retry_after=error.retry_after,
    )
