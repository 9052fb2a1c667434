"""What an attached document costs and how it reaches the model, from its stored form.

A document is stored with its message as an
:class:`~kimi_desktop.domain.AttachedDocument`; every request builds its
context block from that stored text with
:func:`kimi_desktop.documents.context_block`, so the block is the same bytes on
every re-send (Moonshot caches a repeated prompt prefix only when it is
byte-identical).

Tokens are estimated by the composer's rule (:mod:`.token_estimate`: a quarter
token per ASCII character, one per other character, plus the message overhead)
applied to the block itself, JSON quoting and all, since that is what is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QLocale

from kimi_desktop.documents import DocumentKind, ExtractedDocument, context_block
from kimi_desktop.domain import AttachedDocument
from kimi_desktop.i18n import _, ngettext
from kimi_desktop.services.token_estimate import estimate_turn


def document_block(document: AttachedDocument) -> str:
    """The context block naming the file, built from the stored text alone."""
    try:
        kind = DocumentKind(document.kind)
    except ValueError:  # a kind this version does not know: its text is still text
        kind = DocumentKind.TEXT
    extracted = ExtractedDocument(
        name=document.name,
        kind=kind,
        text=document.text,
        pages=document.pages,
        lines=document.lines,
    )
    return context_block(extracted)


def document_tokens(document: AttachedDocument) -> int:
    """The estimated tokens of the message that carries ``document`` to the model."""
    return estimate_turn(document_block(document))


def context_overflow(
    documents: Sequence[AttachedDocument], context_length: int | None
) -> str | None:
    """Why ``documents`` cannot be sent to a model of ``context_length`` tokens, or ``None``.

    Only the documents are weighed: when they alone do not fit, no conversation
    can carry them, whatever else is said. An unknown context refuses nothing.
    """
    if not documents or context_length is None or context_length <= 0:
        return None
    total = sum(document.tokens or document_tokens(document) for document in documents)
    over = total - context_length
    if over <= 0:
        return None
    if len(documents) == 1:
        # TRANSLATORS: {over} and {context} are token counts such as "12,000".
        text = ngettext(
            "“{name}” is {over} token over this model's context ({context} tokens). Attach "
            "a shorter part of it, or pick a model with a larger context.",
            "“{name}” is {over} tokens over this model's context ({context} tokens). Attach "
            "a shorter part of it, or pick a model with a larger context.",
            over,
        )
        return text.format(
            name=documents[0].name, over=_number(over), context=_number(context_length)
        )
    # TRANSLATORS: {over} and {context} are token counts such as "12,000".
    text = ngettext(
        "The attached documents are {over} token over this model's context ({context} "
        "tokens). Remove one, or pick a model with a larger context.",
        "The attached documents are {over} tokens over this model's context ({context} "
        "tokens). Remove one, or pick a model with a larger context.",
        over,
    )
    return text.format(over=_number(over), context=_number(context_length))


def no_question() -> str:
    """Said when a draft holds documents but no words to ask about them."""
    return _(
        "Write what you want to know about the attached documents, then send: the model "
        "needs a question or an instruction to go with them."
    )


def _number(n: int) -> str:
    return QLocale().toString(n)
