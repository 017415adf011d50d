"""Documents as features name them."""

from __future__ import annotations

import os

from pygls import uris


def file_name(uri: str) -> str:
    """The file's name for prompts and messages: ``my file.py``, never ``my%20file.py``."""
    path = uris.to_fs_path(uri)
    name = os.path.basename(path) if path else uri.rstrip("/").rsplit("/", 1)[-1]
    return name or uri
