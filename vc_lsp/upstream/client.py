"""The one HTTP client to the chat API: shared connections, streaming, timeouts, typed errors.

A single ``httpx.AsyncClient`` keeps connections warm (HTTP/2 where offered, so closing one
cancelled stream does not cost the next request a TLS handshake). Every stream is closed in
``finally``: a cancelled completion hangs up on the server at once and stops the token meter.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import EventSource, SSEError

from ..config import Settings
from .chunks import Delta, Event, Finish, Usage, events_of, parse_chunk
from .errors import (
    AuthError,
    BadRequest,
    BadStream,
    NetworkError,
    RateLimited,
    UpstreamError,
    UpstreamTimeout,
    classify,
)
from .think import ThinkFilter

log = logging.getLogger(__name__)

TOKEN_PARAMS = ("max_tokens", "max_completion_tokens")
DROPPABLE = ("temperature", "top_p", "seed", "stop", "user", "stream_options", "n")
DEFAULT_RATE_PAUSE = 10.0


@dataclass(frozen=True)
class ChatRequest:
    """What a feature asks for; the client turns it into the wire body the model accepts."""

    model: str
    messages: list[dict[str, str]]
    temperature: float | None = None
    top_p: float | None = None
    n: int = 1
    stop: list[str] | None = None
    max_tokens: int | None = None
    seed: int | None = None
    user: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


class UpstreamClient:
    """Owns the connection pool and what was learned about each model's accepted parameters."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._token_param: dict[str, str] = {}
        self._dropped: dict[str, set[str]] = {}
        self._paused_until = 0.0
        self.settings = settings
        self.usage = Usage(0, 0)

    def configure(self, settings: Settings) -> None:
        """New settings; connections are rebuilt only when the endpoint or limits change."""
        old, self.settings = self.settings, settings
        if self._http is not None and (
            old.base_url != settings.base_url or old.timeouts != settings.timeouts
        ):
            stale, self._http = self._http, None
            asyncio.ensure_future(stale.aclose())

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            t = self.settings.timeouts
            self._http = httpx.AsyncClient(
                http2=True,
                transport=self._transport,
                timeout=httpx.Timeout(connect=t.connect_ms / 1000, read=None, write=10.0, pool=None),
                limits=httpx.Limits(max_connections=16, max_keepalive_connections=8,
                                    keepalive_expiry=120.0),
                headers={"User-Agent": "vc-lsp"},
            )
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _headers(self) -> dict[str, str]:
        key = self.settings.api_key()
        headers = {"Accept": "text/event-stream", "Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

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

    def _error_kw(self, model: str) -> dict[str, Any]:
        return {"base_url": self.settings.base_url, "model": model}

    @asynccontextmanager
    async def stream(self, req: ChatRequest) -> AsyncIterator[AsyncIterator[Event]]:
        """Open a completion stream; leaving the block (or being cancelled) hangs up at once."""
        now = time.monotonic()
        if now < self._paused_until:
            raise RateLimited("still waiting after HTTP 429", retry_after=round(
                self._paused_until - now, 1), **self._error_kw(req.model))
        t = self.settings.timeouts
        deadline = now + t.total_ms / 1000
        response = await self._open(req, deadline)
        try:
            yield self._events(response, req.model, deadline)
        finally:
            await response.aclose()

    async def _open(self, req: ChatRequest, deadline: float) -> httpx.Response:
        url = self.settings.base_url.rstrip("/") + "/chat/completions"
        for attempt in (1, 2):
            body = self.body(req)
            request = self.http.build_request("POST", url, json=body, headers=self._headers())
            response = await self._wait(self.http.send(request, stream=True), deadline,
                                        first=True, model=req.model)
            if response.status_code < 400:
                return response
            try:
                raw = await self._wait(response.aread(), deadline, first=True, model=req.model)
            finally:
                await response.aclose()
            err = self._classify(response, raw, req.model)
            if attempt == 1 and isinstance(err, BadRequest) and self._adapt(req, body, err):
                continue
            raise err
        raise AssertionError("unreachable")

    def _classify(self, response: httpx.Response, raw: bytes, model: str) -> UpstreamError:
        s = self.settings
        err = classify(response.status_code, raw, base_url=s.base_url, model=model,
                       retry_after=response.headers.get("retry-after"), key_env=s.api_key_env)
        if isinstance(err, AuthError):
            err.key_set = s.api_key() is not None
        if isinstance(err, RateLimited):
            self._paused_until = time.monotonic() + (DEFAULT_RATE_PAUSE if err.retry_after is None else err.retry_after)
        return err

    async def _wait(self, aw: Any, deadline: float, *, first: bool, model: str) -> Any:
        """Await with the tighter of the per-read and total limits, mapping failures to types."""
        t = self.settings.timeouts
        per_read = (t.first_token_ms if first else t.between_chunks_ms) / 1000
        budget = deadline - time.monotonic()
        limit, setting = (
            (per_read, "timeouts.firstTokenMs" if first else "timeouts.betweenChunksMs")
            if per_read <= budget else (max(budget, 0.0), "timeouts.totalMs")
        )
        try:
            return await asyncio.wait_for(aw, limit)
        except asyncio.TimeoutError:
            what = "first token" if first else "next chunk"
            raise UpstreamTimeout(f"no {what} within {limit:g} s", setting=setting,
                                  **self._error_kw(model)) from None
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(f"connect took over {t.connect_ms / 1000:g} s",
                                  setting="timeouts.connectMs", **self._error_kw(model)) from exc
        except httpx.RemoteProtocolError as exc:
            raise BadStream(f"connection dropped: {exc}", **self._error_kw(model)) from exc
        except httpx.TransportError as exc:
            raise NetworkError(str(exc) or type(exc).__name__, **self._error_kw(model)) from exc

    async def _events(self, response: httpx.Response, model: str,
                      deadline: float) -> AsyncIterator[Event]:
        ctype = response.headers.get("content-type", "")
        if "application/json" in ctype:  # a server that ignored "stream": true
            raw = await self._wait(response.aread(), deadline, first=True, model=model)
            for event in events_of(_json(raw, self._error_kw(model))):
                yield event
            return
        s = self.settings
        filters: dict[int, ThinkFilter] = {}
        finished: set[int] = set()
        sse = EventSource(response).aiter_sse()
        first = True
        try:
            while True:
                try:
                    item = await self._wait(anext(sse), deadline, first=first, model=model)
                except StopAsyncIteration:
                    break
                except SSEError as exc:
                    raise BadStream(str(exc), **self._error_kw(model)) from exc
                if item.data == "[DONE]":
                    return
                if not item.data:
                    continue
                for event in parse_chunk(item.data, base_url=s.base_url, model=model,
                                         key_env=s.api_key_env):
                    if isinstance(event, Delta):
                        text = filters.setdefault(event.index, ThinkFilter()).feed(event.text)
                        if not text:
                            continue
                        first = False
                        yield Delta(event.index, text)
                    elif isinstance(event, Finish):
                        finished.add(event.index)
                        tail = filters.get(event.index, ThinkFilter()).flush()
                        if tail:
                            yield Delta(event.index, tail)
                        yield event
                    else:
                        self.usage = Usage(self.usage.prompt_tokens + event.prompt_tokens,
                                           self.usage.completion_tokens + event.completion_tokens)
                        log.debug("usage: %s prompt, %s completion tokens",
                                  event.prompt_tokens, event.completion_tokens)
        finally:
            await sse.aclose()
        if not finished:
            raise BadStream("the stream ended before the answer was complete",
                            **self._error_kw(model))

    async def models(self) -> list[str]:
        """``GET /models``: used to warm the connection and to check the configured models."""
        url = self.settings.base_url.rstrip("/") + "/models"
        deadline = time.monotonic() + self.settings.timeouts.total_ms / 1000
        response = await self._wait(self.http.get(url, headers=self._headers()), deadline,
                                    first=True, model="")
        if response.status_code >= 400:
            raise self._classify(response, response.content, "")
        data = _json(response.content, self._error_kw(""))
        items = data.get("data") if isinstance(data, dict) else None
        return sorted(str(m.get("id")) for m in items or () if isinstance(m, dict) and m.get("id"))

    async def complete(self, req: ChatRequest) -> str:
        """Whole answer of choice 0; for callers that do not stream into the editor."""
        parts: list[str] = []
        async with self.stream(req) as events:
            async for event in events:
                if isinstance(event, Delta) and event.index == 0:
                    parts.append(event.text)
        return "".join(parts)


def _json(raw: bytes, kw: dict[str, Any]) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise BadStream(f"not JSON: {raw[:80]!r}", **kw) from exc
