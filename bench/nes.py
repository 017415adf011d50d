"""Benchmark: next-edit suggestions. Keystroke -> prediction request (the adaptive pause),
server overhead per prediction, and upstream requests per 20 edits typed at a normal pace.

Not a test: it prints figures. The real server runs as a subprocess over stdio with its default
``nes`` settings (350 ms pause, 40-line region); the upstream is the fake OpenAI server from
tests/fakes on 127.0.0.1, answering each prediction with the region it was sent, one word
renamed, after a fixed model time. The editor asks after every keystroke, as editors/neovim
does (``textDocument/copilotInlineEdit``, automatic: the server waits for the pause). Both clocks
are this process's ``perf_counter``.

    python bench/nes.py [--runs 100] [--model-ms 100] [--edits 20]

The typing runs in real time (about 2 s per edit): the pause is measured, not simulated.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fakes.upstream import FakeUpstream, RecordedRequest, Reply

URI = "file:///bench/ledger.py"
START, END, CURSOR = "<|editable_region_start|>\n", "<|editable_region_end|>", \
    "<|user_cursor_is_here|>"
LINES = 400
CHUNK = 64  # characters per streamed chunk
TOKEN_GAP_S = 0.005


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def show(name: str, values_ms: list[float], note: str = "") -> None:
    print(f"{name:<46} p50 {pct(values_ms, 0.5):8.2f} ms   p95 {pct(values_ms, 0.95):8.2f} ms"
          f"   max {max(values_ms):8.2f} ms   (n={len(values_ms)}{', ' + note if note else ''})")


def source() -> str:
    return "".join(f"def entry_{i}(amount, rate):\n    return amount * rate + {i}\n\n"
                   for i in range(LINES // 3))


class Editor:
    """One document, changed as an editor changes it, and Copilot's request."""

    def __init__(self, client: LanguageClient, text: str, uri: str = URI) -> None:
        self.client = client
        self.uri = uri
        self.lines = text.split("\n")
        self.version = 0
        self.asked: list[asyncio.Future[Any]] = []
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=uri, language_id="python", version=0, text=text)))

    def insert(self, line: int, character: int, text: str, *, ask: bool = True) -> float:
        """A keystroke; then, like editors/neovim, Copilot's request (the server waits for
        the pause; a newer keystroke answers it empty)."""
        pos = types.Position(line=line, character=character)
        self.version += 1
        self.lines[line] = self.lines[line][:character] + text + self.lines[line][character:]
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri,
                                                                version=self.version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=pos, end=pos), text=text)]))
        sent = time.perf_counter()
        if ask:
            self.asked.append(asyncio.ensure_future(self.inline_edit(
                line, character + len(text), automatic=True)))
        return sent

    async def inline_edit(self, line: int, character: int, *, automatic: bool) -> Any:
        params: dict[str, Any] = {"textDocument": {"uri": self.uri, "version": self.version},
                                  "position": {"line": line, "character": character}}
        if automatic:
            params["context"] = {"triggerKind": 2}
        return await self.client.protocol.send_request_async(
            "textDocument/copilotInlineEdit", params)

    async def dismiss(self) -> None:
        await self.client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vc.nes.reject", arguments=[{"uri": self.uri}]))


def responder(model_ms: float, *, rename: bool = True) -> Any:
    """The region as sent, with ``rate`` renamed on its first line that has it (``rename``)."""
    def answer(body: Any) -> Reply:
        prompt = str(body["messages"][-1]["content"])
        found = re.search(re.escape(START) + r"(.*?)" + re.escape(END), prompt, re.S)
        region = found[1].replace(CURSOR, "") if found else ""
        if rename:
            region = region.replace("rate", "ratio", 1)
        text = f"```python\n{region}```\n"
        return Reply.text(text, chunk_size=CHUNK, first_delay=model_ms / 1000,
                          delay=TOKEN_GAP_S)
    return answer


async def wait_request(up: FakeUpstream, count: int) -> RecordedRequest:
    return (await up.wait_for_requests(count, timeout=30))[count - 1]


async def main(runs: int, model_ms: float, edits: int) -> None:
    rng = random.Random(7)
    async with FakeUpstream() as up:
        up.responder = responder(model_ms)
        env = {k: v for k, v in os.environ.items() if not k.startswith("VC_LSP_")}
        env.update(VISIONCODER_API_KEY="sk-bench", VC_LSP_BASE_URL=up.base_url)
        client = await ClientServerConfig(
            server_command=[
                sys.executable, *os.environ.get("BENCH_PYTHON_ARGS", "").split(), "-m", "vc_lsp",
                "--log-level", os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
                "--log-file", os.environ.get("BENCH_LOG", os.devnull)],
            server_env=env).start()
        await client.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"baseUrl": up.base_url, "model": "fake-model"}))
        ed = Editor(client, source())

        # 1. Keystroke -> prediction request: a word typed at a steady pace, then a pause.
        pauses: dict[int, list[float]] = {}
        line = 1
        for gap_ms in (120, 200, 330):
            pauses[gap_ms] = []
            for _ in range(max(3, runs // 20)):
                line += 3
                before = len(up.chat_requests)
                sent = 0.0
                for ch in "_total":
                    sent = ed.insert(line, 10, ch)
                    await asyncio.sleep(gap_ms / 1000)
                rec = await wait_request(up, before + 1)
                pauses[gap_ms].append((rec.received_at - sent) * 1000)
                await asyncio.wait_for(rec.done.wait(), 30)
                await asyncio.sleep(0.05)
                await ed.dismiss()

        # 2. Server overhead per prediction: an edit, then Copilot's request asking now.
        overhead: list[float] = []
        to_model: list[float] = []
        from_model: list[float] = []
        models: list[float] = []
        found = 0
        for run in range(runs + 5):
            line = 1 + (3 * (run + 60)) % (LINES - 6)
            ed.insert(line, 4, "#", ask=False)
            before = len(up.chat_requests)
            t0 = time.perf_counter()
            result = await ed.inline_edit(line, 5, automatic=False)
            t1 = time.perf_counter()
            rec = up.chat_requests[before]
            model = (rec.finished_at or t1) - rec.received_at
            if run >= 5:  # warm-up: imports, first connection
                overhead.append((t1 - t0 - model) * 1000)
                to_model.append((rec.received_at - t0) * 1000)
                from_model.append((t1 - (rec.finished_at or t1)) * 1000)
                models.append(model * 1000)
                found += bool(result.edits)
            await ed.dismiss()

        # 3. Requests per `edits` edits typed at a normal pace: a word at 120-280 ms a key,
        # then a look at the code (0.6-1.2 s) before the next edit somewhere else; once with a
        # model that sees nothing to do, once with one that suggests an edit the user ignores.
        typing: dict[str, tuple[int, int, float]] = {}
        for k, (name, renames) in enumerate((("the model predicts no edit", False),
                                             ("the model predicts an edit, left alone", True))):
            up.responder = responder(model_ms, rename=renames)
            fresh = Editor(client, source(), f"file:///bench/typing{k}.py")  # nothing dismissed
            ed.asked += fresh.asked
            before = len(up.chat_requests)
            started = time.perf_counter()
            for n in range(edits):
                line = 1 + (3 * (n * 7 + 11)) % (LINES - 6)
                for ch in rng.choice(["_sum", "_value", "_count2", "_items"]):
                    fresh.insert(line, 11, ch)
                    await asyncio.sleep(rng.uniform(0.12, 0.28))
                await asyncio.sleep(rng.uniform(0.6, 1.2))
            await asyncio.sleep(1.5)
            typed = up.chat_requests[before:]
            hung = sum(1 for r in typed if r.reply is not None
                       and r.chunks_sent < 1 + len(r.reply.pieces[0]))  # cut before its end
            typing[name] = (len(typed), hung, time.perf_counter() - started)
            await asyncio.gather(*fresh.asked)

        await asyncio.gather(*ed.asked)
        stats = await client.protocol.send_request_async("vc/stats", None)
        inside = stats.latencyMs
        print(f"vc-lsp next-edit bench: default settings (nes.debounceMs 350, regionLines 40), "
              f"fake model {model_ms:g} ms + {CHUNK}-char chunks every {TOKEN_GAP_S * 1000:g} ms, "
              f"python {sys.version.split()[0]}")
        for gap_ms, values in pauses.items():
            show(f"keystroke -> prediction request, keys {gap_ms} ms apart", values,
                 "last key to the upstream request")
        show("server overhead per prediction", overhead,
             f"client round trip minus model time; {found}/{len(overhead)} gave an edit")
        show("  request sent -> upstream request arrives", to_model)
        show("  upstream stream over -> answer received", from_model)
        print(f"{'  of which inside the server: prepare':<46} p50 {inside.nesPrepare.p50:8.2f} ms"
              f"   p95 {inside.nesPrepare.p95:8.2f} ms   (region, diffs, prompt)")
        print(f"{'  of which inside the server: finish':<46} p50 {inside.nesFinish.p50:8.2f} ms"
              f"   p95 {inside.nesFinish.p95:8.2f} ms   (clean, diff, filters, store)")
        print(f"{'  model time as the fake measured it':<46} p50 {pct(models, 0.5):8.2f} ms")
        for name, (count, hung, elapsed) in typing.items():
            print(f"upstream requests per {edits} edits typed at a normal pace, {name}: "
                  f"{count} ({hung} hung up by a keystroke; {elapsed:.0f} s of typing)")
        await client.shutdown_session()
        await client.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--model-ms", type=float, default=100.0)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.model_ms, args.edits))
