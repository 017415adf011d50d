"""How a connection reaches the endpoint: which proxy (if any), which CAs are trusted, the dial.

Corporate networks are the usual reason a working key gets "cannot reach": a proxy that must be
used, a TLS-inspecting proxy whose company CA is not in Python's bundle, or a proxy that must
*not* be used for an internal host. The choices are made here, once per host, from the
``network`` settings first and the standard environment variables second (``HTTPS_PROXY``,
``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, ``SSL_CERT_FILE``), and each choice carries the
words that say where it came from, so ``vc-lsp doctor`` and the error messages can tell the user.

``Dialer.dial`` opens the byte stream for one connection: TCP to the host or the proxy, a
``CONNECT`` tunnel through the proxy, then TLS with ALPN. The HTTP layers on top live in
``transport.py``.
"""

from __future__ import annotations

import base64
import ipaddress
import logging
import os
import socket
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import certifi
import h11
import httpcore
import httpx

from ..config import NetworkSettings
from ..redact import remember_secret

log = logging.getLogger(__name__)

# Headers and body go out in separate writes; without this, Nagle holds the body back for an ACK.
NO_DELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
PROXY_SCHEMES = ("http", "https")
MAX_PROXY_HEAD = 64 * 1024
LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


@dataclass(frozen=True)
class Route:
    """The proxy used for one host (``None``: direct), and why, in words for the user."""

    proxy: httpx.URL | None
    source: str

    @property
    def shown(self) -> str:
        """The proxy URL with any password masked, or ``direct``."""
        if self.proxy is None:
            return "direct"
        url = self.proxy
        port = f":{url.port}" if url.port else ""
        user = f"{url.username}:***@" if url.password else (
            f"{url.username}@" if url.username else "")
        return f"{url.scheme}://{user}{url.host}{port}"

    def describe(self) -> str:
        return f"{self.shown} ({self.source})"


@dataclass(frozen=True)
class Trust:
    """The TLS context for the endpoint and how its trusted CAs were chosen."""

    context: ssl.SSLContext
    source: str
    verify: bool


class NetworkSetupError(ValueError):
    """A network setting that cannot be used as given (a CA file that is not there...)."""


# --- proxies ---------------------------------------------------------------------------


def _env(environ: Mapping[str, str], *names: str) -> tuple[str, str] | None:
    """The first set variable among ``names``, lower case before upper case as curl does."""
    for name in names:
        for spelled in (name.lower(), name.upper()):
            value = environ.get(spelled, "").strip()
            if value:
                return spelled, value
    return None


def _proxy_url(text: str, where: str) -> httpx.URL:
    if "://" not in text:
        text = "http://" + text  # "proxy.corp:3128", as many set HTTPS_PROXY
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise NetworkSetupError(f"{where} is not a proxy URL ({exc})") from exc
    if url.scheme.startswith("socks"):
        raise NetworkSetupError(f"{where} is a SOCKS proxy ({url.scheme}://), which vc-lsp does "
                                "not support; use the HTTP proxy your network offers")
    if url.scheme not in PROXY_SCHEMES or not url.host:
        raise NetworkSetupError(f"{where} must be an http:// or https:// proxy URL, "
                                f"not {text!r}")
    if url.password:
        remember_secret(url.password)
    return url


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bypasses(host: str, port: int | None, patterns: str) -> str | None:
    """The ``NO_PROXY`` entry that sends ``host`` direct, or ``None``.

    Entries are separated by commas or spaces: ``*``, a host or a domain (``corp.example`` and
    ``.corp.example`` both match the domain and its subdomains), optionally with ``:port``, or
    an IP address or network (``10.0.0.0/8``).
    """
    host = host.strip("[]").lower()
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for raw in patterns.replace(" ", ",").split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return entry
        name, want_port = entry, None
        if entry.count(":") == 1 and entry.rsplit(":", 1)[1].isdigit():
            name, port_text = entry.rsplit(":", 1)
            want_port = int(port_text)
        if want_port is not None and port is not None and want_port != port:
            continue
        name = name.strip("[]")
        if address is not None:
            try:
                if address in ipaddress.ip_network(name, strict=False):
                    return raw.strip()
            except ValueError:
                pass
            continue
        name = name.removeprefix("*").lstrip(".")
        if host == name or host.endswith("." + name):
            return raw.strip()
    return None


def choose_route(url: httpx.URL, net: NetworkSettings,
                 environ: Mapping[str, str] | None = None) -> Route:
    """The proxy for ``url``: ``network.proxy``, else the environment. ``network.noProxy`` and
    ``NO_PROXY`` exempt hosts; loopback never goes through a proxy (it could not reach it).
    """
    env = os.environ if environ is None else environ
    host, port = url.host, url.port or (443 if url.scheme == "https" else 80)
    if is_loopback(host):
        return Route(None, f"{host} is this machine")
    setting = None if net.proxy is None else net.proxy.strip()
    if setting is not None and setting.lower() in ("none", "direct", ""):
        return Route(None, f"network.proxy is {net.proxy!r}")
    exempt = bypasses(host, port, net.no_proxy)
    if exempt:
        return Route(None, f"{host} matches network.noProxy entry {exempt!r}")
    found = _env(env, "no_proxy")
    if found and (exempt := bypasses(host, port, found[1])):
        return Route(None, f"{host} matches {found[0]} entry {exempt!r}")
    if setting is not None:
        return Route(_proxy_url(setting, "network.proxy"), "network.proxy")
    found = _env(env, f"{url.scheme}_proxy", "all_proxy")
    if found is None:
        return Route(None, "no proxy set")
    return Route(_proxy_url(found[1], found[0]), found[0])


# --- trust -----------------------------------------------------------------------------


# Where Linux distributions keep the system CA bundle, for Pythons whose OpenSSL looks
# elsewhere (the same list truststore searches).
LINUX_CA_FILES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                  "/etc/ssl/cert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                  "/etc/pki/tls/cert.pem", "/etc/ssl/ca-bundle.pem")


def _system_context() -> ssl.SSLContext:
    """The operating system's trust store.

    macOS and Windows verify through the OS (truststore), which sees the CAs that IT installed.
    On Linux the system store *is* a file that OpenSSL reads: truststore would re-read it for
    every connection (22 ms of blocked event loop per handshake, measured), so it is loaded
    once into an ordinary context instead.
    """
    if sys.platform in ("darwin", "win32"):
        import truststore  # only where it adds something

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx = ssl.create_default_context()  # loads OpenSSL's default paths when they exist
    if not ctx.get_ca_certs() and not _default_dir_has_certs():
        for path in LINUX_CA_FILES:
            if os.path.isfile(path):
                ctx.load_verify_locations(cafile=path)
                break
    return ctx


def _default_dir_has_certs() -> bool:
    capath = ssl.get_default_verify_paths().capath
    return bool(capath) and os.path.isdir(capath) and any(
        len(name) == 10 and name[8] == "." for name in os.listdir(capath))


def build_trust(net: NetworkSettings, environ: Mapping[str, str] | None = None) -> Trust:
    """The TLS context: the system trust store (truststore) or certifi's public CAs, plus
    ``network.caBundle`` (or ``SSL_CERT_FILE`` when that is unset)."""
    env = os.environ if environ is None else environ
    if not net.strict_tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return Trust(ctx, "none: certificates are NOT checked (network.strictTls is false)",
                     verify=False)
    if net.system_certificates:
        ctx, parts = _system_context(), ["the system trust store"]
    else:
        ctx, parts = ssl.create_default_context(cafile=certifi.where()), ["certifi's public CAs"]
    extra, where = (net.ca_bundle, "network.caBundle") if net.ca_bundle else (
        env.get("SSL_CERT_FILE", "").strip() or None, "SSL_CERT_FILE")
    if extra:
        path = os.path.expanduser(extra)
        try:
            ctx.load_verify_locations(cafile=path)
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise NetworkSetupError(f"{where} {extra}: cannot load it as PEM certificates "
                                    f"({reason})") from exc
        parts.append(f"{path} ({where})")
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return Trust(ctx, " + ".join(parts), verify=True)


# --- the dial --------------------------------------------------------------------------


class Dialer:
    """Opens the byte stream of one connection to an origin, through its route."""

    def __init__(self, net: NetworkSettings, *, http2: bool,
                 environ: Mapping[str, str] | None = None,
                 backend: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.net = net
        self.http2 = http2
        self._environ = os.environ if environ is None else environ
        self._backend = backend or httpcore.AnyIOBackend()
        self._trust: Trust | None = None
        self._proxy_context: ssl.SSLContext | None = None
        self._routes: dict[tuple[str, int], Route] = {}

    @property
    def trust(self) -> Trust:
        """Built on first use (loading a CA store costs milliseconds), ALPN set once."""
        if self._trust is None:
            trust = build_trust(self.net, self._environ)
            trust.context.set_alpn_protocols(["h2", "http/1.1"] if self.http2 else ["http/1.1"])
            self._trust = trust
        return self._trust

    def route(self, scheme: str, host: str, port: int) -> Route:
        key = (f"{scheme}://{host}", port)
        if key not in self._routes:
            self._routes[key] = choose_route(httpx.URL(scheme=scheme, host=host, port=port),
                                             self.net, self._environ)
        return self._routes[key]

    async def dial(self, origin: httpcore.Origin, timeout: float | None
                   ) -> httpcore.AsyncNetworkStream:
        """TCP (to the proxy, then ``CONNECT``), then TLS for https; errors are httpcore's."""
        scheme, host = origin.scheme.decode("ascii"), origin.host.decode("ascii")
        route = self.route(scheme, host, origin.port)  # NetworkSetupError passes through httpx
        ctx = self.trust.context if scheme == "https" else None
        if route.proxy is None:
            stream = await self._backend.connect_tcp(host, origin.port, timeout=timeout,
                                                     socket_options=NO_DELAY)
        else:
            stream = await self._through(route.proxy, host, origin.port, timeout)
        if ctx is not None:
            try:
                stream = await stream.start_tls(ctx, server_hostname=host, timeout=timeout)
            except BaseException:
                await stream.aclose()
                raise
        return stream

    async def _through(self, proxy: httpx.URL, host: str, port: int, timeout: float | None
                       ) -> httpcore.AsyncNetworkStream:
        proxy_port = proxy.port or (443 if proxy.scheme == "https" else 80)
        try:
            stream = await self._backend.connect_tcp(proxy.host, proxy_port, timeout=timeout,
                                                     socket_options=NO_DELAY)
        except httpcore.ConnectError as exc:
            raise httpcore.ProxyError(f"cannot connect to the proxy {proxy.host}:{proxy_port} "
                                      f"({exc})") from exc
        try:
            if proxy.scheme == "https":
                stream = await stream.start_tls(self._proxy_tls(), server_hostname=proxy.host,
                                                timeout=timeout)
            await connect_tunnel(stream, host, port, proxy, timeout)
        except BaseException:
            await stream.aclose()
            raise
        return stream

    def _proxy_tls(self) -> ssl.SSLContext:
        """An https:// proxy is checked like the endpoint, in a context of its own (ALPN)."""
        if self._proxy_context is None:
            ctx = build_trust(self.net, self._environ).context
            ctx.set_alpn_protocols(["http/1.1"])
            self._proxy_context = ctx
        return self._proxy_context


def proxy_headers(proxy: httpx.URL) -> list[tuple[bytes, bytes]]:
    if not proxy.username:
        return []
    token = base64.b64encode(f"{proxy.username}:{proxy.password}".encode()).decode("ascii")
    remember_secret(token)
    return [(b"Proxy-Authorization", f"Basic {token}".encode("ascii"))]


async def connect_tunnel(stream: httpcore.AsyncNetworkStream, host: str, port: int,
                         proxy: httpx.URL, timeout: float | None) -> None:
    """``CONNECT host:port`` through an HTTP proxy; a refusal is a ``ProxyError`` naming it."""
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    conn = h11.Connection(our_role=h11.CLIENT, max_incomplete_event_size=MAX_PROXY_HEAD)
    headers: list[tuple[bytes, bytes]] = [(b"Host", authority.encode("ascii")),
                                          *proxy_headers(proxy)]
    await stream.write(conn.send(h11.Request(method=b"CONNECT", target=authority.encode("ascii"),
                                             headers=headers)) or b"", timeout)
    while True:
        event: Any = conn.next_event()
        if event is h11.NEED_DATA:
            data = await stream.read(65536, timeout)
            if not data:
                raise httpcore.ProxyError(f"the proxy {proxy.host} closed the connection "
                                          f"instead of answering CONNECT {authority}")
            conn.receive_data(data)
            continue
        if isinstance(event, h11.InformationalResponse):
            continue
        if isinstance(event, h11.Response):
            break
        raise httpcore.ProxyError(f"the proxy {proxy.host} sent {type(event).__name__} "
                                  f"to CONNECT {authority}")
    if not 200 <= event.status_code < 300:
        reason = event.reason.decode("latin-1", "replace")
        raise httpcore.ProxyError(f"the proxy {proxy.host} refused CONNECT {authority}: "
                                  f"HTTP {event.status_code} {reason}".rstrip())


# --- what doctor shows about a refused certificate -------------------------------------


@dataclass(frozen=True)
class Certificate:
    """Who a server's certificate names and who signed it, from the unverified handshake."""

    subject: str
    issuer: str

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer


def _names(rdns: Any) -> str:
    wanted = ("commonName", "organizationName", "organizationalUnitName")
    parts = [value for rdn in rdns or () for key, value in rdn if key in wanted]
    return ", ".join(parts) or "(no name)"


def describe_certificate(der: bytes) -> Certificate | None:
    """Subject and issuer of a DER certificate, with the standard library only.

    ``ssl`` decodes certificates only from a file (``_test_decode_cert``, CPython's own
    helper); when it is missing, the caller shows OpenSSL's reason alone.
    """
    import tempfile

    decode = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if decode is None:
        return None
    with tempfile.TemporaryDirectory(prefix="vc-lsp-cert-") as tmp:
        path = os.path.join(tmp, "peer.pem")
        with open(path, "w", encoding="ascii") as f:
            f.write(ssl.DER_cert_to_PEM_cert(der))
        try:
            info = decode(path)
        except (ssl.SSLError, ValueError):
            return None
    return Certificate(_names(info.get("subject")), _names(info.get("issuer")))


async def peek_certificate(dialer: Dialer, url: httpx.URL, timeout: float | None
                           ) -> Certificate | None:
    """The certificate ``url``'s server shows, without trusting it: one handshake through the
    same route (proxy included) with verification off, nothing sent over it."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    port = url.port or 443
    route = dialer.route("https", url.host, port)
    backend = httpcore.AnyIOBackend()
    try:
        if route.proxy is None:
            stream = await backend.connect_tcp(url.host, port, timeout=timeout)
        else:
            stream = await dialer._through(route.proxy, url.host, port, timeout)
        try:
            stream = await stream.start_tls(ctx, server_hostname=url.host, timeout=timeout)
            der = stream.get_extra_info("ssl_object").getpeercert(binary_form=True)
        finally:
            await stream.aclose()
    except Exception as exc:  # doctor then reports OpenSSL's reason alone
        log.debug("could not fetch the certificate of %s: %r", url, exc)
        return None
    return describe_certificate(der) if der else None
