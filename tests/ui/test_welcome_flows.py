"""The welcome page asks for the key of the endpoint in use, and never hides history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kimi_desktop.app import AppParts, build
from kimi_desktop.store import ConversationRepository
from tests.loop_support import settle
from tests.ui.app_driver import shut_down


@pytest.fixture
def keyless_app(qapp, qloop, tmp_path) -> Iterator[AppParts]:
    """An app that has been used before (a chat is saved) but holds no key."""
    parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(tmp_path / "home")})
    parts.window.show()
    settle(qloop)  # the keyring has said there is no key
    yield parts
    shut_down(qloop, parts)


def test_the_welcome_page_offers_the_endpoint_just_switched_to(keyless_app, qloop) -> None:
    window = keyless_app.window
    assert window.pages.currentWidget() is window.welcome

    for endpoint_id in ("kimi-k2-ai", "moonshot-cn"):
        keyless_app.endpoints.set_active(endpoint_id)
        settle(qloop)
        assert window.pages.currentWidget() is window.welcome
        assert window.welcome.provider.currentData() == endpoint_id


def test_an_old_chat_can_be_read_without_a_key(keyless_app, qloop) -> None:
    window = keyless_app.window
    conversation = keyless_app.history.create(endpoint_id="moonshot-cn", model="kimi-k2.5")
    repo = ConversationRepository(keyless_app.database)
    repo.add_message(conversation.id, "user", "remember this")
    repo.add_message(conversation.id, "assistant", "Kept for later.")

    window.open_conversation(conversation.id)
    settle(qloop)
    assert window.pages.currentWidget() is window.chat_page
    assert len(window.chat_view.message_ids()) == 2
    window.composer.set_text("and now?")
    window.composer.send_button.click()
    assert "No API key" in window.composer.notice.text()
    assert len(window.chat_view.message_ids()) == 2  # nothing was sent

    window.new_conversation()
    settle(qloop)
    assert window.pages.currentWidget() is window.welcome
