"""The one failure an export or import reports: a sentence saying what went wrong."""

from __future__ import annotations


class TransferFailed(Exception):
    """An export or import did not happen (an import added nothing at all).

    ``sentence`` is what a person reads: what went wrong, naming the file or the
    part of it at fault, and what to do when something can be done.
    """

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence
