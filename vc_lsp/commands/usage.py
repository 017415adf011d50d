"""``vc-lsp usage``: what every vc-lsp of this user recorded in the usage file."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

from ..usage import report, store
from .common import CliError, load_settings, say, warn


def ledger_path(args: argparse.Namespace) -> Path:
    return Path(args.ledger).expanduser() if args.ledger else store.default_path()


def open_ledger(path: Path) -> sqlite3.Connection | None:
    """The usage file, or ``None`` when nothing was ever recorded there."""
    if not path.exists():
        return None
    try:
        return store.connect(path)
    except (OSError, sqlite3.Error) as exc:
        raise CliError(f"cannot read the usage file {path}: {exc}") from exc


def run(args: argparse.Namespace) -> int:
    loaded = load_settings(args)
    for problem in loaded.problems:
        warn(f"vc-lsp: {problem}")
    path = ledger_path(args)
    conn = open_ledger(path)
    if conn is None:
        if args.json:
            say(json.dumps({"file": str(path), "recorded": False}))
        else:
            say(f"vc-lsp usage: nothing recorded yet ({path} does not exist).")
        return 0
    try:
        data = report.gather(conn, loaded.settings)
    except sqlite3.Error as exc:
        raise CliError(f"cannot read the usage file {path}: {exc}") from exc
    finally:
        conn.close()
    if args.json:
        say(json.dumps({"file": str(path), "recorded": True, **data}, indent=2))
    else:
        say(report.text(data, str(path)).rstrip("\n"))
    return 0
