"""The real services on a fake Moonshot endpoint, and a ChatPresenter over them: everything
of the window but the widgets, for the tests of the presenter, budgets, assistants,
documents, web search and titles.

``moonshot_services`` builds what ``app.build`` builds below the window (settings,
endpoints from the ``KIMI_*`` environment, history, chat) against a
:class:`FakeKimiServer`, and takes it down in the order the app does: what it was
given to close first, then the chat, then the database. ``moonshot_window`` adds a
presenter and records what it tells the window.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from kimi_desktop.domain import Draft, MessageAction, StoredMessage
from kimi_desktop.services.assistants import AssistantService
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice, Notice
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.presenter import ChatPresenter
from kimi_desktop.settings import AppPaths, Assistant, SecretStore, SettingsStore
from kimi_desktop.settings.secrets import environment_override
from kimi_desktop.store import ConversationRepository, Database
from tests.fakes import FakeKimiServer, json_reply
from tests.loop_support import settle

#: ``close()`` of a service that runs tasks: the tasks it cancelled, to wait for.
Closer = Callable[[], Iterable[asyncio.Future[None]]]


@dataclass
class Services:
    """What the app builds below the window, on a fake Moonshot endpoint."""

    server: FakeKimiServer
    paths: AppPaths
    settings: SettingsStore
    endpoints: EndpointService
    repository: ConversationRepository
    history: HistoryService
    chat: ChatSession
    loop: asyncio.AbstractEventLoop
    _closers: list[Closer] = field(default_factory=list, init=False, repr=False)
    _owned: list[QObject] = field(default_factory=list, init=False, repr=False)

    def own(self, made: QObject, close: Closer | None = None) -> None:
        """Take ``made`` down with the services: ``close`` before the chat shuts down,
        the object deleted after the database is closed."""
        if close is not None:
            self._closers.append(close)
        self._owned.append(made)

    def list_models(self, *models: dict[str, Any]) -> None:
        """The endpoint lists these models (Moonshot's list shape), and the app has asked."""
        listed = {"object": "list", "data": [{"object": "model", **m} for m in models]}
        self.server.override("GET", "/v1/models", json_reply(listed))
        self.loop.run_until_complete(self.endpoints.refresh_models(self.endpoints.active_id))


@contextmanager
def moonshot_services(
    tmp_path: Path, loop: asyncio.AbstractEventLoop, *, preset: str | None = "moonshot-global"
) -> Iterator[Services]:
    """The services on a fake Moonshot endpoint; its ``preset`` decides what the endpoint
    offers (Moonshot's own: web search; ``None``: a server the app does not know)."""
    with FakeKimiServer("moonshot") as server:
        environ = {
            "KIMI_DESKTOP_HOME": str(tmp_path / "home"),
            "KIMI_BASE_URL": server.base_url,
            "KIMI_API_KEY": server.api_key,
        }
        paths = AppPaths.from_environment(environ)
        settings = SettingsStore(paths)
        override = environment_override(environ)
        assert override is not None
        profile = dataclasses.replace(override.profile, preset=preset)
        endpoints = EndpointService(
            settings,
            SecretStore(paths.ensure_config_dir()),
            environment=(profile, override.api_key),
        )
        database = Database.open(tmp_path / "history.sqlite3")
        repository = ConversationRepository(database)
        history = HistoryService(repository)
        chat = ChatSession(repository, endpoints.open_client)
        services = Services(server, paths, settings, endpoints, repository, history, chat, loop)
        try:
            yield services
        finally:
            cancelled = [task for close in services._closers for task in close()]
            loop.run_until_complete(asyncio.gather(*cancelled, return_exceptions=True))
            settle(loop)
            loop.run_until_complete(chat.shutdown())
            database.close()
            for made in services._owned:
                made.deleteLater()
            QApplication.processEvents()


def kimi_k2_5(context_length: int) -> dict[str, Any]:
    """kimi-k2.5 as Moonshot lists it, with this context."""
    return {
        "id": "kimi-k2.5",
        "owned_by": "moonshot",
        "context_length": context_length,
        "supports_image_in": True,
        "supports_reasoning": True,
    }


@dataclass
class Window:
    """The presenter and the services behind it, and what the presenter told the window."""

    presenter: ChatPresenter
    services: Services
    assistants: AssistantService | None = None
    choice: ModelChoice = field(default_factory=lambda: ModelChoice("kimi-k2.5"))
    notices: list[Notice] = field(default_factory=list)
    sent: list[None] = field(default_factory=list)
    web_search: list[bool] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    listed: list[tuple[list[str], str]] = field(default_factory=list)
    composer: list[str] = field(default_factory=list)
    attach_asked: int = 0

    @property
    def chat(self) -> ChatSession:
        return self.services.chat

    @property
    def history(self) -> HistoryService:
        return self.services.history

    @property
    def endpoints(self) -> EndpointService:
        return self.services.endpoints

    @property
    def server(self) -> FakeKimiServer:
        return self.services.server

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self.services.loop

    def submit(self, draft: Draft) -> None:
        """Send ``draft`` as the composer does, and wait for the reply."""
        self.presenter.submit(draft)
        self.finish()

    def send(self, text: str) -> dict[str, Any]:
        """Send ``text``, wait for the reply; returns the request's body."""
        self.presenter.submit(Draft(text))
        assert self.presenter.conversation is not None
        self.finish()
        return self.body()

    def act(self, action: MessageAction, message: StoredMessage) -> None:
        """A message's button, and whatever reply it starts."""
        self.presenter.act(action, message.id)
        self.finish()

    def finish(self) -> None:
        conversation = self.presenter.conversation
        task = self.chat.reply_task(conversation.id) if conversation is not None else None
        if task is not None:
            self.loop.run_until_complete(asyncio.wait([task], timeout=20))

    def messages(self) -> list[StoredMessage]:
        conversation = self.presenter.conversation
        return self.history.messages(conversation.id) if conversation is not None else []

    def reply(self) -> StoredMessage:
        return self.presenter.messages()[-1]

    def body(self, index: int = -1) -> dict[str, Any]:
        body: dict[str, Any] = self.server.chat_requests[index].json()
        return body

    def list_models(self, context_length: int) -> None:
        """The endpoint lists kimi-k2.5 with this context."""
        self.services.list_models(kimi_k2_5(context_length))

    def follow_choices(self) -> None:
        """Let the presenter set the window's thinking toggle and effort, as the real
        window does when a conversation or an assistant chooses them."""
        self.presenter.thinking_chosen.connect(self._on_thinking_chosen)
        self.presenter.effort_chosen.connect(self._on_effort_chosen)

    def _on_thinking_chosen(self, on: bool) -> None:
        self.choice = dataclasses.replace(self.choice, thinking=on)

    def _on_effort_chosen(self, effort: str | None) -> None:
        self.choice = dataclasses.replace(self.choice, effort=effort)

    def _on_assistants_listed(self, assistants: list[Assistant], chosen: str) -> None:
        self.listed.append(([a.id for a in assistants], chosen))

    def _on_attach_requested(self) -> None:
        self.attach_asked += 1


@contextmanager
def moonshot_window(
    tmp_path: Path,
    loop: asyncio.AbstractEventLoop,
    *,
    preset: str | None = "moonshot-global",
    choice: ModelChoice | None = None,
    assistants: Callable[[Services], AssistantService] | None = None,
) -> Iterator[Window]:
    """A presenter on a fake Moonshot endpoint (see :func:`moonshot_services` for
    ``preset``), choosing ``choice`` (kimi-k2.5 by default), with the assistants
    ``assistants`` makes, if any."""
    with moonshot_services(tmp_path, loop, preset=preset) as services:
        offered = assistants(services) if assistants is not None else None
        holder: list[Window] = []
        presenter = ChatPresenter(
            history=services.history,
            chat=services.chat,
            endpoints=services.endpoints,
            settings=services.settings,
            current_choice=lambda: holder[0].choice,
            assistants=offered,
        )
        services.own(presenter, presenter.close)
        if offered is not None:
            services.own(offered)
        window = Window(presenter, services, offered)
        if choice is not None:
            window.choice = choice
        holder.append(window)
        presenter.notice_changed.connect(window.notices.append)
        presenter.draft_sent.connect(lambda: window.sent.append(None))
        presenter.web_search_changed.connect(window.web_search.append)
        presenter.status_message.connect(lambda text, _ms: window.status.append(text))
        presenter.assistants_listed.connect(window._on_assistants_listed)
        presenter.composer_text_set.connect(window.composer.append)
        presenter.attach_requested.connect(window._on_attach_requested)
        yield window
