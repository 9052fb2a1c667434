"""Every way a request can fail, as one exception tree.

::

    ApiError                     .status .code .message .detail .retry_after
    ├── AuthenticationError      401, or 403 that is not about money: the key is wrong;
    │                            403 access_terminated_error: the account's access
    │                            was ended (code ACCESS_TERMINATED)
    ├── QuotaError               402, 403 about credits, 429 exceeded_current_quota_error:
    │                            the account is out of balance; never retried
    ├── RateLimitError           429 rate_limit_reached_error / engine_overloaded_error:
    │                            retried with backoff before the first byte, after the
    │                            wait the provider names ("try again after 3 seconds");
    │                            a request over the tokens-per-minute limit by itself is
    │                            never retried (code OVER_TOKENS_PER_MINUTE)
    ├── ServerError              5xx; retried before the first byte
    ├── BadRequestError          400, 404, 413, 422: the request itself is wrong; the
    │                            prompt does not fit the model (CONTEXT_TOO_LONG), the
    │                            content filter refused it (CONTENT_FILTERED)
    ├── NetworkError             no HTTP answer: connect error, timeout, dropped stream,
    │                            keep-alives with no reply text (``stalled``)
    └── ProtocolError            an answer we cannot read: malformed JSON, HTML where
                                 JSON belongs, a stream that ends without finishing,
                                 damaged compression, an answer over its size limit

Which answer becomes which error is one ordered table, :data:`_RULES`.
``message`` is the sentence a person reads: what happened and what to do.
``detail`` is the provider's own words, cleaned (no HTML, no key, bounded length).
``str(error)`` is ``message``. The API key never appears in either: every text
taken from a response passes through :func:`kimi_desktop.domain.redact`, which
also removes partial echoes of the key.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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

#: Provider words for "the prompt does not fit the model". Moonshot's two 400s are
#: "Input token length too long" and "Your request exceeded model token limit :
#: {max_model_length}" (platform.moonshot.ai/docs/api/errors); the others are
#: OpenAI's ``context_length_exceeded``, vLLM's "maximum context length", llama.cpp's
#: "exceeds the available context size" and Anthropic's "prompt is too long".
_CONTEXT_WORDS = (
    "context_length",
    "context length",
    "context size",
    "context window",
    "token length too long",
    "exceeded model token limit",
    "prompt is too long",
)
#: Moonshot's wording for its content filter: 400 ``content_filter``, "The request was
#: rejected because it was considered high risk" (platform.moonshot.ai/docs/api/errors).
_FILTER_TYPE = "content_filter"
_FILTER_WORDS = "considered high risk"
#: Moonshot's (and Kimi Code's) 403 for an account whose access was ended, e.g.
#: "Access terminated. Review our Community Guidelines or contact support".
_TERMINATED_TYPE = "access_terminated"
#: Moonshot's 429s say how long to wait: "... max RPM: 3, please try again after 1
#: seconds" (platform.moonshot.ai/docs/api/errors); OpenAI-style servers write
#: "Please try again in 9.8s" or "in 644ms".
_WAIT_WORDS = re.compile(
    r"try again (?:after|in) (\d+(?:\.\d+)?) ?"
    r"(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b",
    re.IGNORECASE,
)
#: Moonshot's tokens-per-minute limit: "Your account {org}<{ak}> request reached
#: organization TPM rate limit, current:{current_tpm}, limit:{max_tpm}" (the errors
#: page; a project's limit reads "project TPM rate limit, current: 1410, limit: 100").
_TOKENS_PER_MINUTE = re.compile(
    r"\bTPM\b\D*?current: ?([\d,]+) ?, ?limit: ?([\d,]+)", re.IGNORECASE
)

#: Stable codes for failures the app answers with its own actions, whatever the
#: provider called them (``ApiError.code`` holds the provider's code otherwise).
#: The prompt does not fit the model: offer a new chat or a model with more context.
CONTEXT_TOO_LONG = "context_too_long"
#: The provider's content filter refused the request: rephrasing may help.
CONTENT_FILTERED = "content_filtered"
#: The provider ended the account's access: only its support can help.
ACCESS_TERMINATED = "access_terminated"
#: The request alone needs more tokens per minute than the account's limit: never retried.
OVER_TOKENS_PER_MINUTE = "over_tokens_per_minute"


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


def wait_from_message(text: str) -> float | None:
    """The wait a provider's own words ask for ("please try again after 3 seconds")."""
    match = _WAIT_WORDS.search(text)
    if match is None:
        return None
    unit = match.group(2).lower()
    if unit == "ms" or unit.startswith("milli"):
        scale = 0.001
    elif unit.startswith("m"):
        scale = 60.0
    else:
        scale = 1.0
    return float(match.group(1)) * scale


def _tokens_per_minute(text: str) -> tuple[int, int] | None:
    """``(current, limit)`` from Moonshot's tokens-per-minute message, if it is one."""
    match = _TOKENS_PER_MINUTE.search(text)
    if match is None:
        return None
    return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))


@dataclass(frozen=True, slots=True)
class _Answer:
    """What an error answer says, read once, for the rules in :data:`_RULES`."""

    status: int
    etype: str | None
    code: str | None
    text: str  # the provider's own words, before cleaning
    retry_after: float | None

    @property
    def structured(self) -> str:
        return " ".join(filter(None, (self.etype, self.code))).lower()

    @property
    def marker(self) -> str:
        return " ".join(filter(None, (self.etype, self.code, self.text))).lower()

    @property
    def about_money(self) -> bool:
        return _about_money(self.etype, self.code, self.text)

    @property
    def over_tokens_per_minute(self) -> tuple[int, int] | None:
        """``(current, limit)`` when the request alone can never fit the per-minute limit.

        Moonshot counts the refused request in ``current``: a prompt of 1,410
        tokens against a project limit of 100 is refused with "current: 1410,
        limit: 100" however long the client waits. A count over the limit is
        taken to mean that, so the request is not sent again.
        """
        usage = _tokens_per_minute(self.text) if self.status == 429 else None
        return usage if usage is not None and usage[0] > usage[1] else None


def _wait_words(seconds: float) -> str:
    """ "5 seconds", "2 minutes": a wait as a person says it."""
    if seconds < 90:
        n = max(1, math.ceil(seconds))
        # TRANSLATORS: a wait, completing "Try again in {wait}."
        return ngettext("{n} second", "{n} seconds", n).format(n=n)
    n = math.ceil(seconds / 60)
    # TRANSLATORS: a wait, completing "Try again in {wait}."
    return ngettext("{n} minute", "{n} minutes", n).format(n=n)


def _key_rejected(_answer: _Answer) -> str:
    return _("The API key was rejected. Check the key for this endpoint in Settings.")


def _content_filtered(_answer: _Answer) -> str:
    return _("The provider's content filter refused this request. Rephrasing the message may help.")


def _access_terminated(_answer: _Answer) -> str:
    return _(
        "The provider has ended this account's access. Contact the provider's support to "
        "find out why and how to get it back."
    )


def _out_of_balance(_answer: _Answer) -> str:
    return _(
        "The account has run out of balance or credits. Top up with the provider, then try again."
    )


def _access_refused(_answer: _Answer) -> str:
    return _(
        "The endpoint refused access with this API key. Check the key and its permissions in "
        "Settings."
    )


def _over_tokens_per_minute(answer: _Answer) -> str:
    current, limit = answer.over_tokens_per_minute or (0, 0)
    # TRANSLATORS: {limit} and {current} are counts of tokens, like "32,000".
    return _(
        "This request is larger than the account's limit of {limit} tokens per minute "
        "({current} counted), so trying again will not help. Shorten the conversation or "
        "start a new chat, or ask the provider for a higher limit."
    ).format(limit=f"{limit:,}", current=f"{current:,}")


def _too_many_requests(answer: _Answer) -> str:
    overloaded = "overload" in answer.marker
    if not answer.retry_after:
        if overloaded:
            return _("The model is overloaded right now.")
        return _("Too many requests: the endpoint's rate limit was hit.")
    if overloaded:
        # TRANSLATORS: {wait} is a wait such as "5 seconds" or "2 minutes".
        text = _("The model is overloaded right now. Try again in {wait}.")
    else:
        # TRANSLATORS: {wait} is a wait such as "5 seconds" or "2 minutes".
        text = _("Too many requests: the endpoint's rate limit was hit. Try again in {wait}.")
    return text.format(wait=_wait_words(answer.retry_after))


def _server_failed(answer: _Answer) -> str:
    return _("The provider had a server error ({status}). Try again in a moment.").format(
        status=answer.status
    )


def _not_found(_answer: _Answer) -> str:
    return _(
        "The endpoint answered 404 Not Found. Check the base URL (and the model name) in Settings."
    )


def _too_large(_answer: _Answer) -> str:
    return _(
        "The request was too large for the endpoint. Remove some images or start a new "
        "conversation."
    )


def _context_too_long(_answer: _Answer) -> str:
    return _(
        "The conversation is too long for this model. Start a new chat, or pick a model "
        "with a larger context window."
    )


def _refused(answer: _Answer) -> str:
    return _("The endpoint refused the request ({status}).").format(status=answer.status)


@dataclass(frozen=True, slots=True)
class _Rule:
    """One row of :data:`_RULES`: when it applies, the class, its code and its sentence."""

    applies: Callable[[_Answer], bool]
    kind: type[ApiError]
    sentence: Callable[[_Answer], str]
    #: ``None`` keeps the provider's own code (or type) on the error.
    code: str | None = None
    #: Whether a wait read from the answer stays on the error (and so is retried after).
    waits: bool = True


def _is_content_filter(answer: _Answer) -> bool:
    return answer.status < 500 and (
        _FILTER_TYPE in answer.structured or _FILTER_WORDS in answer.text.lower()
    )


def _is_terminated(answer: _Answer) -> bool:
    return answer.status == 403 and _TERMINATED_TYPE in answer.structured and not answer.about_money


def _is_quota(answer: _Answer) -> bool:
    return answer.status == 402 or (answer.status in (403, 429) and answer.about_money)


def _is_context(answer: _Answer) -> bool:
    return any(word in answer.marker for word in _CONTEXT_WORDS)


#: Every error answer's class, code and sentence, decided here and nowhere else.
#: The first row that applies wins, so the order matters: a 403 that speaks of money
#: is a quota before it is a refused key; a 429 over the per-minute limit is never
#: retried, where other 429s are.
_RULES: tuple[_Rule, ...] = (
    _Rule(lambda a: a.status == 401, AuthenticationError, _key_rejected),
    _Rule(_is_content_filter, BadRequestError, _content_filtered, CONTENT_FILTERED),
    # Kimi Code also words a spent plan as access_terminated_error ("You've reached your
    # usage limit for this billing cycle"): that one is a quota, by the next row.
    _Rule(_is_terminated, AuthenticationError, _access_terminated, ACCESS_TERMINATED),
    _Rule(_is_quota, QuotaError, _out_of_balance),
    _Rule(lambda a: a.status == 403, AuthenticationError, _access_refused),
    _Rule(
        lambda a: a.over_tokens_per_minute is not None,
        RateLimitError,
        _over_tokens_per_minute,
        OVER_TOKENS_PER_MINUTE,
        waits=False,
    ),
    _Rule(lambda a: a.status == 429, RateLimitError, _too_many_requests),
    _Rule(lambda a: a.status >= 500, ServerError, _server_failed),
    _Rule(lambda a: a.status == 404, BadRequestError, _not_found),
    _Rule(lambda a: a.status == 413, BadRequestError, _too_large),
    _Rule(_is_context, BadRequestError, _context_too_long, CONTEXT_TOO_LONG),
    _Rule(lambda a: True, BadRequestError, _refused),
)


def _wait_for(status: int, headers: Mapping[str, str], text: str) -> float | None:
    """How long the provider asks us to wait: its header, else (on a 429) its words."""
    wait = retry_after_seconds(headers)
    if wait is None and status == 429:
        wait = rate_limit_reset_seconds(headers)
        if wait is None:
            wait = wait_from_message(text)
    return wait


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    secret: str | None = None,
) -> ApiError:
    """Turn a non-2xx HTTP answer into the right :class:`ApiError` (by :data:`_RULES`)."""
    etype, code, raw_detail = parse_error_body(body, headers.get("content-type", ""))
    answer = _Answer(status, etype, code, raw_detail, _wait_for(status, headers, raw_detail))
    rule = next(rule for rule in _RULES if rule.applies(answer))
    return rule.kind(
        rule.sentence(answer),
        status=status,
        code=rule.code or code or etype,
        detail=_clean(raw_detail, secret) or None,
        retry_after=answer.retry_after if rule.waits else None,
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
    ((_FILTER_TYPE, _FILTER_WORDS), 400),
    ((_TERMINATED_TYPE,), 403),
    (("auth", "api_key", "invalid_token", "unauthorized"), 401),
    (("quota", "credit", "balance", "billing"), 402),
    (("rate_limit", "overload", "too_many"), 429),
    (("permission", "forbidden"), 403),
    (("invalid_request", "bad_request", "not_found", *_CONTEXT_WORDS), 400),
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
