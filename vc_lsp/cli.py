"""Command line: ``vc-lsp`` serves LSP on stdio; flags for TCP debugging and logging.

``vc-lsp doctor``, ``vc-lsp models`` and ``vc-lsp complete`` are for humans at a terminal; they
live in ``commands/``.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from typing import Any

from . import __version__
from .commands import add_parsers, run_command
from .redact import RedactingFilter

LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]


def _setup_logging(level: str, path: str | None) -> None:
    """Logs never go to stdout: stdout is the LSP channel."""
    handler: logging.Handler = (logging.FileHandler(path, encoding="utf-8") if path
                                else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    if level.upper() != "DEBUG":
        for noisy in ("httpx", "httpcore", "hpack", "pygls.protocol", "pygls.feature_manager"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="vc-lsp",
        description="AI completions and edits for any LSP editor (stdio language server).",
    )
    p.add_argument("--version", action="version", version=f"vc-lsp {__version__}")
    p.add_argument("--stdio", action="store_true", help="serve on stdin/stdout (the default)")
    p.add_argument("--tcp", metavar="HOST:PORT", help="serve on TCP instead, for debugging")
    p.add_argument("--log-file", metavar="PATH", help="write logs here instead of stderr")
    p.add_argument("--log-level", choices=LEVELS, type=str.upper,
                   help="INFO by default for the server, ERROR for the commands")
    add_parsers(p)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command:
        _setup_logging(args.log_level or "ERROR", args.log_file)
        return run_command(args)
    _setup_logging(args.log_level or "INFO", args.log_file)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            parser().error("--tcp expects HOST:PORT, e.g. 127.0.0.1:2087")
    server = _load_server()
    from .serve import serve_stdio, serve_tcp

    if args.tcp:
        return serve_tcp(server, host or "127.0.0.1", int(port))
    return serve_stdio(server)


def _load_server() -> Any:
    """Import and build the server with the garbage collector paused.

    Importing lsprotocol builds about 600 attrs classes; the collections that this allocation
    triggers cost about 90 ms of the ~450 ms to the first answer and find nothing to free.
    What start-up built lives as long as the process, so it is frozen out of later
    collections too (``gc.freeze``), which keeps them short while the server runs.
    """
    gc.disable()
    try:
        from .app import create_server

        return create_server()
    finally:
        gc.freeze()
        gc.enable()
