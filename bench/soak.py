"""Soak: minutes of random typing, requests, cancellations and upstream faults against the real
server; prints its memory (RSS) and the JSON-RPC layer's tables over time.

Not a test: it prints figures. The real server runs over stdio (``tests/rawlsp.py``, which
answers the server's requests as an editor does; here ``workspace/applyEdit`` is really
applied to the client's copy and echoed back as ``didChange``); the upstream is the fake
OpenAI server, with a random fault in about 1 request of 20 (HTTP 500/502/503, 429, a
malformed chunk, a dropped stream, an error chunk, a stream that never starts) and slow endless
streams that only a keystroke, a cancel or the total timeout ends.

    python bench/soak.py [--minutes 10] [--seed 1] [--rate 60] [--sample 30] [--faults 1]

``--faults 0`` turns the faults and slow streams off; ``SOAK_LOG_LEVEL=DEBUG`` keeps the
server's whole log (its path is printed first).

Each row: seconds, operations sent, RSS (MiB) and its change since the end of the warm-up
(the first tenth), then what ``vc/stats`` counts in the protocol: request futures (pygls's
``_request_futures``), result types, progress tokens, background tasks; then requests still
unanswered by the server, chat requests the fake upstream has received so far (a column
that stops growing means completions no longer reach the model), the open documents' size
(one that doubled, mostly by edits on endless answers, is reverted as a user would), the live
Python allocations (``sys.getallocatedblocks``: a leak of objects grows them, the allocators'
fragmentation grows only RSS) and the upstream pool (connections by state, requests on one
or queued). The summary checks the
targets: RSS growth after warm-up < 5 MB, tables bounded, every request answered exactly once,
none left waiting 30 s, and chat requests still reaching the upstream at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.conftest import options  # noqa: E402
from tests.fakes.upstream import FakeUpstream, Reply  # noqa: E402
from tests.rawlsp import RawServer, frame, key  # noqa: E402

HANG_S = 30.0
MAX_PENDING = 16
GROWTH_CAP = 2.0  # a document twice its starting size is reverted to it
WORDS = ["value", "total", "count", "items", "result", "self.data", "compute(", "return ",
         "if x:", "for i in range(3):", "# note", "pass", "None", "1", "+", ")", ":"]
INLINE = "<completion>value = compute(1)</completion>"
BLOCK = "```python\ndef f(x):\n    return x + 1\n```\n"


def source(n: int) -> str:
    return "".join(f"def f{i}(x):\n    return x * {i}  # line {i}\n\n" for i in range(n))


@dataclass
class Doc:
    uri: str
    text: str
    version: int = 0
    original: str = ""

    def __post_init__(self) -> None:
        self.original = self.original or self.text

    def lines(self) -> list[str]:
        return self.text.split("\n")

    def offset(self, line: int, character: int) -> int:
        lines = self.lines()
        line = min(line, len(lines) - 1)
        return sum(len(x) + 1 for x in lines[:line]) + min(character, len(lines[line]))

    def position(self, rng: random.Random) -> dict[str, int]:
        lines = self.lines()
        line = rng.randrange(len(lines))
        return {"line": line, "character": rng.randint(0, len(lines[line]))}

    def apply(self, rng: dict[str, Any], new: str) -> None:
        start = self.offset(rng["start"]["line"], rng["start"]["character"])
        end = self.offset(rng["end"]["line"], rng["end"]["character"])
        self.text = self.text[:start] + new + self.text[max(start, end):]


@dataclass
class Tally:
    ops: collections.Counter[str] = field(default_factory=collections.Counter)
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    faults: collections.Counter[str] = field(default_factory=collections.Counter)
    hangs: int = 0
    duplicates: int = 0
    pending: dict[str, tuple[float, str]] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)


class Soak:
    def __init__(self, server: RawServer, upstream: FakeUpstream, rng: random.Random,
                 docs: list[Doc], fault_scale: float = 1.0) -> None:
        self.fault_scale = fault_scale
        self.server = server
        self.upstream = upstream
        self.rng = rng
        self.docs = {d.uri: d for d in docs}
        self.tally = Tally()
        server.reply_with["workspace/applyEdit"] = self._apply_edit
        upstream.responder = self._respond

    # -- the fake upstream: faults and slow streams ----------------------------------------

    def _respond(self, body: Any) -> Reply:
        self.tally.ops["upstream request"] += 1
        r = self.rng.random()
        faults: list[tuple[float, str, Reply]] = [
            (0.015, "http 5xx", Reply.error(self.rng.choice([500, 502, 503]))),
            (0.025, "429", Reply.error(429, retry_after=0)),
            (0.030, "malformed chunk", Reply.text("<completion>x", malformed=True)),
            (0.035, "dropped stream", Reply.text("<completion>x", drop=True)),
            (0.040, "error chunk", Reply.text("<completion>x", error_chunk=True)),
            (0.045, "never starts", Reply(no_headers_hang=True)),
            (0.050, "headers then silence", Reply(hang=True)),
            (0.110, "slow endless", Reply.text(chunks=["x = 1\n"], endless=True, delay=0.05)),
        ]
        for limit, name, reply in faults:
            if r < limit * self.fault_scale:
                self.tally.faults[name] += 1
                return reply
        inline = isinstance(body, dict) and bool(body.get("stop"))
        return Reply.text(INLINE if inline else BLOCK, first_delay=self.rng.uniform(0.01, 0.1),
                          delay=0.002)

    # -- the editor side ------------------------------------------------------------------

    def _apply_edit(self, request: dict[str, Any]) -> dict[str, Any]:
        self.tally.ops["workspace/applyEdit (from the server)"] += 1
        edit = request["params"]["edit"]
        applied = True
        for change in edit.get("documentChanges") or []:
            doc = self.docs.get(change["textDocument"]["uri"])
            if doc is None:
                continue  # the explanation's scratch document: not open here
            version = change["textDocument"].get("version")
            if version is not None and version != doc.version:
                applied = False  # as VS Code does with an edit for an older version
                continue
            edits = sorted(change["edits"], key=lambda e: (e["range"]["start"]["line"],
                                                            e["range"]["start"]["character"]),
                           reverse=True)
            for e in edits:
                doc.apply(e["range"], e["newText"])
            doc.version += 1
            self.server.notify("textDocument/didChange", {
                "textDocument": {"uri": doc.uri, "version": doc.version},
                "contentChanges": [{"range": e["range"], "text": e["newText"]} for e in edits]})
        return {"jsonrpc": "2.0", "id": request["id"], "result": {"applied": applied}}

    def keystroke(self, doc: Doc | None = None) -> None:
        doc = doc or self.rng.choice(list(self.docs.values()))
        pos = self.doc_position(doc)
        if self.rng.random() < 0.15 and pos["character"] > 0:
            start = {**pos, "character": pos["character"] - 1}
            rng, text = {"start": start, "end": pos}, ""
        else:
            rng = {"start": pos, "end": pos}
            text = self.rng.choice([*WORDS, " ", "\n", "\n    "])
        doc.apply(rng, text)
        doc.version += 1
        self.server.notify("textDocument/didChange", {
            "textDocument": {"uri": doc.uri, "version": doc.version},
            "contentChanges": [{"range": rng, "text": text}]})
        self.tally.ops["keystroke"] += 1

    def doc_position(self, doc: Doc) -> dict[str, int]:
        return doc.position(self.rng)

    def request(self, method: str, params: Any) -> Any:
        msg_id = self.server.send_request(method, params)
        self.tally.pending[key(msg_id)] = (time.monotonic(), method)
        self.tally.ops[method] += 1
        return msg_id

    def reopen(self, doc: Doc, text: str) -> None:
        self.server.notify("textDocument/didClose", {"textDocument": {"uri": doc.uri}})
        doc.text, doc.version = text, 0
        self.server.notify("textDocument/didOpen", {"textDocument": {
            "uri": doc.uri, "languageId": "python", "version": 0, "text": doc.text}})

    def step(self) -> None:
        rng = self.rng
        doc = rng.choice(list(self.docs.values()))
        if len(doc.text) > GROWTH_CAP * len(doc.original):
            # Edits on endless answers write until their budget or the total timeout: a user
            # would undo that. Without this the documents triple in a few minutes, and RSS
            # measures their size instead of what the server keeps.
            self.reopen(doc, doc.original)
            self.tally.ops["runaway document reverted"] += 1
            return
        r = rng.random()
        if r < 0.45:
            for _ in range(rng.choice([1, 1, 1, 2, 5])):  # bursts of typing
                self.keystroke(doc)
        elif r < 0.75:
            msg_id = self.request("textDocument/inlineCompletion", {
                "textDocument": {"uri": doc.uri}, "position": self.doc_position(doc),
                "context": {"triggerKind": rng.choice([1, 2])}})
            follow = rng.random()
            if follow < 0.3:
                self.keystroke(doc)  # typing supersedes it
            elif follow < 0.45:
                self.server.notify("$/cancelRequest", {"id": msg_id})
                self.tally.ops["$/cancelRequest"] += 1
        elif r < 0.82:
            self.request("textDocument/completion", {
                "textDocument": {"uri": doc.uri}, "position": self.doc_position(doc)})
        elif r < 0.88:
            start = self.doc_position(doc)
            self.request("textDocument/codeAction", {
                "textDocument": {"uri": doc.uri}, "range": {"start": start, "end": start},
                "context": {"diagnostics": []}})
        elif r < 0.91:
            line = rng.randrange(len(doc.lines()))
            command = rng.choice(["vc.edit", "vc.explain", "vc.fix", "vc.addDocs"])
            self.request("workspace/executeCommand", {"command": command, "arguments": [{
                "uri": doc.uri, "instruction": "tidy it",
                "range": {"start": {"line": line, "character": 0},
                          "end": {"line": line + 2, "character": 0}}}]})
        elif r < 0.92:
            self.request("workspace/executeCommand", {
                "command": rng.choice(["vc.cancel", "vc.revert"]),
                "arguments": [{"uri": doc.uri}]})
        elif r < 0.925:
            self.reopen(doc, doc.text)
            self.tally.ops["reopen"] += 1
        elif r < 0.93:
            self.server.send(frame(body=b"{not json"))  # a client bug now and then
            self.tally.ops["garbage"] += 1
        else:
            self.keystroke(doc)

    def collect(self) -> None:
        """Answers that arrived: counted and dropped, so the bench itself stays small."""
        now = time.monotonic()
        tally = self.tally
        for k in list(tally.pending):
            answers = self.server.answers.pop(k, None)
            if answers:
                del tally.pending[k]
                tally.answered.add(k)
                tally.duplicates += len(answers) - 1
                answer = answers[0]
                tally.outcomes[str(answer["error"]["code"]) if "error" in answer
                               else "result"] += 1
            elif now - tally.pending[k][0] > HANG_S:
                tally.hangs += 1
                del tally.pending[k]
        for k in list(self.server.answers):
            if k in tally.answered:  # an answer to a request already answered
                tally.duplicates += len(self.server.answers.pop(k))
        self.server.notifications.clear()
        self.server.null_errors.clear()
        self.server.server_requests.clear()
        self.upstream.requests.clear()


def pool_cell(pool: dict[str, int]) -> str:
    """The pool's connections by state (a active, i idle, n new: dialled and never used, d
    dialling, x closed, f failed), then its requests: on a connection (r), waiting for one (q).
    ``n`` that only grows is the leak of connections out of use."""
    if not pool:
        return "-"
    letters = {"active": "a", "idle": "i", "new": "n", "connecting": "d", "closed": "x",
               "failed": "f"}
    states = " ".join(f"{letter}{pool[name]}" for name, letter in letters.items() if pool[name])
    return f"{states} r{pool['requests']} q{pool['queued']}"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(minutes: float, seed: int, rate: float, sample_s: float,
               fault_scale: float) -> int:
    rng = random.Random(seed)
    duration = minutes * 60
    warmup = duration / 10
    tmp = Path(tempfile.mkdtemp(prefix="vc-soak-"))
    async with FakeUpstream() as upstream:
        level = os.environ.get("SOAK_LOG_LEVEL", "WARNING")  # DEBUG to see every message
        server = await RawServer.start(tmp / "server.log", level=level, env={
            "XDG_CACHE_HOME": str(tmp / "cache"), "TMPDIR": str(tmp),
            "VC_LSP_BASE_URL": upstream.base_url})
        opts = options(upstream, {"inline": {"debounceMs": 20, "completionFallback": "always"},
                                  "actions": {"throttleMs": 20}}, None)
        await server.initialize(opts)
        docs = [Doc(f"file:///soak/module_{i}.py", source(60 + 40 * i)) for i in range(6)]
        for doc in docs:
            server.notify("textDocument/didOpen", {"textDocument": {
                "uri": doc.uri, "languageId": "python", "version": 0, "text": doc.text}})
        soak = Soak(server, upstream, rng, docs, fault_scale)
        pid = server.proc.pid
        print(f"soak: {minutes:g} min, seed {seed}, ~{rate:g} operations/s, server pid {pid}, "
              f"log {tmp / 'server.log'}")
        print(f"{'t (s)':>6} {'ops':>7} {'RSS MiB':>8} {'d MiB':>6} {'futures':>8} "
              f"{'results':>8} {'tokens':>7} {'tasks':>6} {'waiting':>8} {'upstream':>9}")
        started = time.monotonic()
        next_sample = started
        baseline: float | None = None
        blocks_baseline = last_blocks = 0
        rows: list[tuple[float, float, dict[str, int], int]] = []
        while (now := time.monotonic()) - started < duration:
            if len(soak.tally.pending) < MAX_PENDING:
                soak.step()
            await server.drain()
            await asyncio.sleep(rng.expovariate(rate))
            soak.collect()
            if now >= next_sample:
                next_sample += sample_s
                stats = await server.answer(server.send_request("vc/stats"))
                counts = stats["result"]["protocol"]
                blocks = stats["result"]["memory"]["pythonBlocks"]
                rss = rss_mib(pid)
                t = now - started
                if baseline is None and t >= warmup:
                    baseline, blocks_baseline = rss, blocks
                rows.append((t, rss, counts, soak.tally.ops["upstream request"]))
                last_blocks = blocks
                delta = f"{rss - baseline:+6.1f}" if baseline is not None else "   -  "
                print(f"{t:6.0f} {sum(soak.tally.ops.values()):7d} {rss:8.1f} {delta} "
                      f"{counts['requestFutures']:8d} {counts['resultTypes']:8d} "
                      f"{counts['progressTokens']:7d} {counts['tasks']:6d} "
                      f"{len(soak.tally.pending):8d} "
                      f"{soak.tally.ops['upstream request']:9d} "
                      f"{sum(len(d.text) for d in docs) / 1000:8.0f} "
                      f"{blocks / 1000:9.1f} "
                      f"{pool_cell(stats['result'].get('pool') or {}):>14}", flush=True)
        while soak.tally.pending and time.monotonic() - now < HANG_S + 1:
            await asyncio.sleep(0.1)
            soak.collect()
        final = (await server.answer(server.send_request("vc/stats")))["result"]["protocol"]
        rss = rss_mib(pid)
        code = await server.stop()
    tally = soak.tally
    after = [r for r in rows if baseline is not None and r[0] >= warmup]
    growth = rss - (baseline if baseline is not None else rows[0][1])
    peak = {k: max(r[2][k] for r in rows) for k in rows[0][2]}
    print(f"\noperations: {dict(tally.ops)}")
    print(f"answers: {dict(tally.outcomes)}; unanswered after {HANG_S:g} s: {tally.hangs}; "
          f"answered twice: {tally.duplicates}")
    print(f"upstream faults injected: {dict(tally.faults)} ({sum(tally.faults.values())})")
    print(f"RSS: {rows[0][1]:.1f} MiB at start, {baseline or float('nan'):.1f} MiB after the "
          f"warm-up ({warmup:.0f} s), {rss:.1f} MiB at the end, max "
          f"{max(r[1] for r in rows):.1f} MiB; growth after warm-up {growth:+.1f} MiB "
          f"(target < 5 MB) over {len(after)} samples")
    if blocks_baseline:
        print(f"live Python blocks: {blocks_baseline / 1000:.1f}k after the warm-up, "
              f"{last_blocks / 1000:.1f}k in the last row "
              f"({(last_blocks - blocks_baseline) / blocks_baseline:+.1%}; RSS growing while "
              f"these stay flat is free space the allocators keep, not objects)")
    print(f"protocol tables, largest sample: {peak}; after the last answer: {final}")
    late = [r for r in rows if r[0] >= duration * 0.75]
    flowing = len(late) < 2 or late[-1][3] > late[0][3]
    print(f"chat requests reached the upstream: {soak.tally.ops['upstream request']}; "
          f"still reaching it in the last quarter: {'yes' if flowing else 'NO (stalled)'}")
    print(f"server exit code after shutdown/exit: {code}")
    ok = growth < 5 * 1e6 / 2 ** 20 and tally.hangs == 0 and tally.duplicates == 0 \
        and final["requestFutures"] <= 1 and code == 0 and flowing
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=60, help="operations per second (mean)")
    ap.add_argument("--sample", type=float, default=30, help="seconds between rows")
    ap.add_argument("--faults", type=float, default=1.0,
                    help="scale the fault and slow-stream rates (0: none)")
    args = ap.parse_args()
    sys.exit(asyncio.run(main(args.minutes, args.seed, args.rate, args.sample, args.faults)))
