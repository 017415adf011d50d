"""UpstreamClient against ``httpx.MockTransport``: byte-exact OpenAI SSE, faults, timeouts.

No sockets and no sleeping: the only waits are the tiny timeouts of the timeout tests.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from vc_lsp.config import Settings, Timeouts
from vc_lsp.upstream.chunks import Delta, Event, Finish, Usage
from vc_lsp.upstream.client import ChatRequest, UpstreamClient
from vc_lsp.upstream.errors import (
    AuthError,
    BadRequest,
    BadStream,
    ModelNotFound,
    NetworkError,
    NetworkSetup,
    NotTheApi,
    PoolExhausted,
    ProtocolFailure,
    ProxyFailure,
    RateLimited,
    ServerError,
    TlsError,
    UpstreamError,
    UpstreamTimeout,
)

BASE = "https://api.test/v1"
KEY_ENV = "VC_LSP_TEST_KEY"
KEY = "sk-unit-5b1e0c7d-never-shown-abcdef"
MODEL = "gpt-5.4"

# The streaming example of the API reference, byte for byte.
SEED_STREAM = (
    b'data: {"id":"chatcmpl-9aB2k4xQwR7vL8mN","object":"chat.completion.chunk",'
    b'"created":1779438767,"model":"gpt-5.4","choices":[{"index":0,"delta":{"role":"assistant",'
    b'"content":"Hi"},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-9aB2k4xQwR7vL8mN","object":"chat.completion.chunk",'
    b'"created":1779438767,"model":"gpt-5.4","choices":[{"index":0,"delta":{"content":"!"},'
    b'"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-9aB2k4xQwR7vL8mN","object":"chat.completion.chunk",'
    b'"created":1779438767,"model":"gpt-5.4","choices":[{"index":0,"delta":{},'
    b'"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
)


def chunk(delta: dict[str, Any] | None = None, finish: str | None = None, index: int = 0,
          **extra: Any) -> bytes:
    """One ``data:`` line of a chat.completion.chunk, compact JSON as OpenAI sends it."""
    obj: dict[str, Any] = {"id": "chatcmpl-9aB2k4xQwR7vL8mN", "object": "chat.completion.chunk",
                           "created": 1779438767, "model": MODEL,
                           "choices": [{"index": index, "delta": delta or {},
                                        "finish_reason": finish}], **extra}
    return data(json.dumps(obj, separators=(",", ":")))


def data(payload: str) -> bytes:
    return f"data: {payload}\n\n".encode()


def usage_chunk(prompt: int, completion: int) -> bytes:
    return data(json.dumps({"id": "chatcmpl-9aB2k4xQwR7vL8mN", "object": "chat.completion.chunk",
                            "created": 1779438767, "model": MODEL, "choices": [],
                            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                                      "total_tokens": prompt + completion}},
                           separators=(",", ":")))


DONE = b"data: [DONE]\n\n"


def text_stream(*pieces: str, finish: str = "stop") -> bytes:
    return (chunk({"role": "assistant", "content": ""})
            + b"".join(chunk({"content": p}) for p in pieces) + chunk({}, finish) + DONE)


class Body(httpx.AsyncByteStream):
    """A response body sent in the given pieces; can hang afterwards; records its closing."""

    def __init__(self, pieces: list[bytes], *, hang: bool = False) -> None:
        self.pieces = pieces
        self.hang = hang
        self.sent = 0
        self.closed = False
        self.hanging = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            self.sent += 1
            yield piece
        if self.hang:
            self.hanging.set()
            await asyncio.Event().wait()  # never set: a server that stops talking

    async def aclose(self) -> None:
        self.closed = True


def split(raw: bytes, size: int) -> list[bytes]:
    return [raw[i:i + size] for i in range(0, len(raw), size)]


Reply = httpx.Response | Callable[[httpx.Request], Any]


class Upstream:
    """Scripted replies, every request recorded."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[httpx.Request] = []

    def add(self, *replies: Reply) -> Upstream:
        self.replies.extend(replies)
        return self

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0)
        if isinstance(reply, httpx.Response):
            return reply
        result = reply(request)
        response = await result if asyncio.iscoroutine(result) else result
        assert isinstance(response, httpx.Response)
        return response

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def client(self, settings: Settings | None = None) -> UpstreamClient:
        return UpstreamClient(settings or make_settings(),
                              transport=httpx.MockTransport(self.handle))


def make_settings(**kw: Any) -> Settings:
    return Settings(base_url=BASE, api_key_env=KEY_ENV, model=MODEL, **kw)


def sse(raw: bytes | list[bytes], *, hang: bool = False, **headers: str) -> httpx.Response:
    pieces = raw if isinstance(raw, list) else [raw]
    return httpx.Response(200, headers={"content-type": "text/event-stream", **headers},
                          stream=Body(pieces, hang=hang))


def error(status: int, message: str | None = None, *, param: str | None = None,
          code: str | None = None, **headers: str) -> httpx.Response:
    body = {"error": {"message": message or "failed", "type": "invalid_request_error",
                      "param": param, "code": code}}
    return httpx.Response(status, json=body, headers=headers)


def req(model: str = MODEL, settings: Settings | None = None, **kw: Any) -> ChatRequest:
    return ChatRequest(model=model, messages=[{"role": "user", "content": "Hello"}],
                       settings=settings or make_settings(), **kw)


async def collect(client: UpstreamClient, request: ChatRequest | None = None) -> list[Event]:
    """Read a whole stream; without ``request``, one sent with the client's own settings."""
    async with client.stream(request or req(settings=client.settings)) as events:
        return [event async for event in events]


def texts(events: list[Event]) -> dict[int, str]:
    out: dict[int, str] = {}
    for e in events:
        if isinstance(e, Delta):
            out[e.index] = out.get(e.index, "") + e.text
    return out


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, KEY)
    return KEY


@pytest.fixture
def up() -> Upstream:
    return Upstream()


# --- the happy path -----------------------------------------------------------------------


async def test_seed_stream_example(up: Upstream) -> None:
    client = up.add(sse(SEED_STREAM)).client()
    assert await collect(client) == [Delta(0, "Hi"), Delta(0, "!"), Finish(0, "stop")]
    request = up.requests[0]
    assert request.method == "POST" and str(request.url) == f"{BASE}/chat/completions"
    assert request.headers["accept"] == "text/event-stream"


@pytest.mark.parametrize("size", [1, 7, 64])
async def test_deltas_reassembled_across_network_pieces(up: Upstream, size: int) -> None:
    raw = text_stream("def ", "add(a, b):\n", "    return a + b", "\n")
    raw = raw.replace(DONE, usage_chunk(5, 6) + DONE)
    client = up.add(sse(split(raw, size))).client()
    events = await collect(client)
    assert texts(events) == {0: "def add(a, b):\n    return a + b\n"}
    assert events[-1] == Usage(5, 6)


async def test_crlf_line_endings(up: Upstream) -> None:
    client = up.add(sse(text_stream("a", "b").replace(b"\n", b"\r\n"))).client()
    assert texts(await collect(client)) == {0: "ab"}


async def test_done_ends_the_stream(up: Upstream) -> None:
    raw = chunk({"content": "x"}) + chunk({}, "stop") + DONE + chunk({"content": "after"})
    client = up.add(sse(raw)).client()
    assert await collect(client) == [Delta(0, "x"), Finish(0, "stop")]


async def test_done_without_finish_is_accepted(up: Upstream) -> None:
    client = up.add(sse(chunk({"content": "x"}) + DONE)).client()
    assert await collect(client) == [Delta(0, "x")]


async def test_finish_without_done_is_accepted(up: Upstream) -> None:
    client = up.add(sse(chunk({"content": "x"}) + chunk({}, "length"))).client()
    assert await collect(client) == [Delta(0, "x"), Finish(0, "length")]


async def test_finish_reason_and_usage_chunk(up: Upstream) -> None:
    raw = (chunk({"content": "long"}) + chunk({}, "length") + usage_chunk(8, 9) + DONE)
    client = up.add(sse(raw), sse(raw)).client()
    events = await collect(client)
    assert events == [Delta(0, "long"), Finish(0, "length"), Usage(8, 9)]
    await collect(client)
    assert client.usage == Usage(16, 18)


async def test_comments_empty_data_and_null_usage_are_skipped(up: Upstream) -> None:
    raw = (b": keep-alive\n\n" + b"data: \n\n" + chunk({"content": "x"}, usage=None)
           + chunk({"content": None}) + chunk({}, "stop") + DONE)
    client = up.add(sse(raw)).client()
    assert await collect(client) == [Delta(0, "x"), Finish(0, "stop")]


async def test_reasoning_content_is_never_yielded(up: Upstream) -> None:
    raw = (chunk({"role": "assistant", "content": ""})
           + chunk({"reasoning_content": "Let me think"}) + chunk({"reasoning_content": "..."})
           + chunk({"content": "answer", "reasoning_content": "more"})
           + chunk({}, "stop") + DONE)
    client = up.add(sse(raw)).client()
    events = await collect(client)
    assert texts(events) == {0: "answer"}


@pytest.mark.parametrize("pieces", [
    ["<think>plan it</think>answer"],
    ["<thi", "nk>plan", " it</th", "ink>", "answer"],
    ["<", "t", "h", "i", "n", "k", ">", "plan", "<", "/think", ">ans", "wer"],
    ["<think>\n", "plan\n", "</think>\n\n".replace("\n\n", ""), "answer"],
])
async def test_think_block_stripped_even_when_split(up: Upstream, pieces: list[str]) -> None:
    client = up.add(sse(text_stream(*pieces))).client()
    assert texts(await collect(client)) == {0: "answer"}


async def test_held_back_angle_bracket_is_released_at_the_end(up: Upstream) -> None:
    client = up.add(sse(text_stream("if a <", " b: pass <")),
                    sse(chunk({"content": "x <"}) + DONE)).client()
    assert texts(await collect(client)) == {0: "if a < b: pass <"}
    assert texts(await collect(client)) == {0: "x <"}


async def test_two_choices_interleaved_by_index(up: Upstream) -> None:
    raw = (chunk({"role": "assistant", "content": ""}, index=0)
           + chunk({"role": "assistant", "content": ""}, index=1)
           + chunk({"content": "<think>x</th"}, index=1) + chunk({"content": "fo"}, index=0)
           + chunk({"content": "ink>ba"}, index=1) + chunk({"content": "o"}, index=0)
           + chunk({"content": "r"}, index=1) + chunk({}, "stop", index=1)
           + chunk({}, "length", index=0) + usage_chunk(3, 4) + DONE)
    client = up.add(sse(raw)).client()
    events = await collect(client, req(n=2))
    assert texts(events) == {0: "foo", 1: "bar"}
    assert [e for e in events if isinstance(e, Finish)] == [Finish(1, "stop"), Finish(0, "length")]
    assert up.bodies[0]["n"] == 2


# --- broken streams -----------------------------------------------------------------------


@pytest.mark.parametrize(("err", "kind"), [
    ({"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"},
     RateLimited),
    ({"message": "The server had an error", "type": "server_error", "code": None}, ServerError),
    ({"message": "Incorrect API key", "type": "invalid_request_error", "code": "invalid_api_key"},
     AuthError),
    ({"message": "Too long", "type": "invalid_request_error",
      "code": "context_length_exceeded"}, BadRequest),
    ({"message": "Bad gateway", "code": 502}, ServerError),
    ("something broke", ServerError),
])
async def test_error_chunk_raises_typed_error(up: Upstream, err: Any,
                                              kind: type[UpstreamError]) -> None:
    raw = chunk({"content": "par"}) + data(json.dumps({"error": err}))
    body = Body([raw])
    client = up.add(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=body)).client()
    seen: list[Event] = []
    with pytest.raises(kind) as info:
        async with client.stream(req()) as events:
            async for event in events:
                seen.append(event)
    assert seen == [Delta(0, "par")]
    assert "HTTP" not in info.value.detail  # it was not an HTTP status
    assert body.closed


async def test_malformed_chunk_is_bad_stream(up: Upstream) -> None:
    client = up.add(sse(chunk({"content": "x"}) + b"data: {not json\n\n" + DONE)).client()
    with pytest.raises(BadStream, match="malformed chunk") as info:
        await collect(client)
    assert "broke off" in info.value.user_message()


@pytest.mark.parametrize("raw", [
    chunk({"content": "half an ans"}),
    b"",
    chunk({"content": "a"}, index=0) + chunk({"content": "b"}, index=1) + chunk({}, "stop"),
], ids=["no-finish", "empty", "one-of-two-choices-unfinished"])
async def test_stream_ending_early_is_bad_stream(up: Upstream, raw: bytes) -> None:
    client = up.add(sse(raw)).client()
    with pytest.raises(BadStream, match="ended before"):
        await collect(client)


async def test_connection_dropped_mid_stream(up: Upstream) -> None:
    class Dropping(Body):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield chunk({"content": "x"})
            raise httpx.RemoteProtocolError("peer closed connection")

    body = Dropping([])
    client = up.add(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=body)).client()
    with pytest.raises(BadStream, match="connection dropped"):
        await collect(client)
    assert body.closed


@pytest.mark.parametrize("ctype", ["text/html; charset=utf-8", "text/plain", ""])
async def test_a_web_page_is_named_as_one(up: Upstream, ctype: str) -> None:
    page = b"<!DOCTYPE html><html><title>Wi-Fi login</title><body>Accept terms</body></html>"
    client = up.add(httpx.Response(200, headers={"content-type": ctype}, content=page)).client()
    with pytest.raises(NotTheApi) as info:
        await collect(client)
    message = info.value.full_message()
    assert "web page" in message and "Wi-Fi login" in message and "login page" in message
    assert "Content-Type" not in message and info.value.cause == "network"


async def test_other_content_is_bad_stream(up: Upstream) -> None:
    client = up.add(httpx.Response(200, headers={"content-type": "text/plain"},
                                   content=b"hello")).client()
    with pytest.raises(BadStream) as info:
        await collect(client)
    assert "expected an event stream" in info.value.detail and "text/plain" in info.value.detail


# --- HTTP errors --------------------------------------------------------------------------


async def test_401_names_the_variable_never_the_key(up: Upstream) -> None:
    client = up.add(error(401, f"Incorrect API key provided: {KEY}",
                          code="invalid_api_key")).client()
    with pytest.raises(AuthError) as info:
        await collect(client)
    err = info.value
    assert err.key_set is True and err.key_env == KEY_ENV
    message = err.full_message()
    assert KEY_ENV in message and "rejected the API key" in message
    assert KEY not in message and KEY not in str(err) and KEY not in err.detail


async def test_401_without_a_key_says_how_to_set_it(up: Upstream,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "")
    client = up.add(error(401, "You didn't provide an API key.")).client()
    with pytest.raises(AuthError) as info:
        await collect(client)
    assert info.value.key_set is False
    assert "no API key" in info.value.user_message()
    assert KEY_ENV in info.value.user_message()
    assert "authorization" not in up.requests[0].headers


async def test_404_is_model_not_found(up: Upstream) -> None:
    client = up.add(error(404, "The model `nope` does not exist", code="model_not_found")).client()
    with pytest.raises(ModelNotFound) as info:
        await collect(client, req(model="nope"))
    assert info.value.model == "nope"
    assert "no model 'nope'" in info.value.user_message()
    assert "model 'nope' is not available" in info.value.full_message()


async def test_400_unknown_model_message_is_model_not_found(up: Upstream) -> None:
    client = up.add(error(400, "Invalid model name passed in model=nope")).client()
    with pytest.raises(ModelNotFound):
        await collect(client, req(model="nope"))


async def test_429_pauses_without_further_requests(up: Upstream) -> None:
    client = up.add(error(429, "Rate limit reached", **{"Retry-After": "7"})).client()
    with pytest.raises(RateLimited) as info:
        await collect(client)
    assert info.value.retry_after == 7
    assert "7 s" in info.value.user_message()
    with pytest.raises(RateLimited) as again:
        await collect(client)
    assert again.value.retry_after is not None and 0 < again.value.retry_after <= 7
    assert len(up.requests) == 1


async def test_429_with_retry_after_zero_does_not_pause(up: Upstream) -> None:
    up.add(error(429, "slow down", **{"Retry-After": "0"}), sse(text_stream("ok")))
    client = up.client()
    with pytest.raises(RateLimited):
        await collect(client)
    assert texts(await collect(client)) == {0: "ok"}
    assert len(up.requests) == 2


async def test_429_without_retry_after_uses_default_pause(up: Upstream) -> None:
    client = up.add(error(429, "slow down")).client()
    with pytest.raises(RateLimited) as info:
        await collect(client)
    assert info.value.retry_after is None
    with pytest.raises(RateLimited):
        await collect(client)
    assert len(up.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_is_server_error(up: Upstream, status: int) -> None:
    client = up.add(error(status, "upstream exploded")).client()
    with pytest.raises(ServerError) as info:
        await collect(client)
    assert f"HTTP {status}" in info.value.user_message()


async def test_html_error_page_is_shown_as_text(up: Upstream) -> None:
    page = (b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad "
            b"Gateway</h1></center><hr><center>nginx</center></body></html>")
    client = up.add(httpx.Response(502, content=page,
                                   headers={"content-type": "text/html"})).client()
    with pytest.raises(ServerError) as info:
        await collect(client)
    assert info.value.detail == "HTTP 502: 502 Bad Gateway"


MAX_TOKENS_400 = ("Unsupported parameter: 'max_tokens' is not supported with this model. "
                  "Use 'max_completion_tokens' instead.")


async def test_400_max_tokens_retries_once_and_remembers_per_model(up: Upstream) -> None:
    up.add(error(400, MAX_TOKENS_400, param="max_tokens", code="unsupported_parameter"),
           sse(text_stream("a")), sse(text_stream("b")), sse(text_stream("c")))
    client = up.client()
    assert texts(await collect(client, req(max_tokens=64))) == {0: "a"}
    assert texts(await collect(client, req(max_tokens=32))) == {0: "b"}
    assert texts(await collect(client, req(model="other", max_tokens=16))) == {0: "c"}
    first, retry, second, other = up.bodies
    assert first["max_tokens"] == 64 and "max_completion_tokens" not in first
    assert retry["max_completion_tokens"] == 64 and "max_tokens" not in retry
    assert second["max_completion_tokens"] == 32 and "max_tokens" not in second
    assert other["max_tokens"] == 16 and "max_completion_tokens" not in other


async def test_400_max_tokens_without_param_field_still_adapts(up: Upstream) -> None:
    client = up.add(error(400, MAX_TOKENS_400), sse(text_stream("a"))).client()
    assert texts(await collect(client, req(max_tokens=8))) == {0: "a"}
    assert up.bodies[1]["max_completion_tokens"] == 8


async def test_400_temperature_retried_without_it(up: Upstream) -> None:
    message = ("Unsupported value: 'temperature' does not support 0.2 with this model. "
               "Only the default (1) value is supported.")
    up.add(error(400, message, param="temperature", code="unsupported_value"),
           sse(text_stream("a")), sse(text_stream("b")))
    client = up.client()
    assert texts(await collect(client, req(temperature=0.2, top_p=0.9))) == {0: "a"}
    await collect(client, req(temperature=0.2))
    assert up.bodies[0]["temperature"] == 0.2
    assert "temperature" not in up.bodies[1] and up.bodies[1]["top_p"] == 0.9
    assert "temperature" not in up.bodies[2]


async def test_400_naming_nothing_is_bad_request_without_retry(up: Upstream) -> None:
    client = up.add(error(400, "Your request was malformed.")).client()
    with pytest.raises(BadRequest) as info:
        await collect(client, req(max_tokens=5, temperature=0.1))
    assert len(up.requests) == 1
    assert "refused the request" in info.value.full_message()


async def test_400_retry_happens_only_once(up: Upstream) -> None:
    up.add(error(400, MAX_TOKENS_400, param="max_tokens"),
           error(400, "Unsupported parameter: 'max_completion_tokens'",
                 param="max_completion_tokens"))
    client = up.client()
    with pytest.raises(BadRequest):
        await collect(client, req(max_tokens=5))
    assert len(up.requests) == 2


# --- what is sent -------------------------------------------------------------------------


async def test_body_carries_the_set_parameters_and_extra(up: Upstream) -> None:
    client = up.add(sse(text_stream("x"))).client()
    await collect(client, req(temperature=0.7, top_p=0.5, n=3, stop=["\n\n"], max_tokens=99,
                              seed=123, user="u-1", extra={"reasoning_effort": "low",
                                                           "presence_penalty": 0}))
    assert up.bodies[0] == {
        "model": MODEL, "messages": [{"role": "user", "content": "Hello"}], "stream": True,
        "stream_options": {"include_usage": True}, "temperature": 0.7, "top_p": 0.5, "n": 3,
        "stop": ["\n\n"], "max_tokens": 99, "seed": 123, "user": "u-1",
        "reasoning_effort": "low", "presence_penalty": 0,
    }
    assert up.requests[0].headers["content-type"] == "application/json"


async def test_body_leaves_out_unset_parameters(up: Upstream) -> None:
    client = up.add(sse(text_stream("x"))).client()
    await collect(client, req(stop=[]))
    assert up.bodies[0] == {"model": MODEL, "messages": [{"role": "user", "content": "Hello"}],
                            "stream": True, "stream_options": {"include_usage": True}}


async def test_extra_params_override_own_values(up: Upstream) -> None:
    client = up.add(sse(text_stream("x"))).client()
    await collect(client, req(temperature=0.2, extra={"temperature": 1}))
    assert up.bodies[0]["temperature"] == 1


async def test_authorization_header_from_the_named_variable(up: Upstream) -> None:
    client = up.add(sse(text_stream("x"))).client()
    await collect(client)
    assert up.requests[0].headers["authorization"] == f"Bearer {KEY}"


async def test_no_authorization_header_when_unset(up: Upstream,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)
    client = up.add(sse(text_stream("x"))).client()
    await collect(client)
    assert "authorization" not in up.requests[0].headers


async def test_key_is_read_at_use_time(up: Upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    client = up.add(sse(text_stream("x")), sse(text_stream("y"))).client()
    await collect(client)
    monkeypatch.setenv(KEY_ENV, "sk-rotated-key-0000")
    await collect(client)
    assert up.requests[1].headers["authorization"] == "Bearer sk-rotated-key-0000"


async def test_base_url_with_trailing_slash(up: Upstream) -> None:
    client = up.add(sse(text_stream("x"))).client(
        Settings(base_url="http://localhost:8080/v1/", api_key_env=KEY_ENV))
    await collect(client)
    assert str(up.requests[0].url) == "http://localhost:8080/v1/chat/completions"


async def test_each_request_keeps_the_settings_it_started_with(up: Upstream) -> None:
    body = Body([text_stream("a", "b")])
    up.add(httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body),
           sse(text_stream("c")))
    client = up.client()
    async with client.stream(req()) as events:
        first = await anext(events)
        other = Settings(base_url="http://other/v1", api_key_env=KEY_ENV,
                         timeouts=Timeouts(connect_ms=1, between_chunks_ms=1))
        client.configure(other)  # the pool's settings change; this stream's do not
        rest = [e async for e in events]
    assert texts([first, *rest]) == {0: "ab"}
    await collect(client, req(settings=other))
    assert str(up.requests[0].url) == f"{BASE}/chat/completions"
    assert str(up.requests[1].url) == "http://other/v1/chat/completions"


# --- timeouts and network -----------------------------------------------------------------

FAST = Timeouts(connect_ms=50, first_token_ms=50, between_chunks_ms=50, total_ms=10_000)


async def test_first_token_timeout_when_body_never_comes(up: Upstream) -> None:
    body = Body([], hang=True)
    client = up.add(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=body)).client(make_settings(timeouts=FAST))
    with pytest.raises(UpstreamTimeout) as info:
        await collect(client)
    assert info.value.setting == "timeouts.firstTokenMs"
    assert "'timeouts.firstTokenMs'" in info.value.full_message()
    assert "0.05 s" in info.value.detail
    assert body.closed


async def test_first_token_timeout_when_headers_never_come(up: Upstream) -> None:
    async def never(_: httpx.Request) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    client = up.add(never).client(make_settings(timeouts=FAST))
    with pytest.raises(UpstreamTimeout) as info:
        await collect(client)
    assert info.value.setting == "timeouts.firstTokenMs"


async def test_first_token_timeout_with_only_role_chunk(up: Upstream) -> None:
    body = Body([chunk({"role": "assistant", "content": ""})], hang=True)
    client = up.add(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=body)).client(make_settings(timeouts=FAST))
    with pytest.raises(UpstreamTimeout) as info:
        await collect(client)
    assert info.value.setting == "timeouts.firstTokenMs"


async def test_between_chunks_timeout(up: Upstream) -> None:
    body = Body([chunk({"content": "x"})], hang=True)
    client = up.add(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=body)).client(make_settings(timeouts=FAST))
    seen: list[Event] = []
    with pytest.raises(UpstreamTimeout) as info:
        async with client.stream(req(settings=client.settings)) as events:
            async for event in events:
                seen.append(event)
    assert seen == [Delta(0, "x")]
    assert info.value.setting == "timeouts.betweenChunksMs"
    assert body.closed


async def test_total_timeout(up: Upstream) -> None:
    timeouts = Timeouts(first_token_ms=10_000, between_chunks_ms=10_000, total_ms=50)
    client = up.add(sse([chunk({"content": "x"})], hang=True)).client(
        make_settings(timeouts=timeouts))
    with pytest.raises(UpstreamTimeout) as info:
        await collect(client)
    assert info.value.setting == "timeouts.totalMs"


@pytest.mark.parametrize(("exc", "kind", "setting"), [
    (httpx.ConnectError("Connection refused"), NetworkError, None),
    (httpx.ConnectTimeout("timed out"), UpstreamTimeout, "timeouts.connectMs"),
])
async def test_transport_failures(up: Upstream, exc: Exception, kind: type[UpstreamError],
                                  setting: str | None) -> None:
    def fail(_: httpx.Request) -> httpx.Response:
        raise exc

    client = up.add(fail).client()
    with pytest.raises(kind) as info:
        await collect(client)
    if setting:
        assert getattr(info.value, "setting", None) == setting
    assert BASE in info.value.full_message()


# --- a server that ignores "stream": true -------------------------------------------------


async def test_json_answer_to_a_stream_request(up: Upstream) -> None:
    answer = {"id": "chatcmpl-9aB2k4xQwR7vL8mN", "object": "chat.completion",
              "created": 1779438767, "model": MODEL,
              "choices": [{"index": 0, "message": {"role": "assistant",
                                                   "content": "<think>hm</think>Hi! How can I "
                                                              "help you today?",
                                                   "reasoning_content": "hidden"},
                           "finish_reason": "stop"}],
              "usage": {"prompt_tokens": 8, "completion_tokens": 9, "total_tokens": 17}}
    client = up.add(httpx.Response(200, json=answer)).client()
    events = await collect(client)
    assert events == [Delta(0, "Hi! How can I help you today?"), Finish(0, "stop"), Usage(8, 9)]


async def test_json_error_body_with_status_200(up: Upstream) -> None:
    client = up.add(httpx.Response(200, json={"error": {"message": "model overloaded",
                                                        "type": "server_error"}})).client()
    with pytest.raises(ServerError, match="overloaded"):
        await collect(client)


# --- hanging up ---------------------------------------------------------------------------


async def test_leaving_the_block_early_closes_the_response(up: Upstream) -> None:
    body = Body([chunk({"content": "first"}), chunk({"content": "second"})], hang=True)
    client = up.add(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=body)).client()
    async with client.stream(req()) as events:
        async for event in events:
            assert event == Delta(0, "first")
            break
        assert not body.closed
    assert body.closed


async def test_exception_in_the_block_closes_the_response(up: Upstream) -> None:
    body = Body([chunk({"content": "first"})], hang=True)
    client = up.add(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=body)).client()
    with pytest.raises(KeyError):
        async with client.stream(req()) as events:
            await anext(events)
            raise KeyError("consumer failed")
    assert body.closed


async def test_cancelling_the_consumer_closes_the_response(up: Upstream) -> None:
    body = Body([chunk({"content": "first"})], hang=True)
    client = up.add(httpx.Response(200, headers={"content-type": "text/event-stream"},
                                   stream=body)).client()
    got_first = asyncio.Event()
    seen: list[Event] = []

    async def consume() -> None:
        async with client.stream(req()) as events:
            async for event in events:
                seen.append(event)
                got_first.set()

    task = asyncio.create_task(consume())
    await got_first.wait()
    await body.hanging.wait()  # the consumer is now blocked reading the next chunk
    assert not body.closed
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert body.closed
    assert seen == [Delta(0, "first")]


async def test_cancelling_while_waiting_for_headers(up: Upstream) -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def slow(_: httpx.Request) -> httpx.Response:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("unreachable")

    client = up.add(slow).client()
    task = asyncio.create_task(collect(client))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()


# --- GET /models --------------------------------------------------------------------------


async def test_models_parsing(up: Upstream) -> None:
    listing = {"object": "list", "data": [
        {"id": "gpt-5.4", "object": "model", "created": 1, "owned_by": "openai"},
        {"id": "deepseek-v4-pro", "object": "model"}, {"object": "model"}, "junk",
        {"id": "gpt-5.4", "object": "model"}]}
    client = up.add(httpx.Response(200, json=listing)).client()
    assert await client.models(client.settings) == ["deepseek-v4-pro", "gpt-5.4"]
    request = up.requests[0]
    assert request.method == "GET" and str(request.url) == f"{BASE}/models"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["accept"] == "application/json"


async def test_models_errors(up: Upstream) -> None:
    client = up.add(error(401, "bad key"), httpx.Response(200, content=b"not json"),
                    httpx.Response(200, json={"unexpected": True}),
                    error(404, "Not Found")).client()
    with pytest.raises(AuthError):
        await client.models(client.settings)
    with pytest.raises(BadStream):
        await client.models(client.settings)
    with pytest.raises(BadStream):
        await client.models(client.settings)
    with pytest.raises(ModelNotFound) as info:
        await client.models(client.settings)
    assert "'baseUrl'" in info.value.full_message()  # no model to blame: the URL is wrong


# --- 503 Retry-After, redirects, and messages that read as sentences ----------------------


async def test_503_with_retry_after_pauses_like_a_429(up: Upstream) -> None:
    client = up.add(error(503, "overloaded", **{"Retry-After": "30"})).client()
    with pytest.raises(ServerError) as info:
        await collect(client)
    assert info.value.retry_after == 30 and "Pausing requests for 30 s" in (
        info.value.full_message())
    with pytest.raises(ServerError) as again:
        await collect(client)
    assert again.value.retry_after is not None and 0 < again.value.retry_after <= 30
    assert len(up.requests) == 1  # the pause held the second request back


async def test_503_without_retry_after_and_502_do_not_pause(up: Upstream) -> None:
    up.add(error(503, "overloaded"), error(502, "bad gateway", **{"Retry-After": "30"}),
           sse(text_stream("ok")))
    client = up.client()
    for _ in range(2):
        with pytest.raises(ServerError) as info:
            await collect(client)
        assert info.value.retry_after is None
    assert texts(await collect(client)) == {0: "ok"}


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_a_redirect_is_not_followed(up: Upstream, status: int) -> None:
    client = up.add(httpx.Response(status, headers={"location": "https://portal.example/login"},
                                   content=b"<html>moved</html>")).client()
    with pytest.raises(NotTheApi) as info:
        await collect(client)
    assert len(up.requests) == 1
    assert "https://portal.example/login" in info.value.full_message()


async def test_an_html_error_page_is_not_blamed_on_the_key(up: Upstream) -> None:
    page = b"<html><head><title>Access denied by policy</title></head></html>"
    client = up.add(httpx.Response(403, content=page,
                                   headers={"content-type": "text/html"})).client()
    with pytest.raises(NotTheApi) as info:
        await collect(client)
    assert "Access denied by policy" in info.value.full_message()
    assert "API key" not in info.value.full_message()


async def test_models_answered_by_a_web_page(up: Upstream) -> None:
    client = up.add(httpx.Response(200, content=b"<!doctype html><title>Sign in</title>",
                                   headers={"content-type": "text/html"})).client()
    with pytest.raises(NotTheApi, match="Sign in"):
        await client.models(client.settings)


def every_error(base_url: str) -> list[UpstreamError]:
    kw: dict[str, Any] = {"base_url": base_url, "model": "m"}
    return [AuthError("HTTP 401", key_env="K", **kw), ModelNotFound("x", base_url=base_url),
            ModelNotFound("x", **kw), BadRequest("x", **kw), RateLimited("x", **kw),
            ServerError("x", **kw), UpstreamTimeout("x", setting="s", **kw),
            NetworkError("x", **kw), BadStream("x", **kw), NotTheApi("x", **kw),
            NotTheApi("x", location="https://b", **kw), TlsError("x", **kw),
            TlsError("x", intercepted=True, **kw), ProxyFailure("x", **kw),
            ProtocolFailure("x", **kw), NetworkSetup("x", **kw),
            PoolExhausted(connections=16, waited=5, **kw)]


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8080/v1", "https://api.example.com/v1"])
def test_no_message_starts_with_the_url(base_url: str) -> None:
    """Callers turn a message into a sentence by capitalising it: "Http://…" came from
    messages that began with the URL (or a host name)."""
    host = base_url.split("://")[1].split("/")[0]
    for err in every_error(base_url):
        text = err.user_message().removeprefix("vc-lsp: ")
        assert not text.startswith((base_url, host, "http")), type(err).__name__
        capitalised = text[0].upper() + text[1:]  # as actions/edit_stream.sentence does
        assert "Http" not in capitalised and host not in capitalised.split()[0]
