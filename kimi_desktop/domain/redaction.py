"""The one rule for taking API keys out of text before anyone can see it.

Every text that did not come from this app — a provider's error body, a damaged
stream chunk, a redirect address, an exception from httpx or the keyring — may
quote the key, and providers quote it in pieces: whole, without its ``sk-``
prefix, by its last dozen characters, or half-masked (``sk-Zq4vR8t…Gs0A``).
:func:`redact` is applied to all of them, in every layer, so there is one
strength to reason about.

What is replaced:

- every run of :data:`MIN_RUN` (8) or more consecutive characters of the
  secret, wherever it stands; a run that long of a random key does not occur
  in ordinary text by chance, and shorter ones (a masked key's last four) are
  what providers show on purpose;
- a secret shorter than 8 but at least :data:`MIN_SECRET` (4) characters
  (a local server's ``--api-key 4711``) only where it stands alone, not inside
  a longer word or number, so a port ``47110`` survives;
- a secret shorter than 4 characters not at all: it would hit ordinary words
  ("a", "ok"), and a key that short protects nothing anyway;
- whatever the secret, any token shaped like someone's API key
  (``sk-…``, ``ak-…``, ``key-…`` followed by 8 or more key characters).

Cost is linear in the text: one C-speed ``str.find`` scan of it per distinct
8-char window of the key, then one pass to splice the markers in — about a
quarter of a second for 5 MB of error body and a 50-character key. Keys are
short, so this beats matching every position of the text against a set in
Python or a regex alternation of the windows, which tries each one at every
position.
"""

from __future__ import annotations

import re

#: What stands where a key was, in every message the app shows or logs.
REDACTED = "[redacted]"
#: A run of this many characters of the key is treated as the key.
MIN_RUN = 8
#: Secrets shorter than this are never searched for (see the module docstring).
MIN_SECRET = 4

_KEY_LIKE = re.compile(r"\b(sk|ak|key)-[A-Za-z0-9_\-]{8,}", re.IGNORECASE)


def redact(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` (in part or whole) and key-shaped tokens replaced.

    See the module docstring for exactly what counts as the secret.
    """
    if secret and len(secret) >= MIN_RUN:
        text = _splice(text, _runs_of(text, secret))
    elif secret and len(secret) >= MIN_SECRET:
        alone = re.compile(rf"(?<![\w-]){re.escape(secret)}(?![\w-])")
        text = alone.sub(REDACTED, text)
    return _KEY_LIKE.sub(REDACTED, text)


def _runs_of(text: str, secret: str) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` spans of ``text`` made of runs of ``secret``.

    A span covered by overlapping or touching 8-char windows of the key is one
    run of the key (or of two pieces of it side by side): either way it goes,
    under one marker.
    """
    windows = {secret[i : i + MIN_RUN] for i in range(len(secret) - MIN_RUN + 1)}
    starts: list[int] = []
    for window in windows:
        at = text.find(window)
        while at != -1:
            starts.append(at)
            at = text.find(window, at + 1)  # overlapping hits: "aaaaaaaaa" in a key
    spans: list[tuple[int, int]] = []
    for start in sorted(starts):
        end = start + MIN_RUN
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _splice(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts: list[str] = []
    kept_from = 0
    for start, end in spans:
        parts.append(text[kept_from:start])
        parts.append(REDACTED)
        kept_from = end
    parts.append(text[kept_from:])
    return "".join(parts)
