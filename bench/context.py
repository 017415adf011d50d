"""Benchmark: prompt reuse between keystrokes, and the context engine's cost per request.

Not a test: it prints figures. Both parts build prompts through the server's own code path
(``InlineCompleter.prompt``: the cursor window, ``ContextService``, the layout, redaction) on
synthetic but varied Python projects, without a network.

1. Reuse. In a 400-line file (three other files open, so context is on), type a new line of
   ``--chars`` characters at a time, press Enter, type the next, ``--lines`` times. For every
   keystroke: the share of the request's serialized messages (compact JSON, as httpx sends
   them) that repeats the previous request's prefix, which is what upstream prompt caches
   (OpenAI, DeepSeek, most gateways) can reuse.
2. Cost. 200 open documents of 2,000 lines each, indexed while idle (as the server does between
   keystrokes); then the time ``ContextService.inline`` takes per request while typing along
   lines in one of them, and at random cursor positions in random documents. The first
   request of a fresh session (nothing indexed yet) is shown too.

    python bench/context.py [--docs 200] [--doc-lines 2000] [--lines 6] [--chars 30]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from vc_lsp.config import Settings
from vc_lsp.context import ContextService
from vc_lsp.documents import Document, Text, new_document
from vc_lsp.inline.service import CompletionQuery, InlineCompleter
from vc_lsp.notify import Notifier
from vc_lsp.upstream.client import UpstreamClient
from vc_lsp.work import Work

WORDS = """order invoice customer cart item price total tax discount account user session token
cache store record report event queue batch page query filter sort limit offset region
country currency amount balance ledger payment refund shipment address status level
score rating review message channel""".split()  # noqa: SIM905


def opened(uri: str, text: str, language: str = "python", *, version: int = 0) -> Document:
    """A document as the editor has it open (the context hooks take documents)."""
    return new_document(uri, text, version=version, language_id=language)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def synthetic_module(rng: random.Random, index: int, lines: int, modules: int) -> str:
    """A plausible Python module: imports of sibling modules, classes, functions."""
    out = ["from __future__ import annotations", ""]
    for k in rng.sample(range(modules), min(4, modules)):
        if k != index:
            out.append(f"from pkg.mod{k} import {WORDS[k % len(WORDS)]}_helper_{k}")
    out.append("")
    n = 0
    while len(out) < lines:
        a, b, c = rng.sample(WORDS, 3)
        if n % 3 == 0:
            out += [f"class {a.title()}{b.title()}{n}:", f'    """Keeps {a} and {b}."""', "",
                    f"    def __init__(self, {a}: int, {b}: str) -> None:",
                    f"        self.{a} = {a}", f"        self.{b} = {b}", "",
                    f"    def {c}_for(self, {c}: float) -> float:",
                    f"        if {c} > self.{a}:", f"            return {c} - self.{a}",
                    f"        return self.{a} * {c}", ""]
        else:
            out += [f"def {a}_{b}_{n}({a}, {c}=None):", "    total = 0",
                    f"    for {b} in {a}:", f"        if {b} and {c}:",
                    f"            total += len(str({b})) + {n}", "    return total", ""]
        n += 1
    out.append(f"def {WORDS[index % len(WORDS)]}_helper_{index}(value):")
    out.append("    return value")
    return "\n".join(out[:lines]) + "\n"


def make_project(root: Path, docs: int, lines: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    (root / "pyproject.toml").write_text("[project]\nname = 'bench'\n")
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    paths = []
    for i in range(docs):
        path = pkg / f"mod{i}.py"
        path.write_text(synthetic_module(rng, i, lines, docs))
        paths.append(path)
    return paths


def service(root: Path, settings: Settings) -> tuple[ContextService, InlineCompleter]:
    context = ContextService(settings, lambda: [str(root)])
    completer = InlineCompleter(UpstreamClient(settings), Work(), Notifier(lambda *_: None),
                                context=context)
    return context, completer


def serialized(completer: InlineCompleter, uri: str, text: Text, offset: int,
               settings: Settings) -> str:
    q = CompletionQuery(uri=uri, text=text, offset=offset, language="python", invoked=False,
                        is_current=lambda: True)
    messages, _ctx, _redaction = completer.prompt(q, settings)
    return json.dumps(messages, ensure_ascii=False, separators=(",", ":"))


def shared(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def typing(text: str, at_line: int, lines: int, chars: int, rng: random.Random
           ) -> list[tuple[str, int]]:
    """(text, cursor) after every keystroke: ``lines`` new lines of ``chars`` characters."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    offset = starts[at_line]
    text = text[:offset] + "    \n" + text[offset:]
    offset += 4
    out = []
    for _ in range(lines):
        for _ in range(chars):
            ch = rng.choice("abcdefghijklmnopqrstuvwxyz_ (.)=+")
            text = text[:offset] + ch + text[offset:]
            offset += 1
            out.append((text, offset))
        text = text[:offset] + "\n    " + text[offset:]
        offset += 5
        out.append((text, offset))
    return out


def reuse(lines: int, chars: int) -> None:
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = make_project(root, 4, 400)
        context, completer = service(root, settings)
        for path in paths[1:]:
            context.on_open(opened(path.as_uri(), path.read_text()))
        path = paths[0]
        uri, text = path.as_uri(), path.read_text()
        context.on_open(opened(uri, text))
        rng = random.Random(3)
        previous = None
        shares: list[float] = []
        for version, (typed, offset) in enumerate(typing(text, 300, lines, chars, rng), 1):
            text = typed
            doc = opened(uri, text, version=version)
            context.on_change(doc, [])
            body = serialized(completer, uri, doc.text, offset, settings)
            if previous is not None:
                shares.append(shared(previous, body) / len(body))
            previous = body
        print(f"prompt reuse, {lines} lines of {chars} characters typed in a 400-line file "
              f"({len(shares)} keystrokes, {len(previous or '')} characters per request):")
        print(f"  shared prefix / serialized messages: mean {statistics.mean(shares):.3f}, "
              f"min {min(shares):.3f}, p05 {pct(shares, 0.05):.3f}   (target: mean >= 0.90)")


def cost(docs: int, doc_lines: int, lines: int, chars: int) -> None:
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = make_project(root, docs, doc_lines)
        context, _completer = service(root, settings)
        texts = {p.as_uri(): p.read_text() for p in paths}
        started = time.perf_counter()
        for version, (uri, text) in enumerate(texts.items()):
            context.on_open(opened(uri, text, version=version))
        opened_ms = (time.perf_counter() - started) * 1000
        first_uri = paths[0].as_uri()
        first_text = texts[first_uri]
        offset = first_text.index("\n", len(first_text) // 2) + 1
        window = (max(0, offset - 6000), offset + 2000)
        started = time.perf_counter()
        context.inline(first_uri, first_text, offset, "python", 0, window, settings)
        first_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        steps = 0
        while context.engine.warm():
            steps += 1
        warm_s = time.perf_counter() - started
        print(f"context cost, {docs} open documents of {doc_lines} lines "
              f"({sum(len(t) for t in texts.values()) / 1e6:.1f} MB):")
        print(f"  didOpen of all {docs}: {opened_ms:.1f} ms; first request before any "
              f"indexing: {first_ms:.1f} ms; idle indexing of the rest: {warm_s:.2f} s "
              f"in {steps} steps of one document each")

        cpu: list[float] = []

        def timed(uri: str, text: str, offset: int) -> float:
            start, start_cpu = time.perf_counter(), time.thread_time()
            window = (max(0, offset - 6000), min(len(text), offset + 2000))
            context.inline(uri, text, offset, "python", None, window, settings)
            cpu.append((time.thread_time() - start_cpu) * 1000)
            return (time.perf_counter() - start) * 1000

        rng = random.Random(5)
        along: list[float] = []
        for version, (text, offset) in enumerate(
                typing(first_text, doc_lines // 2, lines, chars, rng), 1):
            context.on_change(opened(first_uri, text, version=version), [])
            along.append(timed(first_uri, text, offset))
        print(f"  typing along lines ({len(along)} requests):      p50 {pct(along, .5):6.3f} ms"
              f"   p95 {pct(along, .95):6.3f} ms   max {max(along):6.3f} ms   "
              f"(target p95 <= 2 ms)")
        scattered: list[float] = []
        uris = list(texts)
        for _ in range(300):
            uri = rng.choice(uris)
            text = context.docs.get(uri).text  # type: ignore[union-attr]
            offset = rng.randrange(len(text))
            scattered.append(timed(uri, text, offset))
        print(f"  random positions, random documents ({len(scattered)}): "
              f"p50 {pct(scattered, .5):6.3f} ms   p95 {pct(scattered, .95):6.3f} ms   "
              f"max {max(scattered):6.3f} ms")
        every = along + scattered
        print(f"  all {len(every)} requests: p95 {pct(every, .95):6.3f}"
              f" ms wall clock; CPU time of this thread: p50 {pct(cpu, .5):6.3f} ms, "
              f"p95 {pct(cpu, .95):6.3f} ms (less affected by other load on the machine)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--doc-lines", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=6)
    parser.add_argument("--chars", type=int, default=30)
    args = parser.parse_args()
    reuse(args.lines, args.chars)
    cost(args.docs, args.doc_lines, args.lines, args.chars)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(load average {load:.1f} on {os.cpu_count()} cores while measuring: wall-clock "
          f"figures grow with it, CPU time much less)")


if __name__ == "__main__":
    main()
