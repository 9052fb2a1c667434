"""Endpoint profiles: what a valid one is, how it is stored and read back, fresh ids."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kimi_desktop.settings
from kimi_desktop.domain import Endpoint
from kimi_desktop.settings import EndpointProfile, Prices, new_profile_id


def _profile(**changes: object) -> EndpointProfile:
    values: dict[str, object] = {
        "id": "my-server",
        "name": "My server",
        "base_url": "https://example.com/v1",
    }
    values.update(changes)
    return EndpointProfile(**values)  # type: ignore[arg-type]


def test_endpoint_for_the_client() -> None:
    profile = _profile(protocol="anthropic", proxy="socks5://127.0.0.1:1080")

    assert profile.endpoint == Endpoint(
        id="my-server",
        name="My server",
        base_url="https://example.com/v1",
        protocol="anthropic",
        proxy="socks5://127.0.0.1:1080",
    )


def test_dict_round_trip() -> None:
    profile = _profile(
        proxy="http://proxy.local:3128",
        key_required=False,
        prices=Prices(1.0, 0.25, 4.0, currency="EUR"),
        model="kimi-k2.5",
        preset="moonshot-global",
    )

    assert EndpointProfile.from_dict(profile.to_dict()) == profile


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "Has Spaces"}, "id"),
        ({"id": ""}, "id"),
        ({"name": "  "}, "name"),
        ({"protocol": "grpc"}, "protocol"),
        ({"base_url": "ftp://example.com"}, "http"),
        ({"base_url": "https://user:secret@example.com/v1"}, "password"),
        ({"proxy": "ftp://proxy:21"}, "proxy"),
        ({"proxy": "http://user:secret@proxy:3128"}, "password"),
    ],
)
def test_invalid_profiles_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _profile(**changes)


_BASE = {"id": "a", "name": "A", "base_url": "https://x/v1"}
_NEGATIVE = {"input_per_mtok": -1, "cached_input_per_mtok": 0, "output_per_mtok": 1}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "named values"),
        ({"id": "a", "name": "A"}, "base_url"),
        ({**_BASE, "name": 3}, "name"),
        ({**_BASE, "key_required": "no"}, "key_required"),
        ({**_BASE, "model": 5}, "model"),
        ({**_BASE, "prices": {"output_per_mtok": 1}}, "prices"),
        ({**_BASE, "prices": _NEGATIVE}, "price"),
        ({**_BASE, "prices": "cheap"}, "prices"),
    ],
)
def test_from_dict_explains_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EndpointProfile.from_dict(data)


def test_from_dict_ignores_unknown_fields() -> None:
    data = {**_profile().to_dict(), "added_in_a_later_version": True}

    assert EndpointProfile.from_dict(data) == _profile()


def test_new_profile_ids_are_slugs_and_unique() -> None:
    first = new_profile_id("My Local LLaMA!")
    second = new_profile_id("My Local LLaMA!", {first})

    assert re.fullmatch(r"my-local-llama-[0-9a-f]{8}", first)
    assert first != second
    assert new_profile_id("???").startswith("endpoint-")
    _profile(id=first)  # accepted as an id


def test_the_settings_modules_import_each_other_without_a_cycle() -> None:
    """Presets are made of profiles, so nothing a profile needs may need the presets,
    not even through an import inside a function."""
    package = Path(kimi_desktop.settings.__file__).parent
    graph: dict[str, set[str]] = {}
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        graph[module.stem] = {
            node.module.rsplit(".", 1)[-1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("kimi_desktop.settings.")
        }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for name in graph.get(start, set()) - seen:
            if name == goal or reaches(name, goal, seen | {name}):
                return True
        return False

    assert [name for name in graph if name != "__init__" and reaches(name, name, set())] == []
