"""Costs and totals under replies: list prices only where they apply."""

from __future__ import annotations

from kimi_desktop.domain import Usage
from kimi_desktop.ui.chat.message_items import MessageItemFactory
from tests.ui.app_driver import shut_down


def test_reply_cost_uses_moonshot_list_prices(qapp, qloop, tmp_path) -> None:
    from kimi_desktop.app import build
    from kimi_desktop.domain import MessageStatus
    from kimi_desktop.store import ConversationRepository

    parts = build(qapp, environ={"KIMI_DESKTOP_HOME": str(tmp_path / "home")})
    try:
        repo = ConversationRepository(parts.database)
        conversation = parts.history.create(endpoint_id="moonshot-global", model="kimi-k2.5")
        streaming = repo.add_message(
            conversation.id, "assistant", "hi", status=MessageStatus.STREAMING, model="kimi-k2.5"
        )
        final = repo.finish_message(
            streaming.id,
            status=MessageStatus.COMPLETE,
            text="hi",
            reasoning="",
            usage=Usage(1_000_000, 1_000_000, 500_000),
        )
        assert final is not None
        items = MessageItemFactory(parts.history, parts.endpoints)
        # 0.5M uncached at $0.60 + 0.5M cached at $0.10 + 1M out at $3.00
        assert items.item(final, "moonshot-global").cost == "$3.35"
        assert items.item(final, "acedata").cost is None  # a reseller: no estimate
        summary = items.conversation_summary(
            parts.history.messages(conversation.id), "moonshot-global"
        )
        assert summary == "1.0M in · 1.0M out · 500.0K cached · $3.35"
    finally:
        shut_down(qloop, parts)
