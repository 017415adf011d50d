"""``vc/stats``: what the server measured this session (latency, tokens), for users and bench.

``params`` may be left out (JSON-RPC allows it). ``protocol`` counts what the JSON-RPC layer
holds right now (futures of requests in flight either way, progress tokens), and ``pool`` the
upstream connections by state and the requests on or waiting for one, and ``memory`` the
live Python allocations, which the soak bench watches to prove they stay bounded.
"""

from __future__ import annotations

import sys
from typing import Any

from ..server import VcServer

STATS = "vc/stats"


def register(server: VcServer) -> None:
    @server.feature(STATS)
    def stats(ls: VcServer, _: Any = None) -> dict[str, Any]:
        usage = ls.upstream.usage
        protocol = ls.protocol
        counts = ls.acceptance.counts
        return {
            "latencyMs": ls.inline.stats.summary(),
            "suggestions": {"offered": counts.offered, "shown": counts.shown,
                            "accepted": counts.accepted, "partiallyAccepted": counts.partial,
                            "acceptedChars": counts.accepted_chars},
            "usageFile": {"path": str(ls.usage.path), "writes": ls.usage.writes},
            "status": ls.status.reporter.current.params() if ls.status.reporter.current
            else None,
            "inline": {"answered": dict(ls.inline.counts), "streaming": ls.inline.in_flight(),
                       "debounceMs": ls.inline.pause_ms(ls.settings_store.current)},
            "tokens": {"prompt": usage.prompt_tokens, "completion": usage.completion_tokens,
                       "cached": usage.cached_tokens},
            "context": {"rereads": ls.context.reader.reads,
                        "rereading": ls.context.reader.busy},
            "protocol": {
                "requestFutures": len(protocol._request_futures),
                "resultTypes": len(protocol._result_types),
                "progressTokens": len(protocol.progress.tokens),
                "tasks": ls.work.running,
            },
            "pool": ls.upstream.pool_counts(),
            # Live Python allocations: flat while RSS grows means the allocator's free space
            # (fragmentation), not objects kept.
            "memory": {"pythonBlocks": sys.getallocatedblocks()},
        }
