"""Which links ask before they open: text that reads as another address, look-alike hosts."""

from __future__ import annotations

import pytest

from kimi_desktop.ui.chat.link_check import (
    LinkConcern,
    claimed_hosts,
    link_needs_confirmation,
    shown_address,
)

CYRILLIC_A = "\u0430"


@pytest.mark.parametrize(
    ("text", "url", "concern"),
    [
        # The text is an address on another host.
        ("https://bank.com", "https://evil.example", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("https://bank.com/login", "https://evil.example/bank.com", "text_shows_other_address"),
        ("bank.com", "https://evil.example", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("www.bank.com", "https://evil.example", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("Log in at bank.com.", "https://evil.example", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("docs.python.org", "https://python.org", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("bank.com", "https://bank.com.evil.example", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("see a.com or b.com", "https://a.com", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("example.py/login", "https://evil.example", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("https://bank\u200b.com", "https://evil.example", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        ("\u202ehttps://bank.com", "https://evil.example", LinkConcern.TEXT_SHOWS_OTHER_ADDRESS),
        # The host is punycode, or not ASCII.
        ("Apple", "https://xn--pple-43d.com/", LinkConcern.LOOKALIKE_HOST),
        ("Apple", f"https://{CYRILLIC_A}pple.com/", LinkConcern.LOOKALIKE_HOST),
        ("apple.com", f"https://{CYRILLIC_A}pple.com/", LinkConcern.LOOKALIKE_HOST),
        ("docs", "https://docs.xn--bcher-kva.de/", LinkConcern.LOOKALIKE_HOST),
        ("bücher.de", "https://bücher.de/", LinkConcern.LOOKALIKE_HOST),
        ("例え", "https://例え.jp/", LinkConcern.LOOKALIKE_HOST),
        # A user name before the host.
        ("bank", "https://bank.com@evil.example/", LinkConcern.USER_NAME),
        ("https://bank.com@evil.example/", "https://bank.com@evil.example/", "user_name"),
    ],
)
def test_misleading_links_ask_first(text: str, url: str, concern: str) -> None:
    assert link_needs_confirmation(text, url) == concern


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("the docs", "https://docs.python.org/3/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a", "https://example.com/b?c=d#e"),
        ("HTTPS://EXAMPLE.COM", "https://example.com"),
        ("example.com", "http://example.com:8080/x"),
        ("www.example.com", "https://example.com"),
        ("example.com", "https://www.example.com"),
        ("python.org", "https://docs.python.org/3/"),
        ("Read (bank.com).", "https://bank.com/login"),
        ("See https://bank.com.", "https://bank.com/"),
        ("https://bank\u200b.com/\u200blogin", "https://bank.com/login"),  # breaks drawn as nothing
        # File names are not addresses.
        ("setup.py", "https://github.com/pypa/setuptools/blob/main/setup.py"),
        ("README.md", "https://github.com/x/y"),
        ("main.rs:12", "https://github.com/x/y"),
        ("node.js", "https://nodejs.org"),
        # Words with dots that are no hosts.
        ("e.g. this", "https://example.org"),
        ("version 1.2.3", "https://example.org"),
        ("", "https://example.org"),
        ("mail bob@bank.com", "https://example.org"),
        ("localhost", "http://127.0.0.1:8000/"),
    ],
)
def test_ordinary_links_open_on_one_click(text: str, url: str) -> None:
    assert link_needs_confirmation(text, url) is None


def test_claimed_hosts() -> None:
    assert claimed_hosts("https://Bank.COM./x and www.b.org, c.net/d") == [
        "bank.com",
        "b.org",
        "c.net",
    ]
    assert claimed_hosts("setup.py, README.md and plain words") == []


def test_every_concern_has_a_sentence() -> None:
    sentences = {concern.sentence() for concern in LinkConcern}
    assert len(sentences) == len(LinkConcern)
    assert all(sentence.endswith(".") for sentence in sentences)


def test_look_alike_hosts_are_shown_in_punycode() -> None:
    assert shown_address(f"https://{CYRILLIC_A}pple.com/x") == "https://xn--pple-43d.com/x"
    assert shown_address("https://xn--pple-43d.com/") == "https://xn--pple-43d.com/"
    assert shown_address("https://example.com/a b") == "https://example.com/a b"
