"""Benchmark: server overhead per inline completion, and keystroke-to-hang-up time.

Not a test: it prints figures. The real server runs as a subprocess over stdio; the upstream is
the fake OpenAI server from tests/fakes with a fixed model time, on 127.0.0.1. Both clocks are
this process's ``perf_counter``, so the numbers subtract cleanly.

    python bench/inline_latency.py [--runs 200] [--model-ms 100]

BENCH_PYTHON_ARGS="-m cProfile -o /tmp/server.prof" profiles the server; BENCH_LOG and
BENCH_LOG_LEVEL send its log to a file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fakes.upstream import FakeUpstream, Reply

URI = "file:///bench/app.py"
TOKEN_GAP_S = 0.005  # between streamed chunks: a fast model (~200 chunks/s); 0 would measure
#                      how fast one process can drain a burst, not what the user waits for


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def show(name: str, values_ms: list[float], target: str) -> None:
    print(f"{name:<44} p50 {pct(values_ms, 0.5):7.2f} ms   p95 {pct(values_ms, 0.95):7.2f} ms"
          f"   max {max(values_ms):7.2f} ms   (n={len(values_ms)}, target {target})")


async def main(runs: int, model_ms: float) -> None:
    async with FakeUpstream() as up:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VC_LSP_")}
        env["VISIONCODER_API_KEY"] = "sk-bench"
        env["VC_LSP_BASE_URL"] = up.base_url  # the endpoint the key is trusted for
        client = await ClientServerConfig(
            server_command=[
                sys.executable, *os.environ.get("BENCH_PYTHON_ARGS", "").split(), "-m", "vc_lsp",
                "--log-level", os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
                "--log-file", os.environ.get("BENCH_LOG", os.devnull)],
            server_env=env).start()
        await client.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
                inline_completion=types.InlineCompletionClientCapabilities())),
            initialization_options={"baseUrl": up.base_url, "model": "fake-model"}))
        lines = [f"value_{i} = " for i in range(2 * runs)]  # a fresh line per request: no cache
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=URI, language_id="python", version=0, text="\n".join(lines) + "\n")))

        def request(line: int) -> asyncio.Future[object]:
            return asyncio.ensure_future(client.text_document_inline_completion_async(
                types.InlineCompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=URI),
                    position=types.Position(line=line, character=len(lines[line])),
                    context=types.InlineCompletionContext(
                        trigger_kind=types.InlineCompletionTriggerKind.Invoked))))

        # Warm-up: imports, first connection, first prompt build.
        up.default = Reply.text("<completion>compute(1)</completion>", first_delay=model_ms / 1000,
                                delay=TOKEN_GAP_S)
        for line in range(min(5, runs)):
            await request(line)

        overhead: list[float] = []
        models: list[float] = []
        for line in range(runs):
            before = len(up.chat_requests)
            t0 = time.perf_counter()
            await request(line)
            t1 = time.perf_counter()
            rec = up.chat_requests[before]
            model = (rec.finished_at or t1) - rec.received_at
            overhead.append((t1 - t0 - model) * 1000)
            models.append(model * 1000)

        # The floor: a request answered from the typing-along cache makes no upstream call, so
        # its round trip is the JSON-RPC transport plus both processes' message handling.
        floor: list[float] = []
        for _ in range(runs):
            t0 = time.perf_counter()
            await request(runs - 1)
            floor.append((time.perf_counter() - t0) * 1000)

        hangup: list[float] = []
        up.default = Reply.text("compute(", endless=True, delay=0.01)
        for version, line in enumerate(range(runs, 2 * runs), start=1):
            before = len(up.chat_requests)
            pending = request(line)
            rec = (await up.wait_for_requests(before + 1, timeout=5))[before]
            await rec.streaming.wait()
            t0 = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
                content_changes=[types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=line, character=0),
                                      end=types.Position(line=line, character=0)),
                    text="")]))
            await rec.hung_up.wait()
            hangup.append(((rec.hung_up_at or 0) - t0) * 1000)
            await pending

        stats = await client.protocol.send_request_async("vc/stats", None)
        inside = stats.latencyMs
        print(f"vc-lsp inline completion bench: {runs} runs, fixed model time {model_ms:g} ms, "
              f"upstream http://127.0.0.1 (HTTP/1.1), python {sys.version.split()[0]}")
        show("server overhead per completion", overhead, "p50 <= 2 ms, p95 <= 5 ms")
        print(f"{'  of which inside the server: prepare':<44} p50 "
              f"{inside.inlinePrepare.p50:7.2f} ms   p95 "
              f"{inside.inlinePrepare.p95:7.2f} ms   (handler entry -> request to httpx)")
        print(f"{'  of which inside the server: finish':<44} p50 "
              f"{inside.inlineFinish.p50:7.2f} ms   p95 "
              f"{inside.inlineFinish.p95:7.2f} ms   (stream done -> answer returned)")
        print(f"{'  server total minus model time (p50s)':<44}     "
              f"{inside.inlineTotal.p50 - pct(models, 0.5):7.2f} ms   (model time p50 "
              f"{pct(models, 0.5):.2f} ms as the fake upstream measured it)")
        show("round trip answered from cache (no upstream)", floor, "for reference")
        show("didChange -> upstream connection closed", hangup, "p95 <= 10 ms")
        print(f"upstream connections opened: {up.connections_opened} for "
              f"{len(up.chat_requests)} chat requests")
        await client.shutdown_session()
        await client.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--model-ms", type=float, default=100.0)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.model_ms))
