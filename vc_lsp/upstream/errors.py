"""Typed upstream failures, each knowing how to tell the user what happened and what to do."""

from __future__ import annotations

import email.utils
import json
import re
import socket
import time
from collections.abc import Iterator
from typing import Any

from ..messages import fit
from ..redact import redact


class UpstreamError(Exception):
    """Base: ``cause`` groups repeats so the user is told once per cause, not per keystroke.

    Three wordings: ``user_message`` is the one line for the editor (80 columns, host instead
    of the URL, the detail shortened), ``full_message`` everything for the log and the
    terminal commands, ``summary`` a few words for a longer message (an action's outcome): the
    detail, which names the failure ("HTTP 503: overloaded", "connection refused by h:443").
    """

    cause = "upstream"
    what = "the AI request failed"  # the summary's words
    # The two wordings of a class that needs no logic for them: ``{host}``, ``{detail}``,
    # ``{base_url}`` and ``{model}`` are filled in (``line`` fitted to the editor's width).
    line = "vc-lsp: the AI request failed: {detail}"
    full = "vc-lsp: the AI request failed: {detail}"

    def __init__(self, detail: str = "", *, base_url: str = "", model: str = "") -> None:
        detail = redact(detail)  # upstreams echo keys back in error bodies
        super().__init__(detail)
        self.detail = detail
        self.base_url = base_url
        self.model = model

    @property
    def host(self) -> str:
        return host_of(self.base_url)

    def _names(self, template: str) -> dict[str, Any]:
        names = {"host": self.host, "detail": self.detail, "base_url": self.base_url,
                 "model": self.model}
        return {key: value for key, value in names.items() if "{" + key + "}" in template}

    def user_message(self) -> str:
        return fit(self.line, **self._names(self.line))

    def full_message(self) -> str:
        return self.full.format(**self._names(self.full))

    def summary(self) -> str:
        return self.detail or self.what  # "HTTP 503: overloaded" says what happened


class AuthError(UpstreamError):
    cause = "auth"
    what = "the API key was refused"

    def __init__(self, detail: str = "", *, key_env: str = "", key_set: bool = True, **kw: Any):
        super().__init__(detail, **kw)
        self.key_env = key_env
        self.key_set = key_set
        if not key_set:
            self.what = f"no API key in {key_env}"

    def user_message(self) -> str:
        if not self.key_set:
            return fit("vc-lsp: no API key: set {env} for your editor, or 'apiKeyEnv'.",
                       env=self.key_env, whole=("env",))
        return fit("vc-lsp: the API key in {env} was rejected ({detail}).",
                   env=self.key_env, detail=self.detail, whole=("env",))

    def full_message(self) -> str:
        if not self.key_set:
            return (
                f"vc-lsp: no API key. Set the environment variable {self.key_env} before starting "
                f"your editor (or set 'apiKeyEnv' to the variable that holds your key)."
            )
        return (
            f"vc-lsp: the service at {self.base_url} rejected the API key in {self.key_env} "
            f"({self.detail}). "
            f"Check the key, export it again and restart the language server."
        )


class UntrustedEndpoint(AuthError):
    """The key would go to a host no one trusted it for (``config/trust.py``): nothing sent."""

    cause = "trust"

    def user_message(self) -> str:
        scheme = self.base_url.partition("://")[0]
        target = self.host if scheme == "https" else f"{scheme}://{self.host}"
        return fit("vc-lsp: {env} withheld; run vc-lsp trust {target}",
                   env=self.key_env, target=target, whole=("target",))

    def full_message(self) -> str:
        scheme, _, rest = self.base_url.partition("://")
        target = rest.split("/", 1)[0] if scheme == "https" else self.base_url
        return (
            f"vc-lsp: {self.key_env} was not sent to {self.base_url}: that endpoint came from "
            f"settings a workspace can write. If you set it, run: vc-lsp trust {target}"
        )


class ModelNotFound(UpstreamError):
    cause = "model"

    @property
    def what(self) -> str:  # type: ignore[override]
        return f"model '{self.model}' not found" if self.model else "no model list"

    def user_message(self) -> str:
        if not self.model:  # GET /models itself was not found: the URL is wrong
            return fit("vc-lsp: no model list at {host} ({detail}); baseUrl ends in /v1?",
                       host=self.host, detail=self.detail)
        return fit("vc-lsp: no model '{model}'; see vc-lsp models.",
                   model=self.model, whole=("model",))

    def full_message(self) -> str:
        if not self.model:
            return (
                f"vc-lsp: the service at {self.base_url} has no model list ({self.detail}). "
                f"Check 'baseUrl': it usually ends in /v1."
            )
        return (
            f"vc-lsp: model '{self.model}' is not available at {self.base_url}. "
            f"Run 'vc-lsp models' to list the models and set 'model' (or 'inline.model')."
        )


class BadRequest(UpstreamError):
    cause = "request"
    what = "the request was refused"

    def __init__(self, detail: str = "", *, param: str | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.param = param

    line = "vc-lsp: the request for '{model}' was refused: {detail}"
    full = "vc-lsp: the service at {base_url} refused the request for '{model}': {detail}"


class RateLimited(UpstreamError):
    cause = "rate"
    what = "rate limited"

    def __init__(self, detail: str = "", *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.retry_after = retry_after

    def user_message(self) -> str:
        wait = f"; pausing {self.retry_after:g} s" if self.retry_after else ""
        return fit("vc-lsp: rate limited ({detail})" + wait + ".", detail=self.detail)

    def full_message(self) -> str:
        wait = f" Pausing requests for {self.retry_after:g} s." if self.retry_after else ""
        return f"vc-lsp: rate limited by {self.base_url} ({self.detail}).{wait}"


class ServerError(UpstreamError):
    cause = "server"
    what = "the AI service failed"

    def __init__(self, detail: str = "", *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.retry_after = retry_after  # a 503 with Retry-After pauses requests like a 429

    def user_message(self) -> str:
        then = (f"; pausing {self.retry_after:g} s, as it asked." if self.retry_after
                else "; try again in a moment.")
        return fit("vc-lsp: the AI service failed ({detail})" + then, detail=self.detail)

    def full_message(self) -> str:
        then = (f" Pausing requests for {self.retry_after:g} s, as it asked."
                if self.retry_after else " It is usually temporary: try again in a moment.")
        return f"vc-lsp: the AI service at {self.base_url} failed ({self.detail}).{then}"


class UpstreamTimeout(UpstreamError):
    cause = "timeout"
    what = "no answer in time"

    def __init__(self, detail: str = "", *, setting: str = "", **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.setting = setting

    def user_message(self) -> str:
        if not self.setting:
            return fit("vc-lsp: no answer in time from {host} ({detail}).",
                       host=self.host, detail=self.detail)
        return fit("vc-lsp: no answer in time from {host}; raise {setting} if slow.",
                   host=self.host, setting=self.setting, whole=("setting",))

    def full_message(self) -> str:
        return (
            f"vc-lsp: the service at {self.base_url} did not answer in time ({self.detail}). "
            f"Check your network, or raise '{self.setting}' for a slow model."
        )

    def summary(self) -> str:
        return f"timed out ({self.setting})" if self.setting else self.detail or self.what


class PoolExhausted(UpstreamError):
    """Every connection to the endpoint is held by an answer still streaming, and none came
    free within the pool timeout (``timeouts.connectMs``): the request was never sent."""

    cause = "pool"

    def __init__(self, detail: str = "", *, connections: int = 0, waited: float = 0.0,
                 **kw: Any) -> None:
        super().__init__(detail or f"all {connections} connections busy", **kw)
        self.connections = connections
        self.waited = waited

    @property
    def what(self) -> str:  # type: ignore[override]
        return f"all {self.connections} connections to {self.host} are busy"

    def user_message(self) -> str:
        return fit("vc-lsp: all {n} connections to {host} are busy; vc.cancel stops actions.",
                   n=str(self.connections), host=self.host, whole=("n",))

    def full_message(self) -> str:
        return (
            f"vc-lsp: all {self.connections} connections to {self.base_url} are busy with "
            f"answers still streaming; a request waited {self.waited:g} s for one and was not "
            f"sent. Stop running actions (vc.cancel) or let them finish; if none are running, "
            f"this is a bug in vc-lsp: please report it with the log."
        )

    def summary(self) -> str:
        return self.what


class NetworkError(UpstreamError):
    cause = "network"

    @property
    def what(self) -> str:  # type: ignore[override]
        return f"cannot reach {self.host}"

    line = "vc-lsp: cannot reach {host} ({detail}); check network, proxy, baseUrl."
    full = "vc-lsp: cannot reach {base_url} ({detail}). Check the network, a proxy, or 'baseUrl'."


def host_of(base_url: str) -> str:
    """``api.example.com`` of ``https://api.example.com/v1``: short enough for a message."""
    rest = base_url.split("://", 1)[-1]
    return rest.split("/", 1)[0].rsplit("@", 1)[-1] or base_url


class TlsError(NetworkError):
    """The endpoint's certificate was refused: intercepted, self-signed, expired, wrong host."""

    what = "its TLS certificate was refused"

    def __init__(self, detail: str = "", *, reason: str = "", intercepted: bool = False,
                 **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.reason = reason or detail
        self.intercepted = intercepted

    def user_message(self) -> str:
        if self.intercepted:
            return fit("vc-lsp: HTTPS to {host} looks intercepted ({reason}); set "
                       "network.caBundle.", host=self.host, reason=self.reason)
        if NOT_TLS in self.reason:
            return fit("vc-lsp: the server at {host} " + NOT_TLS + "; try http:// in baseUrl.",
                       host=self.host)
        return fit("vc-lsp: the TLS certificate of {host} was refused ({reason}).",
                   host=self.host, reason=self.reason)

    def full_message(self) -> str:
        host = self.host
        if self.intercepted:
            return (f"vc-lsp: HTTPS to {host} looks intercepted ({self.reason}); set "
                    f"network.caBundle to your company's CA file, or run vc-lsp doctor.")
        return f"vc-lsp: the TLS certificate of {host} was refused ({self.reason})."


class ProxyFailure(NetworkError):
    """The proxy could not be reached, refused the tunnel, or wants credentials."""

    what = "the proxy failed"

    def __init__(self, detail: str = "", *, proxy: str = "", **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.proxy = proxy

    def user_message(self) -> str:
        if not self.proxy:
            return fit("vc-lsp: the proxy failed ({detail}); see network.proxy, HTTPS_PROXY.",
                       detail=self.detail)
        return fit("vc-lsp: proxy {proxy} failed ({detail}); see network.proxy, HTTPS_PROXY.",
                   proxy=host_of(self.proxy), detail=self.detail)

    def full_message(self) -> str:
        via = f" {self.proxy}" if self.proxy else ""
        return (f"vc-lsp: the proxy{via} failed ({self.detail}); check network.proxy or "
                f"HTTPS_PROXY.")


class NetworkSetup(NetworkError):
    """A network setting that cannot be used (a CA file that is missing, a bad proxy URL)."""

    what = "the network settings cannot be used"

    line = full = "vc-lsp: cannot use the network settings: {detail}."


class NotTheApi(NetworkError):
    """An HTML page or a redirect where the API should answer: a proxy, a captive portal (a
    network's login page) or a ``baseUrl`` that points at a website."""

    what = "not the API at baseUrl"

    def __init__(self, detail: str = "", *, location: str | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.location = location

    def user_message(self) -> str:
        if self.location is not None:
            return fit("vc-lsp: a redirect from {host} to {to}: a login page? See baseUrl.",
                       host=self.host, to=self.location or "?")
        return fit("vc-lsp: a web page from {host} ({detail}), not the API; baseUrl (…/v1)?",
                   host=self.host, detail=self.detail)

    def full_message(self) -> str:
        host = self.host
        if self.location is not None:
            return (f"vc-lsp: a redirect came back from {host} ({self.detail}) instead of the "
                    f"API: a network login page or proxy, or baseUrl is not the API root (…/v1).")
        return (f"vc-lsp: a web page came back from {host} ({self.detail}) instead of the API: "
                f"a proxy or network login page, or baseUrl is not the API root (…/v1).")


class ProtocolFailure(UpstreamError):
    """The HTTP connection itself broke its rules (an HTTP/2 stream limit, a framing error)."""

    cause = "protocol"
    what = "HTTP protocol error"

    line = "vc-lsp: protocol error with {host}: {detail}; try network.http2 false."
    full = ("vc-lsp: HTTP protocol error with {host} ({detail}); set network.http2 to false if "
            "it persists.")


class BadStream(UpstreamError):
    cause = "stream"
    what = "the answer broke off"

    line = "vc-lsp: the answer from {host} broke off ({detail}). Try again."
    full = "vc-lsp: the answer from {base_url} broke off ({detail}). Try again."


NOT_TLS = "does not speak TLS"


_TAG = re.compile(r"<[^>]*>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_MODEL_MISSING = re.compile(
    r"\b(?:unknown|invalid|unsupported|no such) model\b"
    r"|\bmodel\b[^.]{0,80}?\b(?:not found|does not exist|doesn't exist|not exist|not available)",
    re.I)


def error_fields(body: bytes) -> tuple[str, str | None, str | None]:
    """``(message, param, code)`` of an OpenAI-style error body, or the gist of a raw body."""
    try:
        data = json.loads(body)
    except ValueError:
        return _plain(body.decode("utf-8", "replace")), None, None
    err = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(err, dict):
        message = err.get("message") or err.get("detail") or json.dumps(err)[:300]
        param, code = err.get("param"), err.get("code") or err.get("type")
        return (str(message)[:300], param if isinstance(param, str) else None,
                code if isinstance(code, str) else None)
    return str(err)[:300], None, None


def _plain(text: str) -> str:
    """An HTML error page (a proxy's 502) shown as its title or text, not as markup."""
    if "<" in text and ">" in text:
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAG.sub(" ", text)
    return " ".join(text.split())[:300]


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` in seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_html(content_type: str | None, body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return "text/html" in (content_type or "").lower() or head.startswith((b"<!doctype html",
                                                                           b"<html"))


def classify(
    status: int, body: bytes, *, base_url: str, model: str, retry_after: str | None, key_env: str,
    label: str | None = None, content_type: str | None = None, location: str | None = None,
) -> UpstreamError:
    """Map an HTTP error answer to the one error type the user should hear about.

    ``label`` replaces the ``HTTP <status>`` prefix of the detail (for errors sent mid-stream).
    A redirect, a 407 and an HTML page where JSON was due are not the API talking: they name
    the likely cause (a proxy or login page, a wrong ``baseUrl``) instead of a key or a model.
    """
    message, param, code = error_fields(body)
    label = label or f"HTTP {status}"
    detail = f"{label}: {message}" if message else label
    kw: dict[str, Any] = {"base_url": base_url, "model": model}
    if 300 <= status < 400:
        where = f" to {location}" if location else ""
        return NotTheApi(f"HTTP {status}{where}", location=location or "", **kw)
    if status == 407:
        return ProxyFailure(f"{detail}: it wants credentials", **kw)
    if status < 500 and status != 429 and is_html(content_type, body):
        return NotTheApi(detail, **kw)
    if status in (401, 403):
        return AuthError(detail, key_env=key_env, **kw)
    if status == 404 or code == "model_not_found" or (
            400 <= status < 500 and status != 429 and param in (None, "model")
            and _MODEL_MISSING.search(message)):
        return ModelNotFound(detail, **kw)
    if status == 429:
        return RateLimited(detail, retry_after=retry_after_seconds(retry_after), **kw)
    if status >= 500:
        pause = retry_after_seconds(retry_after) if status == 503 else None
        return ServerError(detail, retry_after=pause, **kw)
    return BadRequest(detail, param=param, **kw)


# --- transport failures by their real names ---------------------------------------------

# OpenSSL verify codes that mean "signed by a CA this machine does not trust": what a
# TLS-inspecting proxy's certificate looks like (or a self-hosted server's own).
UNKNOWN_ISSUER = {2, 18, 19, 20, 21}


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, its causes and contexts, and the members of exception groups, each once."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        members = getattr(current, "exceptions", None)
        if isinstance(members, (list, tuple)):
            stack.extend(m for m in members if isinstance(m, BaseException))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)


def _first(exc: BaseException, kind: type[BaseException]) -> Any:
    return next((e for e in causes(exc) if isinstance(e, kind)), None)


def tls_reason(exc: BaseException) -> tuple[str, bool] | None:
    """``(what OpenSSL said, in words; whether the issuer is unknown)`` for a TLS failure."""
    import ssl  # here, like httpx below: the notifier imports this module at start-up

    verify = _first(exc, ssl.SSLCertVerificationError)
    if verify is not None:
        message = str(getattr(verify, "verify_message", "") or verify.reason or verify)
        return message, getattr(verify, "verify_code", None) in UNKNOWN_ISSUER
    failure = _first(exc, ssl.SSLError)
    if failure is None:
        return None
    reason = str(failure.reason or failure)
    if reason in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST"):
        return f"{reason}: the server {NOT_TLS} on that port; try http://", False
    return reason, False


def from_transport(exc: BaseException, *, proxy: str = "", base_url: str, model: str
                   ) -> UpstreamError | None:
    """The typed error for a failure below HTTP, named for its real cause; ``None`` when
    ``exc`` is not a network failure at all (a bug: let it propagate)."""
    import httpx  # not at import: the notifier needs this module before the first answer

    from .network import NetworkSetupError  # network.py imports config; keep this module light

    kw: dict[str, Any] = {"base_url": base_url, "model": model}
    if isinstance(exc, NetworkSetupError):
        return NetworkSetup(str(exc), **kw)
    if not isinstance(exc, httpx.TransportError):
        return None
    if isinstance(exc, httpx.ProxyError):
        return ProxyFailure(str(exc), proxy=proxy, **kw)
    if isinstance(exc, httpx.LocalProtocolError):
        return ProtocolFailure(str(exc) or type(exc).__name__, **kw)
    if isinstance(exc, httpx.RemoteProtocolError):
        return BadStream(f"connection dropped: {exc}", **kw)
    tls = tls_reason(exc)
    if tls is not None:
        reason, unknown_issuer = tls
        return TlsError(f"TLS: {reason}", reason=reason, intercepted=unknown_issuer, **kw)
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return BadStream(f"connection lost: {exc or type(exc).__name__}", **kw)
    host = host_of(base_url)
    if _first(exc, socket.gaierror) is not None:
        return NetworkError(f"host not found: {host.rsplit(':', 1)[0]} (DNS)", **kw)
    if _first(exc, ConnectionRefusedError) is not None:
        return NetworkError(f"connection refused by {host}", **kw)
    if _first(exc, ConnectionResetError) is not None:
        return NetworkError(f"connection reset by {host}", **kw)
    return NetworkError(str(exc) or type(exc).__name__, **kw)
