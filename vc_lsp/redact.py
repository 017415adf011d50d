"""Keep the API key out of every log line and message, whatever the upstream echoes back."""

from __future__ import annotations

import logging
import os
import re

MASK = "[redacted]"
_secrets: set[str] = set()
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}")


def remember_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        _secrets.add(value)


def remember_env_secret(env_name: str) -> None:
    remember_secret(os.environ.get(env_name, "").strip())


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _BEARER.sub(r"\1" + MASK, text)


class RedactingFilter(logging.Filter):
    """Applied to every handler: formats the record once, then scrubs the result."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True
