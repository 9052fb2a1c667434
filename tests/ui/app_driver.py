"""Driving the main window as a person does: type, send, wait for the reply."""

from __future__ import annotations

import asyncio

import shiboken6

from kimi_desktop.app import AppParts
from kimi_desktop.ui.chat.message_widget import MessageWidget


def send(parts: AppParts, text: str) -> int:
    """Type ``text`` and press Send; returns the conversation it went to."""
    parts.window.composer.set_text(text)
    parts.window.composer.send_button.click()
    conversation = parts.window.presenter.conversation
    assert conversation is not None
    return conversation.id


def finish(loop: asyncio.AbstractEventLoop, parts: AppParts, conversation_id: int) -> None:
    """Run the loop until the conversation's reply has ended."""
    task = parts.chat.reply_task(conversation_id)
    if task is not None:
        loop.run_until_complete(asyncio.wait([task], timeout=20))


def last_widget(parts: AppParts) -> MessageWidget:
    """The widget of the newest message in the chat view."""
    ids = parts.window.chat_view.message_ids()
    widget = parts.window.chat_view.message_widget(ids[-1])
    assert widget is not None
    return widget


def shut_down(loop: asyncio.AbstractEventLoop, parts: AppParts) -> None:
    """Quit the app as ``main`` does, then delete its window; calling it again does nothing.

    Replies still streaming are saved as stopped, the window closes (saving its
    geometry) and the database is released. The window is deleted, not just
    hidden: a live window, with its dialogs, would stay alive for the rest of the
    run and every later style change would re-polish it.
    """
    loop.run_until_complete(parts.chat.shutdown())
    if shiboken6.isValid(parts.window):
        parts.window.close()
        parts.window.deleteLater()
    parts.close()
