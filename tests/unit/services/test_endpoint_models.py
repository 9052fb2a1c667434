"""The model picker holds only what the endpoint lists, and requests follow the model's mode.

EndpointPresenter over a real EndpointService and fake servers on loopback: what
``models_listed`` offers and selects, and what ``model_info`` and ``thinking_for``
say a request should carry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kimi_desktop.api import ChatRequest, KimiClient, Message, ModelInfo
from kimi_desktop.domain import ThinkingFields
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice
from kimi_desktop.services.endpoint_presenter import EndpointPresenter
from kimi_desktop.services.endpoints import EndpointService, ModelListing
from kimi_desktop.services.workers import BackgroundTasks
from kimi_desktop.settings import AppPaths, EndpointProfile, SecretStore, SettingsStore
from kimi_desktop.store.conversations import ConversationRepository
from kimi_desktop.store.db import Database
from tests.fakes import FakeKimiServer, json_reply, openai_stream

LOCAL_MODELS = {"object": "list", "data": [{"id": "my-local-model", "object": "model"}]}


@dataclass
class Picker:
    """The presenter, the service, and what the picker was told last."""

    presenter: EndpointPresenter
    endpoints: EndpointService
    settings: SettingsStore
    choice: ModelChoice = field(default_factory=lambda: ModelChoice(""))
    conversation_open: bool = False
    listed: list[tuple[list[str], str | None, str]] = field(default_factory=list)

    @property
    def offered(self) -> list[str]:
        return self.listed[-1][0]

    @property
    def selected(self) -> str | None:
        return self.listed[-1][1]

    @property
    def note(self) -> str:
        return self.listed[-1][2]

    def pick(self, model: str) -> None:
        """As the top bar does: the picker shows it, the presenter remembers it."""
        self.choice = ModelChoice(model, thinking=True)
        self.presenter.choose_model(model)


@pytest.fixture
def make_picker(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator:
    made: list[tuple[EndpointPresenter, Database]] = []

    def make(*profiles: EndpointProfile) -> Picker:
        paths = AppPaths.from_environment({"KIMI_DESKTOP_HOME": str(tmp_path / "home")})
        settings = SettingsStore(paths)
        for stored in settings.profiles:
            settings.remove_profile(stored.id)
        for profile in profiles:
            settings.add_profile(profile)
        endpoints = EndpointService(settings, SecretStore(paths.ensure_config_dir()))
        database = Database.open(tmp_path / "history.sqlite3")
        chat = ChatSession(ConversationRepository(database), endpoints.open_client)
        holder: dict[str, Picker] = {}
        presenter = EndpointPresenter(
            chat=chat,
            endpoints=endpoints,
            settings=settings,
            current_choice=lambda: holder["p"].choice,
            has_conversation=lambda: holder["p"].conversation_open,
            tasks=BackgroundTasks(),
        )
        picker = Picker(presenter, endpoints, settings)
        holder["p"] = picker

        def on_listed(models: list[ModelInfo], current: str | None, note: str) -> None:
            picker.listed.append(([m.id for m in models], current, note))
            picker.choice = ModelChoice(current or "", thinking=True)  # the picker follows

        presenter.models_listed.connect(on_listed)
        made.append((presenter, database))
        return picker

    yield make
    for presenter, database in made:
        database.close()
        presenter.deleteLater()
    QApplication.processEvents()


def local_server_profile(server: FakeKimiServer, **changes: object) -> EndpointProfile:
    values: dict[str, object] = {
        "id": "local",
        "name": "Local server",
        "base_url": server.base_url,
        "key_required": False,
        "preset": "local",
        "thinking_switch": "chat_template_kwargs",
    }
    values.update(changes)
    return EndpointProfile(**values)  # type: ignore[arg-type]


# -- the case from the bug report ------------------------------------------------------


def test_an_endpoint_listing_one_model_gets_only_that_one_and_no_thinking(
    make_picker, qloop
) -> None:
    """A server that lists only "my-local-model": the built-in default kimi-k2.5 (and a
    model remembered from elsewhere) is not kept, and the request has no thinking."""
    with FakeKimiServer("generic", api_key="") as server:
        server.override("GET", "/v1/models", json_reply(LOCAL_MODELS))
        picker = make_picker(local_server_profile(server, model="kimi-k2.5"))
        picker.presenter.list_endpoints()
        picker.choice = ModelChoice("kimi-k2.5", thinking=True)  # the picker before the list

        qloop.run_until_complete(picker.endpoints.refresh_models("local"))

        assert picker.offered == ["my-local-model"]
        assert picker.selected == "my-local-model"
        assert picker.note == ""  # the endpoint's own list: nothing to explain
        fields = picker.presenter.thinking_for(ModelChoice("my-local-model", thinking=True))
        assert fields == ThinkingFields(switch="chat_template_kwargs")

        server.enqueue(openai_stream((), ("Hi.",), None, model="my-local-model"))
        qloop.run_until_complete(send(picker.endpoints, "my-local-model", fields))
        [request] = server.chat_requests
    body = request.json()
    assert body["model"] == "my-local-model"
    for switch in ("thinking", "chat_template_kwargs", "reasoning_effort"):
        assert switch not in body


async def send(endpoints: EndpointService, model: str, fields: ThinkingFields) -> None:
    request = ChatRequest(
        model=model,
        messages=[Message("user", "Hello")],
        thinking=fields.thinking,
        thinking_switch=fields.switch,
        reasoning_effort=fields.effort,
    )
    client: KimiClient = endpoints.open_client(endpoints.active_id)
    async with client:
        async for _event in client.stream_chat(request):
            pass


def test_the_remembered_model_is_selected_when_the_endpoint_lists_it(make_picker, qloop) -> None:
    with FakeKimiServer("moonshot", api_key="") as server:
        profile = local_server_profile(server, model="kimi-k2-0905-preview", preset=None)
        picker = make_picker(profile)
        qloop.run_until_complete(picker.endpoints.refresh_models("local"))

    assert picker.offered == ["kimi-k2.5", "kimi-k2-0905-preview", "kimi-k2-thinking"]
    assert picker.selected == "kimi-k2-0905-preview"  # legacy, but the user's own choice


def test_without_a_usable_pick_the_first_current_model_is_selected(make_picker, qloop) -> None:
    listing = {
        "object": "list",
        "data": [
            {"id": "kimi-k2-0905-preview", "object": "model"},
            {"id": "kimi-latest", "object": "model"},
            {"id": "kimi-k2.6", "object": "model"},
            {"id": "kimi-k3", "object": "model"},
        ],
    }
    with FakeKimiServer("generic", api_key="") as server:
        server.override("GET", "/v1/models", json_reply(listing))
        picker = make_picker(local_server_profile(server, model="gone-model"))
        qloop.run_until_complete(picker.endpoints.refresh_models("local"))

    assert picker.selected == "kimi-k2.6"  # retired ids are never the default


def test_the_open_conversation_keeps_its_model_only_while_it_is_open(make_picker, qloop) -> None:
    with FakeKimiServer("generic", api_key="") as server:
        server.override("GET", "/v1/models", json_reply(LOCAL_MODELS))
        picker = make_picker(local_server_profile(server))
        qloop.run_until_complete(picker.endpoints.refresh_models("local"))

        picker.conversation_open = True
        picker.presenter.show_model("kimi-k2.5")  # the conversation was held elsewhere
        assert (picker.offered, picker.selected) == (["my-local-model"], "kimi-k2.5")
        qloop.run_until_complete(picker.endpoints.refresh_models("local"))  # a refresh
        assert picker.selected == "kimi-k2.5"  # does not take it away

        picker.conversation_open = False
        picker.presenter.show_model(None)  # a new chat
        assert picker.selected == "my-local-model"
        picker.choice = ModelChoice("kimi-k2.5")
        qloop.run_until_complete(picker.endpoints.refresh_models("local"))
        assert picker.selected == "my-local-model"


def test_a_pick_in_an_open_conversation_becomes_its_model(make_picker, qloop) -> None:
    with FakeKimiServer("moonshot", api_key="") as server:
        picker = make_picker(local_server_profile(server, preset=None))
        qloop.run_until_complete(picker.endpoints.refresh_models("local"))
        picker.conversation_open = True
        picker.presenter.show_model("retired-model")
        picker.pick("kimi-k2-thinking")
        qloop.run_until_complete(picker.endpoints.refresh_models("local"))

    assert picker.selected == "kimi-k2-thinking"
    assert "retired-model" not in picker.offered


# -- where there is no list, the table's stands in, and the tooltip says why -----------


def test_a_provider_without_a_model_list_offers_the_table_and_keeps_a_typed_id(
    make_picker,
) -> None:
    acedata = EndpointProfile(
        id="acedata",
        name="AceData",
        base_url="https://api.acedata.cloud/kimi",
        preset="acedata",
        model="kimi-k2.6",  # typed: the provider documents kimi-k2.5 only
    )
    picker = make_picker(acedata)
    picker.presenter.list_endpoints()

    assert picker.endpoints.model_listing("acedata") is ModelListing.NOT_LISTED
    assert picker.offered == ["kimi-k2.5"]
    assert picker.selected == "kimi-k2.6"
    assert "does not list its models" in picker.note


def test_before_the_list_arrives_and_when_it_cannot_be_fetched(make_picker, qloop) -> None:
    custom = EndpointProfile(id="custom", name="Custom", base_url="https://kimi.test/v1")
    picker = make_picker(custom)
    picker.presenter.list_endpoints()
    assert picker.endpoints.model_listing("custom") is ModelListing.PENDING
    assert picker.offered[0] == "kimi-k2.6"  # Moonshot's current line-up for now
    assert "has not arrived yet" in picker.note

    qloop.run_until_complete(picker.endpoints.refresh_models("custom"))  # no key: fails

    assert picker.endpoints.model_listing("custom") is ModelListing.FAILED
    assert "could not be fetched" in picker.note
    assert picker.selected == "kimi-k2.6"


# -- what a model is, and how a request switches it -----------------------------------


def test_model_info_is_the_list_entry_merged_with_the_table_for_that_id(make_picker, qloop) -> None:
    with FakeKimiServer("moonshot", api_key="") as server:
        picker = make_picker(local_server_profile(server, preset=None))
        qloop.run_until_complete(picker.endpoints.refresh_models("local"))
    info = picker.presenter.model_info

    assert info("kimi-k2.5") == ModelInfo(
        "kimi-k2.5", "moonshot", 262_144, True, True, supports_video=True
    )
    assert info("kimi-k3") is not None  # unlisted but known: the table's row
    assert info("kimi-k3").context_length == 1_048_576  # type: ignore[union-attr]
    assert info("nobody-knows") is None


@pytest.mark.parametrize(
    ("switch", "model", "thinking", "expected"),
    [
        ("thinking", "kimi-k2.6", False, ThinkingFields(thinking=False)),
        ("thinking", "kimi-k2-thinking", False, ThinkingFields()),
        ("thinking", "kimi-k2.7-code", False, ThinkingFields()),
        ("thinking", "kimi-k3", True, ThinkingFields(effort="max")),
        ("thinking", "kimi-k2-0905-preview", True, ThinkingFields()),
        (
            "chat_template_kwargs",
            "kimi-k2.5",
            False,
            ThinkingFields(thinking=False, switch="chat_template_kwargs"),
        ),
        (
            "reasoning_effort",
            "kimi-k2.6",
            False,
            ThinkingFields(switch="reasoning_effort", effort="none"),
        ),
        ("none", "kimi-k2.6", True, ThinkingFields(switch="none")),
    ],
)
def test_thinking_for_uses_the_models_mode_and_the_endpoints_switch(
    make_picker, switch, model, thinking, expected
) -> None:
    custom = EndpointProfile(
        id="custom", name="Custom", base_url="https://kimi.test/v1", thinking_switch=switch
    )
    picker = make_picker(custom)

    assert picker.presenter.thinking_for(ModelChoice(model, thinking, "max")) == expected


# -- web search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "protocol", "offered"),
    [
        ("moonshot-global", "openai", True),
        ("moonshot-cn", "openai", True),
        ("moonshot-anthropic", "anthropic", False),  # the tool is an OpenAI-format feature
        ("villamarket", "openai", False),
        ("local", "openai", False),
        (None, "openai", False),
    ],
)
def test_web_search_is_offered_only_on_moonshots_own_openai_endpoints(
    make_picker, preset: str | None, protocol: str, offered: bool
) -> None:
    profile = EndpointProfile(
        id="chosen",
        name="Chosen",
        base_url="https://api.example.com/v1",
        protocol=protocol,  # type: ignore[arg-type]
        preset=preset,
    )
    picker = make_picker(profile)
    picker.endpoints.set_active("chosen")
    assert picker.presenter.web_search_available() is offered


def test_the_offline_demo_offers_web_search(make_picker) -> None:
    picker = make_picker()
    picker.endpoints.use_demo()
    assert picker.presenter.web_search_available()
