"""The status as a function of what happened: priorities, sent only on change, errors clearing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clock import Clock
from vc_lsp.config import Settings
from vc_lsp.status.model import Kind, State, Status
from vc_lsp.status.reporter import StatusReporter
from vc_lsp.upstream.calls import CallRecord
from vc_lsp.upstream.client import ChatRequest
from vc_lsp.upstream.errors import (
    AuthError,
    ModelNotFound,
    RateLimited,
    ServerError,
    TlsError,
    UpstreamError,
    UpstreamTimeout,
)

BASE = "https://api.example.com/v1"


@pytest.fixture
def sent() -> list[Status]:
    return []


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def reporter(sent: list[Status], clock: Clock) -> StatusReporter:
    r = StatusReporter(sent.append, clock)
    r.announce()
    return r


def request(feature: str = "inline") -> ChatRequest:
    return ChatRequest.for_feature(Settings(), feature, [])  # type: ignore[arg-type]


def ended(req: ChatRequest, *, error: UpstreamError | None = None,
          responded: bool = True) -> CallRecord:
    return CallRecord(req.id, req.feature, req.model, "h", 0.0, 1.0, None, 1, 0, 1, False,
                      "failed" if error else "answered", 1, responded and error is None, error)


def test_ready_then_working_then_ready(reporter: StatusReporter, sent: list[Status]) -> None:
    assert sent[-1].state is State.IDLE and not sent[-1].busy
    req = request()
    reporter.call_started(req)
    assert (sent[-1].state, sent[-1].busy, sent[-1].message) == (State.WORKING, True,
                                                                 "Completing…")
    other = request("nextEdit")  # another feature reports with its own name
    count = len(sent)
    reporter.call_started(other)  # still working on the completion: nothing new to say
    assert len(sent) == count
    reporter.call_ended(req, ended(req))
    assert (sent[-1].state, sent[-1].message) == (State.WORKING, "Working (nextEdit)…")
    reporter.call_ended(other, ended(other))
    assert sent[-1].state is State.IDLE and not sent[-1].busy


@pytest.mark.parametrize(("err", "kind", "words"), [
    (AuthError("bad", base_url=BASE, key_env="MY_KEY"), Kind.ERROR, "check MY_KEY"),
    (AuthError("", base_url=BASE, key_env="MY_KEY", key_set=False), Kind.ERROR, "set MY_KEY"),
    (ModelNotFound("x", base_url=BASE, model="gpt-x"), Kind.ERROR, "vc-lsp models"),
    (TlsError("x", base_url=BASE, reason="self-signed", intercepted=True), Kind.ERROR,
     "network.caBundle"),
    (UpstreamTimeout("slow", base_url=BASE, setting="timeouts.firstTokenMs"), Kind.WARNING,
     "timeouts.firstTokenMs"),
    (ServerError("HTTP 500", base_url=BASE), Kind.WARNING, "try again"),
])
def test_errors_say_what_to_do(reporter: StatusReporter, sent: list[Status], err: UpstreamError,
                               kind: Kind, words: str) -> None:
    req = request()
    reporter.call_started(req)
    reporter.call_ended(req, ended(req, error=err))
    status = sent[-1]
    assert (status.kind, status.state) == (kind, State.ERROR)
    assert words in status.message and len(status.message) <= 60
    assert status.command is not None and status.command.command == "vc.why"
    reporter.call_started(req)
    reporter.call_ended(req, ended(req))  # the API answered: the error is over
    assert sent[-1].state is State.IDLE


def test_a_pause_outranks_the_budget_which_outranks_an_excluded_file(
        reporter: StatusReporter, sent: list[Status], clock: Clock) -> None:
    reporter.focus("file:///a/.env", "Off for .env: excluded (.env)")
    assert (sent[-1].kind, sent[-1].uri) == (Kind.INACTIVE, "file:///a/.env")
    reporter.budget("Daily budget reached")
    assert sent[-1].state is State.BUDGET and sent[-1].command is not None
    reporter.failed(RateLimited("429", base_url=BASE, retry_after=20))
    assert sent[-1].state is State.PAUSED and "Paused 20 s" in sent[-1].message
    clock.now += 21
    reporter.budget("Daily budget reached")  # anything that recomputes it
    assert sent[-1].state is State.BUDGET
    reporter.budget(None)
    assert sent[-1].kind is Kind.INACTIVE
    reporter.focus("file:///a/app.py", None)
    assert sent[-1].state is State.IDLE and sent[-1].uri is None


def test_a_503_with_retry_after_pauses_one_without_does_not(reporter: StatusReporter,
                                                            sent: list[Status]) -> None:
    reporter.failed(ServerError("HTTP 503", base_url=BASE))
    assert sent[-1].state is State.ERROR and sent[-1].kind is Kind.WARNING
    reporter.reset()
    reporter.failed(ServerError("HTTP 503", base_url=BASE, retry_after=5))
    assert sent[-1].state is State.PAUSED and "503" in sent[-1].message


def test_sent_only_when_it_changes(reporter: StatusReporter, sent: list[Status]) -> None:
    count = len(sent)
    for _ in range(3):
        reporter.focus("file:///a/app.py", None)
        reporter.budget(None)
    assert len(sent) == count


def test_the_shape_copilot_clients_read(reporter: StatusReporter, sent: list[Status]) -> None:
    reporter.failed(AuthError("bad", base_url=BASE, key_env="K"))
    params: dict[str, Any] = sent[-1].params()
    assert params["kind"] == "Error" and params["busy"] is False and params["message"]
    assert params["command"] == {"title": "Why no suggestion?", "command": "vc.why",
                                 "arguments": []}
