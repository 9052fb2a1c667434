"""A code block whose closing line is queued is highlighted before the flush shows it."""

from __future__ import annotations

from kimi_desktop.domain import MessageStatus
from kimi_desktop.render.highlight import CodeHighlighter
from kimi_desktop.ui.chat.items import MessageItem


def test_queued_text_closing_a_code_block_is_lexed_in_a_turn_before_the_flush(
    view, qtbot, monkeypatch
):
    view.append_message(MessageItem(id=1, role="user", text="Code, please."))
    view.append_message(
        MessageItem(id=2, role="assistant", text="", status=MessageStatus.STREAMING)
    )
    view.append_content(2, "Here:\n\n```python\nimport os\n")
    view._flush_frame()
    lexed: list[str] = []
    spans = CodeHighlighter._spans

    def counting_spans(self, tokens):
        tokens = list(tokens)
        lexed.append("".join(value for _, value in tokens))
        return spans(self, tokens)

    monkeypatch.setattr(CodeHighlighter, "_spans", counting_spans)
    flushed: list[int] = []
    flush = view._show_pending
    monkeypatch.setattr(
        view, "_show_pending", lambda limit: (flushed.append(len(lexed)), flush(limit))[1]
    )

    view.append_content(2, "print(os.sep)\n```\n\nDone.\n")
    qtbot.waitUntil(lambda: bool(flushed))
    assert flushed == [1]  # highlighted before the flush that shows the closing line ...
    assert lexed == ["import os\nprint(os.sep)"]  # ... and not again by it
    widget = view.message_widget(2)
    assert widget is not None
    assert '<span style="' in widget._text.chunks()[-1].shown_source()
