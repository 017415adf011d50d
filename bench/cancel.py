"""Benchmark: what a cancel costs on each transport (HTTP/2 over TLS, HTTP/1.1 over TLS and plain).

Not a test: it prints figures. The real server runs as a subprocess over stdio; the upstream is
the fake OpenAI server of tests/fakes (hypercorn for HTTP/2, our asyncio server for HTTP/1.1)
with a trustme CA, in this process, so both clocks are this process's ``perf_counter``.

For each transport:

* didChange -> upstream stream closed: an invoked completion is streaming; a keystroke is sent;
  the time until the fake sees the stream reset (h2) or the connection closed (h1).
* next completion after a cancel vs on a warm connection: the client round trip of a completion
  sent ``--gap-ms`` after a cancelled one (typing rhythm; the inline debounce is 75 ms) against
  one sent the same time after a completion that ended normally. The ratio is the target
  (<= 1.1): on HTTP/1.1 it shows whether the replacement connection was ready.
* for reference, a completion on a brand-new connection (TCP + TLS handshake), measured in this
  process with vc-lsp's UpstreamClient: what every completion after a cancel paid on HTTP/1.1
  before the warm replacement.

    python bench/cancel.py [--runs 200] [--gap-ms 75] [--only h2,h1-tls,h1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fakes.upstream import FakeUpstream, Reply
from vc_lsp.config import NetworkSettings, Settings
from vc_lsp.upstream.chunks import Delta
from vc_lsp.upstream.client import ChatRequest, UpstreamClient

URI = "file:///bench/app.py"
MODES = {"h2": {"http2": True}, "h1-tls": {"tls": True}, "h1": {}}
LABELS = {"h2": "HTTP/2 over TLS", "h1-tls": "HTTP/1.1 over TLS", "h1": "HTTP/1.1 plain"}
ANSWER = "<completion>compute(1)</completion>"


async def answer(client: UpstreamClient, req: ChatRequest) -> str:
    """The whole answer of choice 0."""
    parts: list[str] = []
    async with client.stream(req) as events:
        async for event in events:
            if isinstance(event, Delta) and event.index == 0:
                parts.append(event.text)
    return "".join(parts)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ratio(r: dict[str, list[float]], q: float) -> float:
    """Next completion after a cancel over one on a warm connection, at percentile ``q``."""
    return pct(r["after_cancel"], q) / pct(r["after_answer"], q)


def show(name: str, values_ms: list[float], target: str = "") -> None:
    print(f"  {name:<46} p50 {pct(values_ms, 0.5):7.2f} ms   p95 {pct(values_ms, 0.95):7.2f} ms"
          f"   (n={len(values_ms)}{', target ' + target if target else ''})")


async def server(up: FakeUpstream, *, inline: bool = True,
                 settings: dict[str, Any] | None = None) -> Any:
    """The real server over stdio, initialized against ``up``: an inline-capable client, or
    with ``inline=False`` one that only has ``textDocument/completion`` (the fallback's
    clients); ``settings`` go into ``initializationOptions`` next to the endpoint."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VC_LSP_")}
    env["VISIONCODER_API_KEY"] = "sk-bench"
    env["VC_LSP_BASE_URL"] = up.base_url  # the endpoint the key is trusted for
    client = await ClientServerConfig(
        server_command=[sys.executable, "-m", "vc_lsp", "--log-level", "WARNING",
                        "--log-file", os.environ.get("BENCH_LOG", os.devnull)],
        server_env=env).start()
    options: dict[str, Any] = {"baseUrl": up.base_url, "model": "fake-model", **(settings or {})}
    if up.tls:
        options["network"] = {"caBundle": up.ca_file}
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
            inline_completion=types.InlineCompletionClientCapabilities() if inline else None,
            completion=types.CompletionClientCapabilities())),
        initialization_options=options))
    return client


async def measure(mode: str, runs: int, gap_s: float, *, reference: bool = True
                  ) -> dict[str, list[float]]:
    """Cancels and completions on one transport (``MODES``), ``runs`` of each; with
    ``reference``, also completions on new connections in this process."""
    async with FakeUpstream(**MODES[mode]) as up:
        client = await server(up)
        lines = [f"value_{i} = " for i in range(4 * runs + 10)]
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=URI, language_id="python", version=0, text="\n".join(lines) + "\n")))
        version = 0
        line = 0

        def request() -> asyncio.Future[Any]:
            nonlocal line
            line += 1
            return asyncio.ensure_future(client.text_document_inline_completion_async(
                types.InlineCompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=URI),
                    position=types.Position(line=line, character=len(lines[line])),
                    context=types.InlineCompletionContext(
                        trigger_kind=types.InlineCompletionTriggerKind.Invoked))))

        async def cancel() -> float:
            """One streaming completion stopped by a keystroke; ms until the upstream saw it."""
            nonlocal version
            up.default = Reply.text("compute(", endless=True, delay=0.005)
            before = len(up.chat_requests)
            pending = request()
            rec = (await up.wait_for_requests(before + 1, 10))[before]
            await rec.streaming.wait()
            version += 1
            t0 = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
                content_changes=[types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=line, character=0),
                                      end=types.Position(line=line, character=0)), text="")]))
            await asyncio.wait_for(rec.hung_up.wait(), 10)
            await pending
            return ((rec.hung_up_at or 0) - t0) * 1000

        async def completion() -> float:
            up.default = Reply.text(ANSWER)
            t0 = time.perf_counter()
            await request()
            return (time.perf_counter() - t0) * 1000

        for _ in range(5):  # warm-up: imports, first connection, first prompt
            await completion()
        hangup: list[float] = []
        after_cancel: list[float] = []
        after_answer: list[float] = []
        for _ in range(runs):
            hangup.append(await cancel())
            await asyncio.sleep(gap_s)  # the typing rhythm between keystroke and next request
            after_cancel.append(await completion())
            await completion()
            await asyncio.sleep(gap_s)
            after_answer.append(await completion())
        opened = up.connections_opened
        chats = len(up.chat_requests)
        await client.shutdown_session()
        await client.stop()

        # Reference: a completion on a brand-new connection, in process (no editor).
        up.default = Reply.text(ANSWER)
        s = Settings(base_url=up.base_url, api_key_env="VC_BENCH_NO_KEY", model="fake-model",
                     network=NetworkSettings(ca_bundle=up.ca_file or None))
        req = ChatRequest(model="fake-model", messages=[{"role": "user", "content": "x"}],
                          settings=s)
        cold: list[float] = []
        warm: list[float] = []
        for _ in range(max(20, runs // 4) if reference else 0):
            fresh = UpstreamClient(s)
            fresh.dialer.trust  # noqa: B018 -- CA loading is start-up cost, not per connection
            t0 = time.perf_counter()
            await answer(fresh, req)
            cold.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            await answer(fresh, req)
            warm.append((time.perf_counter() - t0) * 1000)
            await fresh.aclose()
    return {"hangup": hangup, "after_cancel": after_cancel, "after_answer": after_answer,
            "cold": cold, "warm": warm, "opened": [float(opened)], "chats": [float(chats)]}


async def main(runs: int, gap_ms: float, only: list[str]) -> None:
    print(f"vc-lsp cancel bench: {runs} runs per transport, gap {gap_ms:g} ms, "
          f"python {sys.version.split()[0]}, upstream on 127.0.0.1")
    for mode in only:
        r = await measure(mode, runs, gap_ms / 1000)
        print(f"{LABELS[mode]}:")
        show("didChange -> upstream stream closed", r["hangup"], "p95 <= 10 ms")
        show("next completion after a cancel", r["after_cancel"])
        show("next completion on a warm connection", r["after_answer"])
        print(f"  {'ratio after-cancel / warm':<46} p50 {ratio(r, 0.5):7.2f}      "
              f"p95 {ratio(r, 0.95):7.2f}      (target <= 1.1)")
        print(f"  {'connections opened':<46} {r['opened'][0]:.0f} for {r['chats'][0]:.0f} "
              "chat requests")
        show("reference: completion on a new connection", r["cold"], "in process")
        show("reference: the next one on it (warm)", r["warm"], "in process")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--gap-ms", type=float, default=75.0)
    parser.add_argument("--only", default="h2,h1-tls,h1")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.gap_ms, args.only.split(",")))
