"""LSP's base protocol, bytes to message bodies: header lines, a blank line, Content-Length bytes.

Sans-IO and bounded: ``FrameDecoder.feed`` takes whatever bytes arrived and returns the bodies
now complete (``Frame``) and the messages it refused (``Refused``), never holding more than
``HEADER_LIMIT`` bytes of headers or ``BODY_LIMIT`` bytes of a body, and never raising.

Header names are case-insensitive (``content-length`` is read), lines may end in ``\\n`` as
well as ``\\r\\n``, other headers are ignored. A refused message (a header block that is too
long or not headers at all, a missing, malformed or conflicting Content-Length, a body over the
limit) loses only itself: the decoder resynchronises on the next ``Content-Length: N`` line.
That is safe because such a line can never occur inside a JSON body: outside strings JSON has
no bare words, and inside strings raw line breaks are not allowed. The same argument lets a
body whose declared length ran into the next message's header be cut there, so one wrong
Content-Length costs one message, not the rest of the session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_LIMIT = 8 * 1024  # one header block; real clients send about 60 bytes
BODY_LIMIT = 64 * 1024 * 1024  # a 100,000-line file is about 4 MB, escaped
PEEK_LIMIT = 4 * 1024  # of a refused body, kept so that its request can still be answered
_DIGITS = 20

_HEADER_LINE = re.compile(rb"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$")
_LENGTH_LINE = re.compile(rb"content-length[ \t]{0,8}:[ \t]{0,8}[0-9]{1,20}[ \t]{0,8}\r?\n",
                          re.IGNORECASE)
_LEADING_BLANK = re.compile(rb"(?:\r?\n)*")
_BLOCK_END = re.compile(rb"\r?\n\r?\n")
_TAIL = 80  # longer than any match of _LENGTH_LINE, kept between chunks while skipping


@dataclass(frozen=True)
class Frame:
    body: bytes


@dataclass(frozen=True)
class Refused:
    reason: str
    head: bytes = b""  # the first bytes of a refused body, if it had one


Event = Frame | Refused


class FrameDecoder:
    def __init__(self, *, header_limit: int = HEADER_LIMIT, body_limit: int = BODY_LIMIT) -> None:
        self.header_limit = header_limit
        self.body_limit = body_limit
        self._buf = bytearray()
        self._length: int | None = None  # reading a body of this many bytes
        self._skip: _Skip | None = None  # discarding until resynchronised

    @property
    def buffered(self) -> int:
        """Bytes held right now (the memory bound the tests check)."""
        return len(self._buf) + (len(self._skip.head) + len(self._skip.tail) if self._skip else 0)

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        if self._skip is not None:
            data = self._skip_through(data, events)
        self._buf += data
        while self._buf and self._skip is None:
            if not (self._body(events) if self._length is not None else self._headers(events)):
                break
        return events

    def close(self) -> list[Event]:
        """The stream ended: what was left unfinished."""
        if self._skip is not None and self._skip.remaining is not None:
            return [Refused(self._skip.reason, bytes(self._skip.head))]
        if self._length is not None or self._buf.strip():
            return [Refused("the input ended inside a message")]
        return []

    # -- headers ---------------------------------------------------------------------------

    def _headers(self, events: list[Event]) -> bool:
        """Read one header block; False when more bytes are needed."""
        buf = self._buf
        blank = _LEADING_BLANK.match(buf)
        if blank and blank.end():  # blank lines between messages are harmless
            del buf[:blank.end()]
            return True
        end = _BLOCK_END.search(buf, 0, self.header_limit + 4)
        if end is None:
            if len(buf) > self.header_limit:
                self._refuse(events, f"a header block over {self.header_limit} bytes", 1)
                return True
            return False
        length: bytes | None = None
        for raw in bytes(buf[:end.start()]).split(b"\n"):
            line = raw.removesuffix(b"\r")
            match = _HEADER_LINE.match(line)
            if match is None:
                self._refuse(events, f"not a header: {_show(line)}", 1)
                return True
            if match.group(1).lower() == b"content-length":
                if length is not None and length != match.group(2):
                    self._refuse(events, "two different Content-Length headers", 1)
                    return True
                length = match.group(2)
        if length is None:
            self._refuse(events, "a message without Content-Length", 1)
        elif not (length.isdigit() and len(length) <= _DIGITS):
            self._refuse(events, f"Content-Length is not a number: {_show(length)}", 1)
        elif int(length) > self.body_limit:
            reason = f"a message of {int(length)} bytes, over the limit of {self.body_limit}"
            data = bytes(buf[end.end():])
            self._buf = bytearray()
            self._skip = _Skip(reason, int(length))
            self._buf += self._skip_through(data, events)
        else:
            del buf[:end.end()]
            self._length = int(length)
        return True

    # -- bodies ----------------------------------------------------------------------------

    def _body(self, events: list[Event]) -> bool:
        assert self._length is not None
        if len(self._buf) < self._length:
            return False
        body = bytes(self._buf[:self._length])
        cut = _LENGTH_LINE.search(body) if b"\n" in body else None
        if cut is not None:  # ran into the next message: Content-Length was too large
            self._length = None
            events.append(Refused("a body that runs into the next message's header "
                                  "(Content-Length too large)",
                                  body[:min(cut.start(), PEEK_LIMIT)]))
            del self._buf[:cut.start()]
            return True
        del self._buf[:self._length]
        self._length = None
        events.append(Frame(body))
        return True

    # -- refusing and resynchronising ------------------------------------------------------

    def _refuse(self, events: list[Event], reason: str, start: int) -> None:
        """Drop the current message; look for the next header from ``start`` in the buffer
        (1 looks inside the refused block too, where garbage may be glued to a header)."""
        self._length = None
        events.append(Refused(reason))
        data = bytes(self._buf[start:])
        self._buf = bytearray()
        self._skip = _Skip(reason, None)
        self._buf += self._skip_through(data, events)

    def _skip_through(self, data: bytes, events: list[Event]) -> bytes:
        """Discard ``data`` while skipping; returns what follows once back in sync."""
        skip = self._skip
        assert skip is not None
        window = skip.tail + data
        found = _LENGTH_LINE.search(window)
        if found is None and skip.remaining is not None and skip.remaining <= len(data):
            rest = data[skip.remaining:]  # a whole oversized body went by: in sync again
            skip.keep(data[:skip.remaining])
            events.append(Refused(skip.reason, bytes(skip.head)))
            self._skip = None
            return rest
        if found is None:
            skip.keep(data)
            if skip.remaining is not None:
                skip.remaining -= len(data)
            skip.tail = window[-_TAIL:]
            return b""
        if skip.remaining is not None:
            skip.keep(window[len(skip.tail):found.start()])
            events.append(Refused(skip.reason, bytes(skip.head)))
        self._skip = None
        return window[found.start():]


class _Skip:
    """Bytes being discarded: an oversized body (``remaining`` counted) or garbage (None)."""

    def __init__(self, reason: str, remaining: int | None) -> None:
        self.reason = reason
        self.remaining = remaining
        self.head = bytearray()
        self.tail = b""

    def keep(self, data: bytes) -> None:
        if self.remaining is not None and len(self.head) < PEEK_LIMIT:
            self.head += data[:PEEK_LIMIT - len(self.head)]


def _show(raw: bytes, limit: int = 40) -> str:
    text = repr(raw[:limit])[2:-1]
    return text + ("..." if len(raw) > limit else "")
