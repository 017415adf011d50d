"""Corporate networks: proxies (settings and environment), NO_PROXY, company CAs, redirects.

The proxy is tests/fakes/proxy.py, a real CONNECT relay on 127.0.0.1; the endpoint is the TLS fake
upstream with a throw-away CA (trustme), reached through the proxy under a name only the proxy
resolves (``upstream.test``), as an internal or external host is reached from a company network.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.conftest import SECRET
from tests.fakes.proxy import ConnectProxy
from tests.fakes.upstream import FakeUpstream, Reply
from tests.test_cli import vc
from vc_lsp.config import NetworkSettings, Settings, build
from vc_lsp.redact import redact
from vc_lsp.upstream.chunks import Delta
from vc_lsp.upstream.client import ChatRequest, UpstreamClient
from vc_lsp.upstream.errors import (
    NetworkError,
    NetworkSetup,
    NotTheApi,
    ProxyFailure,
    TlsError,
    from_transport,
)
from vc_lsp.upstream.network import NetworkSetupError, build_trust, bypasses, choose_route


def req_for(client: UpstreamClient) -> ChatRequest:
    """A request sent with the client's own settings (endpoint, key, timeouts)."""
    return ChatRequest(model="fake-model", messages=[{"role": "user", "content": "x"}],
                       settings=client.settings)


async def complete(client: UpstreamClient) -> str:
    """The whole answer of choice 0."""
    parts: list[str] = []
    async with client.stream(req_for(client)) as events:
        async for event in events:
            if isinstance(event, Delta) and event.index == 0:
                parts.append(event.text)
    return "".join(parts)
KEY_ENV = "VC_LSP_TEST_NETWORK_KEY"


@pytest_asyncio.fixture
async def tls() -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream(tls=True, api_key=SECRET) as up:
        yield up


@pytest_asyncio.fixture
async def proxy() -> AsyncIterator[ConnectProxy]:
    async with ConnectProxy() as p:
        yield p


def client_for(base_url: str, environ: dict[str, str] | None = None,
               **network: Any) -> UpstreamClient:
    s = Settings(base_url=base_url, api_key_env=KEY_ENV, model="fake-model",
                 network=NetworkSettings(**network))
    client = UpstreamClient(s)
    if environ is not None:  # the process environment, as the server would have it
        from vc_lsp.upstream.network import Dialer

        client._dialer = Dialer(s.network, http2=s.network.http2, environ=environ)
    return client


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)


# --- which proxy, and why -----------------------------------------------------------------

NET = NetworkSettings()
URL = httpx.URL("https://api.example.com/v1")


@pytest.mark.parametrize(("environ", "shown", "source"), [
    ({}, "direct", "no proxy set"),
    ({"HTTPS_PROXY": "http://p:3128"}, "http://p:3128", "HTTPS_PROXY"),
    ({"https_proxy": "p:8080", "HTTPS_PROXY": "http://other:1"}, "http://p:8080", "https_proxy"),
    ({"ALL_PROXY": "http://all:1"}, "http://all:1", "ALL_PROXY"),
    ({"HTTP_PROXY": "http://plain:1"}, "direct", "no proxy set"),  # http_proxy is for http://
    ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "example.com"}, "direct", "NO_PROXY"),
    ({"HTTPS_PROXY": "http://p:1", "no_proxy": ".example.com"}, "direct", "no_proxy"),
    ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"}, "direct", "NO_PROXY"),
    ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "ample.com,api.example.org"}, "http://p:1",
     "HTTPS_PROXY"),
    ({"HTTPS_PROXY": "http://u:secret-pw@p:1"}, "http://u:***@p:1", "HTTPS_PROXY"),
])
def test_route_from_the_environment(environ: dict[str, str], shown: str, source: str) -> None:
    route = choose_route(URL, NET, environ)
    assert route.shown == shown and source in route.source
    assert "secret-pw" not in route.describe()


def test_route_from_settings_wins_and_none_ignores_the_environment() -> None:
    env = {"HTTPS_PROXY": "http://env:1"}
    route = choose_route(URL, NetworkSettings(proxy="http://corp:3128"), env)
    assert route.shown == "http://corp:3128" and route.source == "network.proxy"
    assert choose_route(URL, NetworkSettings(proxy="none"), env).proxy is None
    exempt = choose_route(URL, NetworkSettings(proxy="http://corp:3128",
                                               no_proxy="intranet, example.com"), env)
    assert exempt.proxy is None and "network.noProxy" in exempt.source


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.3.4.5", "[::1]", "a.localhost"])
def test_loopback_is_never_proxied(host: str) -> None:
    url = httpx.URL(f"http://{host}:8080/v1")
    assert choose_route(url, NetworkSettings(proxy="http://corp:1"), {}).proxy is None


@pytest.mark.parametrize(("host", "port", "patterns", "matched"), [
    ("api.example.com", 443, "example.com", "example.com"),
    ("example.com", 443, ".example.com", ".example.com"),
    ("api.example.com", 443, "*.example.com", "*.example.com"),
    ("badexample.com", 443, "example.com", None),
    ("api.example.com", 443, "example.com:8443", None),
    ("api.example.com", 8443, "example.com:8443", "example.com:8443"),
    ("10.1.2.3", 443, "10.0.0.0/8", "10.0.0.0/8"),
    ("10.1.2.3", 443, "10.1.2.3", "10.1.2.3"),
    ("11.1.2.3", 443, "10.0.0.0/8", None),
    ("API.Example.COM", 443, "example.com", "example.com"),
    ("a.b", 443, " , ,", None),
])
def test_no_proxy_patterns(host: str, port: int, patterns: str, matched: str | None) -> None:
    assert bypasses(host, port, patterns) == matched


@pytest.mark.parametrize("value", ["socks5://p:1080", "ftp://p:21"])
def test_an_unusable_proxy_is_named(value: str) -> None:
    with pytest.raises(NetworkSetupError, match="HTTPS_PROXY"):
        choose_route(URL, NET, {"HTTPS_PROXY": value})


def test_proxy_setting_is_validated_like_every_setting() -> None:
    _, errors = build(Settings, {"network": {"proxy": "http://a b"}})
    assert errors and "network.proxy" in errors[0].message
    settings, errors = build(Settings, {"network": {"proxy": "http://u:p@corp:3128"}})
    assert not errors and settings.network.proxy == "http://u:p@corp:3128"


# --- trust --------------------------------------------------------------------------------


def test_ca_bundle_that_is_not_there_is_a_setup_error(tmp_path: Path) -> None:
    with pytest.raises(NetworkSetupError, match=r"network.caBundle .*nope.pem"):
        build_trust(NetworkSettings(ca_bundle=str(tmp_path / "nope.pem")), {})
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(NetworkSetupError, match="PEM"):
        build_trust(NetworkSettings(ca_bundle=str(garbage)), {})


def test_trust_sources_are_described(tmp_path: Path, tls: FakeUpstream) -> None:
    assert build_trust(NET, {}).source == "the system trust store"
    assert build_trust(NetworkSettings(system_certificates=False), {}).source.startswith(
        "certifi")
    both = build_trust(NetworkSettings(ca_bundle=tls.ca_file), {})
    assert both.source == f"the system trust store + {tls.ca_file} (network.caBundle)"
    env = build_trust(NET, {"SSL_CERT_FILE": tls.ca_file})
    assert env.source.endswith("(SSL_CERT_FILE)")
    off = build_trust(NetworkSettings(strict_tls=False), {})
    assert not off.verify and "NOT checked" in off.source


async def test_custom_ca_is_trusted_and_a_missing_one_is_called_interception(
        tls: FakeUpstream) -> None:
    ok = client_for(tls.base_url, ca_bundle=tls.ca_file)
    refused = client_for(tls.base_url)
    try:
        assert await ok.models(ok.settings) == ["fake-model", "fast-model"]
        with pytest.raises(TlsError) as info:
            await refused.models(refused.settings)
    finally:
        await ok.aclose()
        await refused.aclose()
    err = info.value
    assert err.intercepted and err.cause == "network"
    message = err.full_message()
    assert "looks intercepted" in message and "network.caBundle" in message
    assert "cannot reach" not in message
    assert len(tls.requests) == 1  # the refused handshake sent nothing, key included


async def test_strict_tls_off_accepts_an_unknown_ca(tls: FakeUpstream) -> None:
    client = client_for(tls.base_url, strict_tls=False)
    try:
        assert await client.models(client.settings) == ["fake-model", "fast-model"]
    finally:
        await client.aclose()


def _connect_error(cause: BaseException) -> httpx.ConnectError:
    try:
        raise httpx.ConnectError("failed") from cause
    except httpx.ConnectError as exc:
        return exc


def test_tls_to_a_plain_http_port_is_named() -> None:
    wrong = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    wrong.reason = "WRONG_VERSION_NUMBER"  # type: ignore[misc]
    err = from_transport(_connect_error(wrong), base_url="https://h:8080/v1", model="m")
    assert isinstance(err, TlsError) and not err.intercepted
    assert "does not speak TLS" in err.user_message() and "http://" in err.user_message()


@pytest.mark.parametrize(("cause", "words"), [
    (socket.gaierror(-2, "Name or service not known"), "host not found: h (DNS)"),
    (ConnectionRefusedError(111, "Connection refused"), "connection refused by h:8080"),
    (OSError("All connection attempts failed"), "cannot reach https://h:8080/v1 (failed)"),
])
def test_connect_failures_by_their_names(cause: BaseException, words: str) -> None:
    err = from_transport(_connect_error(cause), base_url="https://h:8080/v1", model="m")
    assert isinstance(err, NetworkError) and words in err.full_message()


# --- through a CONNECT proxy --------------------------------------------------------------


async def test_requests_tunnel_through_the_proxy_from_the_environment(
        tls: FakeUpstream, proxy: ConnectProxy) -> None:
    url = tls.url_via()
    client = client_for(url, {"HTTPS_PROXY": proxy.url}, ca_bundle=tls.ca_file)
    try:
        assert client.route().describe() == f"{proxy.url} (HTTPS_PROXY)"
        assert await client.models(client.settings) == ["fake-model", "fast-model"]
        assert await complete(client) == "fake completion"
    finally:
        await client.aclose()
    port = url.rsplit(":", 1)[1].split("/")[0]
    assert [t.target for t in proxy.tunnels] == [f"upstream.test:{port}"]  # one, reused
    assert tls.requests[0].headers["host"] == f"upstream.test:{port}"
    assert tls.requests[0].headers["authorization"] == f"Bearer {SECRET}"  # end to end only
    assert not proxy.rejected  # nothing was sent to the proxy in clear


async def test_proxy_credentials_are_sent_and_never_shown(tls: FakeUpstream) -> None:
    async with ConnectProxy(credentials=("alice", "pw-7c1e")) as proxy:
        good = proxy.url.replace("http://", "http://alice:pw-7c1e@")
        client = client_for(tls.url_via(), proxy=good, ca_bundle=tls.ca_file)
        wrong = client_for(tls.url_via(), proxy=good.replace("pw-7c1e", "nope-pw"),
                           ca_bundle=tls.ca_file)
        try:
            assert await client.models(client.settings)
            with pytest.raises(ProxyFailure) as info:
                await wrong.models(wrong.settings)
        finally:
            await client.aclose()
            await wrong.aclose()
    message = info.value.full_message()
    assert "407" in message and "network.proxy" in message
    assert "nope-pw" not in message and "nope-pw" not in redact(str(info.value.proxy))
    assert proxy.tunnels[0].status == 200 and proxy.tunnels[1].status == 407


async def test_a_proxy_that_refuses_or_is_not_there_is_named(tls: FakeUpstream) -> None:
    async with ConnectProxy(refuse={f"upstream.test:{tls.port}"}) as proxy:
        client = client_for(tls.url_via(), proxy=proxy.url, ca_bundle=tls.ca_file)
        try:
            with pytest.raises(ProxyFailure, match="403"):
                await client.models(client.settings)
        finally:
            await client.aclose()
    gone = client_for(tls.url_via(), proxy=proxy.url, ca_bundle=tls.ca_file)  # closed now
    try:
        with pytest.raises(ProxyFailure, match="cannot connect to the proxy"):
            await gone.models(gone.settings)
    finally:
        await gone.aclose()


async def test_cancellation_through_the_proxy_keeps_a_warm_tunnel(
        proxy: ConnectProxy) -> None:
    async with FakeUpstream(tls=True) as up:
        up.default = Reply.text("tick ", endless=True, delay=0.001)
        client = client_for(up.url_via(), proxy=proxy.url, ca_bundle=up.ca_file)
        try:
            for i in range(5):
                async with client.stream(req_for(client)) as events:
                    async for _ in events:
                        break
                await asyncio.wait_for(up.chat_requests[-1].hung_up.wait(), 10)
                await up.wait_for_connections(i + 2, 10)  # the spare, through a new tunnel
            up.default = Reply.text("warm")
            assert await complete(client) == "warm"
        finally:
            await client.aclose()
        assert len(proxy.tunnels) == up.connections_opened == 6


# --- what is not the API ------------------------------------------------------------------


async def test_a_redirect_is_reported_and_never_followed_with_the_key(
        tls: FakeUpstream) -> None:
    async with FakeUpstream() as elsewhere:
        tls.default = Reply(status=302, headers={"Location": f"{elsewhere.base_url}/login"})
        client = client_for(tls.base_url, ca_bundle=tls.ca_file)
        try:
            with pytest.raises(NotTheApi) as info:
                await complete(client)
        finally:
            await client.aclose()
        assert not elsewhere.requests  # the key went nowhere else
    message = info.value.full_message()
    assert "redirect" in message and f"{elsewhere.base_url}/login" in message
    assert "login page" in message and "Http://" not in message


def test_setup_errors_have_a_plain_message() -> None:
    err = NetworkSetup("network.caBundle /x: cannot load it", base_url="https://a/v1")
    assert isinstance(err, NetworkError)
    assert err.user_message() == ("vc-lsp: cannot use the network settings: network.caBundle "
                                  "/x: cannot load it.")


# --- vc-lsp doctor ------------------------------------------------------------------------


async def test_doctor_names_an_intercepted_certificate(tls: FakeUpstream) -> None:
    run = await vc("doctor", "--base-url", tls.base_url, "--model", "fake-model",
                   env={"SSL_CERT_FILE": ""})
    assert run.code == 1, run.text
    assert "[FAIL] tls" in run.out and "INTERCEPTED" in run.out
    assert 'issued by "trustme' in run.out  # the CA that signed it, by name
    assert "network.caBundle" in run.out
    assert "[skip] stream" in run.out
    assert "trust     the system trust store" in run.out


async def test_doctor_with_the_company_ca_and_a_proxy_passes_and_says_what_it_used(
        tls: FakeUpstream, proxy: ConnectProxy) -> None:
    run = await vc("doctor", "--base-url", tls.url_via(), "--model", "fake-model",
                   "--set", f"network.caBundle={tls.ca_file}", env={"HTTPS_PROXY": proxy.url})
    assert run.code == 0, run.text
    assert f"[ok]   proxy     {proxy.url} (HTTPS_PROXY)" in run.out
    assert f"{tls.ca_file} (network.caBundle)" in run.out
    assert "[ok]   stream" in run.out
    assert proxy.tunnels and all(t.status == 200 for t in proxy.tunnels)


async def test_doctor_reports_an_unusable_ca_file(tmp_path: Path) -> None:
    run = await vc("doctor", "--base-url", "https://127.0.0.1:9/v1", "--set",
                   f"network.caBundle={tmp_path / 'missing.pem'}")
    assert run.code == 1
    assert "[FAIL] network" in run.out and "missing.pem" in run.out
