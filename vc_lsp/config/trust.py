"""Which host may receive which key: never one a workspace chose.

A repository's settings (VS Code workspace settings, ``.dir-locals.el``, ``.helix/``, a project
``.nvim.lua``) reach the server through the editor, exactly like the user's own, so the server
cannot tell them apart. What it can tell apart is where the *pair* came from: the key's variable
(``apiKeyEnv``) and the host it goes to (``baseUrl``). The pair the user set up outside any
editor (the defaults, the environment, the user settings file) is trusted; so is a pair the
user approved with ``vc-lsp trust``. Any other pair gets no key and no request: the user is told
once, with the command that trusts it. Without a key in the environment nothing is at stake
(a local server), and the request goes out.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from .settings import Settings

log = logging.getLogger(__name__)
Pair = tuple[str, str]  # (apiKeyEnv, origin of baseUrl)


def config_dir() -> Path:
    return platformdirs.user_config_path("vc-lsp")


def origin(url: str) -> str:
    """``https://api.example.com:443``: scheme, host and port, as a browser's same-origin."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def pair_of(s: Settings) -> Pair:
    return s.api_key_env, origin(s.base_url)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class EndpointTrust:
    """Trusted (key variable, origin) pairs: the one set up outside the editor, and approved."""

    def __init__(self, set_up: Pair, path: Path | None = None) -> None:
        self.set_up = set_up
        self.path = path or config_dir() / "trusted-endpoints.json"

    def allows(self, s: Settings) -> bool:
        pair = pair_of(s)
        return pair == self.set_up or pair in self.approved()

    def approved(self) -> set[Pair]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return set()
        except (OSError, ValueError) as exc:
            log.warning("cannot read %s: %s", self.path, exc)
            return set()
        pairs = data.get("trusted", []) if isinstance(data, dict) else []
        return {(str(p[0]), str(p[1])) for p in pairs if isinstance(p, list) and len(p) == 2}

    def approve(self, api_key_env: str, base_url: str) -> Pair:
        """Trust ``base_url``'s origin with the key in ``api_key_env`` from now on."""
        pair = (api_key_env, origin(base_url))
        pairs = sorted(self.approved() | {pair})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"trusted": [list(p) for p in pairs]}, f, indent=2)
        os.replace(tmp, self.path)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)
        return pair
