"""Reasoning out of streamed content: ``<think>...</think>`` and its cousins never reach the buffer.

Reasoning models wrap their thoughts in ``<think>`` (deepseek, qwen3, glm, minimax), ``<thinking>``
or ``<reasoning>`` (prompted chat models) or ``◁think▷`` (kimi); a chat template may have opened
the block already, so the reply carries only the closing tag. One copy of these rules serves the
stream filter, the inline cleanup and the code actions' cleaner.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN, CLOSE = "<think>", "</think>"
# Opening tag -> closing tag, every spelling seen from the models the default provider serves.
PAIRS: dict[str, str] = {
    OPEN: CLOSE,
    "<thinking>": "</thinking>",
    "<reasoning>": "</reasoning>",
    "<thought>": "</thought>",
    "◁think▷": "◁/think▷",
}
CLOSERS = tuple(PAIRS.values())


def partial_tag(text: str, tags: tuple[str, ...] | list[str], *, fold: bool = False) -> int:
    """Length of the end of ``text`` that may still grow into one of ``tags`` (0 if none).

    A stream that ends in ``<thi`` or ``<compl`` is sending a tag, not content, so callers hold
    that much back. ``fold`` compares case-insensitively (models change a tag's case).
    """
    tail = text[-max(map(len, tags), default=1):]
    if fold:
        tail = tail.lower()
    starts = {tag[0] for tag in tags}
    for at, ch in enumerate(tail):  # the earliest possible start is the longest partial tag
        if ch in starts:
            piece = tail[at:]
            if any(len(piece) < len(tag) and tag.startswith(piece) for tag in tags):
                return len(piece)
    return 0


@dataclass(frozen=True, slots=True)
class Split:
    """A reply cut into its reasoning and its answer."""

    reasoning: str  # every reasoning block, joined
    answer: str  # the text outside reasoning
    open: bool  # the reply ended inside reasoning (nothing after it is an answer yet)


def normalise(text: str) -> str:
    """LSP line breaks become ``\\n``: every cleaner works on one kind."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str) -> Split:
    """Reasoning blocks out, a template-opened block (only its closing tag) included."""
    reasoning: list[str] = []
    answer: list[str] = []
    rest = text
    while rest:
        start, opener = _first(rest, tuple(PAIRS))
        close_at, closer = _first(rest, CLOSERS)
        if close_at >= 0 and (start < 0 or close_at < start):
            # The template opened the block: everything so far was reasoning.
            reasoning.extend([*answer, rest[:close_at]])
            answer = []
            rest = rest[close_at + len(closer):]
            continue
        if start < 0:
            answer.append(rest)
            break
        answer.append(rest[:start])
        body = rest[start + len(opener):]
        end = body.find(PAIRS[opener])
        if end < 0:
            reasoning.append(body)
            return Split("".join(reasoning), "".join(answer), open=True)
        reasoning.append(body[:end])
        rest = body[end + len(PAIRS[opener]):]
    return Split("".join(reasoning), "".join(answer), open=False)


def visible(text: str) -> str:
    """The answer without its reasoning, line breaks normalised (unclosed reasoning dropped)."""
    return normalise(split(text).answer)


def _first(text: str, tags: tuple[str, ...]) -> tuple[int, str]:
    best, found = -1, ""
    for tag in tags:
        at = text.find(tag)
        if at >= 0 and (best < 0 or at < best):
            best, found = at, tag
    return best, found


class ThinkFilter:
    """Incremental filter; tags may be split across chunks, so a possible tag start is held back.

    Reasoning is kept aside: a reply that never closes its reasoning is handed over at the end,
    behind its opening tag, so the cleanup can still find an answer the model wrote inside it.
    """

    def __init__(self) -> None:
        self._held = ""
        self._closer: str | None = None  # the closing tag awaited while inside reasoning
        self._reasoning: list[str] = []

    def feed(self, text: str) -> str:
        buf, out = self._held + text, []
        self._held = ""
        while buf:
            if self._closer is None:
                at, tag = _first(buf, tuple(PAIRS))
                if at >= 0:
                    out.append(buf[:at])
                    buf = buf[at + len(tag):]
                    self._closer = PAIRS[tag]
                    self._reasoning = [tag]
                    continue
                keep = partial_tag(buf, tuple(PAIRS))
                out.append(buf[: len(buf) - keep])
            else:
                at = buf.find(self._closer)
                if at >= 0:
                    buf = buf[at + len(self._closer):]
                    self._closer = None
                    self._reasoning = []
                    continue
                keep = partial_tag(buf, (self._closer,))
                self._reasoning.append(buf[: len(buf) - keep])
            self._held = buf[len(buf) - keep:]
            break
        return "".join(out)

    def flush(self) -> str:
        """End of stream: a held fragment that never became a tag was content after all; an
        unclosed reasoning block comes out whole (opening tag first) for the cleanup to judge."""
        held, self._held = self._held, ""
        if self._closer is None:
            return held
        self._closer = None
        text, self._reasoning = "".join(self._reasoning) + held, []
        return text


def strip_think(text: str) -> str:
    """Closed reasoning blocks removed; everything else as it came (the stream filter's view)."""
    f = ThinkFilter()
    return f.feed(text) + f.flush()
