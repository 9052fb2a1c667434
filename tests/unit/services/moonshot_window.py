"""A ChatPresenter over real services on a fake Moonshot endpoint, for the presenter tests
of documents and web search: everything but the widgets."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from kimi_desktop.domain import Draft, StoredMessage
from kimi_desktop.services.chat import ChatSession
from kimi_desktop.services.choices import ModelChoice, Notice
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.presenter import ChatPresenter
from kimi_desktop.settings import AppPaths, SecretStore, SettingsStore
from kimi_desktop.settings.secrets import environment_override
from kimi_desktop.store import ConversationRepository, Database
from tests.fakes import FakeKimiServer, json_reply
from tests.loop_support import settle


@dataclass
class Window:
    """The presenter and the services behind it, and what the presenter said."""

    presenter: ChatPresenter
    chat: ChatSession
    history: HistoryService
    endpoints: EndpointService
    server: FakeKimiServer
    loop: asyncio.AbstractEventLoop
    choice: ModelChoice = field(default_factory=lambda: ModelChoice("kimi-k2.5"))
    notices: list[Notice] = field(default_factory=list)
    sent: list[None] = field(default_factory=list)
    web_search: list[bool] = field(default_factory=list)

    def submit(self, draft: Draft) -> None:
        self.presenter.submit(draft)
        self.finish()

    def finish(self) -> None:
        conversation = self.presenter.conversation
        task = self.chat.reply_task(conversation.id) if conversation is not None else None
        if task is not None:
            self.loop.run_until_complete(asyncio.wait([task], timeout=20))

    def messages(self) -> list[StoredMessage]:
        conversation = self.presenter.conversation
        return self.history.messages(conversation.id) if conversation is not None else []

    def body(self, index: int = -1) -> dict[str, Any]:
        return self.server.chat_requests[index].json()

    def list_models(self, context_length: int) -> None:
        """The endpoint lists kimi-k2.5 with this context."""
        listed = {
            "object": "list",
            "data": [
                {
                    "id": "kimi-k2.5",
                    "object": "model",
                    "owned_by": "moonshot",
                    "context_length": context_length,
                    "supports_image_in": True,
                    "supports_reasoning": True,
                }
            ],
        }
        self.server.override("GET", "/v1/models", json_reply(listed))
        self.loop.run_until_complete(self.endpoints.refresh_models(self.endpoints.active_id))


@contextmanager
def moonshot_window(
    tmp_path: Path, loop: asyncio.AbstractEventLoop, *, preset: str | None = "moonshot-global"
) -> Iterator[Window]:
    """A window on a fake Moonshot endpoint; its ``preset`` decides what the endpoint
    offers (Moonshot's own: web search)."""
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
        holder: dict[str, Window] = {}
        presenter = ChatPresenter(
            history=history,
            chat=chat,
            endpoints=endpoints,
            settings=settings,
            current_choice=lambda: holder["w"].choice,
        )
        window = Window(presenter, chat, history, endpoints, server, loop)
        holder["w"] = window
        presenter.notice_changed.connect(window.notices.append)
        presenter.draft_sent.connect(lambda: window.sent.append(None))
        presenter.web_search_changed.connect(window.web_search.append)
        try:
            yield window
        finally:
            loop.run_until_complete(asyncio.gather(*presenter.close(), return_exceptions=True))
            settle(loop)
            loop.run_until_complete(chat.shutdown())
            database.close()
            presenter.deleteLater()
            QApplication.processEvents()
