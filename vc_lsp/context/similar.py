"""Similar code in other open documents, as Copilot's neighbouring tabs find it.

Each document is cut into overlapping windows of ``WINDOW`` lines every ``STEP`` lines; each
window keeps the set of its identifier tokens (keywords dropped). A request scores windows by
Jaccard similarity with the tokens of the lines just above the cursor. Each window's tokens are
a bit set over its document's vocabulary, so scoring a window is one ``&`` and a bit count, and
the query leaves out the line being typed, so typing along a line asks the same question (and
hits the cache) until the cursor moves to another line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..lines import line_starts

STEP = 10
WINDOW = 2 * STEP
QUERY_LINES = 20
MIN_SCORE = 0.15
_TOKEN = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{2,}")


def tokens(text: str, stop: frozenset[str]) -> frozenset[str]:
    return frozenset(t for t in _TOKEN.findall(text) if t not in stop)


@dataclass(slots=True)
class Windows:
    """One document's windows: where each starts, and its tokens as a bit set."""

    starts: list[int]  # offsets of line starts (one per line, plus the end)
    vocabulary: dict[str, int]  # token -> bit
    masks: list[int]
    sizes: list[int]
    all_tokens: frozenset[str]

    @classmethod
    def build(cls, text: str, stop: frozenset[str]) -> Windows:
        """Tokens are read once per ``STEP`` lines; a window is two such chunks."""
        starts = line_starts(text)
        if starts[-1] == len(text) and len(starts) > 1:
            starts.pop()  # no empty last line after a final break
        starts.append(len(text))
        count = len(starts) - 1
        vocabulary: dict[str, int] = {}
        chunks: list[int] = []
        sizes: list[int] = []
        for i in range(0, count, STEP):
            mask = 0
            for token in tokens(text[starts[i]:starts[min(i + STEP, count)]], stop):
                bit = vocabulary.setdefault(token, len(vocabulary))
                mask |= 1 << bit
            chunks.append(mask)
        masks: list[int] = []
        for w in range(len(chunks)):
            mask = chunks[w] | chunks[w + 1] if w + 1 < len(chunks) else chunks[w]
            masks.append(mask)
            sizes.append(mask.bit_count())
            if w * STEP + WINDOW >= count:
                break
        return cls(starts, vocabulary, masks, sizes, frozenset(vocabulary))

    def text_of(self, source: str, index: int) -> tuple[int, str]:
        """The 0-based first line and the text of window ``index``."""
        first = index * STEP
        last = min(first + WINDOW, len(self.starts) - 1)
        return first, source[self.starts[first]:self.starts[last]]

    def best(self, query: frozenset[str]) -> tuple[float, int]:
        """The best window's Jaccard score and index (``(0, -1)`` when nothing is shared)."""
        vocabulary = self.vocabulary
        wanted = 0
        for token in query:
            bit = vocabulary.get(token)
            if bit is not None:
                wanted |= 1 << bit
        if not wanted:
            return 0.0, -1
        best, where = 0.0, -1
        size = len(query)
        for w, mask in enumerate(self.masks):
            common = (wanted & mask).bit_count()
            if common:
                score = common / (size + self.sizes[w] - common)
                if score > best:
                    best, where = score, w
        return best, where


@dataclass(frozen=True, slots=True)
class Match:
    uri: str
    score: float
    line: int  # 0-based first line
    text: str


def rank(query: frozenset[str], docs: Iterable[tuple[str, str, Windows]], *, limit: int,
         prefilter: int = 4) -> list[Match]:
    """The best window of each document, the ``limit`` best overall, above ``MIN_SCORE``.

    Documents are first ordered by how many query tokens they hold at all, and only the best
    ``prefilter`` of them are scored window by window.
    """
    if not query:
        return []
    pool = [(len(query & windows.all_tokens), uri, text, windows)
            for uri, text, windows in docs]
    pool = [p for p in pool if p[0]]
    pool.sort(key=lambda p: (-p[0], p[1]))
    out: list[Match] = []
    for _, uri, text, windows in pool[:prefilter]:
        score, where = windows.best(query)
        if where >= 0 and score >= MIN_SCORE:
            line, snippet = windows.text_of(text, where)
            out.append(Match(uri, score, line, snippet))
    out.sort(key=lambda m: (-m.score, m.uri, m.line))
    return out[:limit]
