"""Recent latency figures, kept in memory so users and the bench can see what the server adds."""

from __future__ import annotations

from collections import deque


class LatencyStats:
    """A bounded window of samples per name; summaries are computed only when asked."""

    def __init__(self, window: int = 1000) -> None:
        self._window = window
        self._samples: dict[str, deque[float]] = {}

    def add(self, name: str, ms: float) -> None:
        samples = self._samples.get(name)
        if samples is None:
            samples = self._samples[name] = deque(maxlen=self._window)
        samples.append(ms)

    def summary(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name, samples in self._samples.items():
            ordered = sorted(samples)
            out[name] = {"count": len(ordered), "p50": _at(ordered, 0.5),
                         "p95": _at(ordered, 0.95), "max": ordered[-1]}
        return out


def _at(ordered: list[float], q: float) -> float:
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 3)
