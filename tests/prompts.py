"""Reading a completion request the way the model does: the file with the hole put back."""

from __future__ import annotations

import re
from typing import Any

from vc_lsp.inline.prompt import CURSOR_LINE

_FILE = re.compile(r"<file [^>]*>\n(.*?)</file>\n", re.DOTALL)
_TAIL = re.compile(r"Cursor line:\n(.*)\n[^\n]*$")


def user_text(body: Any) -> str:
    return str(body["messages"][-1]["content"])


def as_sent(body: Any) -> str:
    """The file window of a request with its cursor line (and ``<FILL_HERE>``) in place."""
    text = user_text(body)
    window = _FILE.search(text)
    tail = _TAIL.search(text)
    assert window is not None and tail is not None, text
    return window.group(1).replace(CURSOR_LINE, tail.group(1), 1)
