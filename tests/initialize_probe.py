"""Answer one ``initialize`` in this process and print what it answered and what it imported.

``python -m tests.initialize_probe CAPS_JSON OPTIONS_JSON [--started]`` runs pygls' own
initialize path (the builtin handler that calls ours, then builds the capabilities) without a
client, and prints JSON: the result as it goes on the wire, and which of the modules that the
initialize answer must not need were imported by then. ``--started`` builds the feature services
before initialize, as every start-up did before they were made lazy. A fresh process each time:
``sys.modules`` is the evidence.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# Not needed for the initialize answer: built or imported only after it (services.py).
HEAVY = ("vc_lsp.services", "vc_lsp.actions.service", "vc_lsp.actions.plan",
         "vc_lsp.context.engine", "vc_lsp.context.service", "vc_lsp.context.definitions",
         "vc_lsp.inline.service", "vc_lsp.inline.cleanup", "vc_lsp.status.service",
         "vc_lsp.nes.service", "vc_lsp.usage.ledger", "vc_lsp.upstream.client", "httpx",
         "httpcore", "h2", "sqlite3")


def initialize(capabilities: dict[str, Any], options: dict[str, Any], *,
               started: bool) -> dict[str, Any]:
    from lsprotocol import types

    from vc_lsp.app import create_server

    server = create_server()
    if started:
        server.start_features()
    params = server.protocol._converter.structure(
        {"processId": None, "rootUri": None, "capabilities": capabilities,
         "initializationOptions": options, "clientInfo": {"name": "probe"}},
        types.InitializeParams)
    steps = server.protocol.lsp_initialize(params)
    handler, args, _ = next(steps)  # pygls hands us our own initialize handler to run
    handler(*args)
    try:
        steps.send(None)
    except StopIteration as done:
        result = done.value
    else:
        raise AssertionError("pygls' initialize asked for more than one handler")
    wire = server.protocol._converter.unstructure(result, types.InitializeResult)
    return {"result": wire, "imported": [m for m in HEAVY if m in sys.modules]}


if __name__ == "__main__":
    print(json.dumps(initialize(json.loads(sys.argv[1]), json.loads(sys.argv[2]),
                                started="--started" in sys.argv[3:])))
