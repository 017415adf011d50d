"""Benchmark: how long the event loop waits while a large document is re-read on a thread.

Not a test: it prints figures. In process, on bench/typing_costs.py's 100,000-line Python file:
a ticker on the event loop sleeps 2 ms at a time and records how late it wakes, while a worker
thread runs, in turn,

1. ``Parser.parse`` of the bytes, as the loop used to run it (py-tree-sitter holds the GIL for
   the whole call: the loop waits for all of it);
2. one ``QueryCursor.matches`` over the whole tree, as ``symbols.index`` used to run it;
3. ``symbols.parse`` with ``stop`` (through read and progress callbacks);
4. ``symbols.index`` (its queries a range of top-level nodes at a time);
5. the whole re-read as the server runs it: ``ContextService``'s ``Reader`` (a ``Work`` job,
   ``Read.run`` on a thread, ``Documents.finish`` on the loop), first read and a re-read
   after an edit (with the kept tree).

The start-up objects are frozen out of the garbage collector as the server does
(``cli._load_server``), so its gen-2 passes cost what they cost there.

    python bench/reread.py [--lines N] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
gc.disable()
import vc_lsp.app  # noqa: E402,F401  (what the server imports before it freezes)
from bench.typing_costs import document  # noqa: E402
from vc_lsp.config import Settings  # noqa: E402
from vc_lsp.context import ContextService  # noqa: E402
from vc_lsp.context import symbols as syms  # noqa: E402
from vc_lsp.documents import new_document  # noqa: E402
from vc_lsp.work import Kind, Work  # noqa: E402

gc.freeze()
gc.enable()
TICK_S = 0.002


async def watched(run: Callable[[], Any]) -> tuple[float, list[float]]:
    """``run``'s wall time (ms) and how late each tick of the loop woke meanwhile (ms)."""
    late: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            t0 = time.perf_counter()
            await asyncio.sleep(TICK_S)
            late.append((time.perf_counter() - t0 - TICK_S) * 1000)

    tick = asyncio.ensure_future(ticker())
    await asyncio.sleep(4 * TICK_S)  # ticking before the thread starts
    late.clear()
    started = time.perf_counter()
    result = run()
    if asyncio.iscoroutine(result):
        await result
    elapsed = (time.perf_counter() - started) * 1000
    done.set()
    await tick
    return elapsed, sorted(late)


async def reread(svc: ContextService, work: Work, uri: str) -> None:
    """Ask for ``uri`` to be re-read, as a request does, and wait for the read to end."""
    doc = svc.docs.get(uri)
    assert doc is not None
    svc.docs.want(doc)
    svc.reader.kick()
    await asyncio.wait([job.task for job in work.jobs(kind=Kind.REREAD) if job.task])


def line(what: str, elapsed: float, late: list[float]) -> str:
    if not late:
        return f"  {what}: {elapsed:.0f} ms, the loop never woke"
    p50, p99 = late[len(late) // 2], late[min(len(late) - 1, int(len(late) * 0.99))]
    return (f"  {what}: {elapsed:.0f} ms; the loop woke {len(late)} times, late p50 "
            f"{p50:.1f} / p99 {p99:.1f} / max {late[-1]:.1f} ms")


async def main(lines: int, runs: int) -> None:
    text = "\n".join(document(lines)) + "\n"
    source = text.encode()
    print(f"vc-lsp re-read bench: a {lines}-line Python file ({len(source) / 1e6:.1f} MB), "
          f"python {sys.version.split()[0]}, switch interval {sys.getswitchinterval() * 1000:.0f}"
          f" ms, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    from tree_sitter import QueryCursor

    from vc_lsp import syntax

    tree = syms.parse("python", source)
    spec = syms.spec_for("python")
    assert spec is not None and tree is not None
    grammar = syntax.language("python")
    from tree_sitter import Query

    whole = Query(grammar, spec.query)
    syms.index("python", source, tree)  # the split queries compiled once, as in a session

    def matches() -> None:
        cursor = QueryCursor(whole)
        cursor.set_max_start_depth(4)
        cursor.matches(tree.root_node)

    def never() -> bool:
        return False

    parser = syntax.parser("python")
    assert parser is not None
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("Parser.parse(bytes)", lambda: parser.parse(source)),
        ("one query over the whole tree", matches),
        ("symbols.parse with stop", lambda: syms.parse("python", source, stop=never)),
        ("symbols.index by ranges", lambda: syms.index("python", source, tree, stop=never)),
    ]
    for _ in range(runs):
        for what, run in steps:
            print(line(f"{what} on a thread", *await watched(lambda r=run: asyncio.to_thread(r))))
        work = Work()
        svc = ContextService(Settings(), work=work)
        uri = "file:///bench/big.py"
        svc.on_open(new_document(uri, text, version=0, language_id="python"))
        print(line("the server's re-read, first", *await watched(
            functools.partial(reread, svc, work, uri))))
        edited = text.replace("def step_7(", "def step_seven(")
        svc.on_change(new_document(uri, edited, version=1, language_id="python"), [])
        print(line("the server's re-read after an edit (kept tree)", *await watched(
            functools.partial(reread, svc, work, uri))))
        await svc.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.lines, args.runs))
