"""Costs and totals under replies: list prices only where they apply."""

from __future__ import annotations

from kimi_desktop.domain import Usage
from kimi_desktop.ui.chat.message_items import (
    MessageItemFactory,
    format_cost,
    format_tokens,
    usage_summary,
)


def test_costs_are_readable_in_their_currency() -> None:
    assert format_cost(0.00213, "USD") == "$0.0021"
    assert format_cost(12.5, "CNY") == "¥12.50"
    assert format_cost(0.5, "GBP") == "0.5000 GBP"


def test_token_totals_stay_short() -> None:
    assert format_tokens(9_999) == "9,999"
    assert format_tokens(12_345) == "12.3K"
    assert format_tokens(1_250_000) == "1.2M"


def test_summary_names_cached_tokens_and_cost_only_when_present() -> None:
    assert usage_summary(Usage(0, 0)) == ""
    assert usage_summary(Usage(120, 80)) == "120 in · 80 out"
    assert usage_summary(Usage(120, 80, 64), "$0.0003") == "120 in · 80 out · 64 cached · $0.0003"


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
        summary = items.conversation_summary(conversation.id, "moonshot-global")
        assert summary == "1.0M in · 1.0M out · 500.0K cached · $3.35"
    finally:
        parts.window.close()
        parts.close()
