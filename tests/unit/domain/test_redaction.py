"""One redaction for every text that may quote an API key: error bodies, keyring errors.

Providers echo keys whole, without their ``sk-`` prefix, or by their last
characters; any run of eight or more of the key's characters must go, while
ordinary text around it, and text when there is no usable secret, stays as it was.
"""

from __future__ import annotations

import time

import pytest

from kimi_desktop.domain import REDACTED, redact

KEY = "sk-Zq4vR8tLm2Xc7Pw9Nd3Hy6Bf1Kj5Gs0A"
#: Not shaped like ``sk-...``: only redaction of this very key can hide it.
TOKEN = "tok_7c1e5a90b3d2f8e4aa"


def runs_of(secret: str, length: int = 8) -> set[str]:
    return {secret[i : i + length] for i in range(len(secret) - length + 1)}


def assert_no_run_of(secret: str, text: str) -> None:
    leaked = sorted(run for run in runs_of(secret) if run in text)
    assert not leaked, f"{leaked} in {text!r}"


@pytest.mark.parametrize("secret", [KEY, TOKEN])
@pytest.mark.parametrize(
    "quote",
    [
        pytest.param(lambda k: k, id="whole"),
        pytest.param(lambda k: k[3:], id="without-prefix"),
        pytest.param(lambda k: k[-12:], id="last-12"),
        pytest.param(lambda k: k[-16:], id="last-16"),
        pytest.param(lambda k: k[5:13], id="eight-from-the-middle"),
        pytest.param(lambda k: k[:10] + "..." + k[-4:], id="half-masked"),
    ],
)
def test_any_run_of_eight_characters_of_the_key_is_redacted(secret: str, quote) -> None:
    text = f"Incorrect API key provided: {quote(secret)}. See https://platform.moonshot.ai"

    redacted = redact(text, secret)

    assert_no_run_of(secret, redacted)
    assert redacted.startswith("Incorrect API key provided: [redacted]")
    assert redacted.endswith(". See https://platform.moonshot.ai")


def test_seven_characters_of_the_key_are_left_alone() -> None:
    text = f"request id {KEY[10:17]}"

    assert redact(text, KEY) == text


def test_adjacent_and_repeated_echoes_become_one_marker_each() -> None:
    text = f"got {KEY}{KEY[-9:]} and again ({KEY[3:12]})"

    assert redact(text, KEY) == "got [redacted] and again ([redacted])"


def test_keys_of_any_account_shaped_like_keys_are_redacted_without_a_secret() -> None:
    other = "sk-0123456789abcdefghij"

    assert redact(f"key {other} expired", None) == "key [redacted] expired"
    assert redact(f"key {other} expired", "") == "key [redacted] expired"


@pytest.mark.parametrize("secret", [None, "", "a", "ab", "abc"])
def test_no_or_a_tiny_secret_never_mangles_text(secret: str | None) -> None:
    text = "a b abc: the model answered 'abc' at a rate of 3 ab/s"

    assert redact(text, secret) == text


def test_a_short_secret_is_redacted_only_where_it_stands_alone() -> None:
    text = "key 4711 rejected; listening on 127.0.0.1:47110, job 14711"

    assert (
        redact(text, "4711") == "key [redacted] rejected; listening on 127.0.0.1:47110, job 14711"
    )


def test_the_marker_is_the_one_the_whole_app_shows() -> None:
    assert REDACTED == "[redacted]"
    assert redact(KEY, KEY) == REDACTED


def test_megabytes_of_error_body_are_redacted_in_linear_time() -> None:
    """A proxy may answer with megabytes; redaction must not be quadratic in them."""
    filler = "Zq4vR8t Lm2Xc7P " * 250_000  # 4 MB made of the key's own characters
    text = filler + KEY[3:] + filler

    started = time.perf_counter()
    redacted = redact(text, KEY)
    elapsed = time.perf_counter() - started

    assert_no_run_of(KEY, redacted)
    assert len(redacted) == 2 * len(filler) + len(REDACTED)
    assert elapsed < 2.0, f"{elapsed:.2f} s for {len(text) / 1e6:.0f} MB"
