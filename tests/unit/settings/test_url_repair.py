"""Base URL checks: the usual paste mistakes explained in words, with the fix; proxies."""

from __future__ import annotations

import pytest

from kimi_desktop.settings import (
    check_base_url,
    is_local_host,
    suggest_base_url,
    validate_base_url,
    validate_proxy_url,
)

GOOD_URLS = [
    "https://api.moonshot.ai/v1",
    "https://api.moonshot.cn/v1",
    "https://api.kimi.villamarket.ai/v1",
    "https://kimi-k2.ai/api/v1",
    "https://api.acedata.cloud/kimi",
    "http://127.0.0.1:8080/v1",
    "http://localhost:11434/v1",
    "http://192.168.1.20:8000/v1",
    "http://[::1]:8080/v1",
]


@pytest.mark.parametrize("url", GOOD_URLS)
def test_good_urls_have_no_findings(url: str) -> None:
    assert validate_base_url(url) == []
    assert suggest_base_url(url, "openai") is None


def test_anthropic_urls_need_no_v1() -> None:
    assert validate_base_url("https://api.moonshot.ai/anthropic", protocol="anthropic") == []


@pytest.mark.parametrize(
    ("url", "protocol", "severity", "words", "fix"),
    [
        ("", "openai", "error", "Enter the base URL", None),
        ("ftp://example.com/v1", "openai", "error", "Only http:// and https://", None),
        ("file:///etc/passwd", "openai", "error", "Only http:// and https://", None),
        ("api.moonshot.ai/v1", "openai", "error", "must start with https://", "https://api.moonshot.ai/v1"),
        ("localhost:8080/v1", "openai", "error", "must start with https://", "http://localhost:8080/v1"),
        ("https://api.example.com/v1?key=abc", "openai", "error", "“?”", "https://api.example.com/v1"),
        ("https://me:pw@api.example.com/v1", "openai", "error", "password", "https://api.example.com/v1"),
        ("http://api.example.com/v1", "openai", "warning", "unencrypted", None),
        ("https://api.moonshot.ai", "openai", "hint", "“/v1”", "https://api.moonshot.ai/v1"),
        ("https://kimi-k2.ai/api", "openai", "hint", "“/v1”", "https://kimi-k2.ai/api/v1"),
        ("https://api.moonshot.ai/v1/v1", "openai", "hint", "twice", "https://api.moonshot.ai/v1"),
        ("https://api.moonshot.ai/v1/v1/", "openai", "hint", "twice", "https://api.moonshot.ai/v1"),
        ("https://api.moonshot.ai/v1/chat/completions", "openai", "hint", "full address", "https://api.moonshot.ai/v1"),
        ("https://api.acedata.cloud/kimi/chat/completions", "openai", "hint", "full address", "https://api.acedata.cloud/kimi"),
        ("https://kimi-k2.ai/api/v1/messages", "anthropic", "hint", "full address", "https://kimi-k2.ai/api/v1"),
        ("https://api.example.com/v1/models", "openai", "hint", "full address", "https://api.example.com/v1"),
    ],
)  # fmt: skip
def test_findings_and_fixes(
    url: str, protocol: str, severity: str, words: str, fix: str | None
) -> None:
    issues = check_base_url(url, protocol=protocol)  # type: ignore[arg-type]

    assert any(issue.severity == severity and words in issue.message for issue in issues), issues
    assert suggest_base_url(url, protocol) == fix  # type: ignore[arg-type]
    if fix is not None:
        assert [i for i in check_base_url(fix, protocol=protocol) if i.severity != "warning"] == []  # type: ignore[arg-type]


def test_plain_http_warning_names_the_host_and_not_for_local_servers() -> None:
    (warning,) = validate_base_url("http://kimi.example.org/v1")

    assert "kimi.example.org" in warning
    assert validate_base_url("http://127.0.0.1:8080/v1") == []


def test_hints_do_not_pile_up_for_one_mistake() -> None:
    issues = check_base_url("https://api.acedata.cloud/kimi/chat/completions")

    assert len(issues) == 1


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("::1", True),
        ("10.0.0.5", True),
        ("printer.local", True),
        ("api.moonshot.ai", False),
        ("8.8.8.8", False),
    ],
)
def test_local_hosts(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_proxy_urls() -> None:
    assert validate_proxy_url("") == []
    assert validate_proxy_url("socks5://127.0.0.1:1080") == []
    assert validate_proxy_url("https://proxy.example.com:8443") == []
    assert validate_proxy_url("ftp://proxy:21")
    assert validate_proxy_url("127.0.0.1:3128")
    assert "password" in validate_proxy_url("http://me:secret@proxy:3128")[0]
