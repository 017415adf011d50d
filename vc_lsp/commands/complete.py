"""``vc-lsp complete FILE:LINE:COL``: the inline completion the editor would get there.

The same code path as the editor: the file becomes a document, the position goes through
``Document.offset_in_range``, and ``InlineCompleter.complete`` runs its context cut, prompt,
stream and post-processing (as an explicitly invoked request, so without the typing debounce).
Use it to try prompts and settings from a terminal, e.g. ``--set inline.maxLines=3
--show-prompt``.

LINE and COL are 1-based, as compilers and ``grep -n`` print them; COL counts characters (code
points: a tab, an ``é`` or an emoji is one), and may be one past the end of the line.
``FILE:LINE`` alone means the end of that line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import time
from pathlib import Path

import attrs
from lsprotocol import types

from ..context import ContextService
from ..documents import Document, new_document
from ..inline.service import CompletionQuery, InlineCompleter
from ..lines import strip_break
from ..notify import Notifier
from ..upstream.client import ChatRequest, UpstreamClient
from ..upstream.errors import UpstreamError
from ..work import Work
from .common import CliError, Loaded, load_settings, next_step, plain, say, warn

_LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")

# File extension -> LSP language id, for the languages editors most often send.
LANGUAGES = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript",
    ".cjs": "javascript", ".jsx": "javascriptreact", ".ts": "typescript", ".mts": "typescript",
    ".tsx": "typescriptreact", ".rs": "rust", ".go": "go", ".lua": "lua", ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".java": "java",
    ".kt": "kotlin", ".kts": "kotlin", ".scala": "scala", ".cs": "csharp", ".rb": "ruby",
    ".php": "php", ".swift": "swift", ".sh": "shellscript", ".bash": "shellscript",
    ".zsh": "shellscript", ".fish": "fish", ".sql": "sql", ".html": "html", ".css": "css",
    ".scss": "scss", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml",
    ".md": "markdown", ".rst": "restructuredtext", ".tex": "latex", ".el": "elisp",
    ".clj": "clojure", ".ex": "elixir", ".exs": "elixir", ".erl": "erlang", ".hs": "haskell",
    ".ml": "ocaml", ".r": "r", ".dart": "dart", ".vue": "vue", ".svelte": "svelte",
    ".zig": "zig", ".nix": "nix", ".vim": "vim", ".ps1": "powershell",
}


@attrs.frozen
class Location:
    path: Path
    line: int  # 1-based
    col: int | None  # 1-based; None: end of the line


def parse_location(text: str) -> Location:
    match = _LOCATION.match(text)
    if not match:
        raise CliError(f"expected FILE:LINE:COL (1-based, e.g. src/app.py:42:17), got {text!r}", 2)
    line, col = int(match["line"]), match["col"]
    if line < 1 or (col is not None and int(col) < 1):
        raise CliError(f"LINE and COL start at 1, got {text!r}", 2)
    return Location(Path(match["file"]), line, None if col is None else int(col))


def read_document(loc: Location, language: str | None) -> tuple[Document, int]:
    """The file as the editor would have it open, and the offset of the cursor in it."""
    try:
        with loc.path.open(encoding="utf-8", newline="") as f:  # keep CRLF as the editor would
            text = f.read()
    except FileNotFoundError:
        raise CliError(f"no such file: {loc.path}") from None
    except UnicodeDecodeError:
        raise CliError(f"{loc.path} is not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"cannot read {loc.path}: {exc.strerror or exc}") from exc
    lang = language or LANGUAGES.get(loc.path.suffix.lower(), "plaintext")
    doc = new_document(loc.path.resolve().as_uri(), text, version=0, language_id=lang,
                       encoding="utf-32")
    lines = doc.text.line_count
    count = lines + (1 if text.endswith(("\n", "\r")) or not text else 0)
    if loc.line > count:
        raise CliError(f"{loc.path} has {count} line(s); line {loc.line} is past its end")
    line_text = strip_break(doc.text.line(loc.line - 1))
    col = len(line_text) + 1 if loc.col is None else loc.col
    offset = doc.offset_in_range(types.Position(line=loc.line - 1, character=col - 1))
    if offset is None:
        raise CliError(f"line {loc.line} of {loc.path} has {len(line_text)} character(s); "
                       f"COL goes from 1 to {len(line_text) + 1}")
    return doc, offset


class _Collecting(Notifier):
    """The server's notifier, printing to stderr and keeping the errors for a next step."""

    def __init__(self) -> None:
        super().__init__(lambda message, _kind: warn(message))
        self.errors: list[UpstreamError] = []

    def upstream(self, err: UpstreamError) -> bool:
        self.errors.append(err)
        warn(f"vc-lsp: {plain(err)}")
        return True


def print_prompt(req: ChatRequest) -> None:
    """``--show-prompt``: every chat message the model is sent, one block each, on stderr."""
    for m in req.messages:
        warn(f"----- {m.get('role', '?')} -----\n{m.get('content', '')}")
    warn("----- end of prompt -----")


def run(args: argparse.Namespace) -> int:
    loaded = load_settings(args)
    loc = parse_location(args.location)
    doc, offset = read_document(loc, args.language)
    return asyncio.run(complete(loaded, doc, offset, as_json=args.json,
                                show_prompt=args.show_prompt))


async def complete(loaded: Loaded, doc: Document, offset: int, *, as_json: bool = False,
                   show_prompt: bool = False) -> int:
    s = loaded.settings
    for problem in loaded.problems:
        warn(f"vc-lsp: {problem}")
    if not s.inline.enabled:
        warn("inline.enabled is false: the editor would get no completion")
        return 0
    # The same context as in the editor: definitions from the files this one imports (read
    # from disk), with the same exclusions and redaction. Paths are shown below the current
    # directory, as a workspace folder would show them.
    context = ContextService(s, lambda: [os.getcwd()])
    glob = context.excluded(doc.uri)
    if glob is not None:
        warn(f"vc-lsp: {os.path.basename(doc.path)} is excluded by {glob!r} (setting exclude); "
             f"nothing from it is sent")
        return 1
    context.on_open(doc)
    notifier = _Collecting()
    client = UpstreamClient(s, on_prompt=print_prompt if show_prompt else None)
    completer = InlineCompleter(client, Work(), notifier, context=context)
    query = CompletionQuery(uri=doc.uri, text=doc.text, offset=offset,
                            language=doc.language_id or "", invoked=True,
                            is_current=lambda: True, version=doc.version)
    start = time.perf_counter()
    try:
        items = await completer.complete(query, s)
    finally:
        await client.aclose()
    ms = (time.perf_counter() - start) * 1000
    if notifier.errors:
        step = next_step(notifier.errors[-1], s)
        if step:
            warn(f"next: {step}")
        return 1
    if as_json:
        say(json.dumps({"items": items, "ms": round(ms), "model": s.inline_model},
                       ensure_ascii=False))
        return 0
    for i, text in enumerate(items, 1):
        if len(items) > 1:
            say(f"--- suggestion {i} ---")
        say(text)
    warn(f"{len(items) or 'no'} suggestion{'s' if len(items) != 1 else ''} from "
         f"{s.inline_model} in {ms:.0f} ms")
    return 0
