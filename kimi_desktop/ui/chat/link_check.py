"""Whether a link in a message could mislead, so the user sees where it goes before it opens.

Model output is untrusted, and markdown lets a link show any text:
``[https://bank.com](https://evil.example)`` reads as one site and opens
another. A look-alike host (``apple.com`` spelt with a Cyrillic a, U+0430,
is ``xn--pple-43d.com`` in punycode) or a user name before the host
(``https://bank.com@evil.example``) fools the eye the same way. Such a link
is opened only after the user has seen both its text and its real address;
any other link opens on one click.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from PySide6.QtCore import QUrl

from kimi_desktop.i18n import _

_ACE = QUrl.ComponentFormattingOption.EncodeUnicode

#: A URL with a scheme anywhere in the text.
_SCHEME_URL: Final = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>\"'`]+", re.IGNORECASE)
#: A bare address: host (two labels or more, the last one letters), then maybe a port and path.
_BARE_ADDRESS: Final = re.compile(
    r"(?P<host>(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?P<tld>[^\W\d_]{2,}))\.?(?::\d+)?(?:[/?#]\S*)?",
    re.IGNORECASE,
)
#: Last labels that, without a path after them, more likely end a file name than a host:
#: "setup.py" or "README.md" as a link's text names a file, not a site.
_FILE_EXTENSIONS: Final = frozenset(
    {
        *("c", "cc", "cpp", "cs", "css", "csv", "gif", "go", "h", "hpp", "htm", "html"),
        *("ini", "java", "jpeg", "jpg", "js", "json", "kt", "lock", "log", "md", "php"),
        *("pl", "png", "py", "rb", "rs", "sh", "svg", "swift", "toml", "ts", "tsx", "txt"),
        *("xml", "yaml", "yml"),
    }
)
_PUNCTUATION: Final = "<>()[]{}\"'`,;:!?*"
#: Characters that draw nothing (zero-width spaces and joiners, soft hyphens, bidi marks).
_INVISIBLE: Final = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class LinkConcern(StrEnum):
    """Why a link should not open on one click."""

    TEXT_SHOWS_OTHER_ADDRESS = "text_shows_other_address"
    """The text looks like an address on another host than the link opens."""
    LOOKALIKE_HOST = "lookalike_host"
    """The host is punycode (an ``xn--`` label) or has letters beyond ASCII."""
    USER_NAME = "user_name"
    """The address has a user name before its host (``https://bank.com@evil.example``)."""

    def sentence(self) -> str:
        """What the confirmation dialog says about it."""
        if self is LinkConcern.TEXT_SHOWS_OTHER_ADDRESS:
            return _("The link's text shows a different address from the one it opens.")
        if self is LinkConcern.LOOKALIKE_HOST:
            return _(
                "The address uses letters from other alphabets, which can imitate a familiar name."
            )
        return _("The address puts a user name before the site, so it can pass for another site.")


def link_needs_confirmation(text: str, url: str) -> LinkConcern | None:
    """Why opening ``url``, shown as ``text``, needs the user's go-ahead; ``None`` if not."""
    parsed = QUrl(url)
    if parsed.userName():
        return LinkConcern.USER_NAME
    host = _ace_host(parsed)
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        return LinkConcern.LOOKALIKE_HOST
    if any(not _within(host, claimed) for claimed in claimed_hosts(text)):
        return LinkConcern.TEXT_SHOWS_OTHER_ADDRESS
    return None


def claimed_hosts(text: str) -> list[str]:
    """The hosts ``text`` names: of every URL with a scheme in it, and of every word
    that is a bare address (``bank.com``, ``www.bank.com/login``), file names aside."""
    hosts: list[str] = []
    text = _INVISIBLE.sub("", text)  # what the eye reads
    for match in _SCHEME_URL.finditer(text):
        host = _ace_host(QUrl(match.group(0).rstrip(_PUNCTUATION + ".")))
        hosts.append(host or match.group(0))  # an unparsable "URL" names no host we open
    for word in text.split():
        word = word.strip(_PUNCTUATION)
        if "://" not in word and "@" not in word:
            hosts += _bare_host(word)
    return hosts


def shown_address(url: str) -> str:
    """``url`` as a person should see it: a host beyond ASCII in its punycode form, so a
    look-alike letter cannot pass for another; otherwise the readable form."""
    parsed = QUrl(url)
    if parsed.host() != _ace_host(parsed):
        return parsed.toString(_ACE)
    return parsed.toDisplayString()


def _bare_host(word: str) -> list[str]:
    word = word.rstrip(".")
    match = _BARE_ADDRESS.fullmatch(word)
    if match is None:
        return []
    # "main.rs" or "main.rs:12" names a file; "example.py/login" is an address.
    no_path = not word[len(match.group("host")) :].lstrip(":0123456789")
    if no_path and match.group("tld").lower() in _FILE_EXTENSIONS:
        return []
    return [_ace_host(QUrl("http://" + match.group("host"))) or match.group("host").lower()]


def _ace_host(url: QUrl) -> str:
    """The host in ASCII (punycode) form, lower case, without a trailing dot or ``www.``."""
    host = url.host(_ACE).lower().rstrip(".")
    return host.removeprefix("www.")


def _within(host: str, claimed: str) -> bool:
    """Whether ``host`` is the ``claimed`` host or inside it (``docs.python.org`` is in
    ``python.org``)."""
    return host == claimed or host.endswith("." + claimed)
