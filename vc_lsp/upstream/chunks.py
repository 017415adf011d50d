"""Parse OpenAI ``chat.completion.chunk`` payloads into the few events the server cares about."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import BadStream, UpstreamError, classify


@dataclass(frozen=True, slots=True)
class Delta:
    """New visible text for one choice (reasoning already removed)."""

    index: int
    text: str


@dataclass(frozen=True, slots=True)
class Finish:
    index: int
    reason: str


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0  # prompt tokens the upstream served from its prefix cache


Event = Delta | Finish | Usage


def parse_chunk(data: str, *, base_url: str, model: str, key_env: str) -> list[Event]:
    """One SSE ``data:`` payload to events; an ``{"error": ...}`` chunk raises its typed error."""
    try:
        obj = json.loads(data)
    except ValueError as exc:
        raise BadStream(f"malformed chunk: {data[:80]!r}", base_url=base_url, model=model) from exc
    if not isinstance(obj, dict):
        raise BadStream(f"unexpected chunk: {data[:80]!r}", base_url=base_url, model=model)
    if obj.get("error"):
        raise _stream_error(obj["error"], base_url=base_url, model=model, key_env=key_env)
    return list(events_of(obj))


def events_of(obj: dict[str, Any]) -> list[Event]:
    """Works for stream chunks (``delta``) and whole answers (``message``) alike."""
    events: list[Event] = []
    for choice in obj.get("choices") or ():
        if not isinstance(choice, dict):
            continue
        index = choice.get("index", 0)
        index = index if isinstance(index, int) and not isinstance(index, bool) else 0
        part = choice.get("delta") or choice.get("message") or {}
        content = part.get("content") if isinstance(part, dict) else None
        if isinstance(content, str) and content:
            events.append(Delta(index, content))
        reason = choice.get("finish_reason")
        if reason:
            events.append(Finish(index, str(reason)))
    usage = obj.get("usage")
    if isinstance(usage, dict):
        details = usage.get("prompt_tokens_details")
        cached = details.get("cached_tokens") if isinstance(details, dict) else None
        cached = cached if cached is not None else usage.get("prompt_cache_hit_tokens")  # DeepSeek
        events.append(Usage(int(usage.get("prompt_tokens") or 0),
                            int(usage.get("completion_tokens") or 0),
                            int(cached) if isinstance(cached, int | float) else 0))
    return events


# What an in-stream error's ``code`` or ``type`` means as an HTTP status.
_STATUS_OF = {
    "invalid_api_key": 401, "authentication_error": 401, "unauthorized": 401,
    "permission_error": 403, "model_not_found": 404, "not_found_error": 404,
    "rate_limit_exceeded": 429, "rate_limit_error": 429, "insufficient_quota": 429,
    "requests": 429, "tokens": 429,
    "invalid_request_error": 400, "context_length_exceeded": 400, "unsupported_parameter": 400,
    "unsupported_value": 400, "invalid_value": 400,
}


def _stream_error(err: Any, *, base_url: str, model: str, key_env: str) -> UpstreamError:
    """An ``{"error": ...}`` chunk: its numeric code, else its code or type words, else 502."""
    body = json.dumps({"error": err}).encode()
    status = 502
    if isinstance(err, dict):
        for key in ("status", "code", "type"):
            value = err.get(key)
            if isinstance(value, str) and value.isdigit():
                value = int(value)
            if isinstance(value, int) and not isinstance(value, bool) and 400 <= value < 600:
                status = value
                break
            if isinstance(value, str) and value.lower() in _STATUS_OF:
                status = _STATUS_OF[value.lower()]
                break
    return classify(status, body, base_url=base_url, model=model, retry_after=None,
                    key_env=key_env, label="stream error")
