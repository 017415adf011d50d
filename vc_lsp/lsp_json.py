"""The one lsprotocol converter of the server, shared by pygls and our own code.

Each ``get_converter()`` registers hooks for every LSP type: about 35 ms for the first and 7 ms
for each one after it, all of it before the ``initialize`` answer when done at import. pygls's
factory (with its JSON-RPC hooks) is a superset of lsprotocol's, so one serves everyone.
"""

from __future__ import annotations

import functools

import cattrs
from pygls.protocol import default_converter


@functools.cache
def converter() -> cattrs.Converter:
    made: cattrs.Converter = default_converter()  # type: ignore[no-untyped-call]
    return made
