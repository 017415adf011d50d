"""How this user types and how fast the model answers: when an automatic request is worth it.

Every request the model has not answered before the next keystroke is paid for and thrown away.
The pause that means "the user stopped typing" is a little longer than their usual gap between
keys; a slow model is cut off by more of those keystrokes, so the slower the model is compared
with that gap, the longer the pause we wait for (1.2x the gap for a model that answers within one
gap, up to 2x for one that needs four or more). ``inline.debounceMs`` is the floor,
``inline.debounceMaxMs`` the ceiling; before there is anything to learn from, the floor is used.

The same keystroke clock tells, on the ``textDocument/completion`` path, a request the client
sent because the user is typing (Zed, Sublime and eglot ask on every key) from one the user
asked for: only the first is debounced.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable, Sequence

from lsprotocol import types

from ..config.settings import InlineSettings

BURST_S = 1.0  # a longer gap between two changes is a pause, not part of the typing rhythm
GAPS = 32  # the rhythm is the last this many gaps
LEARNED = 4  # gaps needed before the pause adapts
KEY_CHARS = 3  # a change this small is a keystroke (an auto-paired "()" included), not a paste


class Rhythm:
    """Keystroke times per document, recent gaps and the model's answer time, for one user."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: dict[str, tuple[float, float | None]] = {}  # uri -> (last key, the one before)
        self._gaps: deque[float] = deque(maxlen=GAPS)
        self._model_s: float | None = None

    # -- what is measured --------------------------------------------------------------------

    def changed(self, uri: str, changes: Sequence[types.TextDocumentContentChangeEvent]) -> None:
        """A ``didChange`` arrived; keystrokes count towards the rhythm, pastes and edits do not."""
        now = self._clock()
        if not all(_keystroke(change) for change in changes):
            self._last.pop(uri, None)
            return
        last = self._last.get(uri)
        if last is not None and now - last[0] < BURST_S:
            self._gaps.append(now - last[0])
            self._last[uri] = (now, last[0])
        else:
            self._last[uri] = (now, None)

    def answered(self, seconds: float) -> None:
        """A completion stream gave its answer this long after it started (a moving average)."""
        self._model_s = seconds if self._model_s is None else 0.7 * self._model_s + 0.3 * seconds

    def forget(self, uri: str) -> None:
        self._last.pop(uri, None)

    # -- what it means -----------------------------------------------------------------------

    @property
    def gap_s(self) -> float | None:
        """The usual gap between two keys (the 75th percentile of the recent ones)."""
        if len(self._gaps) < LEARNED:
            return None
        return statistics.quantiles(self._gaps, n=4)[2]

    def debounce_s(self, s: InlineSettings) -> float:
        """How long an automatic request waits for the next keystroke before it is sent."""
        floor, ceiling = s.debounce_ms / 1000, max(s.debounce_max_ms, s.debounce_ms) / 1000
        gap = self.gap_s
        if not s.adaptive_debounce or gap is None:
            return floor
        rate = 1.5
        if self._model_s is not None:
            slowness = min(max((self._model_s / gap - 1) / 3, 0.0), 1.0)
            rate = 1.2 + 0.8 * slowness
        return min(max(gap * rate, floor), ceiling)

    def typing(self, uri: str) -> bool:
        """Whether the user is in the middle of typing in ``uri``: its last two changes were
        keystrokes in rhythm and the last one was just now."""
        last = self._last.get(uri)
        if last is None or last[1] is None:
            return False
        window = min(max(2 * (self.gap_s or 0.1), 0.15), 0.5)
        return self._clock() - last[0] < window and last[0] - last[1] < window


def _keystroke(change: types.TextDocumentContentChangeEvent) -> bool:
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return True  # a full-sync client sends every keystroke as the whole text
    start, end = change.range.start, change.range.end
    same_line = start.line == end.line and abs(end.character - start.character) <= KEY_CHARS
    one_break = end.line == start.line + 1 and end.character == 0 and not change.text
    typed = change.text.strip(" \t")  # Enter brings the new line's indent along
    return len(typed) <= KEY_CHARS and (same_line or one_break)
