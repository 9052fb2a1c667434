"""Each provider's own error answers, with their real statuses and body shapes.

Moonshot tells its three 429s apart by ``error.type``; kimi-k2.ai answers in
OpenAI shape on ``/chat/completions`` and Anthropic shape on ``/messages``;
AceData wraps errors in ``{"success": false, "error": {...}, "trace_id"}`` and
alone documents ``api_not_implemented`` (400);
VillaMarket signals an empty budget with 402; llama.cpp uses numeric codes.
Where a doc names no code for a case, the body keeps the provider's shape.

Moonshot alone documents the kinds in :data:`MOONSHOT_KINDS`: a prompt too long for
the model (two wordings), its content filter, an account whose access was ended,
a rate limit that names its wait, and a request over the tokens-per-minute limit
by itself (platform.moonshot.ai/docs/api/errors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from tests.fakes.builders import error_reply
from tests.fakes.faults import JsonDict, Reply

ErrorKind = Literal[
    "auth",
    "quota",
    "rate_limit",
    "overloaded",
    "server",
    "bad_request",
    "not_found",
    "not_implemented",
    "context_too_long",
    "token_limit",
    "content_filter",
    "access_terminated",
    "rate_limit_wait",
    "over_tpm",
]
#: Error kinds only Moonshot's OpenAI-format endpoint documents.
MOONSHOT_KINDS: tuple[ErrorKind, ...] = (
    "context_too_long",
    "token_limit",
    "content_filter",
    "access_terminated",
    "rate_limit_wait",
    "over_tpm",
)
#: The wait Moonshot names in the ``rate_limit_wait`` body, in seconds.
MOONSHOT_WAIT = 5
#: ``(current, limit)`` tokens per minute in the ``over_tpm`` body.
MOONSHOT_TPM = (48_000, 32_000)
_TRACE_ID = "2cf86e86-22a4-46e1-ac2f-032c0f2a4e89"

_ErrorSpec = tuple[int, JsonDict]


def _openai(message: str, type_: str, code: str | int | None = None) -> JsonDict:
    error: JsonDict = {"message": message, "type": type_}
    if code is not None:
        error["code"] = code
    return {"error": error}


def _anthropic(type_: str, message: str) -> JsonDict:
    return {"type": "error", "error": {"type": type_, "message": message}}


def _acedata(code: str, message: str) -> JsonDict:
    return {"success": False, "error": {"code": code, "message": message}, "trace_id": _TRACE_ID}


def _moonshot_errors(key: str) -> dict[str, _ErrorSpec]:
    account = "org-5d1b2c3a4f <ak-f3b8e9d0c1>"
    return {
        # Moonshot echoes the presented key, as OpenAI-style servers do.
        "auth": (
            401,
            _openai(
                f"Invalid Authentication: incorrect API key provided: {key}",
                "invalid_authentication_error",
            ),
        ),
        "quota": (
            429,
            _openai(
                f"Your account {account} is suspended, please check your plan and billing details",
                "exceeded_current_quota_error",
            ),
        ),
        "rate_limit": (
            429,
            _openai(
                f"Your account {account} request reached organization max RPM: 3, "
                "please try again after 1 seconds",
                "rate_limit_reached_error",
            ),
        ),
        "overloaded": (
            429,
            _openai(
                "The engine is currently overloaded, please try again later",
                "engine_overloaded_error",
            ),
        ),
        "server": (500, _openai("Internal server error, please try again later", "server_error")),
        "bad_request": (
            400,
            _openai(
                "Invalid request: invalid temperature: only 1 is allowed for this model",
                "invalid_request_error",
            ),
        ),
        "not_found": (
            404,
            _openai("Not found the model or Permission denied", "resource_not_found_error"),
        ),
        # The rows of platform.moonshot.ai/docs/api/errors, placeholders filled in.
        "context_too_long": (400, _openai("Input token length too long", "invalid_request_error")),
        "token_limit": (
            400,
            _openai("Your request exceeded model token limit : 262144", "invalid_request_error"),
        ),
        "content_filter": (
            400,
            _openai(
                "The request was rejected because it was considered high risk", "content_filter"
            ),
        ),
        # Not on that page; as Moonshot's forum quotes it (forum.moonshot.ai/t/421).
        "access_terminated": (
            403,
            _openai(
                "Access terminated. Review our Community Guidelines or contact support "
                "for assistance.",
                "access_terminated_error",
            ),
        ),
        "rate_limit_wait": (
            429,
            _openai(
                f"Your account {account} request reached organization max concurrency: 50, "
                f"please try again after {MOONSHOT_WAIT} seconds",
                "rate_limit_reached_error",
            ),
        ),
        "over_tpm": (
            429,
            _openai(
                f"Your account {account} request reached organization TPM rate limit, "
                f"current:{MOONSHOT_TPM[0]}, limit:{MOONSHOT_TPM[1]}",
                "rate_limit_reached_error",
            ),
        ),
    }


def _anthropic_errors(key: str) -> dict[str, _ErrorSpec]:
    return {
        "auth": (
            401,
            _anthropic("authentication_error", f"Invalid API key{': ' + key if key else ''}"),
        ),
        "quota": (
            403,
            _anthropic("permission_error", "Insufficient credits: please top up your balance"),
        ),
        "rate_limit": (429, _anthropic("rate_limit_error", "Rate limit exceeded")),
        "overloaded": (529, _anthropic("overloaded_error", "Overloaded")),
        "server": (500, _anthropic("api_error", "Internal server error")),
        "bad_request": (400, _anthropic("invalid_request_error", "max_tokens: field required")),
        "not_found": (404, _anthropic("not_found_error", "Not found")),
    }


def _kimik2_errors(key: str) -> dict[str, _ErrorSpec]:
    return {
        "auth": (
            401,
            _openai("Invalid API key provided", "invalid_request_error", "invalid_api_key"),
        ),
        "quota": (
            403,
            _openai("Credit balance is insufficient", "insufficient_quota", "insufficient_credits"),
        ),
        "rate_limit": (
            429,
            _openai("Too many requests", "rate_limit_error", "rate_limit_exceeded"),
        ),
        "overloaded": (
            503,
            _openai("Service temporarily unavailable", "api_error", "service_unavailable"),
        ),
        "server": (500, _openai("Internal server error", "api_error", "internal_error")),
        "bad_request": (
            400,
            _openai("Request validation failed", "invalid_request_error", "invalid_request"),
        ),
        "not_found": (404, _openai("Invalid endpoint", "invalid_request_error", "not_found")),
    }


def _villamarket_errors(key: str) -> dict[str, _ErrorSpec]:
    return {
        "auth": (401, _openai("Invalid API key", "invalid_request_error", "invalid_api_key")),
        "quota": (
            402,
            _openai(
                "Budget exhausted for this API key ($10.00 of $10.00 used)",
                "insufficient_quota",
                "budget_exceeded",
            ),
        ),
        "rate_limit": (
            429,
            _openai("Rate limit exceeded", "rate_limit_error", "rate_limit_exceeded"),
        ),
        "overloaded": (503, _openai("Upstream model is overloaded", "server_error", "overloaded")),
        "server": (500, _openai("Internal server error", "server_error", "internal_error")),
        "bad_request": (
            400,
            _openai("messages: field required", "invalid_request_error", "invalid_request"),
        ),
        "not_found": (404, _openai("Not Found", "invalid_request_error", "not_found")),
    }


def _acedata_errors(key: str) -> dict[str, _ErrorSpec]:
    return {
        "auth": (
            401,
            _acedata("invalid_token", "Unauthorized, invalid or missing authorization token."),
        ),
        "quota": (
            403,
            _acedata("used_up", "The balance of your credential is used up, please recharge."),
        ),
        "rate_limit": (
            429,
            _acedata("too_many_requests", "Too many requests, you have exceeded the rate limit."),
        ),
        "overloaded": (503, _acedata("api_error", "upstream overloaded")),
        "server": (500, _acedata("api_error", "fetch failed")),
        "bad_request": (
            400,
            _acedata("token_mismatched", "Bad request, missing or invalid parameters."),
        ),
        "not_found": (404, _acedata("not_found", "The requested API does not exist.")),
        # Documented as a 400 next to token_mismatched; what an API it lacks answers.
        "not_implemented": (
            400,
            _acedata(
                "api_not_implemented", "Bad request, possibly due to missing or invalid parameters."
            ),
        ),
    }


def _generic_errors(key: str) -> dict[str, _ErrorSpec]:
    # llama.cpp's server: OpenAI shape with a numeric code.
    return {
        "auth": (401, _openai("Invalid API Key", "authentication_error", 401)),
        "quota": (402, _openai("Payment required", "insufficient_quota", 402)),
        "rate_limit": (429, _openai("Too many requests", "rate_limit_error", 429)),
        "overloaded": (503, _openai("Loading model", "unavailable_error", 503)),
        "server": (500, _openai("Internal server error", "server_error", 500)),
        "bad_request": (
            400,
            _openai("the request exceeds the available context size", "invalid_request_error", 400),
        ),
        "not_found": (404, _openai("File Not Found", "not_found_error", 404)),
    }


_TABLES: dict[str, Callable[[str], dict[str, _ErrorSpec]]] = {
    "moonshot": _moonshot_errors,
    "moonshot-anthropic": _anthropic_errors,
    "villamarket": _villamarket_errors,
    "kimik2": _kimik2_errors,
    "acedata": _acedata_errors,
    "generic": _generic_errors,
}
#: Providers that also serve the Anthropic format, and so answer in its error shape there.
ANTHROPIC_CAPABLE = frozenset({"moonshot-anthropic", "kimik2"})


def provider_error(
    dialect: str,
    kind: ErrorKind,
    *,
    protocol: Literal["openai", "anthropic"] | None = None,
    key: str = "",
    retry_after: float | None = None,
) -> Reply:
    """The provider's own error answer for ``kind``, with its real status.

    ``protocol="anthropic"`` picks the Anthropic-shaped body on providers that
    serve both formats (kimi-k2.ai's ``/v1/messages``). ``key`` is echoed where
    the provider echoes the presented key.
    """
    table = _TABLES[dialect]
    if protocol == "anthropic":
        if dialect not in ANTHROPIC_CAPABLE:
            raise ValueError(f"{dialect} has no Anthropic-format endpoint")
        if dialect == "kimik2":
            table = _anthropic_errors
            key = ""  # kimi-k2.ai's Anthropic errors do not echo the key
    errors = table(key)
    if kind not in errors:
        raise ValueError(f"{dialect} documents no {kind!r} error")
    status, body = errors[kind]
    reply = error_reply(status, body)
    if retry_after is not None:
        reply = reply.with_retry_after(retry_after)
    return reply
