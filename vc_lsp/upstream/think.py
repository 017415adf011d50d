"""Strip ``<think>...</think>`` from streamed content: reasoning must never reach the buffer."""

from __future__ import annotations

OPEN, CLOSE = "<think>", "</think>"


class ThinkFilter:
    """Incremental filter; tags may be split across chunks, so a possible tag start is held back."""

    def __init__(self) -> None:
        self._held = ""
        self._inside = False

    def feed(self, text: str) -> str:
        buf, out = self._held + text, []
        self._held = ""
        while buf:
            tag = CLOSE if self._inside else OPEN
            at = buf.find(tag)
            if at >= 0:
                if not self._inside:
                    out.append(buf[:at])
                buf = buf[at + len(tag):]
                self._inside = not self._inside
                continue
            keep = _partial_tag_suffix(buf, tag)
            if not self._inside:
                out.append(buf[: len(buf) - keep])
            self._held = buf[len(buf) - keep:]
            break
        return "".join(out)

    def flush(self) -> str:
        """End of stream: a held fragment that never became a tag was content after all."""
        held, self._held = self._held, ""
        return "" if self._inside else held


def _partial_tag_suffix(text: str, tag: str) -> int:
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


def strip_think(text: str) -> str:
    f = ThinkFilter()
    return f.feed(text) + f.flush()
