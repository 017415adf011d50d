"""Params of our own methods as plain JSON data.

pygls turns the params of a method lsprotocol does not know (``vc/why``, Copilot's
``textDocument/didShowCompletion``...) into nested namedtuples; the services take dicts and
lists, as the JSON was.
"""

from __future__ import annotations

from typing import Any


def plain(value: Any) -> Any:
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
