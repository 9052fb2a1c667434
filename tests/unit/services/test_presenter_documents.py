"""ChatPresenter with documents on a fake Moonshot endpoint: stored with the prompt, sent as
context blocks, refused before sending when they alone exceed the model's context."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from kimi_desktop.domain import AttachedDocument, Draft
from kimi_desktop.services.document_context import document_block, document_tokens
from tests.fakes import openai_stream
from tests.unit.services.moonshot_window import Window, moonshot_window


def document(name: str, text: str, kind: str = "text") -> AttachedDocument:
    made = AttachedDocument(name=name, kind=kind, text=text, lines=text.count("\n") + 1)
    return AttachedDocument(
        name=made.name,
        kind=made.kind,
        text=made.text,
        lines=made.lines,
        tokens=document_tokens(made),
    )


SPEC = document("spec.md", "# Spec\nThe widget must be blue.\n")


@pytest.fixture
def window(tmp_path: Path, qloop: asyncio.AbstractEventLoop) -> Iterator[Window]:
    with moonshot_window(tmp_path, qloop) as made:
        yield made


def test_a_drafts_documents_are_stored_and_sent_with_it(window: Window) -> None:
    window.server.enqueue(openai_stream([], ["Blue."]))
    window.submit(Draft("  What colour?  ", documents=(SPEC,)))

    assert window.sent == [None]
    prompt, reply = window.messages()
    assert (prompt.text, prompt.documents) == ("What colour?", (SPEC,))
    assert reply.text == "Blue."
    assert window.presenter.messages()[0].documents == (SPEC,)
    assert window.body()["messages"] == [
        {"role": "system", "content": document_block(SPEC)},
        {"role": "user", "content": "What colour?"},
    ]


def test_documents_larger_than_the_context_are_refused_before_anything_is_saved(
    window: Window,
) -> None:
    window.list_models(4_000)
    long_text = "word " * 4_000  # 20,000 ASCII characters: about 5,000 tokens
    big = document("big.txt", long_text)
    over = big.tokens - 4_000
    assert over > 0

    window.presenter.submit(Draft("Summarise", documents=(big,)))

    assert window.sent == []  # the composer keeps the draft
    assert window.presenter.conversation is None
    assert window.server.chat_requests == []
    expected = QLocale().toString(over)
    assert window.notices[-1].text.startswith(
        f"“big.txt” is {expected} tokens over this model's context"
    )


def test_several_documents_are_weighed_together(window: Window) -> None:
    window.list_models(4_000)
    half = "word " * 2_000
    first, second = document("a.txt", half), document("b.txt", half + "more ")
    over = first.tokens + second.tokens - 4_000
    window.presenter.submit(Draft("Compare", documents=(first, second)))
    assert window.sent == []
    text = window.notices[-1].text
    assert text.startswith(f"The attached documents are {QLocale().toString(over)} tokens over")


def test_documents_that_fit_go(window: Window) -> None:
    window.list_models(4_000)
    window.server.enqueue(openai_stream([], ["Fine."]))
    window.submit(Draft("Check", documents=(SPEC,)))
    assert window.sent == [None]


def test_documents_without_a_question_are_not_sent(window: Window) -> None:
    window.presenter.submit(Draft(" \u200b ", documents=(SPEC,)))
    assert window.sent == []
    assert window.presenter.conversation is None
    assert window.notices[-1].text.startswith("Write what you want to know")


def test_a_sent_documents_text_can_be_shown(window: Window) -> None:
    shown: list[tuple[str, str]] = []
    window.presenter.document_preview_requested.connect(lambda n, t: shown.append((n, t)))
    window.server.enqueue(openai_stream([], ["Blue."]))
    window.submit(Draft("What colour?", documents=(SPEC,)))
    prompt = window.presenter.messages()[0]
    window.presenter.preview_document(prompt.id, 0)
    window.presenter.preview_document(prompt.id, 1)  # no such document: nothing
    assert shown == [("spec.md", SPEC.text)]


def test_the_history_the_meter_counts_is_what_the_next_request_sends(window: Window) -> None:
    assert window.presenter.history_sent() == []
    window.server.enqueue(openai_stream([], ["Blue."]))
    window.submit(Draft("What colour?", documents=(SPEC,)))
    counted = window.presenter.history_sent()
    window.server.enqueue(openai_stream([], ["Yes."]))
    window.submit(Draft("Sure?"))
    sent = window.body()["messages"]
    assert len(counted) == 3
    assert [(m.role, m.text) for m in counted] == [(m["role"], m["content"]) for m in sent[:-1]]
