"""Subcommands for humans at a terminal: ``doctor``, ``models``, ``complete``, ``usage``,
``explain-last`` and ``trust``.

Only the argument parsers live here, so ``vc-lsp --version`` and the server's start stay quick;
each command's module (with its heavy imports) is loaded when that command runs. The server
itself (``vc-lsp`` with no subcommand) stays in ``cli.py``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMPLETE_HELP = (
    "Print the inline completion the server would give at a position, through the same code "
    "path as the editor. LINE and COL are 1-based, as compilers print them; COL counts "
    "characters (a tab, an é or an emoji is one) and may be one past the end of the line; "
    "FILE:LINE alone means the end of that line. Timing goes to stderr.")


def add_settings_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "settings", "Same layers as the server: defaults, then the environment (VC_LSP_BASE_URL, "
        "VC_LSP_MODEL; the key from the variable named by apiKeyEnv), then these.")
    g.add_argument("--settings", metavar="FILE",
                   help='JSON settings as an editor sends them: {"vcLsp": {...}} or the bare '
                        "object (e.g. your initializationOptions)")
    g.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], dest="set_values",
                   help="one setting by its dotted key, e.g. --set inline.maxLines=3; VALUE is "
                        "JSON (3, true, null, \"x\") or else taken as a string; repeatable")
    g.add_argument("--base-url", metavar="URL", help="same as --set baseUrl=URL")
    g.add_argument("--model", metavar="ID", help="same as --set model=ID")


def add_parsers(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="command", metavar="COMMAND",
                                title="commands (leave out to serve LSP on stdio)")
    p = sub.add_parser(
        "doctor", help="check the key, the endpoint, the models and one streamed answer",
        description="Check the set-up the way the server will use it: the API key (never "
                    "printed), GET <baseUrl>/models, the configured models, and one tiny "
                    "streamed answer per model with its time to first token. Exit status 1 "
                    "if a check failed.")
    add_settings_flags(p)

    p = sub.add_parser(
        "models", help="list the models the endpoint offers",
        description="List the model ids GET <baseUrl>/models returns, one per line on stdout; "
                    "stderr says whether the configured models are among them.")
    p.add_argument("--json", action="store_true", help="print a JSON array instead")
    add_settings_flags(p)

    p = sub.add_parser(
        "complete", help="print the completion the editor would get at FILE:LINE:COL",
        description=COMPLETE_HELP,
        epilog="example: vc-lsp complete src/app.py:42:17 --set inline.maxLines=3 --show-prompt")
    p.add_argument("location", metavar="FILE:LINE[:COL]")
    p.add_argument("--language", metavar="ID",
                   help="LSP language id (python, rust, ...); by default from the extension")
    p.add_argument("--json", action="store_true",
                   help='print {"items": [...], "ms": ..., "model": ...} instead')
    p.add_argument("--show-prompt", action="store_true",
                   help="print the prompt sent to the model on stderr")
    add_settings_flags(p)

    p = sub.add_parser(
        "usage", help="what the requests cost: today, this week, per feature and model",
        description="Print the usage every vc-lsp of this user recorded (the usage file in "
                    "the state folder): requests, tokens (prompt, cached, completion), "
                    "outcomes, costs when usage.prices is set, suggestions offered and "
                    "accepted, and the daily budget.")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--ledger", metavar="PATH", help="the usage file (default: the state folder's)")
    add_settings_flags(p)

    p = sub.add_parser(
        "explain-last", help="why the last completion gave nothing, and what was sent",
        description="Show the last completion request a vc-lsp server answered (for FILE, or "
                    "for any file): why it was empty, what the cleanup removed and the exact "
                    "messages sent (secrets replaced), from the usage file.")
    p.add_argument("file", metavar="FILE", nargs="?",
                   help="the file (a path, a file: URI or a file name); default: the last asked")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--ledger", metavar="PATH", help="the usage file (default: the state folder's)")

    p = sub.add_parser(
        "trust", help="let the server send your key to an endpoint set in editor settings",
        description="Trust HOST (or a URL) with the key in --api-key-env. The server sends a key "
                    "only to the endpoint set up outside the editor (defaults, environment, the "
                    "user settings file) or to one trusted here, so that a repository's "
                    "settings can never route your key elsewhere.")
    p.add_argument("endpoint", metavar="HOST|URL",
                   help="api.openai.com, or https://api.openai.com/v1")
    p.add_argument("--api-key-env", metavar="NAME", default="VISIONCODER_API_KEY",
                   help="the environment variable with the key (default VISIONCODER_API_KEY)")
    p.add_argument("--list", action="store_true", help="only list what is trusted")


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; a problem the user can fix ends it with a message, no trace."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower()
        if hasattr(stream, "reconfigure") and encoding not in ("utf-8", "utf8"):
            stream.reconfigure(errors="backslashreplace")  # a CJK completion on a cp1252 console
    module = importlib.import_module(f"{__name__}.{args.command.replace('-', '_')}")
    common = importlib.import_module(f"{__name__}.common")
    try:
        code: int = module.run(args)
    except common.CliError as err:
        common.warn(f"vc-lsp: {err}")
        return int(err.code)
    except KeyboardInterrupt:
        return 130
    return code
