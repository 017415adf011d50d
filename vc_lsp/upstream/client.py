"""The one HTTP client to the chat API: shared connections, streaming, timeouts, typed errors.

A single ``httpx.AsyncClient`` over our ``Transport`` keeps connections warm: HTTP/2 where
offered, with a cancelled stream reset on its own; on HTTP/1.1 a connection lost to a cancel is
replaced in the background. Every stream is closed in ``finally``: a cancelled completion hangs
up on the server at once and stops the token meter. Proxies and trusted CAs come from the
``network`` settings and the environment (``network.py``); redirects are never followed, so the
key never travels to another host.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

import httpx
from httpx_sse import EventSource, SSEError

from ..config import ActionSettings, InlineSettings, NextEditSettings, Settings
from ..redact import remember_secret
from .calls import CallRecord, Meter, Outcome
from .chunks import Delta, Event, Finish, Usage, parse_chunk
from .errors import (
    AuthError,
    BadRequest,
    BadStream,
    NotTheApi,
    PoolExhausted,
    RateLimited,
    ServerError,
    UntrustedEndpoint,
    UpstreamError,
    UpstreamTimeout,
    classify,
    error_fields,
    from_transport,
    host_of,
    is_html,
)
from .network import Dialer, Route, Trust
from .think import ThinkFilter
from .transport import Transport, whole

log = logging.getLogger(__name__)

TOKEN_PARAMS = ("max_tokens", "max_completion_tokens")
DROPPABLE = ("temperature", "top_p", "seed", "stop", "user", "stream_options", "n")
DEFAULT_RATE_PAUSE = 10.0
END_OF_BODY_S = 0.05
LIMITS = httpx.Limits(max_connections=16, max_keepalive_connections=8, keepalive_expiry=120.0)
FIRST, BETWEEN, TOTAL = "timeouts.firstTokenMs", "timeouts.betweenChunksMs", "timeouts.totalMs"
R = TypeVar("R")


Feature = Literal["inline", "actions", "nes"]


@dataclass(frozen=True)
class ChatRequest:
    """What a feature asks for, with the settings snapshot taken when the editor's request
    arrived: endpoint, key and timeouts come from it, so a settings change never alters a
    stream already running. The client turns it into the wire body the model accepts."""

    model: str
    messages: list[dict[str, str]]
    settings: Settings
    temperature: float | None = None
    top_p: float | None = None
    n: int = 1
    stop: list[str] | None = None
    max_tokens: int | None = None
    seed: int | None = None
    user: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    feature: str = ""  # who asks ("inline", "actions", "nes"): the usage ledger's column
    id: str = field(default_factory=lambda: uuid.uuid4().hex)  # one call, in the ledger

    @classmethod
    def for_feature(cls, s: Settings, feature: Feature, messages: list[dict[str, str]], *,
                    n: int = 1, stop: list[str] | None = None) -> ChatRequest:
        """A request with the feature's model, temperature and token limit (each falling back
        to the global setting) and the shared sampling parameters."""
        part: InlineSettings | ActionSettings | NextEditSettings = (
            s.inline if feature == "inline" else s.nes if feature == "nes" else s.actions)
        return cls(model=part.model or s.model, messages=messages, settings=s,
                   temperature=s.temperature if part.temperature is None else part.temperature,
                   top_p=s.top_p, n=n, stop=stop, max_tokens=part.max_tokens, seed=s.seed,
                   user=s.user, extra=s.extra_params, feature=feature)


class _Assembler:
    """Per-choice bookkeeping: strips reasoning, releases held text at the end, tracks finishes."""

    def __init__(self) -> None:
        self.filters: dict[int, ThinkFilter] = {}
        self.finished: set[int] = set()

    def feed(self, event: Event) -> list[Event]:
        if isinstance(event, Delta):
            text = self.filters.setdefault(event.index, ThinkFilter()).feed(event.text)
            return [Delta(event.index, text)] if text else []
        if isinstance(event, Finish):
            self.finished.add(event.index)
            tail = self.filters.setdefault(event.index, ThinkFilter()).flush()
            return [Delta(event.index, tail), event] if tail else [event]
        return [event]

    def flush(self) -> list[Event]:
        """The stream is over: text held back as a possible ``<think>`` start is content."""
        out: list[Event] = []
        for index in sorted(set(self.filters) - self.finished):
            tail = self.filters[index].flush()
            if tail:
                out.append(Delta(index, tail))
        return out

    @property
    def complete(self) -> bool:
        """At least one choice finished, and every choice that sent text did."""
        return bool(self.finished) and set(self.filters) <= self.finished


class _Call:
    """One request's settings snapshot, model and deadlines, fixed when it starts."""

    def __init__(self, s: Settings, model: str, meter: Meter | None = None) -> None:
        self.s = s
        self.model = model
        self.meter = meter
        start = time.monotonic()
        self.deadline = start + s.timeouts.total_ms / 1000
        self.first_until = start + s.timeouts.first_token_ms / 1000

    @property
    def error_kw(self) -> dict[str, Any]:
        return {"base_url": self.s.base_url, "model": self.model}

    def first_limit(self) -> tuple[float, str, float]:
        """Headers and the first event share one first-token window from the request's start."""
        t = self.s.timeouts
        if self.first_until <= self.deadline:
            return self.first_until, FIRST, t.first_token_ms / 1000
        return self.deadline, TOTAL, t.total_ms / 1000

    def read_limit(self, setting: str) -> tuple[float, str, float]:
        """A fresh per-read window, cut short by the total deadline."""
        t = self.s.timeouts
        per_read = (t.first_token_ms if setting == FIRST else t.between_chunks_ms) / 1000
        until = time.monotonic() + per_read
        if until <= self.deadline:
            return until, setting, per_read
        return self.deadline, TOTAL, t.total_ms / 1000


PromptHook = Callable[[ChatRequest], None]


class CallObserver(Protocol):
    """Told about every chat call (the usage ledger, the status); must return at once, as it
    runs inside the stream's task."""

    def call_started(self, req: ChatRequest) -> None: ...

    def call_ended(self, req: ChatRequest, record: CallRecord) -> None: ...

    def call_refused(self, req: ChatRequest, err: UpstreamError) -> None:
        """The call was not even sent: requests are paused after a 429 or a 503."""


class UpstreamClient:
    """Owns the connection pool and what was learned about each model's accepted parameters.

    ``settings`` here are only what the pool is built with; everything a request needs comes
    from the request's own snapshot (``ChatRequest.settings``).
    """

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None,
                 on_prompt: PromptHook | None = None,
                 key_allowed: Callable[[Settings], bool] | None = None) -> None:
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._dialer: Dialer | None = None
        self._http_transport: httpx.AsyncBaseTransport | None = None
        self._retired: list[httpx.AsyncClient] = []
        self._open_streams = 0
        self._token_param: dict[str, str] = {}
        self._dropped: dict[str, set[str]] = {}
        self._paused_until = 0.0
        self._paused_by: UpstreamError | None = None
        self._on_prompt = on_prompt
        self._observers: list[CallObserver] = []
        self._key_allowed = key_allowed
        self.settings = settings
        self.usage = Usage(0, 0)

    def observe(self, observer: CallObserver) -> None:
        """Tell ``observer`` about every chat call from now on (the ledger, the status)."""
        self._observers.append(observer)

    def configure(self, settings: Settings) -> None:
        """New settings for the pool; streams in flight keep the settings they started with.
        New network settings get a new pool, and the old one is closed once its streams are
        done."""
        old = self.settings
        self.settings = settings
        if self._http is not None and self._transport is None and old.network != settings.network:
            self._retired.append(self._http)
            self._http = self._dialer = None
        elif self._dialer is not None and isinstance(self._http_transport, Transport):
            self._http_transport.pool.connect_timeout = settings.timeouts.connect_ms / 1000

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            transport = self._transport
            if transport is None:
                transport = Transport(self.dialer, limits=LIMITS,
                                      connect_timeout=self.settings.timeouts.connect_ms / 1000)
            self._http_transport = transport
            self._http = httpx.AsyncClient(
                transport=transport,
                timeout=_timeout(self.settings),
                headers={"User-Agent": "vc-lsp"},
                follow_redirects=False,  # a redirect is reported, never followed with the key
            )
        return self._http

    @property
    def dialer(self) -> Dialer:
        """How connections are made (proxy, trust); built with the HTTP client."""
        if self._dialer is None:
            net = self.settings.network
            self._dialer = Dialer(net, http2=net.http2)
        return self._dialer

    def route(self) -> Route:
        """The proxy (or none) used for ``baseUrl``, and why."""
        url = httpx.URL(self.settings.base_url)
        return self.dialer.route(url.scheme, url.host, url.port or (
            443 if url.scheme == "https" else 80))

    def trust(self) -> Trust:
        return self.dialer.trust

    @property
    def transport(self) -> Transport | None:
        """Our transport when no other was given (tests and benches read its pool)."""
        self.http  # noqa: B018 -- built on first use
        return self._http_transport if isinstance(self._http_transport, Transport) else None

    def pool_counts(self) -> dict[str, int]:
        """The pool's connections by state and its requests (``vc/stats``; empty before the
        first request, or with a transport given by a test)."""
        if self._http is None or not isinstance(self._http_transport, Transport):
            return {}
        return self._http_transport.pool.counts()

    async def aclose(self) -> None:
        clients, self._retired = [*self._retired, *([self._http] if self._http else [])], []
        self._http = self._dialer = None
        for client in clients:
            await client.aclose()

    async def _close_retired(self) -> None:
        if self._retired and self._open_streams == 0:
            clients, self._retired = self._retired, []
            for client in clients:
                await client.aclose()

    def body(self, req: ChatRequest) -> dict[str, Any]:
        """The wire body, shaped by what this model has told us it rejects."""
        body: dict[str, Any] = {"model": req.model, "messages": req.messages, "stream": True,
                                "stream_options": {"include_usage": True}}
        optional = {"temperature": req.temperature, "top_p": req.top_p, "seed": req.seed,
                    "user": req.user, "stop": req.stop or None, "n": req.n if req.n > 1 else None}
        body.update({k: val for k, val in optional.items() if val is not None})
        if req.max_tokens is not None:
            body[self._token_param.get(req.model, "max_tokens")] = req.max_tokens
        body.update(req.extra)
        for name in self._dropped.get(req.model, ()):
            body.pop(name, None)
        return body

    def _adapt(self, req: ChatRequest, body: Mapping[str, Any], err: BadRequest) -> bool:
        """Learn from a 400 that names a parameter; True when a retry may succeed."""
        text = f"{err.param or ''} {err.detail}"
        for name in TOKEN_PARAMS:
            if name in body and name in text:
                other = TOKEN_PARAMS[1 - TOKEN_PARAMS.index(name)]
                self._token_param[req.model] = other
                log.info("model %s rejects %s; using %s", req.model, name, other)
                return True
        for name in DROPPABLE:
            if name in body and (err.param == name or f"'{name}'" in text or f"`{name}`" in text):
                self._dropped.setdefault(req.model, set()).add(name)
                log.info("model %s rejects %s; no longer sending it", req.model, name)
                return True
        return False

    @asynccontextmanager
    async def stream(self, req: ChatRequest) -> AsyncIterator[AsyncIterator[Event]]:
        """Open a completion stream; leaving the block (or being cancelled) hangs up at once."""
        call = _Call(req.settings, req.model, Meter(req, host_of(req.settings.base_url)))
        self._check_trust(call)
        now = time.monotonic()
        if now < self._paused_until:
            err = self._still_paused(now, call)
            for observer in self._observers:
                observer.call_refused(req, err)
            raise err
        if req.settings.log_prompts:
            log.info("prompt for %s: %s", req.model, req.messages)
        if self._on_prompt is not None:
            self._on_prompt(req)
        self._open_streams += 1
        self._started(req)
        outcome: Outcome = "stopped"
        error: UpstreamError | None = None
        try:
            response = await self._open(req, call)
            events = self._events(response, call)
            try:
                yield events
            finally:
                # Run to its end: a second cancellation (a session stopping its reader while
                # the first one unwinds) must not interrupt the close, or the connection stays
                # open and the upstream keeps generating; nor may this task end before the
                # connection is back in the pool.
                await whole(_close(events, response))
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except UpstreamError as exc:
            outcome, error = "failed", exc
            raise
        except BaseException:
            outcome = "failed"
            raise
        finally:
            self._open_streams -= 1
            assert call.meter is not None
            if outcome == "stopped" and call.meter.ended:
                outcome = "answered"
            self._ended(req, call.meter.record(outcome, error))
            await self._close_retired()

    def _started(self, req: ChatRequest) -> None:
        for observer in self._observers:
            observer.call_started(req)

    def _ended(self, req: ChatRequest, record: CallRecord) -> None:
        for observer in self._observers:
            try:
                observer.call_ended(req, record)
            except Exception:  # an observer's bug must not break the stream's close
                log.exception("a call observer failed")

    def _check_trust(self, call: _Call) -> None:
        """A key goes only to a host it was trusted for; else nothing goes out at all."""
        s = call.s
        if self._key_allowed is not None and s.api_key() and not self._key_allowed(s):
            raise UntrustedEndpoint("the endpoint and key variable came from editor settings",
                                    key_env=s.api_key_env, **call.error_kw)

    def _still_paused(self, now: float, call: _Call) -> UpstreamError:
        left = round(self._paused_until - now, 1)
        if isinstance(self._paused_by, ServerError):
            return ServerError("still waiting after HTTP 503", retry_after=left, **call.error_kw)
        return RateLimited("still waiting after HTTP 429", retry_after=left, **call.error_kw)

    async def _open(self, req: ChatRequest, call: _Call) -> httpx.Response:
        s = call.s
        url = s.base_url.rstrip("/") + "/chat/completions"
        for attempt in (1, 2):
            body = self.body(req)
            request = self.http.build_request("POST", url, json=body, headers=_headers(s),
                                              timeout=_timeout(s))
            response = await self._wait(self.http.send(request, stream=True), call,
                                        *call.first_limit())
            if response.status_code < 300:
                if call.meter is not None:
                    call.meter.responded = True
                return response
            try:
                raw = await self._wait(response.aread(), call, *call.first_limit())
            finally:
                await response.aclose()
            err = self._classify(response, raw, call)
            if attempt == 1 and isinstance(err, BadRequest) and self._adapt(req, body, err):
                if call.meter is not None:  # the refused request is a call of its own
                    self._ended(req, call.meter.record("failed", err))
                    call.meter = Meter(req, call.meter.host)
                    self._started(req)
                continue
            raise err
        raise AssertionError("unreachable")

    def _classify(self, response: httpx.Response, raw: bytes, call: _Call) -> UpstreamError:
        s = call.s
        location = response.headers.get("location")
        if location is not None:
            location = str(response.url.join(location))
        err = classify(response.status_code, raw, base_url=s.base_url, model=call.model,
                       retry_after=response.headers.get("retry-after"), key_env=s.api_key_env,
                       content_type=response.headers.get("content-type"), location=location)
        if isinstance(err, AuthError):
            err.key_set = s.api_key() is not None
        if isinstance(err, RateLimited):
            pause = DEFAULT_RATE_PAUSE if err.retry_after is None else err.retry_after
            self._paused_until, self._paused_by = time.monotonic() + pause, err
        if isinstance(err, ServerError) and err.retry_after is not None:
            self._paused_until, self._paused_by = time.monotonic() + err.retry_after, err
        return err

    async def _wait(self, aw: Awaitable[R], call: _Call, until: float, setting: str,
                    seconds: float) -> R:
        """Await until ``until`` at the latest, mapping every failure to a typed error."""
        try:
            return await _within(aw, max(until - time.monotonic(), 0.0))
        except asyncio.TimeoutError:
            what = {FIRST: "first token", BETWEEN: "next chunk"}.get(setting, "complete answer")
            raise UpstreamTimeout(f"no {what} within {seconds:g} s", setting=setting,
                                  **call.error_kw) from None
        except httpx.ConnectTimeout as exc:
            connect = call.s.timeouts.connect_ms / 1000
            raise UpstreamTimeout(f"connect took over {connect:g} s",
                                  setting="timeouts.connectMs", **call.error_kw) from exc
        except httpx.PoolTimeout as exc:  # not the service's slowness: our own connections
            raise PoolExhausted(connections=self._max_connections(),
                                waited=call.s.timeouts.connect_ms / 1000,
                                **call.error_kw) from exc
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(f"{type(exc).__name__} after {seconds:g} s", setting=setting,
                                  **call.error_kw) from exc
        except SSEError as exc:  # a TransportError subclass, but the network is fine
            raise BadStream(str(exc), **call.error_kw) from exc
        except Exception as exc:
            err = from_transport(exc, proxy=self._proxy_shown(), **call.error_kw)
            if err is None:
                raise
            raise err from exc

    def _max_connections(self) -> int:
        transport = self._http_transport
        if isinstance(transport, Transport):
            return transport.pool.max_connections
        return LIMITS.max_connections or 0

    def _proxy_shown(self) -> str:
        try:
            return self.route().shown if self._transport is None else ""
        except Exception:  # a bad proxy URL is reported by the dial itself
            return ""

    async def _events(self, response: httpx.Response, call: _Call
                      ) -> AsyncGenerator[Event, None]:
        s, model = call.s, call.model
        chunks = _Assembler()
        ctype = response.headers.get("content-type", "")
        if "text/event-stream" not in ctype and "application/json" not in ctype:
            raw = await self._wait(response.aread(), call, *call.first_limit())
            if is_html(ctype, raw):
                detail = error_fields(raw)[0] or "an HTML page"
                raise NotTheApi(f"HTTP {response.status_code}: {detail}", **call.error_kw)
            raise BadStream(f"expected an event stream, got Content-Type {ctype or 'none'!r}",
                            **call.error_kw)
        if "application/json" in ctype:  # a server that ignored "stream": true
            raw = await self._wait(response.aread(), call, *call.first_limit())
            text = raw.decode("utf-8", "replace")
            for event in parse_chunk(text, base_url=s.base_url, model=model,
                                     key_env=s.api_key_env):
                for out in chunks.feed(event):
                    yield self._count(out, call)
            self._ended_stream(call)
            for out in chunks.flush():
                yield self._count(out, call)
            return
        sse = EventSource(response).aiter_sse()
        got_event = visible = False
        try:
            while True:
                limit = (call.read_limit(BETWEEN if visible else FIRST) if got_event
                         else call.first_limit())
                try:
                    item = await self._wait(anext(sse), call, *limit)
                except StopAsyncIteration:
                    break
                got_event = True
                if time.monotonic() > call.deadline:  # events that never stop coming
                    total = call.s.timeouts.total_ms / 1000
                    raise UpstreamTimeout(f"no complete answer within {total:g} s",
                                          setting=TOTAL, **call.error_kw)
                if item.data == "[DONE]":
                    self._ended_stream(call)
                    for out in chunks.flush():
                        yield self._count(out, call)
                    await _read_to_end(sse)
                    return
                if not item.data:
                    continue
                for event in parse_chunk(item.data, base_url=s.base_url, model=model,
                                         key_env=s.api_key_env):
                    for out in chunks.feed(event):
                        visible = visible or isinstance(out, Delta)
                        yield self._count(out, call)
        finally:
            await sse.aclose()
        if not chunks.complete:
            raise BadStream("the stream ended before the answer was complete", **call.error_kw)
        self._ended_stream(call)
        for out in chunks.flush():
            yield self._count(out, call)

    @staticmethod
    def _ended_stream(call: _Call) -> None:
        """The answer came to its end: whatever the reader does now, nothing more is paid."""
        if call.meter is not None:
            call.meter.ended = True

    def _count(self, event: Event, call: _Call) -> Event:
        if call.meter is not None:
            call.meter.event(event)
        if isinstance(event, Usage):
            self.usage = Usage(self.usage.prompt_tokens + event.prompt_tokens,
                               self.usage.completion_tokens + event.completion_tokens,
                               self.usage.cached_tokens + event.cached_tokens)
            log.debug("usage: %s prompt, %s completion tokens",
                      event.prompt_tokens, event.completion_tokens)
        return event

    async def models(self, s: Settings) -> list[str]:
        """``GET /models``: used to warm the connection and to check the configured models."""
        call = _Call(s, "")
        self._check_trust(call)
        url = s.base_url.rstrip("/") + "/models"
        request = self.http.get(url, headers=_headers(s, "application/json"),
                                timeout=_timeout(s))
        response = await self._wait(request, call, *call.first_limit())
        if response.status_code >= 300:
            raise self._classify(response, response.content, call)
        if is_html(response.headers.get("content-type"), response.content):
            detail = error_fields(response.content)[0] or "an HTML page"
            raise NotTheApi(f"HTTP {response.status_code}: {detail}", **call.error_kw)
        data = _json(response.content, call.error_kw)
        items = data.get("data") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise BadStream(f"unexpected model list: {response.content[:80]!r}", **call.error_kw)
        return sorted({str(m["id"]) for m in items if isinstance(m, dict) and m.get("id")})


def _timeout(s: Settings) -> httpx.Timeout:
    """httpx bounds the connect and the wait for a free connection (both ``connectMs``: a
    request that cannot get one is told so, ``PoolExhausted``, instead of waiting forever);
    reads are bounded by ``_wait`` with the right message."""
    connect = s.timeouts.connect_ms / 1000
    return httpx.Timeout(connect=connect, read=None, write=10.0, pool=connect)


def _headers(s: Settings, accept: str = "text/event-stream") -> dict[str, str]:
    key = s.api_key()
    headers = {"Accept": accept, "Content-Type": "application/json"}
    if key:
        remember_secret(key)  # whatever echoes it back (errors, debug logs) gets it masked
        headers["Authorization"] = f"Bearer {key}"
    return headers


async def _close(events: AsyncGenerator[Event, None], response: httpx.Response) -> None:
    try:
        await events.aclose()
    except RuntimeError:  # still being iterated by another task; closing below ends it
        pass
    finally:
        await response.aclose()


async def _within(aw: Awaitable[R], seconds: float) -> R:
    """``wait_for`` without its extra task per call where Python has ``asyncio.timeout``.

    This runs once per streamed chunk, so the saved task creation is measurable.
    """
    timeout = getattr(asyncio, "timeout", None)
    if timeout is None:  # Python 3.10
        return await asyncio.wait_for(aw, seconds)
    async with timeout(seconds):
        return await aw


async def _read_to_end(sse: AsyncIterator[object]) -> None:
    """Consume the body's last bytes after ``[DONE]`` so the connection can be reused."""

    async def drain() -> None:
        async for _ in sse:
            pass

    # A server that lingers after [DONE] costs a reconnect, nothing more.
    with contextlib.suppress(asyncio.TimeoutError, httpx.HTTPError, SSEError):
        await asyncio.wait_for(drain(), END_OF_BODY_S)


def _json(raw: bytes, kw: dict[str, Any]) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise BadStream(f"not JSON: {raw[:80]!r}", **kw) from exc
