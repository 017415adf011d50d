"""``vc/stats``: what the server measured this session (latency, tokens), for users and bench."""

from __future__ import annotations

from typing import Any

from ..server import VcServer

STATS = "vc/stats"


def register(server: VcServer) -> None:
    @server.feature(STATS)
    def stats(ls: VcServer, _: Any) -> dict[str, Any]:
        usage = ls.upstream.usage
        return {
            "latencyMs": ls.inline.stats.summary(),
            "tokens": {"prompt": usage.prompt_tokens, "completion": usage.completion_tokens,
                       "cached": usage.cached_tokens},
        }
