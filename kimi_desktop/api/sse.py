"""Server-sent events, framed a network read at a time.

A reply is thousands of tiny events, and the window waits for every one, so
the framing is done here in one tight loop per piece of text instead of a
generator step per line (httpx-sse's ``EventSource``, which cost about as much
as decoding the JSON in them). The rules are the ones httpx-sse applies
(https://html.spec.whatwg.org/multipage/server-sent-events.html): lines end at
``\\r\\n``, ``\\r`` or ``\\n``; an event ends at a blank line, so one cut off at
the end of the body is never delivered; ``:`` starts a comment; a field name
is what comes before the first ``:`` and one space after it is dropped.

Only what a dialect parser reads is kept: the event's name and its data.
An event whose data is blank (``event: ping`` alone, ``retry:``, ``id:``, an
empty ``data:``) carries nothing and is not delivered.
"""

from __future__ import annotations

#: One event: its name ("message" unless an ``event:`` line said otherwise) and its data.
SseEvent = tuple[str, str]


class EventFramer:
    """Turns an event stream's text, fed in any pieces, into whole events."""

    def __init__(self) -> None:
        self._line: list[str] = []  # the start of a line still arriving, in pieces
        self._cr = False  # the last piece ended with "\r": maybe half of "\r\n"
        self._event = ""
        self._data: list[str] = []

    def feed(self, text: str) -> list[SseEvent]:
        """The events ``text`` completes, in order."""
        if self._cr:
            text = "\r" + text
            self._cr = False
        if text.endswith("\r"):
            self._cr = True
            text = text[:-1]
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" not in text:
            if text:
                self._line.append(text)  # joined once its end arrives: a huge line is copied once
            return []
        lines = text.split("\n")
        if self._line:
            lines[0] = "".join(self._line) + lines[0]
            self._line.clear()
        last = lines.pop()  # ended only by what comes next (a held "\r" included)
        if last:
            self._line.append(last)
        return self._lines(lines)

    def finish(self) -> list[SseEvent]:
        """The events the end of the text completes: a held-back "\r" ends its line,
        and when that line is blank, the event before it."""
        line, ended = "".join(self._line), self._cr
        self._line.clear()
        self._cr = False
        return self._lines([line]) if ended else []

    def _lines(self, lines: list[str]) -> list[SseEvent]:
        messages: list[SseEvent] = []
        data = self._data
        for line in lines:
            if not line:
                if data:
                    joined = data[0] if len(data) == 1 else "\n".join(data)
                    if joined.strip():
                        messages.append((self._event or "message", joined))
                    data = self._data = []
                self._event = ""
            elif line.startswith("data:"):
                data.append(line[6:] if line.startswith(" ", 5) else line[5:])
            elif line[0] != ":":
                name, _, value = line.partition(":")
                if value.startswith(" "):
                    value = value[1:]
                if name == "event":
                    self._event = value
                elif name == "data":  # "data" with no colon: an empty line of data
                    data.append(value)
                # "id" and "retry" change nothing a reply shows; other names are ignored.
        return messages
