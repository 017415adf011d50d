"""``vc-lsp explain-last``: why the last completion gave nothing, from the usage file.

Each server keeps the last request of every document there (``status.rememberPrompts``): its
reason, what the cleanup removed, the calls and the messages sent (secrets already replaced
by placeholders).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..status import why
from ..status.service import EMPTY_SUFFIX
from ..usage import store
from .common import CliError, say
from .usage import ledger_path, open_ledger


def _matches(uri: str, wanted: str) -> bool:
    if wanted.startswith("file:"):
        return uri == wanted
    path = unquote(urlparse(uri).path)
    if os.sep in wanted or "/" in wanted:
        return Path(path) == Path(wanted).expanduser().resolve()
    return Path(path).name == wanted


def run(args: argparse.Namespace) -> int:
    path = ledger_path(args)
    conn = open_ledger(path)
    if conn is None:
        raise CliError(f"nothing recorded yet ({path} does not exist): ask for a completion in "
                       "your editor first")
    try:
        kept = [(uri, feature) for uri, feature, _ in store.reports(conn)
                if not feature.endswith(EMPTY_SUFFIX)]
        if args.file:
            kept = [(u, f) for u, f in kept if _matches(u, args.file)]
        if not kept:
            where = f" for {args.file}" if args.file else ""
            raise CliError(f"no completion request was recorded{where} (see "
                           "status.rememberPrompts)")
        uri, feature = kept[0]
        answer: dict[str, Any] = {
            "uri": uri, "feature": feature,
            "last": store.last_report(conn, uri, feature),
            "lastEmpty": store.last_report(conn, uri, feature + EMPTY_SUFFIX)}
    finally:
        conn.close()
    if args.json:
        say(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        say(why.markdown(answer).rstrip("\n"))
    return 0
