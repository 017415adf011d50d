"""Short status-line words for an upstream failure: what is wrong and the next step.

The full sentence (``UpstreamError.user_message``) goes to ``window/showMessage`` once per cause;
a status line has room for a few words, so these are shorter and always end in what to do.
"""

from __future__ import annotations

from ..upstream.errors import (
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
    host_of,
)
from .model import Kind

PAUSE_S = 10.0  # the client's pause after a 429 without Retry-After (client.DEFAULT_RATE_PAUSE)


def failure(err: UpstreamError) -> tuple[Kind, str]:
    """The kind (Error: it will not fix itself; Warning: it may) and the words."""
    host = host_of(err.base_url) if err.base_url else "the AI service"
    if isinstance(err, AuthError):
        if not err.key_set:
            return Kind.ERROR, f"No API key: set {err.key_env} and restart"
        return Kind.ERROR, f"API key rejected by {host}: check {err.key_env}"
    if isinstance(err, ModelNotFound):
        if not err.model:
            return Kind.ERROR, f"No model list at {host}: check baseUrl (…/v1)"
        return Kind.ERROR, f"Model '{err.model}' not found: run vc-lsp models"
    if isinstance(err, TlsError):
        if err.intercepted:
            return Kind.ERROR, f"HTTPS to {host} intercepted: set network.caBundle"
        return Kind.ERROR, f"Certificate of {host} refused: run vc-lsp doctor"
    if isinstance(err, ProxyFailure):
        return Kind.ERROR, "Proxy failed: check network.proxy or HTTPS_PROXY"
    if isinstance(err, NetworkSetup):
        return Kind.ERROR, "Network settings unusable: run vc-lsp doctor"
    if isinstance(err, NotTheApi):
        return Kind.ERROR, f"{host} is not the API: check baseUrl or a login page"
    if isinstance(err, NetworkError):
        return Kind.ERROR, f"Cannot reach {host}: check the network or proxy"
    if isinstance(err, BadRequest):
        return Kind.ERROR, f"Request refused by {host}: see vc.why"
    if isinstance(err, PoolExhausted):
        return Kind.WARNING, f"All {err.connections} connections to {host} busy: see vc.why"
    if isinstance(err, UpstreamTimeout):
        return Kind.WARNING, f"{host} too slow: raise {err.setting or 'timeouts'}"
    if isinstance(err, ProtocolFailure):
        return Kind.WARNING, f"HTTP error with {host}: try network.http2 false"
    if isinstance(err, BadStream):
        return Kind.WARNING, f"Answer from {host} broke off: try again"
    if isinstance(err, ServerError):
        return Kind.WARNING, f"{host} failed ({err.detail[:30]}): try again soon"
    return Kind.WARNING, f"Request failed: {err.detail[:40]}"


def pause(err: UpstreamError) -> tuple[float, str]:
    """How long requests are paused after ``err`` (a 429, or a 503 with Retry-After), and why."""
    host = host_of(err.base_url) if err.base_url else "the AI service"
    seconds = getattr(err, "retry_after", None)
    if isinstance(err, RateLimited):
        seconds = PAUSE_S if seconds is None else seconds
        return seconds, f"rate limited by {host} (HTTP 429)"
    return seconds or 0.0, f"{host} overloaded (HTTP 503)"


def pauses(err: UpstreamError) -> bool:
    """Whether the client pauses all requests after ``err``."""
    return isinstance(err, RateLimited) or (isinstance(err, ServerError)
                                            and err.retry_after is not None)
