"""Benchmark: every figure issue 12 asks for, in one run, ending with a table against targets.

Not a test: it prints figures. The real server runs as a subprocess over stdio (as in
bench/cancel.py and tests/conftest.py); the upstream is the fake OpenAI server of
tests/fakes/upstream.py in this process, so both clocks are this process's ``perf_counter``.

1. didChange -> upstream stream closed, and the next completion after a cancel against one on
   a warm connection, on HTTP/2 (TLS), HTTP/1.1 (TLS) and plain HTTP/1.1: bench/cancel.py's
   ``measure``.
2. A keystroke and a completion in a 60-line and in a 100,000-line document (and a 1,000-line
   one: its prompt window is as full as the big file's, a 60-line file's is not). Keystroke:
   a ``didChange`` followed by a ``vc/stats`` round trip, minus a bare ``vc/stats`` round
   trip just before it (the server handles messages in order, so the answer means the change
   was applied). Completion: after typing a character at the end of a line, an invoked inline
   completion there against a fake answering at once; the client's round trip, and the
   server's own ``latencyMs.inlinePrepare`` (handler entry -> request handed to httpx). Also,
   with no target: the first completion after opening the document, the completion after
   ``STALE_CHANGES`` keystrokes without a pause, and the longest wait for
   a ``vc/stats`` answer in the 2 s pause after typing (what a keystroke would wait while the
   server uses the pause to re-read the document; ``vc/stats`` counts the re-reads, so the
   bench says how many ran in the pause). The re-read the first completion asks for (on the
   server's worker thread) is let finish before the other samples. The three servers run side
   by side and their samples alternate, so a busy machine slows all sizes alike.
3. Upstream requests for a 20-key burst, keys 40 ms apart, on the completion path (a client
   without inline completions asking ``textDocument/completion`` "invoked" after every key, as
   Zed, Sublime and eglot do) and on the inline path (an automatic inline request per key).
4. Typing along streamed text: an invoked completion streams (paused half-way, or 4
   characters every 50 ms); the user types four characters it already wrote, 40 ms apart, and
   asks again (automatic trigger): new upstream requests, whether the answer was the rest of
   the stream, and whether the stream was still running when asked (not a cache hit).
5. Start-up to the ``initialize`` answer: bench/startup.py's ``one_start``, run first, while
   nothing else of this bench is running.

Default settings everywhere (the inline debounce adapts from its 75 ms floor).

    python bench/typing_costs.py [--runs N] [--quick] [--only h2,h1-tls,h1]

``--runs`` (default 100) is the number of samples per measured figure (cancels per transport,
keystrokes and completions per document size); ``--quick`` is a smoke run (20 samples, fewer
bursts and starts). The machine should be quiet: the bench prints the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import cancel, startup
from bench.cancel import pct
from tests.fakes.upstream import FakeUpstream, Reply
from vc_lsp.context.documents import STALE_CHANGES

SAFETY = 30.0  # seconds; only guards against a hung server, never part of a figure
KEY_GAP_S = 0.040  # between keys in a burst, as an editor sends them
PAUSE_S = 1.2  # between bursts: longer than the rhythm's 1 s, so each burst starts afresh
WORD = "running_sum_of_items"  # 20 keys
ANSWER = "<completion> = 0</completion>"
BLOCK = [  # the document: this block over and over (a realistic Python file, 6 lines a block)
    "def step_{k}(items):",
    "    total = 0",
    "    for item in items:",
    "        total += item * {k}",
    "    result_{k} = ",
    "",
]
CURSOR_ROW = 4  # the block's line that ends where a completion is asked
IDLE_PROBE_S = 2.0  # how long the pause after typing is watched


def load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def get(obj: Any, key: str) -> Any:
    """A field of a custom request's answer (pygls gives objects, or dicts)."""
    return obj[key] if isinstance(obj, dict) else getattr(obj, key)


def context_stats(stats: Any) -> dict[str, Any]:
    """``vc/stats``'s ``context`` (``{}`` from a server without it, to measure older code)."""
    found = stats.get("context") if isinstance(stats, dict) else getattr(stats, "context", None)
    if found is None:
        return {}
    return {key: get(found, key) for key in ("rereads", "rereading")}


@dataclass
class Row:
    figure: str
    value: str
    target: str
    passed: bool | None  # None: shown for reference, no target


@dataclass
class Editor:
    """One server session as an editor drives it: documents and their versions."""

    client: Any
    versions: dict[str, int] = field(default_factory=dict)

    def open(self, uri: str, text: str) -> None:
        self.versions[uri] = 0
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=0, text=text)))

    def edit(self, uri: str, line: int, character: int, text: str, *, delete: int = 0) -> None:
        """One keystroke: ``text`` typed at a position, or ``delete`` characters after it."""
        self.versions[uri] += 1
        start = types.Position(line=line, character=character)
        end = types.Position(line=line, character=character + delete)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri,
                                                                version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=start, end=end), text=text)]))

    async def stats(self) -> Any:
        return await asyncio.wait_for(
            self.client.protocol.send_request_async("vc/stats", {}), SAFETY)

    def inline(self, uri: str, line: int, character: int, *, invoked: bool
               ) -> asyncio.Future[Any]:
        kind = (types.InlineCompletionTriggerKind.Invoked if invoked
                else types.InlineCompletionTriggerKind.Automatic)
        return asyncio.ensure_future(asyncio.wait_for(
            self.client.text_document_inline_completion_async(types.InlineCompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=character),
                context=types.InlineCompletionContext(trigger_kind=kind))), SAFETY))

    def completion(self, uri: str, line: int, character: int) -> asyncio.Future[Any]:
        return asyncio.ensure_future(asyncio.wait_for(
            self.client.text_document_completion_async(types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=character),
                context=types.CompletionContext(
                    trigger_kind=types.CompletionTriggerKind.Invoked))), SAFETY))

    async def close(self) -> None:
        await self.client.shutdown_session()
        await self.client.stop()


async def session(up: FakeUpstream, *, inline: bool = True) -> Editor:
    return Editor(await cancel.server(up, inline=inline))


def inline_texts(result: Any) -> list[str]:
    items = result.items if isinstance(result, types.InlineCompletionList) else (result or [])
    return [i.insert_text if isinstance(i.insert_text, str) else i.insert_text.value
            for i in items]


def completion_texts(result: Any) -> list[str]:
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    return [i.text_edit.new_text for i in items if isinstance(i.text_edit, types.TextEdit)]


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 0.5):.2f} / p95 {pct(values, 0.95):.2f} ms"


# -- 1. cancels ----------------------------------------------------------------------------


async def cancels(runs: int, modes: list[str]) -> list[Row]:
    rows: list[Row] = []
    for mode in modes:
        r = await cancel.measure(mode, runs, 0.075, reference=False)
        label = cancel.LABELS[mode]
        print(f"  {label}: stream closed {ms(r['hangup'])}; next completion after a cancel "
              f"{ms(r['after_cancel'])}, on a warm connection {ms(r['after_answer'])}; "
              f"{r['opened'][0]:.0f} connections for {r['chats'][0]:.0f} requests")
        rows.append(Row(f"didChange -> stream closed, {label}", ms(r["hangup"]),
                        "p95 <= 10 ms", pct(r["hangup"], 0.95) <= 10))
        rows.append(Row(f"after-cancel / warm completion, {label}",
                        f"p50 {cancel.ratio(r, 0.5):.2f} / p95 {cancel.ratio(r, 0.95):.2f}",
                        "p50 <= 1.1", cancel.ratio(r, 0.5) <= 1.1))
    return rows


# -- 2. keystrokes and completions by document size ----------------------------------------


SIZES = {60: "60 lines", 1_000: "1k lines", 100_000: "100k lines"}


def document(lines: int) -> list[str]:
    blocks = -(-lines // len(BLOCK))
    return [line.format(k=k) for k in range(blocks) for line in BLOCK][:lines]


class Sized:
    """One server with one document of ``lines`` lines, typed in and completed in."""

    def __init__(self, lines: int) -> None:
        self.lines = lines
        self.uri = f"file:///bench/size_{lines}.py"
        self.text = document(lines)
        self.stack = contextlib.AsyncExitStack()
        middle = len(self.text) // 2 // len(BLOCK)  # keystrokes on a middle block's blank line
        self.typing_line = middle * len(BLOCK) - 1
        self.cursors = [(middle + b) * len(BLOCK) + CURSOR_ROW for b in range(4)]
        self.ends = {row: len(self.text[row]) for row in self.cursors}
        self.completions = 0
        self.r: dict[str, list[float]] = {"bare": [], "pair": [], "keystroke": [],
                                          "completion": []}

    async def start(self) -> None:
        up = await self.stack.enter_async_context(FakeUpstream(default=Reply.text(ANSWER)))
        self.ed = await session(up)
        self.stack.push_async_callback(self.ed.close)
        self.ed.open(self.uri, "\n".join(self.text) + "\n")
        await self.ed.stats()  # the document is open

    async def keystroke(self, i: int, keep: bool = True) -> None:
        t0 = time.perf_counter()
        await self.ed.stats()
        t1 = time.perf_counter()
        if i % 2:
            self.ed.edit(self.uri, self.typing_line, 0, "", delete=1)  # backspace
        else:
            self.ed.edit(self.uri, self.typing_line, 0, "x")
        await self.ed.stats()
        t2 = time.perf_counter()
        if keep:
            self.r["bare"].append((t1 - t0) * 1000)
            self.r["pair"].append((t2 - t1) * 1000)
            self.r["keystroke"].append((t2 - t1 - (t1 - t0)) * 1000)

    async def completion(self, keep: bool = True) -> float:
        row = self.cursors[self.completions % len(self.cursors)]  # never the last one: no
        self.completions += 1  # answer from the cache
        self.ed.edit(self.uri, row, self.ends[row], "x")  # the user types, then asks
        self.ends[row] += 1
        await self.ed.stats()
        t0 = time.perf_counter()
        items = inline_texts(await self.ed.inline(self.uri, row, self.ends[row], invoked=True))
        elapsed = (time.perf_counter() - t0) * 1000
        if not items:
            raise RuntimeError(f"no completion in the {self.lines}-line file")
        if keep:
            self.r["completion"].append(elapsed)
        return elapsed

    async def rereads(self) -> int:
        """How many re-reads of its documents the server finished (``vc/stats``; 0 from a
        server that reads on its event loop and does not count them)."""
        return int(context_stats(await self.ed.stats()).get("rereads", 0))

    async def settled(self) -> None:
        """Until the server has no re-read of the document running (polled every 50 ms)."""
        while True:  # the server has no event to wait on: its answers are the only signal
            if not context_stats(await self.ed.stats()).get("rereading", False):
                return
            await asyncio.sleep(0.05)

    async def after_many_changes(self) -> float:
        """``STALE_CHANGES`` keystrokes without a pause (each a character more), then a
        completion: the one that may find the document's symbols too old to serve."""
        for _ in range(STALE_CHANGES):
            self.ed.edit(self.uri, self.typing_line, 0, "y")
        await self.ed.stats()
        return await self.completion(keep=False)

    async def finish(self) -> dict[str, list[float]]:
        stats = await self.ed.stats()
        prepare = get(get(stats, "latencyMs"), "inlinePrepare")
        self.r["prepare"] = [float(get(prepare, "p50")), float(get(prepare, "p95"))]
        self.r["prepare_count"] = [float(get(prepare, "count"))]
        before = await self.rereads()
        self.r["stall"] = [await idle_stall(self.ed, IDLE_PROBE_S)]
        await self.settled()
        self.r["pause_reads"] = [float(await self.rereads() - before)]
        self.r["many"] = [await self.after_many_changes()]  # (then shut down mid-read)
        await self.stack.aclose()
        return self.r


async def by_size(runs: int) -> dict[int, dict[str, list[float]]]:
    """All sizes at once, their samples interleaved, so a busy machine slows them alike."""
    docs = [Sized(lines) for lines in SIZES]
    for d in docs:
        await d.start()
        d.r["first"] = [await d.completion(keep=False)]  # the document's symbols are read now
        await d.settled()  # (off the event loop): not while the other samples are taken
    for i in range(10):  # warm-up: imports, first connection, first prompt
        for d in docs:
            await d.keystroke(i, keep=False)
            await d.completion(keep=False)
    for d in docs:
        d.r["reads_before"] = [float(await d.rereads())]
    for i in range(2 * (runs // 2)):  # as many insertions as deletions
        for d in docs:
            await d.keystroke(i)
    for _ in range(runs):
        for d in docs:
            await d.completion()
    for d in docs:  # a gap over 0.3 s between samples (a busy machine) is a pause to the server
        d.r["sample_reads"] = [await d.rereads() - d.r["reads_before"][0]]
    # The biggest first: its pause is watched while the others have little to do in theirs.
    return {d.lines: await d.finish() for d in sorted(docs, key=lambda d: -d.lines)}


async def idle_stall(ed: Editor, seconds: float) -> float:
    """The user stopped typing: the longest ``vc/stats`` round trip, one every 20 ms, while the
    server uses the pause (re-reading the edited document's symbols): what a keystroke arriving
    then would wait."""
    worst = 0.0
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        t0 = time.perf_counter()
        await ed.stats()
        worst = max(worst, (time.perf_counter() - t0) * 1000)
        await asyncio.sleep(0.02)
    return worst


async def sizes(runs: int) -> list[Row]:
    """The issue's figure is 100k against 60 lines; 1,000 lines is the reference where the
    prompt's file window (6,000 + 2,000 characters) is as full as in the big file, which a
    60-line file is not: what remains against it is the cost of the document's size alone."""
    r = await by_size(runs)
    for lines, name in SIZES.items():
        m = r[lines]
        print(f"  {name}: vc/stats alone {ms(m['bare'])}, didChange + vc/stats {ms(m['pair'])}, "
              f"keystroke {ms(m['keystroke'])}; inline completion round trip "
              f"{ms(m['completion'])}, slowest {max(m['completion']):.1f} ms; server "
              f"inlinePrepare p50 {m['prepare'][0]:.2f} / p95 {m['prepare'][1]:.2f} ms "
              f"(n={m['prepare_count'][0]:.0f}, warm-up included); first completion after "
              f"opening {m['first'][0]:.1f} ms; after {STALE_CHANGES} changes "
              f"{m['many'][0]:.1f} ms; longest wait in a pause {m['stall'][0]:.1f} ms"
              f" ({m['pause_reads'][0]:.0f} re-reads of the document in it; "
              f"{m['sample_reads'][0]:.0f} while the samples were taken)")
    rows: list[Row] = []
    big = r[100_000]
    for what, key in (("keystroke", "keystroke"), ("completion round trip", "completion")):
        for lines, name in SIZES.items():
            rows.append(Row(f"{what}, {name}", ms(r[lines][key]), "", None))
        for lines in (60, 1_000):
            d50 = pct(big[key], 0.5) - pct(r[lines][key], 0.5)
            d95 = pct(big[key], 0.95) - pct(r[lines][key], 0.95)
            rows.append(Row(f"{what}, 100k - {SIZES[lines]}",
                            f"p50 {d50:+.2f} / p95 {d95:+.2f} ms",
                            "p50 <= 1 ms" if lines == 60 else "", d50 <= 1 if lines == 60
                            else None))
    for lines in (60, 1_000):
        small = r[lines]
        d50 = big["prepare"][0] - small["prepare"][0]
        rows.append(Row(f"server inlinePrepare, 100k - {SIZES[lines]}",
                        f"p50 {d50:+.2f} / p95 {big['prepare'][1] - small['prepare'][1]:+.2f} "
                        f"ms ({small['prepare'][0]:.2f} -> {big['prepare'][0]:.2f})",
                        "p50 <= 1 ms" if lines == 60 else "", d50 <= 1 if lines == 60
                        else None))
    for lines in (60, 100_000):
        rows.append(Row(f"first completion after opening, {SIZES[lines]}",
                        f"{r[lines]['first'][0]:.1f} ms", "", None))
    for lines in (60, 100_000):
        rows.append(Row(f"completion after {STALE_CHANGES} changes, {SIZES[lines]}",
                        f"{r[lines]['many'][0]:.1f} ms", "", None))
    for lines in (60, 100_000):
        rows.append(Row(f"longest wait in a typing pause, {SIZES[lines]}",
                        f"{r[lines]['stall'][0]:.1f} ms ({r[lines]['pause_reads'][0]:.0f} "
                        "re-read in it)", "", None))
    return rows


# -- 3. bursts -----------------------------------------------------------------------------


async def burst(ed: Editor, up: FakeUpstream, uri: str, line: int, inline: bool
                ) -> tuple[int, bool, float]:
    """Type ``WORD`` on ``line``, asking after every key (an automatic inline request, or an
    "invoked" completion): upstream requests it cost, whether the last answer completes the
    word, and ms from the last key to that answer."""
    before = len(up.chat_requests)
    loop = asyncio.get_running_loop()
    start = loop.time()
    pending: list[asyncio.Future[Any]] = []
    for i, ch in enumerate(WORD):
        await asyncio.sleep(max(0.0, start + i * KEY_GAP_S - loop.time()))
        ed.edit(uri, line, i, ch)
        pending.append(ed.inline(uri, line, i + 1, invoked=False) if inline
                       else ed.completion(uri, line, i + 1))
    last_key = time.perf_counter()
    last = await pending[-1]
    waited = (time.perf_counter() - last_key) * 1000
    await asyncio.gather(*pending)
    answer = inline_texts(last) if inline else completion_texts(last)
    return len(up.chat_requests) - before, bool(answer) and answer[-1].endswith(" = 0"), waited


async def bursts(count: int) -> list[Row]:
    rows: list[Row] = []
    uri = "file:///bench/burst.py"
    for path, inline in (("completion path", False), ("inline path", True)):
        async with FakeUpstream(default=Reply.text(ANSWER)) as up:
            ed = await session(up, inline=inline)
            ed.open(uri, "\n" * (count + 1))
            await ed.stats()
            requests: list[int] = []
            answered: list[bool] = []
            waits: list[float] = []
            for b in range(count):
                n, ok, waited = await burst(ed, up, uri, b, inline)
                requests.append(n)
                answered.append(ok)
                waits.append(waited)
                await asyncio.sleep(PAUSE_S)
            debounce = get(get(await ed.stats(), "inline"), "debounceMs")
            await ed.close()
        print(f"  {path}: upstream requests per burst {requests}; last key answered "
              f"{sum(answered)}/{count}, last key -> answer p50 {statistics.median(waits):.0f} ms;"
              f" inline debounce now {debounce} ms")
        rows.append(Row(f"upstream requests, 20-key burst, {path}",
                        f"max {max(requests)} (mean {statistics.mean(requests):.1f}), "
                        f"{sum(answered)}/{count} answered",
                        "<= 2", max(requests) <= 2 and all(answered)))
    return rows


# -- 4. typing along streamed text ---------------------------------------------------------


HEAD = "<completion>compute_"
ALONG = "compute_total(items)"


async def written(ed: Editor, uri: str, chars: int) -> None:
    """Until the server has read ``chars`` characters of the running stream for ``uri``."""
    async def poll() -> None:
        while True:  # each round is a request to the server
            streaming = get(get(await ed.stats(), "inline"), "streaming")
            if any(get(s, "uri") == uri and get(s, "chars") >= chars for s in streaming):
                return
    await asyncio.wait_for(poll(), SAFETY)


async def along(ed: Editor, up: FakeUpstream, uri: str, slow: bool) -> tuple[int, bool, bool]:
    """One invoked completion streams; the user types what it wrote, then asks again: new
    requests, whether the answer was the rest of the stream, whether it was still streaming
    when asked (not answered from the finished suggestion's cache)."""
    resume = asyncio.Event()
    if slow:  # a model writing 4 characters every 50 ms: it goes on while the user types
        up.enqueue(Reply.text(f"<completion>{ALONG}</completion>", delay=0.05))
    else:  # paused after the head until the second request is in
        up.enqueue(Reply.text(chunks=[HEAD, f"{ALONG[8:]}</completion>"], pause_after=2,
                              resume=resume))
    ed.open(uri, "x = \n")
    await ed.stats()
    before = len(up.chat_requests)
    first = ed.inline(uri, 0, 4, invoked=True)
    [rec] = (await up.wait_for_requests(before + 1, SAFETY))[before:]
    await written(ed, uri, len(HEAD))
    for i, ch in enumerate(ALONG[:4]):  # four keystrokes the stream has already written
        ed.edit(uri, 0, 4 + i, ch)
        await asyncio.sleep(KEY_GAP_S)
    again = ed.inline(uri, 0, 8, invoked=False)
    await ed.stats()  # the second request is in before the stream goes on
    streaming = not rec.done.is_set()
    resume.set()
    answer = inline_texts(await again)
    await first
    return len(up.chat_requests) - before - 1, answer == [ALONG[4:]], streaming


async def typing_along(reps: int) -> list[Row]:
    rows: list[Row] = []
    async with FakeUpstream(default=Reply.text(ANSWER)) as up:
        ed = await session(up)
        for slow in (False, True):
            results = [await along(ed, up, f"file:///bench/along_{slow}_{r}.py", slow)
                       for r in range(reps)]
            extra = sum(n for n, _, _ in results)
            rest = sum(ok for _, ok, _ in results)
            kind = "slow stream" if slow else "paused stream"
            print(f"  {kind}: {reps} runs, new upstream requests {[n for n, _, _ in results]}, "
                  f"answered with the rest of the stream {rest}/{reps}, still streaming when "
                  f"asked again {sum(s for _, _, s in results)}/{reps}")
            rows.append(Row(f"typing along a {kind}: new requests", f"{extra} in {reps} runs, "
                            f"rest of the stream {rest}/{reps}", "0, rest",
                            extra == 0 and rest == reps))
        await ed.close()
    return rows


# -- 5. start-up ---------------------------------------------------------------------------


def starts(runs: int) -> list[Row]:
    env = startup.server_env()
    startup.one_start(env, [])  # warm the page cache and the .pyc files
    times = [startup.one_start(env, []) for _ in range(runs)]
    wall = statistics.median(w for w, _ in times)
    cpu = statistics.median(c for _, c in times)
    print(f"  start -> initialize answer: median {wall:.0f} ms (min {min(w for w, _ in times):.0f}"
          f", max {max(w for w, _ in times):.0f}), server CPU median {cpu:.0f} ms, n={runs}")
    return [Row("start -> initialize answer", f"median {wall:.0f} ms (CPU {cpu:.0f} ms)",
                "<= 600 ms", wall <= 600)]


# -- all of it -----------------------------------------------------------------------------


async def main(runs: int, quick: bool, modes: list[str]) -> None:
    started = time.perf_counter()
    print(f"vc-lsp issue 12 bench: {runs} samples per figure, python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load average {load():.1f}")
    rows: list[Row] = []
    print("5. start-up")
    rows += starts(5 if quick else 15)
    print("1. cancels")
    rows += await cancels(runs, modes)
    print("2. document size")
    rows += await sizes(runs)
    print("3. 20-key bursts")
    rows += await bursts(2 if quick else 5)
    print("4. typing along streamed text")
    rows += await typing_along(1 if quick else 3)
    width = max(len(r.figure) for r in rows)
    vwidth = max(len(r.value) for r in rows)
    print(f"\n{'figure':<{width}}  {'value':<{vwidth}}  {'target':<12}  result")
    for r in rows:
        verdict = "-" if r.passed is None else ("pass" if r.passed else "FAIL")
        print(f"{r.figure:<{width}}  {r.value:<{vwidth}}  {r.target:<12}  {verdict}")
    print(f"({time.perf_counter() - started:.0f} s, load average {load():.1f} at the end)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="samples per figure (default 100, quick 20)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer of everything")
    parser.add_argument("--only", default="h2,h1-tls,h1", help="transports for the cancels")
    args = parser.parse_args()
    asyncio.run(main(args.runs or (20 if args.quick else 100), args.quick, args.only.split(",")))
