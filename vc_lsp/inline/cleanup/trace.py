"""Which filter removed what, for "why no suggestion?": recorded only when someone listens.

The server's completion handler sets ``TRACES`` to a list for the request (``vc_lsp/status/
why.py``); the job that streams the answer runs in a copy of the handler's context, so each
final ``clean`` of a raw reply appends one ``Trace`` there, with a ``Step`` per filter that
changed the text. Everywhere else (streaming checks, the CLI, tests, benches) the variable is
unset and nothing is recorded.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

SHOWN = 80  # characters of removed text kept per step


@dataclass(slots=True)
class Step:
    name: str  # the filter, as the debug log names it ("prose.preamble", "block-end")
    before_chars: int
    after_chars: int
    removed: str  # what it took out (shortened), or "before → after" when it rewrote

    def line(self) -> str:
        return f"{self.name}: {self.before_chars} -> {self.after_chars} chars ({self.removed})"


@dataclass(slots=True)
class Trace:
    """One raw reply on its way to the insert text."""

    raw: str
    steps: list[Step] = field(default_factory=list)
    text: str = ""  # what was left: "" when the cleanup removed everything


TRACES: ContextVar[list[Trace] | None] = ContextVar("vc_cleanup_traces", default=None)
_open: list[Trace] = []  # the trace of the ``clean`` call in progress (it never awaits)


def begin(raw: str) -> Trace | None:
    """Start the trace of a top-level ``clean``; ``None`` when nobody listens or when this is
    ``clean`` calling itself for a virtual line (its steps go to the outer trace)."""
    traces = TRACES.get()
    if traces is None:
        return None
    if _open:
        return None
    trace = Trace(raw)
    _open.append(trace)
    traces.append(trace)
    return trace


def end(trace: Trace | None, text: str) -> str:
    if trace is not None:
        trace.text = text
        _open.remove(trace)
    return text


def listening() -> bool:
    return bool(_open)


def step(name: str, before: str, after: str) -> None:
    """A filter changed ``before`` into ``after``."""
    if not _open:
        return
    _open[-1].steps.append(Step(name, len(before), len(after), _removed(before, after)))


def _removed(before: str, after: str) -> str:
    if not after.strip():
        return "removed " + _short(before)
    at = before.find(after)
    if at >= 0:
        cut = (before[:at] + " … " + before[at + len(after):]).strip(" …")
        return "removed " + _short(cut)
    return _short(before) + " → " + _short(after)


def _short(text: str) -> str:
    flat = repr(text)[1:-1]
    return flat if len(flat) <= SHOWN else flat[:SHOWN - 1] + "…"
