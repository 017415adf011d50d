"""Similar code in other open documents, as Copilot's neighbouring tabs find it.

Each document is cut into overlapping windows of ``WINDOW`` lines every ``STEP`` lines; each
window keeps the set of its identifier tokens (keywords dropped). A request scores windows by
Jaccard similarity with the tokens of the lines just above the cursor. An inverted index per
document (token -> windows) means only windows sharing a token are ever looked at, and the
query leaves out the line being typed, so typing along a line asks the same question (and hits
the cache) until the cursor moves to another line.
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
    """One document's windows: where each starts, its tokens, and token -> windows."""

    starts: list[int]  # offsets of line starts (one per line, plus the end)
    sets: list[frozenset[str]]
    postings: dict[str, list[int]]
    all_tokens: frozenset[str]

    @classmethod
    def build(cls, text: str, stop: frozenset[str]) -> Windows:
        """Tokens are read once per ``STEP`` lines; a window is two such chunks."""
        starts = line_starts(text)
        if starts[-1] == len(text) and len(starts) > 1:
            starts.pop()  # no empty last line after a final break
        starts.append(len(text))
        count = len(starts) - 1
        chunks = [tokens(text[starts[i]:starts[min(i + STEP, count)]], stop)
                  for i in range(0, count, STEP)]
        sets: list[frozenset[str]] = []
        postings: dict[str, list[int]] = {}
        for w in range(len(chunks)):
            window = chunks[w] | chunks[w + 1] if w + 1 < len(chunks) else chunks[w]
            sets.append(window)
            for token in window:
                postings.setdefault(token, []).append(w)
            if w * STEP + WINDOW >= count:
                break
        return cls(starts, sets, postings, frozenset(postings))

    def text_of(self, source: str, index: int) -> tuple[int, str]:
        """The 0-based first line and the text of window ``index``."""
        first = index * STEP
        last = min(first + WINDOW, len(self.starts) - 1)
        return first, source[self.starts[first]:self.starts[last]]

    def best(self, query: frozenset[str]) -> tuple[float, int]:
        """The best window's Jaccard score and index (``(0, -1)`` when nothing is shared)."""
        shared: dict[int, int] = {}
        for token in query:
            for w in self.postings.get(token, ()):
                shared[w] = shared.get(w, 0) + 1
        best, where = 0.0, -1
        size = len(query)
        for w, common in shared.items():
            score = common / (size + len(self.sets[w]) - common)
            if score > best or (score == best and w < where):
                best, where = score, w
        return best, where


@dataclass(frozen=True, slots=True)
class Match:
    uri: str
    score: float
    line: int  # 0-based first line
    text: str


def rank(query: frozenset[str], docs: Iterable[tuple[str, str, Windows]], *, limit: int,
         prefilter: int = 6) -> list[Match]:
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
