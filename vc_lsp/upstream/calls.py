"""What one upstream call did, measured where it happens, for whoever watches the client.

``UpstreamClient.stream`` gives every HTTP request to ``/chat/completions`` a ``Meter`` and
tells its observers (``client.CallObserver``) when the call starts and how it ended, as a
``CallRecord``: the feature that asked, the model, the tokens (the provider's own count when
the answer came to its end; otherwise the content deltas streamed before the hang-up and the
prompt's characters / 4, marked ``estimated``), the latency and the outcome. The usage
ledger and the status both observe the client; neither knows how a stream is read.

Outcomes: ``answered`` (read to the end), ``stopped`` (we hung up because the answer was
complete: the tokens not generated were not paid for), ``cancelled`` (the user typed, a newer
request or a cancel took over) and ``failed`` (``error`` says why).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from .chunks import Delta, Event, Usage
from .errors import UpstreamError

Outcome = Literal["answered", "stopped", "cancelled", "failed"]
CHARS_PER_TOKEN = 4  # the estimate every budget in vc-lsp uses


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One HTTP request to the chat API, as it ended."""

    call_id: str
    feature: str
    model: str
    host: str
    started: float  # wall clock (time.time()) when the request was sent
    latency_ms: float  # from sending to the end of the answer (or the failure, or the hang-up)
    first_token_ms: float | None  # to the first visible text, if any came
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    estimated: bool  # no usage chunk came: the tokens are counted as above
    outcome: Outcome
    text_chars: int  # visible characters the model sent (all choices)
    responded: bool  # the API answered with a 2xx (so the key, model and network work)
    error: UpstreamError | None = field(default=None, compare=False)

    @property
    def cause(self) -> str:
        """The failure's cause (``auth``, ``rate``...), ``""`` when it did not fail."""
        if self.error is not None:
            return self.error.cause
        return "internal" if self.outcome == "failed" else ""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class Requested(Protocol):
    """What a meter reads of the request (``client.ChatRequest``)."""

    @property
    def id(self) -> str: ...
    @property
    def feature(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def messages(self) -> list[dict[str, str]]: ...


class Meter:
    """Counts one call's events as they are read."""

    def __init__(self, req: Requested, host: str) -> None:
        self.req = req
        self.host = host
        self.started_wall = time.time()
        self.started = time.perf_counter()
        self.first_token: float | None = None
        self.deltas = 0
        self.chars = 0
        self.usage: Usage | None = None
        self.responded = False
        self.ended = False  # the stream was read to its end ([DONE], or the whole JSON answer)

    def event(self, event: Event) -> None:
        if isinstance(event, Delta):
            if self.first_token is None:
                self.first_token = time.perf_counter()
            self.deltas += 1
            self.chars += len(event.text)
        elif isinstance(event, Usage):
            self.usage = event

    def record(self, outcome: Outcome, error: UpstreamError | None = None) -> CallRecord:
        now = time.perf_counter()
        usage = self.usage
        if usage is not None:
            prompt, cached, completion = (usage.prompt_tokens, usage.cached_tokens,
                                          usage.completion_tokens)
        else:  # cancelled, stopped or failed before the usage chunk: what streamed is counted
            prompt = prompt_estimate(self.req.messages) if self.responded else 0
            cached, completion = 0, self.deltas
        return CallRecord(
            call_id=self.req.id, feature=self.req.feature or "other", model=self.req.model,
            host=self.host, started=self.started_wall,
            latency_ms=round((now - self.started) * 1000, 1),
            first_token_ms=(None if self.first_token is None
                            else round((self.first_token - self.started) * 1000, 1)),
            prompt_tokens=prompt, cached_tokens=cached, completion_tokens=completion,
            estimated=usage is None and (prompt > 0 or completion > 0), outcome=outcome,
            text_chars=self.chars, responded=self.responded, error=error)


def prompt_estimate(messages: list[dict[str, str]]) -> int:
    """Prompt tokens a provider bills for ``messages``, estimated from their characters."""
    chars = sum(len(str(m.get("content") or "")) for m in messages)
    return (chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN
