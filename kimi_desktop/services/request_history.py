"""The dialogue a request sends, built from the stored conversation so a re-send repeats it.

What goes out, in order:

- the conversation's instructions, as the first system message;
- per user turn, each document sent with it as a system message of its own
  right before the turn (Moonshot's file Q&A guide: one system message per
  file, ahead of the question; platform.moonshot.ai/docs/guide/use-kimi-api-for-file-based-qa),
  its text the context block of :func:`~.document_context.document_block`,
  so the same bytes on every re-send. The Anthropic format cannot place a system
  message mid-conversation (``api/anthropic_messages.py`` joins every system
  message into its one top-level ``system``, which would move the document to
  the front and change that prefix whenever a later turn adds one), so there the
  blocks open the user turn's own text instead, each followed by a blank line;
- per reply that searched the web, the turns its search rounds added (the
  assistant turn with its ``tool_calls`` and reasoning, then a ``"tool"`` turn
  per call), then its answer: the reply's text after the rounds' own texts, and
  its reasoning after theirs. That is exactly what the model saw;
- images with the turns that carried them, newest first, until the request's
  image budget is spent; none for a model known not to see images.

Failed replies, and replies with no answer, are left out: they are no dialogue
(and Moonshot refuses an empty assistant turn).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kimi_desktop.domain import ImageData, Message, StoredMessage

#: ``blob(sha256)``: a stored image's bytes, ``None`` when gone.
BlobReader = Callable[[str], bytes | None]


def build_history(
    messages: Sequence[StoredMessage],
    *,
    blob: BlobReader,
    system_prompt: str = "",
    tool_turns: Mapping[int, Sequence[Message]] | None = None,
    with_images: bool = True,
    inline_documents: bool = False,
    before: int | None = None,
) -> list[Message]:
    """The messages to send for a conversation's stored ``messages``.

    ``tool_turns`` are the search turns by reply id
    (:meth:`~kimi_desktop.store.ConversationRepository.tool_turns`);
    ``inline_documents`` puts documents into their user turn (the Anthropic
    format); ``before`` keeps only the messages older than that id (a reply
    being continued).
    """
    turns_of = tool_turns or {}
    kept = [m for m in messages if before is None or m.id < before]
    kept = [m for m in kept if m.role != "assistant" or answer_of(m, turns_of.get(m.id, ()))[0]]
    images = _images_within_budget(kept, blob) if with_images else {}
    history: list[Message] = []
    if system_prompt.strip():
        history.append(Message("system", system_prompt))
    for stored in kept:
        history += _turns_of(
            stored, images.get(stored.id, ()), turns_of.get(stored.id, ()), inline_documents
        )
    return history


def answer_of(reply: StoredMessage, turns: Sequence[Message]) -> tuple[str, str]:
    """``(text, reasoning)`` of a reply's answer: what came after its search rounds.

    Each round's deltas arrived in the same stream as the answer, so the stored
    text begins with the rounds' texts and the reasoning with theirs. When it
    does not (the reply was stored before its turns, or edited since), the whole
    text is the answer.
    """
    said = [turn for turn in turns if turn.role == "assistant"]
    rounds_text = "".join(turn.text for turn in said)
    rounds_reasoning = "".join(turn.reasoning or "" for turn in said)
    text = reply.text.removeprefix(rounds_text) if turns else reply.text
    reasoning = reply.reasoning.removeprefix(rounds_reasoning) if turns else reply.reasoning
    return text, reasoning


def _turns_of(
    stored: StoredMessage,
    images: tuple[ImageData, ...],
    search_turns: Sequence[Message],
    inline_documents: bool,
) -> list[Message]:
    """The messages one stored message becomes."""
    if stored.role == "assistant":
        text, reasoning = answer_of(stored, search_turns)
        answer = Message(
            "assistant",
            text,
            images,
            reasoning or None,
            # sent back under the field it arrived in (reasoning or reasoning_content)
            reasoning_field=stored.reasoning_field or "reasoning_content",
        )
        return [*search_turns, answer]
    # Loaded with the first request, not at start-up: it brings in the document readers.
    from kimi_desktop.services.document_context import document_block

    blocks = [document_block(document) for document in stored.documents]
    if inline_documents and blocks:
        text = "\n\n".join([*blocks, stored.text]) if stored.text else "\n\n".join(blocks)
        return [Message(stored.role, text, images)]
    placed = [Message("system", block) for block in blocks]
    return [*placed, Message(stored.role, stored.text, images)]


def _images_within_budget(
    messages: Sequence[StoredMessage], blob: BlobReader
) -> dict[int, tuple[ImageData, ...]]:
    """Images to re-send by message id, newest first while the request's budget lasts.

    Older turns go without theirs once it is spent (the model already answered
    about them), so the request stays under the provider's body limit.
    """
    # Loaded with the first request, not at start-up: it brings in image processing.
    from kimi_desktop.images.limits import MAX_REQUEST_IMAGE_BYTES

    budget = MAX_REQUEST_IMAGE_BYTES
    images: dict[int, tuple[ImageData, ...]] = {}
    for stored in reversed(messages):
        kept: list[ImageData] = []
        for attachment in stored.attachments:
            data = blob(attachment.sha256)
            if data is not None and len(data) <= budget:
                budget -= len(data)
                kept.append(ImageData(attachment.mime, data))
        if kept:
            images[stored.id] = tuple(kept)
    return images
