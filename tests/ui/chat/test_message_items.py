"""Message items: costs and totals under replies (list prices only where they apply), and
the button a failed reply offers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kimi_desktop.domain import MessageAction, MessageStatus, StoredMessage, Usage
from kimi_desktop.ui.chat.items import MessageItem
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


class _Endpoints:
    """The one question the factory asks of the endpoints: a profile by id."""

    def __init__(self, *profiles) -> None:
        self._profiles = {p.id: p for p in profiles}

    def profile(self, endpoint_id):
        return self._profiles.get(endpoint_id)


def test_a_replys_web_searches_add_moonshots_price_per_search() -> None:
    from kimi_desktop.domain import StoredMessage
    from kimi_desktop.settings.presets import preset_by_id
    from kimi_desktop.settings.prices import Prices

    global_profile = preset_by_id("moonshot-global").to_profile()
    china = preset_by_id("moonshot-cn").to_profile()
    china = replace(china, prices=Prices(4.0, 1.0, 16.0, "CNY"))
    reseller = replace(
        preset_by_id("villamarket").to_profile(), prices=Prices(0.6, 0.1, 3.0, "USD")
    )
    items = MessageItemFactory(None, _Endpoints(global_profile, china, reseller))  # type: ignore[arg-type]

    def reply(searches: int) -> StoredMessage:
        usage = Usage(1_000_000, 1_000_000, 500_000)
        return StoredMessage(
            1, 1, "assistant", "hi", 0.0, model="kimi-k2.5", usage=usage, web_searches=searches
        )

    assert items.item(reply(0), "moonshot-global").cost == "$3.35"
    assert items.item(reply(2), "moonshot-global").cost == "$3.36"  # + 2 x $0.005
    # 0.5M at ¥4 + 0.5M cached at ¥1 + 1M out at ¥16 = ¥18.50, + 3 x ¥0.03
    assert items.item(reply(3), "moonshot-cn").cost == "¥18.59"
    assert items.item(reply(3), "villamarket").cost == "$3.35"  # not Kimi's search: no fee
    summary = items.conversation_summary([reply(1), reply(1)], "moonshot-global")
    assert summary.endswith("$6.71")


@pytest.mark.parametrize(
    ("status", "fix", "action"),
    [
        (MessageStatus.ERROR, "settings", MessageAction.SETTINGS),
        (MessageStatus.ERROR, None, MessageAction.RETRY),  # histories from before fixes
        (MessageStatus.ERROR, "", None),  # e.g. access ended: no button helps
        (MessageStatus.INTERRUPTED, "larger_budget", MessageAction.LARGER_BUDGET),
        (MessageStatus.COMPLETE, "retry", None),
    ],
)
def test_a_failed_reply_offers_its_stored_fix(
    status: MessageStatus, fix: str | None, action: MessageAction | None
) -> None:
    stored = StoredMessage(
        id=1,
        conversation_id=1,
        role="assistant",
        text="",
        created_at=0.0,
        status=status,
        error="Something happened.",
        error_fix=fix,
    )
    assert MessageItem.from_stored(stored).error_action is action
