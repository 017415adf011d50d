"""Typed upstream failures, each knowing how to tell the user what happened and what to do."""

from __future__ import annotations

import email.utils
import json
import re
import time
from typing import Any

from ..redact import redact


class UpstreamError(Exception):
    """Base: ``cause`` groups repeats so the user is told once per cause, not per keystroke."""

    cause = "upstream"

    def __init__(self, detail: str = "", *, base_url: str = "", model: str = "") -> None:
        detail = redact(detail)  # upstreams echo keys back in error bodies
        super().__init__(detail)
        self.detail = detail
        self.base_url = base_url
        self.model = model

    def user_message(self) -> str:
        return f"vc-lsp: the AI request failed: {self.detail}"


class AuthError(UpstreamError):
    cause = "auth"

    def __init__(self, detail: str = "", *, key_env: str = "", key_set: bool = True, **kw: Any):
        super().__init__(detail, **kw)
        self.key_env = key_env
        self.key_set = key_set

    def user_message(self) -> str:
        if not self.key_set:
            return (
                f"vc-lsp: no API key. Set the environment variable {self.key_env} before starting "
                f"your editor (or set 'apiKeyEnv' to the variable that holds your key)."
            )
        return (
            f"vc-lsp: {self.base_url} rejected the API key in {self.key_env} ({self.detail}). "
            f"Check the key, export it again and restart the language server."
        )


class ModelNotFound(UpstreamError):
    cause = "model"

    def user_message(self) -> str:
        if not self.model:  # GET /models itself was not found: the URL is wrong
            return (
                f"vc-lsp: {self.base_url} has no model list ({self.detail}). "
                f"Check 'baseUrl': it usually ends in /v1."
            )
        return (
            f"vc-lsp: model '{self.model}' is not available at {self.base_url}. "
            f"Run 'vc-lsp models' to list the models and set 'model' (or 'inline.model')."
        )


class BadRequest(UpstreamError):
    cause = "request"

    def __init__(self, detail: str = "", *, param: str | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.param = param

    def user_message(self) -> str:
        return f"vc-lsp: {self.base_url} refused the request for '{self.model}': {self.detail}"


class RateLimited(UpstreamError):
    cause = "rate"

    def __init__(self, detail: str = "", *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.retry_after = retry_after

    def user_message(self) -> str:
        wait = f" Pausing requests for {self.retry_after:g} s." if self.retry_after else ""
        return f"vc-lsp: rate limited by {self.base_url} ({self.detail}).{wait}"


class ServerError(UpstreamError):
    cause = "server"

    def user_message(self) -> str:
        return (
            f"vc-lsp: the AI service at {self.base_url} failed ({self.detail}). "
            f"It is usually temporary: try again in a moment."
        )


class UpstreamTimeout(UpstreamError):
    cause = "timeout"

    def __init__(self, detail: str = "", *, setting: str = "", **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.setting = setting

    def user_message(self) -> str:
        return (
            f"vc-lsp: {self.base_url} did not answer in time ({self.detail}). Check your network, "
            f"or raise '{self.setting}' for a slow model."
        )


class NetworkError(UpstreamError):
    cause = "network"

    def user_message(self) -> str:
        return (
            f"vc-lsp: cannot reach {self.base_url} ({self.detail}). "
            f"Check the network, a proxy, or 'baseUrl'."
        )


class BadStream(UpstreamError):
    cause = "stream"

    def user_message(self) -> str:
        return f"vc-lsp: the answer from {self.base_url} broke off ({self.detail}). Try again."


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


def classify(
    status: int, body: bytes, *, base_url: str, model: str, retry_after: str | None, key_env: str,
    label: str | None = None,
) -> UpstreamError:
    """Map an HTTP error answer to the one error type the user should hear about.

    ``label`` replaces the ``HTTP <status>`` prefix of the detail (for errors sent mid-stream).
    """
    message, param, code = error_fields(body)
    label = label or f"HTTP {status}"
    detail = f"{label}: {message}" if message else label
    kw: dict[str, Any] = {"base_url": base_url, "model": model}
    if status in (401, 403):
        return AuthError(detail, key_env=key_env, **kw)
    if status == 404 or code == "model_not_found" or (
            400 <= status < 500 and status != 429 and param in (None, "model")
            and _MODEL_MISSING.search(message)):
        return ModelNotFound(detail, **kw)
    if status == 429:
        return RateLimited(detail, retry_after=retry_after_seconds(retry_after), **kw)
    if status >= 500:
        return ServerError(detail, **kw)
    return BadRequest(detail, param=param, **kw)
