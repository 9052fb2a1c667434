"""Driving the main window as a person does: type, send, wait for the reply."""

from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from kimi_desktop.app import AppParts
from kimi_desktop.ui.chat.conversation_settings import ConversationSettingsDialog
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


def notice_button(widget: MessageWidget, name: str) -> QPushButton | None:
    """A button of the notice under a message ("continueButton", "largerBudgetButton",
    "errorActionButton"), if it is shown."""
    button = widget.notice().findChild(QPushButton, name)
    return button if button is not None and button.isVisibleTo(widget) else None


def set_conversation_settings(
    parts: AppParts, *, system_prompt: str | None = None, max_tokens: int | None = None
) -> None:
    """Open the conversation's settings from the top bar, change them, press OK
    (``max_tokens`` 0 picks the default budget; ``None`` leaves fields as they are)."""
    parts.window.top_bar.system_prompt_button.click()
    (dialog,) = [d for d in parts.window.findChildren(ConversationSettingsDialog) if d.isVisible()]
    if system_prompt is not None:
        dialog.system_prompt.setPlainText(system_prompt)
    if max_tokens is not None:
        dialog.budget.setValue(max_tokens)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


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
