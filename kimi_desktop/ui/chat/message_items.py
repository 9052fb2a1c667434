"""Stored messages turned into what the chat view shows: thumbnails, costs, fixes.

A reply's cost is its tokens at the endpoint's prices plus, on Moonshot's own
endpoints (the only ones that run Kimi's web search), the price of each search
(:data:`~kimi_desktop.ui.chat.usage_text.WEB_SEARCH_PRICES`).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtGui import QImage

from kimi_desktop.domain import StoredMessage, Usage
from kimi_desktop.i18n import _
from kimi_desktop.images import format_size, make_thumbnail
from kimi_desktop.services.endpoints import EndpointService
from kimi_desktop.services.history import HistoryService
from kimi_desktop.services.workers import in_worker
from kimi_desktop.settings.known_models import effective_prices
from kimi_desktop.settings.presets import preset_by_id
from kimi_desktop.settings.prices import Prices
from kimi_desktop.ui.chat.items import AttachmentView, MessageItem
from kimi_desktop.ui.chat.usage_text import format_cost, format_usage, web_search_cost
from kimi_desktop.ui.chat.version_switcher import with_versions

MESSAGE_THUMB_SIDE = 160
THUMBNAIL_CACHE_SIZE = 200  # about 100 KB each


class MessageItemFactory:
    """Builds :class:`MessageItem`s: thumbnails decoded once, costs from the endpoint's prices."""

    def __init__(self, history: HistoryService, endpoints: EndpointService) -> None:
        self._history = history
        self._endpoints = endpoints
        # Decoded thumbnails by image hash, newest use last: a large screenshot
        # takes 10-40 ms to decode, too long to repeat each time a chat opens.
        self._thumbnails: OrderedDict[str, QImage] = OrderedDict()

    def item(
        self, message: StoredMessage, endpoint_id: str | None, *, decode: bool = True
    ) -> MessageItem:
        """The message as the view shows it, with its place among its versions. With
        ``decode=False`` a thumbnail not decoded yet is left blank (see
        :meth:`decode_thumbnails`)."""
        views = tuple(
            self._attachment_view(a.sha256, a.name, a.size, decode) for a in message.attachments
        )
        item = with_versions(MessageItem.from_stored(message, views), message)
        prices = self._prices(endpoint_id, message.model)
        if prices is not None and message.usage is not None:
            cost = self._cost(prices, message, endpoint_id)
            item = replace(item, cost=format_cost(cost, prices.currency))
        return item

    def conversation_summary(
        self, messages: Iterable[StoredMessage], endpoint_id: str | None
    ) -> str:
        """Token totals of these messages, and the cost where the endpoint has prices."""
        prompt = completion = cached = 0
        cost, currency = 0.0, None
        for message in messages:
            if message.usage is None:
                continue
            prompt += message.usage.prompt_tokens
            completion += message.usage.completion_tokens
            cached += message.usage.cached_tokens
            prices = self._prices(endpoint_id, message.model)
            if prices is not None:
                cost += self._cost(prices, message, endpoint_id)
                currency = prices.currency
        total = Usage(prompt, completion, cached)
        return format_usage(total, format_cost(cost, currency) if currency else None, compact=True)

    def _cost(self, prices: Prices, message: StoredMessage, endpoint_id: str | None) -> float:
        """The reply's tokens at ``prices``, and its web searches where Moonshot bills them."""
        assert message.usage is not None
        cost = prices.cost(message.usage)
        if message.web_searches and self._bills_web_search(endpoint_id):
            cost += web_search_cost(message.web_searches, prices.currency) or 0.0
        return cost

    def _bills_web_search(self, endpoint_id: str | None) -> bool:
        """Whether the endpoint is one of Moonshot's, whose searches have a list price."""
        profile = self._endpoints.profile(endpoint_id) if endpoint_id else None
        preset = preset_by_id(profile.preset) if profile is not None else None
        return preset is not None and preset.web_search

    def _prices(self, endpoint_id: str | None, model: str | None) -> Prices | None:
        profile = self._endpoints.profile(endpoint_id) if endpoint_id else None
        return effective_prices(profile, model) if profile and model else None

    def missing_thumbnails(self, messages: Iterable[StoredMessage]) -> list[str]:
        """Hashes of these messages' images whose thumbnails are not decoded yet."""
        wanted = {a.sha256 for m in messages for a in m.attachments}
        return sorted(wanted - self._thumbnails.keys())

    async def decode_thumbnails(self, hashes: Iterable[str]) -> None:
        """Decode thumbnails in a worker thread (``QImage`` is not tied to the GUI)."""
        for sha256 in hashes:
            if sha256 not in self._thumbnails:
                image = await in_worker(functools.partial(self._decode, sha256))
                self._remember(sha256, image)

    def _attachment_view(self, sha256: str, name: str, size: int, decode: bool) -> AttachmentView:
        thumbnail = self._thumbnails.get(sha256)
        if thumbnail is not None:
            self._thumbnails.move_to_end(sha256)
        elif decode:
            thumbnail = self._remember(sha256, self._decode(sha256))
        # TRANSLATORS: the name of an attached image that has no file name.
        shown_name = name or _("image")
        return AttachmentView(
            sha256=sha256,
            thumbnail=thumbnail if thumbnail is not None else QImage(),
            label=f"{shown_name} · {format_size(size)}",
        )

    def _decode(self, sha256: str) -> QImage:
        return make_thumbnail(self._history.image_bytes(sha256) or b"", MESSAGE_THUMB_SIDE)

    def _remember(self, sha256: str, image: QImage) -> QImage:
        self._thumbnails[sha256] = image
        self._thumbnails.move_to_end(sha256)
        while len(self._thumbnails) > THUMBNAIL_CACHE_SIZE:
            self._thumbnails.popitem(last=False)
        return image
