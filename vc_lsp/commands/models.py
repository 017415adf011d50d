"""``vc-lsp models``: the model ids ``GET <baseUrl>/models`` lists, one per line."""

from __future__ import annotations

import argparse
import asyncio
import json

from ..upstream.client import UpstreamClient
from ..upstream.errors import UpstreamError
from .common import Loaded, load_settings, next_step, plain, say, warn


def run(args: argparse.Namespace) -> int:
    return asyncio.run(list_models(load_settings(args), as_json=args.json))


async def list_models(loaded: Loaded, *, as_json: bool = False) -> int:
    s = loaded.settings
    for problem in loaded.problems:
        warn(f"vc-lsp: {problem}")
    client = UpstreamClient(s)
    try:
        models = await client.models(s)
    except UpstreamError as err:
        warn(f"vc-lsp: {plain(err)}")
        step = next_step(err, s)
        if step:
            warn(f"next: {step}")
        return 1
    finally:
        await client.aclose()
    if as_json:
        say(json.dumps(models))
    else:
        for model in models:
            say(model)
    configured = s.model_roles()
    for model, uses in configured.items():
        state = "listed" if model in models else "NOT listed"
        warn(f"{' and '.join(uses)} use {model}: {state}")
    if not models:
        warn(f"{s.base_url} lists no models")
    return 0
