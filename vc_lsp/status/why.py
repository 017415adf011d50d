"""A reason for every empty answer, kept per document: "why no suggestion?".

Each completion request is an ``Attempt``. The handler opens it (``WhyBook.attempt``) around its
call to the service; what happens on the way is gathered where it happens, without the service
reporting it step by step:

- the job the service starts for it (``Work`` tells its listeners, in the handler's context)
  and who stopped that job (``Job.stop_reason``: a newer request, typing, a cancel);
- the upstream calls it made (the book observes the client; a call runs in the job's task,
  whose context is a copy of the handler's, so ``CURRENT`` is this attempt): the messages
  sent, the model, tokens, outcome, errors, a refusal while paused;
- what the cleanup removed (``inline/cleanup/trace.py``, through the same context).

When the handler has its answer, the attempt is classified into one ``Reason`` and kept as the
document's last report (and its last empty one): ``vc/why``, ``vc.why`` and, from the usage
file, ``vc-lsp explain-last`` show it. The messages are shown as they were sent (secrets were
already replaced by placeholders) and scrubbed once more of secrets and the API key.
"""

from __future__ import annotations

import contextlib
import enum
import re
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..documents import file_name
from ..inline.cleanup import trace as tracing
from ..privacy import redact as redact_secrets
from ..redact import redact
from ..upstream.calls import CallRecord
from ..upstream.errors import UpstreamError, host_of
from ..work import Job, Kind, Work
from . import words

if TYPE_CHECKING:
    from ..upstream.client import ChatRequest

KEEP_DOCUMENTS = 50  # documents whose last reports are kept in memory
ACTION_KINDS = (Kind.EDIT, Kind.EXPLAIN)  # never the answer to a completion-like request


class Reason(str, enum.Enum):
    ANSWERED = "answered"  # not empty
    SUPERSEDED = "superseded"
    DEBOUNCED = "debounced"
    EXCLUDED = "excluded"
    DISABLED = "disabled"
    PAUSED = "paused"
    BUDGET = "budget"
    UPSTREAM = "upstreamError"
    CLEANUP = "cleanup"
    MODEL_EMPTY = "modelEmpty"
    NOT_READY = "notReady"
    STALE = "stale"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


@dataclass
class Attempt:
    """One request on its way; filled in by whoever sees a part of it."""

    uri: str
    feature: str
    invoked: bool
    language: str = ""
    started: float = field(default_factory=time.time)
    job: Job | None = None
    joined: Attempt | None = None  # it asked for what a running job already computes
    requests: list[ChatRequest] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    refused: UpstreamError | None = None
    traces: list[tracing.Trace] = field(default_factory=list)
    reason: Reason | None = None  # decided up front (excluded, off, budget)
    detail: str = ""
    debounce_ms: int = 0
    budget_ms: int | None = None
    items: list[str] = field(default_factory=list)

    def refuse(self, reason: Reason, detail: str) -> None:
        """Nothing will be asked: say why now."""
        self.reason, self.detail = reason, detail

    @property
    def source(self) -> Attempt:
        """The attempt whose job did the work (itself, or the one it joined)."""
        return self.joined.source if self.joined is not None else self

    @property
    def call(self) -> CallRecord | None:
        """The last call made for it, if any."""
        calls = self.source.calls
        return calls[-1] if calls else None


CURRENT: ContextVar[Attempt | None] = ContextVar("vc_attempt", default=None)


class WhyBook:
    """The last report per document, and the attempts still on their way."""

    def __init__(self, work: Work) -> None:
        self._work = work
        self._owners: dict[Job, Attempt] = {}
        self._last: dict[tuple[str, str], dict[str, Any]] = {}
        self._empty: dict[tuple[str, str], dict[str, Any]] = {}
        self.latest: tuple[str, str] | None = None  # the document asked about last
        self.on_report: list[Any] = []  # callables(report) told of every finished attempt

    # -- the handler's side ---------------------------------------------------------------

    @contextlib.contextmanager
    def attempt(self, uri: str, feature: str, *, invoked: bool,
                joins: Callable[[], Job | None] | None = None, language: str = ""
                ) -> Iterator[Attempt]:
        """Around one request: everything inside (and the jobs it starts) reports to it.
        ``joins`` gives the running job the service will answer it from instead of starting
        one (called only when there is a running job of ours)."""
        attempt = Attempt(uri, feature, invoked, language)
        attempt.joined = self._running(uri, joins)
        token = CURRENT.set(attempt)
        traces = tracing.TRACES.set(attempt.traces)
        try:
            yield attempt
        except BaseException:
            if attempt.reason is None:
                attempt.refuse(Reason.CANCELLED, "The editor cancelled the request.")
            raise
        finally:
            tracing.TRACES.reset(traces)
            CURRENT.reset(token)
            self._finish(attempt)

    def _running(self, uri: str, joins: Callable[[], Job | None] | None) -> Attempt | None:
        """The attempt whose running job the service will join."""
        for job in list(self._owners):
            if job.done:
                self._owners.pop(job, None)
        if joins is None or not any(uri in job.uris and not job.stopped for job in self._owners):
            return None
        joined = joins()
        return self._owners.get(joined) if joined is not None else None

    # -- what the rest of the server sees -------------------------------------------------

    def job_started(self, job: Job) -> None:
        """The first job started inside an attempt's block is the one that answers it."""
        attempt = CURRENT.get()
        if attempt is not None and attempt.job is None and job.kind not in ACTION_KINDS:
            attempt.job = job
            self._owners[job] = attempt

    def call_started(self, req: ChatRequest) -> None:
        attempt = CURRENT.get()
        if attempt is not None:
            attempt.requests.append(req)

    def call_ended(self, req: ChatRequest, record: CallRecord) -> None:
        attempt = CURRENT.get()
        if attempt is not None:
            attempt.calls.append(record)

    def call_refused(self, req: ChatRequest, err: UpstreamError) -> None:
        attempt = CURRENT.get()
        if attempt is not None:
            attempt.refused = err

    def forget(self, uri: str) -> None:
        for key in [k for k in self._last if k[0] == uri]:
            self._last.pop(key, None)
            self._empty.pop(key, None)

    # -- the reports ----------------------------------------------------------------------

    def _finish(self, attempt: Attempt) -> None:
        reason, detail = classify(attempt)
        report = render(attempt, reason, detail)
        key = (attempt.uri, attempt.feature)
        self._last.pop(key, None)  # most recent last, so the oldest go first
        self._last[key] = report
        if reason is not Reason.ANSWERED:
            self._empty.pop(key, None)
            self._empty[key] = report
        self.latest = key
        while len(self._last) > KEEP_DOCUMENTS:
            oldest = next(iter(self._last))
            self._last.pop(oldest)
            self._empty.pop(oldest, None)
        for listener in self.on_report:
            listener(report)

    def why(self, uri: str | None = None, feature: str = "inline") -> dict[str, Any]:
        """``vc/why``'s answer: the last report for ``uri`` (the document asked about last when
        ``None``) and its last empty one."""
        if uri is None and self.latest is not None:
            uri, feature = self.latest
        key = (uri or "", feature)
        return {"uri": uri, "feature": feature, "last": self._last.get(key),
                "lastEmpty": self._empty.get(key)}


def classify(a: Attempt) -> tuple[Reason, str]:
    """The one reason an attempt gave what it gave, and the words for it."""
    if a.items:
        cached = a.job is None and a.joined is None
        return Reason.ANSWERED, ("Answered from the suggestion cache (typed along it)." if cached
                                 else f"{len(a.items)} suggestion(s).")
    if a.reason is not None:
        return a.reason, a.detail
    src = a.source
    job = src.job
    calls, sent = src.calls, bool(src.requests)
    if job is not None and job.stopped:
        who = job.stop_reason or "stopped"
        if who == "request cancelled":
            return Reason.CANCELLED, "The editor cancelled the request."
        if not sent:
            if who == "document changed":
                return Reason.DEBOUNCED, (
                    f"You typed again within the pause ({src.debounce_ms} ms: inline.debounceMs, "
                    f"adapted to your typing), so nothing was sent.")
            return Reason.SUPERSEDED, "A newer request took over before anything was sent."
        streamed = calls[-1].completion_tokens if calls else 0
        why = "you typed" if who == "document changed" else "a newer request took over"
        return Reason.SUPERSEDED, (f"Stopped because {why}, after {streamed} token(s) of the "
                                   f"answer had streamed.")
    if src.refused is not None:
        seconds = getattr(src.refused, "retry_after", None)
        _, why = words.pause(src.refused)
        left = f" (about {seconds:g} s left)" if seconds else ""
        return Reason.PAUSED, f"Requests are paused{left}: {why}; nothing was sent."
    failed = [c for c in calls if c.outcome == "failed"]
    if failed and (len(failed) == len(calls)):
        err = failed[-1].error
        text = err.user_message() if err is not None else "an internal error (see the log)"
        return Reason.UPSTREAM, text.removeprefix("vc-lsp: ")
    if job is not None and not job.done:
        limit = f" ({a.budget_ms} ms)" if a.budget_ms is not None else ""
        return Reason.NOT_READY, (f"The model had not answered within "
                                  f"inline.completionBudgetMs{limit}; the answer goes to the "
                                  f"cache, so asking again shows it.")
    if src.traces:
        if all(said_nothing(t.raw) for t in src.traces):
            return Reason.MODEL_EMPTY, "The model returned nothing (an empty answer)."
        if not any(t.text for t in src.traces):
            steps = [s for t in src.traces for s in t.steps]
            named = [s for s in steps if s.name != "unwrap.tags"] or steps
            listed = "; ".join(s.line() for s in named) or "no filter named"
            return Reason.CLEANUP, f"The cleanup removed everything the model wrote: {listed}."
        return Reason.STALE, "The document changed before the answer arrived."
    if calls and all(c.text_chars == 0 for c in calls if c.outcome != "failed"):
        return Reason.MODEL_EMPTY, "The model returned nothing."
    return Reason.UNKNOWN, "No reason was recorded (see the server log)."


_OUR_TAGS = re.compile(r"</?completion>", re.IGNORECASE)


def said_nothing(raw: str) -> bool:
    """The model's reply holds nothing but our answer tags (the prompt's "nothing fits")."""
    return not _OUR_TAGS.sub("", raw).strip()


def render(a: Attempt, reason: Reason, detail: str) -> dict[str, Any]:
    """The report as JSON-ready data: what ``vc/why`` answers and the usage file keeps."""
    src = a.source
    req = src.requests[-1] if src.requests else None
    calls = [{"model": c.model, "outcome": c.outcome, "promptTokens": c.prompt_tokens,
              "cachedTokens": c.cached_tokens, "completionTokens": c.completion_tokens,
              "estimated": c.estimated, "latencyMs": c.latency_ms,
              "error": c.cause or None} for c in src.calls]
    cleanup = [{"raw": scrub(t.raw), "text": scrub(t.text),
                "steps": [{"filter": s.name, "beforeChars": s.before_chars,
                           "afterChars": s.after_chars, "removed": scrub(s.removed)}
                          for s in t.steps]} for t in src.traces]
    return {
        "uri": a.uri, "file": file_name(a.uri), "feature": a.feature,
        "time": round(a.started, 3), "invoked": a.invoked, "reason": reason.value,
        "summary": summary(reason), "detail": redact(detail), "suggestions": len(a.items),
        "model": req.model if req is not None else None,
        "host": host_of(req.settings.base_url) if req is not None else None,
        "calls": calls, "cleanup": cleanup,
        "messages": [{"role": m.get("role", ""), "content": scrub(str(m.get("content", "")))}
                     for m in req.messages] if req is not None else [],
    }


def scrub(text: str) -> str:
    """Secrets and the API key out, whatever the request's own redaction did."""
    return redact(redact_secrets(text))


SUMMARIES = {
    Reason.ANSWERED: "answered",
    Reason.SUPERSEDED: "superseded by a newer request or typing",
    Reason.DEBOUNCED: "debounced: typing went on, nothing was sent",
    Reason.EXCLUDED: "this file is excluded",
    Reason.DISABLED: "completions are turned off",
    Reason.PAUSED: "paused after a 429/503",
    Reason.BUDGET: "the daily budget is reached",
    Reason.UPSTREAM: "the AI service failed",
    Reason.CLEANUP: "nothing was left after cleanup",
    Reason.MODEL_EMPTY: "the model returned nothing",
    Reason.NOT_READY: "not ready in time",
    Reason.STALE: "the document changed meanwhile",
    Reason.CANCELLED: "cancelled by the editor",
    Reason.UNKNOWN: "no reason recorded",
}


def summary(reason: Reason) -> str:
    return SUMMARIES[reason]


def one_line(report: dict[str, Any] | None, width: int = 80) -> str:
    """The report in one line that fits ``width`` columns (a ``window/showMessage``)."""
    if report is None:
        return "vc-lsp: no completion was asked for in this file yet."
    text = f"vc-lsp: {report['file']}: {report['detail'] or report['summary']}"
    return text if len(text) <= width else text[:width - 1] + "…"


def markdown(answer: dict[str, Any]) -> str:
    """``vc/why``'s answer as a document to read (``vc.why``, ``vc-lsp explain-last``)."""
    out: list[str] = []
    last, empty = answer.get("last"), answer.get("lastEmpty")
    if last is None:
        return "# Why no suggestion?\n\nNo completion was asked for in this file yet.\n"
    out.append(f"# Why no suggestion? {last['file']}\n")
    reports = [("Last request", last)]
    if empty is not None and empty is not last and empty != last:
        reports.append(("Last request that gave nothing", empty))
    for title, report in reports:
        when = time.strftime("%H:%M:%S", time.localtime(report["time"]))
        how = "asked for" if report["invoked"] else "automatic"
        out.append(f"## {title} ({when}, {how})\n")
        out.append(f"**{report['summary'].capitalize()}.** {report['detail']}\n")
        for call in report["calls"]:
            est = " (estimated)" if call["estimated"] else ""
            err = f", {call['error']}" if call["error"] else ""
            out.append(f"- call to `{call['model']}`: {call['outcome']}{err}, "
                       f"{call['promptTokens']} prompt ({call['cachedTokens']} cached) + "
                       f"{call['completionTokens']} completion tokens{est}, "
                       f"{call['latencyMs']:g} ms")
        if report["calls"]:
            out.append("")
        for i, trace in enumerate(report["cleanup"], 1):
            out.append(f"### What the model wrote (choice {i})\n")
            out.append(_fence(trace["raw"]))
            for step in trace["steps"]:
                out.append(f"- `{step['filter']}`: {step['beforeChars']} → "
                           f"{step['afterChars']} characters, {step['removed']}")
            left = f"`{trace['text']}`" if trace["text"] else "nothing"
            out.append(f"\nLeft to insert: {left}\n")
        if report["messages"]:
            out.append(f"### What was sent to `{report['model']}` at {report['host']}\n")
            for message in report["messages"]:
                out.append(f"**{message['role']}**\n")
                out.append(_fence(message["content"]))
    return "\n".join(out).rstrip() + "\n"


def _fence(text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}\n{text}\n{ticks}\n"
