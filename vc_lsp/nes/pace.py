"""How long a pause after an edit must be before a prediction is asked for, per document.

A fixed debounce fires between the keystrokes of someone who types slowly. Like tabby's, this
one follows the user: the configured pause, or twice the recent gap between their keystrokes
when that is longer (up to three times the configured pause), so it is a real pause that counts.
Only gaps shorter than the pause in force are typing speed; a longer one was a pause.
"""

from __future__ import annotations

WEIGHT = 0.3  # of the newest gap in the running mean
FACTOR = 2.0
CAP = 3.0


class Pace:
    def __init__(self) -> None:
        self._last: float | None = None
        self._gap: float | None = None

    def note(self, now: float, base_s: float) -> None:
        """A user edit at ``now`` (monotonic seconds), under a configured pause of ``base_s``."""
        if self._last is not None:
            gap = now - self._last
            if 0 <= gap < self.delay(base_s) or (self._gap is None and gap < CAP * base_s):
                self._gap = gap if self._gap is None else (1 - WEIGHT) * self._gap + WEIGHT * gap
        self._last = now

    def delay(self, base_s: float) -> float:
        """The pause to wait, in seconds, for a configured ``base_s``."""
        if base_s <= 0 or self._gap is None:
            return max(base_s, 0.0)
        return min(max(base_s, FACTOR * self._gap), CAP * base_s)
