"""Keep the API key out of every log line and message, whatever the upstream echoes back."""

from __future__ import annotations

import logging
import os
import re

MASK = "[redacted]"
_secrets: set[str] = set()
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)


def remember_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        _secrets.add(value)


def remember_env_secret(env_name: str) -> None:
    remember_secret(os.environ.get(env_name, "").strip())


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):  # a longer key may contain a shorter
        if secret in text:
            text = text.replace(secret, MASK)
    return _BEARER.sub(r"\1" + MASK, text)


class RedactingFilter(logging.Filter):
    """Applied to every handler: formats the record once, then scrubs the result.

    The message, its arguments, the traceback and the stack are all replaced by redacted text, so
    no formatter further down can render the raw values again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not turn logging into a crash
            message = f"{record.msg} {record.args!r}"
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
