"""Every way a request can fail, as one exception tree.

::

    ApiError                     .status .code .message .detail .retry_after
    ├── AuthenticationError      401, or 403 that is not about money: the key is wrong
    ├── QuotaError               402, 403 about credits, 429 exceeded_current_quota_error:
    │                            the account is out of balance; never retried
    ├── RateLimitError           429 rate_limit_reached_error / engine_overloaded_error:
    │                            retried with backoff before the first byte
    ├── ServerError              5xx; retried before the first byte
    ├── BadRequestError          400, 404, 413, 422: the request itself is wrong
    ├── NetworkError             no HTTP answer: connect error, timeout, dropped stream,
    │                            keep-alives with no reply text (``stalled``)
    └── ProtocolError            an answer we cannot read: malformed JSON, HTML where
                                 JSON belongs, a stream that ends without finishing,
                                 damaged compression, an answer over its size limit

``message`` is the sentence a person reads: what happened and what to do.
``detail`` is the provider's own words, cleaned (no HTML, no key, bounded length).
``str(error)`` is ``message``. The API key never appears in either: every text
taken from a response passes through :func:`kimi_desktop.domain.redact`, which
also removes partial echoes of the key.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from time import time
from typing import Any

from kimi_desktop.domain import redact
from kimi_desktop.i18n import _, ngettext

_DETAIL_LIMIT = 300
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class ApiError(Exception):
    """Base of every failure; see the module docstring for the tree."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        detail: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r})"
        )


class AuthenticationError(ApiError):
    """The endpoint rejected the API key (or the key lacks permission)."""


class QuotaError(ApiError):
    """The account is out of balance or credits; retrying cannot help."""


class RateLimitError(ApiError):
    """Too many requests, or the engine is overloaded; worth retrying later."""


class ServerError(ApiError):
    """The provider failed (5xx)."""


class BadRequestError(ApiError):
    """The provider refused the request as malformed or unsupported."""


class NetworkError(ApiError):
    """No usable HTTP answer: the connection failed, timed out or dropped."""


class ProtocolError(ApiError):
    """The answer arrived but does not follow the protocol."""


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Read ``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # the email package: rarely needed

    try:
        when = parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time() if now is None else now))


#: Below this, an ``X-RateLimit-Reset`` is not the Unix time kimi-k2.ai documents.
_EPOCH_2001 = 1e9


def rate_limit_reset_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds until ``X-RateLimit-Reset``, which kimi-k2.ai sends as a Unix time.

    Read only for a 429 without ``Retry-After``. A time already past, or any
    other form (``"1s"``, a count of seconds), says nothing certain: ``None``,
    and the usual backoff applies.
    """
    try:
        reset = float(headers.get("x-ratelimit-reset") or "")
    except ValueError:
        return None
    wait = reset - (time() if now is None else now)
    return wait if reset >= _EPOCH_2001 and wait > 0 else None


def _clean(text: str, secret: str | None) -> str:
    text = _SPACE.sub(" ", text).strip()
    text = redact(text, secret)
    if len(text) > _DETAIL_LIMIT:
        text = text[: _DETAIL_LIMIT - 1].rstrip() + "…"
    return text


def _looks_like_html(body: str, content_type: str) -> bool:
    start = body.lstrip()[:200].lower()
    return "html" in content_type or start.startswith(("<!doctype", "<html", "<head", "<body"))


def _html_title(body: str) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
    if match:
        return html.unescape(_TAG.sub("", match.group(1)))
    match = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.IGNORECASE | re.DOTALL)
    return html.unescape(_TAG.sub("", match.group(1))) if match else None


def parse_error_body(body: bytes, content_type: str = "") -> tuple[str | None, str | None, str]:
    """Return ``(type, code, provider message)`` from any error body we know.

    Shapes: OpenAI ``{"error": {"message", "type", "code"}}``, Anthropic
    ``{"type": "error", "error": {"type", "message"}}``, AceData
    ``{"success": false, "error": {"code", "message"}, "trace_id"}``, a bare
    ``{"message": ...}`` or ``{"detail": ...}``, an HTML page, or plain text.
    """
    text = body.decode("utf-8", errors="replace")
    if _looks_like_html(text, content_type.lower()):
        title = _html_title(text)
        if title:
            # TRANSLATORS: follows "The provider said:"; {title} is the web page's own title.
            said = _("the server answered with a web page ({title})").format(title=title)
            return None, None, said
        # TRANSLATORS: follows "The provider said:".
        return None, None, _("the server answered with a web page instead of an API response")
    try:
        data: Any = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
        return None, None, text
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            message = err.get("message") or err.get("msg") or ""
            etype = err.get("type")
            code = err.get("code")
            return (
                str(etype) if etype is not None else None,
                str(code) if code is not None else None,
                str(message),
            )
        if isinstance(err, str):
            return None, None, err
        for key in ("message", "detail", "msg"):
            if isinstance(data.get(key), str):
                return None, None, data[key]
    if isinstance(data, str):
        return None, None, data
    return None, None, text


_QUOTA_WORDS = ("quota", "balance", "credit", "insufficient", "billing", "payment", "recharge")
#: In a type or code, these name money ("insufficient" alone may be about permissions);
#: ``used_up`` is AceData's code for a spent balance.
_QUOTA_TYPE_WORDS = (
    "quota",
    "balance",
    "credit",
    "billing",
    "payment",
    "recharge",
    "budget",
    "used_up",
)
_LIMIT_TYPE_WORDS = ("rate_limit", "overload", "too_many")


def _about_money(etype: str | None, code: str | None, text: str) -> bool:
    """Whether a 403 or 429 means "out of balance" (never retried) rather than "slow down".

    The provider's type and code win over its words: Moonshot's
    ``rate_limit_reached_error`` can mention a daily token quota and is still a
    rate limit. The words decide only when the type and code name neither
    (Anthropic-style ``permission_error`` with "Insufficient credits").
    """
    structured = " ".join(filter(None, (etype, code))).lower()
    if any(word in structured for word in _QUOTA_TYPE_WORDS):
        return True
    if any(word in structured for word in _LIMIT_TYPE_WORDS):
        return False
    return any(word in text.lower() for word in _QUOTA_WORDS)


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    secret: str | None = None,
) -> ApiError:
    """Turn a non-2xx HTTP answer into the right :class:`ApiError`."""
    etype, code, raw_detail = parse_error_body(body, headers.get("content-type", ""))
    detail = _clean(raw_detail, secret) or None
    marker = " ".join(filter(None, (etype, code, raw_detail))).lower()
    retry_after = retry_after_seconds(headers)
    if retry_after is None and status == 429:
        retry_after = rate_limit_reset_seconds(headers)
    kind = code or etype
    about_money = _about_money(etype, code, raw_detail)

    def make(cls: type[ApiError], message: str) -> ApiError:
        return cls(message, status=status, code=kind, detail=detail, retry_after=retry_after)

    if status == 401:
        return make(
            AuthenticationError,
            _("The API key was rejected. Check the key for this endpoint in Settings."),
        )
    if status == 402 or (status in (403, 429) and about_money):
        return make(
            QuotaError,
            _(
                "The account has run out of balance or credits. Top up with the provider, "
                "then try again."
            ),
        )
    if status == 403:
        return make(
            AuthenticationError,
            _(
                "The endpoint refused access with this API key. Check the key and its "
                "permissions in Settings."
            ),
        )
    if status == 429:
        if "overload" in marker:
            if retry_after:
                text = _("The model is overloaded right now. Try again in {seconds} s.")
            else:
                text = _("The model is overloaded right now.")
        elif retry_after:
            text = _(
                "Too many requests: the endpoint's rate limit was hit. Try again in {seconds} s."
            )
        else:
            text = _("Too many requests: the endpoint's rate limit was hit.")
        return make(RateLimitError, text.format(seconds=f"{retry_after or 0:.0f}"))
    if status >= 500:
        return make(
            ServerError,
            _("The provider had a server error ({status}). Try again in a moment.").format(
                status=status
            ),
        )
    if status == 404:
        return make(
            BadRequestError,
            _(
                "The endpoint answered 404 Not Found. Check the base URL (and the model name) "
                "in Settings."
            ),
        )
    if status == 413:
        return make(
            BadRequestError,
            _(
                "The request was too large for the endpoint. Remove some images or start a "
                "new conversation."
            ),
        )
    if "context_length" in marker or "context length" in marker:
        return make(
            BadRequestError,
            _(
                "The conversation is longer than the model's context window. Start a new "
                "conversation or remove some messages."
            ),
        )
    return make(
        BadRequestError, _("The endpoint refused the request ({status}).").format(status=status)
    )


def describe(error: BaseException) -> str:
    """The sentence a person reads for any failure, with the provider's words if any.

    A detail that is a piece of JSON (a damaged chunk, a cut-off body) is not
    words: it stays on ``.detail`` for diagnosis and out of the sentence.
    """
    if isinstance(error, ApiError):
        detail = error.detail or ""
        if detail.lstrip().startswith(("{", "[")):
            return error.message
        if detail and detail.lower() not in error.message.lower():
            # TRANSLATORS: {detail} is the provider's own words, quoted as they came.
            said = _("The provider said: {detail}").format(detail=detail)
            return f"{error.message}\n{said}"
        return error.message
    # TRANSLATORS: {error} is the name of a Python exception, such as KeyError.
    return _("Something unexpected went wrong: {error}.").format(error=type(error).__name__)


def _size(limit: int) -> str:
    return f"{limit / 1048576:.0f} MB" if limit >= 1048576 else f"{limit / 1024:.0f} KB"


def stalled_error(host: str, seconds: float, *, started: bool) -> NetworkError:
    """Keep-alives (or a trickle) went on, but no reply text came for ``seconds``."""
    n = round(seconds)
    if started:
        message = ngettext(
            "{host} kept the connection open but sent no reply text for {n} second, so the "
            "reply was stopped. The text received so far was kept; try again.",
            "{host} kept the connection open but sent no reply text for {n} seconds, so the "
            "reply was stopped. The text received so far was kept; try again.",
            n,
        )
    else:
        message = ngettext(
            "{host} kept the connection open but did not finish its answer in {n} second. "
            "Try again.",
            "{host} kept the connection open but did not finish its answer in {n} seconds. "
            "Try again.",
            n,
        )
    return NetworkError(message.format(host=host, n=n), code="stalled")


def event_too_large_error(limit: int) -> ProtocolError:
    """One server-sent event grew past :attr:`Limits.event`."""
    return ProtocolError(
        # TRANSLATORS: {size} is a size such as "1 MB".
        _(
            "The endpoint sent one piece of the reply larger than {size}, so the "
            "reply was stopped. The text received so far was kept; try again."
        ).format(size=_size(limit)),
        code="event_too_large",
    )


def reply_too_large_error(limit: int) -> ProtocolError:
    """A whole event stream grew past :attr:`Limits.reply_bytes`."""
    return ProtocolError(
        # TRANSLATORS: {size} is a size such as "16 MB".
        _(
            "The reply grew past {size}, far beyond any real reply, so it was "
            "stopped. The text received so far was kept. If this happens again, check the "
            "base URL in Settings."
        ).format(size=_size(limit)),
        code="reply_too_large",
    )


def reply_too_long_error(limit: int) -> ProtocolError:
    """The text of one reply grew past :attr:`Limits.reply_chars`."""
    return ProtocolError(
        ngettext(
            "The reply grew past {n} character, far beyond any real reply, so it was "
            "stopped. The text received so far was kept.",
            "The reply grew past {n} characters, far beyond any real reply, so it was "
            "stopped. The text received so far was kept.",
            limit,
        ).format(n=f"{limit:,}"),
        code="reply_too_long",
    )


def answer_too_large_error(limit: int) -> ProtocolError:
    """A whole JSON answer is larger than :attr:`Limits.json_body`."""
    return ProtocolError(
        # TRANSLATORS: {size} is a size such as "8 MB".
        _(
            "The endpoint's answer is larger than {size}, far beyond any real "
            "answer, so it was not read. Check the base URL in Settings."
        ).format(size=_size(limit)),
        code="too_large",
    )


def models_too_large_error() -> ProtocolError:
    """A model list too large to read, with no whole model at its start."""
    return ProtocolError(
        _(
            "The endpoint's model list is too large to read. Type a model id instead, or "
            "check the base URL in Settings."
        ),
        code="models_too_large",
    )


def bad_models_error() -> ProtocolError:
    """A model list that is not a list (``{"data": 5}``)."""
    return ProtocolError(
        _(
            "The endpoint's model list could not be read. Type a model id instead, or check "
            "the base URL in Settings."
        ),
        code="bad_models",
    )


def damaged_encoding_error() -> ProtocolError:
    """A gzip or deflate body that cannot be decompressed (or one we never asked for)."""
    return ProtocolError(
        _(
            "The endpoint's answer arrived damaged and could not be unpacked. Try again; if "
            "it keeps happening, check the proxy setting and the base URL in Settings."
        ),
        code="bad_encoding",
    )


_STATUS_HINTS = (
    (("auth", "api_key", "invalid_token", "unauthorized"), 401),
    (("quota", "credit", "balance", "billing"), 402),
    (("rate_limit", "overload", "too_many"), 429),
    (("permission", "forbidden"), 403),
    (("invalid_request", "bad_request", "not_found", "context_length"), 400),
)


def _status_hint(marker: str) -> int | None:
    marker = marker.lower()
    return next((s for words, s in _STATUS_HINTS if any(w in marker for w in words)), None)


def error_from_payload(payload: Mapping[str, Any], *, secret: str | None = None) -> ApiError:
    """An error object that arrived with a 200 (inside a stream, or as the whole answer).

    There is no HTTP status to go on, so one is inferred: from a numeric code
    that is one (llama.cpp), else from the error's type and code, and only then
    from its message, which may mention "quota" in a rate limit's words.
    """
    try:
        body = json.dumps(dict(payload)).encode()
    except (ValueError, TypeError, RecursionError):
        body = b"{}"
    etype, code, message = parse_error_body(body, "application/json")
    numeric = int(code) if code is not None and code.isdigit() else 0
    status = (
        numeric
        if 400 <= numeric < 600
        else _status_hint(" ".join(filter(None, (etype, code)))) or _status_hint(message) or 500
    )
    return error_from_response(status, {"content-type": "application/json"}, body, secret=secret)
