"""The startup warnings ``app.build`` collects from the environment endpoint."""

from __future__ import annotations

from pathlib import Path

from kimi_desktop.app import build
from tests.ui.app_driver import shut_down

KEY = "sk-env-startup-5ecret-0123456789"


def test_plain_http_to_a_remote_host_warns_at_startup(qapp, qloop, tmp_path: Path) -> None:
    environ = {
        "KIMI_DESKTOP_HOME": str(tmp_path / "home"),
        "KIMI_BASE_URL": "http://remote-host.example/v1",
        "KIMI_API_KEY": KEY,
    }
    parts = build(qapp, environ=environ)  # builds only: nothing is sent before main() runs
    try:
        [warning] = parts.warnings
        assert warning.startswith("This address uses plain http")
        assert "remote-host.example" in warning
        assert KEY not in warning
    finally:
        shut_down(qloop, parts)


def test_a_loopback_server_gives_no_warning(qapp, qloop, tmp_path: Path) -> None:
    environ = {
        "KIMI_DESKTOP_HOME": str(tmp_path / "home"),
        "KIMI_BASE_URL": "http://127.0.0.1:9/v1",
        "KIMI_API_KEY": KEY,
    }
    parts = build(qapp, environ=environ)
    try:
        assert parts.warnings == []
    finally:
        shut_down(qloop, parts)
