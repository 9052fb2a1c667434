"""When and how long to wait before trying a request again.

Retries happen only before the first byte of a reply: a stream that started is
never re-sent, because the provider has already billed it and the user has
already seen part of it. Quota errors are never retried: waiting cannot refill
a balance, and neither can it shrink a request that alone is over the
provider's tokens-per-minute limit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kimi_desktop.api.errors import (
    OVER_TOKENS_PER_MINUTE,
    ApiError,
    NetworkError,
    RateLimitError,
    ServerError,
)

#: Network failures that happen before the request reached the provider.
RETRYABLE_NETWORK_CODES = frozenset({"connect", "connect_timeout", "no_response"})
#: 5xx answers that mean "try again"; 501 and 505 mean "never".
RETRYABLE_SERVER_STATUSES = frozenset({500, 502, 503, 504, 520, 522, 524, 529})
#: Rate limits that no wait lifts: the same request would be refused again.
UNRETRYABLE_RATE_LIMIT_CODES = frozenset({OVER_TOKENS_PER_MINUTE})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded in tries and in wait.

    ``max_attempts`` counts every try, the first included. A ``Retry-After``
    longer than ``max_retry_after`` is not waited for: the error goes to the
    user at once, with the wait in its message, instead of a silent minute.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0


def is_retryable(error: ApiError) -> bool:
    """True for failures that a later, identical request may not hit."""
    if isinstance(error, RateLimitError):
        return error.code not in UNRETRYABLE_RATE_LIMIT_CODES
    if isinstance(error, ServerError):
        return error.status in RETRYABLE_SERVER_STATUSES
    if isinstance(error, NetworkError):
        return error.code in RETRYABLE_NETWORK_CODES
    return False


def backoff_delay(
    policy: RetryPolicy,
    attempt: int,
    error: ApiError,
    rand: random.Random | None = None,
) -> float | None:
    """Seconds to wait before try ``attempt + 1``, or ``None`` to give up now."""
    if attempt >= policy.max_attempts or not is_retryable(error):
        return None
    if error.retry_after is not None:
        return error.retry_after if error.retry_after <= policy.max_retry_after else None
    ceiling = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
    # Half fixed, half random: spreads clients apart without ever retrying at once.
    jitter: float = (rand or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter
