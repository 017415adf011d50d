"""Benchmark: the inline cleanup's cost per completion, and each grammar's load time.

Not a test: it prints figures. Each sample is a realistic file (about 6000 characters before the
cursor, 2000 after, as the server cuts them) and an 8-line answer wrapped the way chat models
wrap it (tags, a fence with prose around it, reasoning). "clean" is one final ``clean`` call;
"stream" adds the ``is_complete`` calls the server makes while the answer streams (one per
line), which is the cleanup's whole cost for one completion. Grammars are loaded before timing
(their first-use load time is printed separately, measured in a fresh process each).

    python bench/cleanup.py [--runs 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from vc_lsp import syntax
from vc_lsp.inline.cleanup import clean, is_complete
from vc_lsp.inline.context import CursorContext, cut

PY_FN = "def helper_{i}(items, limit=10):\n    out = []\n    for item in items[:limit]:\n" \
        "        out.append(item * {i})\n    return out\n\n\n"
JS_FN = "function helper{i}(items, limit = 10) {{\n  const out = [];\n" \
        "  for (const item of items.slice(0, limit)) {{\n    out.push(item * {i});\n  }}\n" \
        "  return out;\n}}\n\n"
GO_FN = "func helper{i}(items []int, limit int) []int {{\n\tout := []int{{}}\n" \
        "\tfor _, item := range items[:limit] {{\n\t\tout = append(out, item*{i})\n\t}}\n" \
        "\treturn out\n}}\n\n"

SAMPLES = {
    "python": (PY_FN, "def total(rows):\n    |\n\n\n",
               "<completion>result = 0\n    for row in rows:\n        if row.valid:\n"
               "            result += row.amount\n        else:\n            skipped += 1\n"
               "    log(result)\n    return result</completion>"),
    "javascript": (JS_FN, "function total(rows) {\n  |\n}\n\n",
                   "Here is the completion:\n\n```javascript\nlet result = 0;\n"
                   "for (const row of rows) {\n  if (row.valid) {\n    result += row.amount;\n"
                   "  }\n}\nlog(result);\nreturn result;\n}\n```\n\nThis sums the valid rows."),
    "go": (GO_FN, "func total(rows []Row) int {\n\t|\n}\n\n",
           "<think>\nSum the valid rows.\n</think>\n<completion>result := 0\n"
           "\tfor _, row := range rows {\n\t\tif row.Valid {\n\t\t\tresult += row.Amount\n\t\t}\n"
           "\t}\n\tlog(result)\n\treturn result\n}</completion>"),
    "kotlin (no grammar)": (JS_FN, "fun total(rows: List<Row>): Int {\n    |\n}\n\n",
                            "```kotlin\nvar result = 0\n    for (row in rows) {\n"
                            "        if (row.valid) {\n            result += row.amount\n"
                            "        }\n    }\n    log(result)\n    return result\n}\n```"),
}
LANGUAGE_ID = {"kotlin (no grammar)": "kotlin"}


def context(language: str, template: str, doc: str) -> CursorContext:
    body = "".join(template.format(i=i) for i in range(60))
    before, after = doc.split("|")
    text = body + before + after + body
    return cut(text, len(body + before), language=language, path="/bench/file",
               prefix_chars=6000, suffix_chars=2000)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def stream_cost(raw: str, ctx: CursorContext) -> None:
    """What the server runs for one completion: is_complete per streamed line, then clean."""
    for i, ch in enumerate(raw):
        if ch == "\n" and is_complete(raw[: i + 1], ctx):
            break
    clean(raw, ctx)


def load_times() -> dict[str, float]:
    """First-use load time of each grammar, each in a fresh interpreter (nothing cached)."""
    code = ("import json, sys; from vc_lsp import syntax; syntax.language(sys.argv[1]);"
            "print(json.dumps(syntax.load_ms))")
    out: dict[str, float] = {}
    for lang in ("python", "javascript", "typescript", "go", "rust", "java", "c", "cpp",
                 "ruby", "lua"):
        res = subprocess.run([sys.executable, "-c", code, lang], capture_output=True,
                             text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
        out[lang] = json.loads(res.stdout)[lang]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    args = ap.parse_args()
    print("grammar load at first use (fresh process each):")
    for lang, ms in load_times().items():
        print(f"  {lang:<12} {ms:6.2f} ms")
    print(f"\ncleanup per completion, 8-line answers, grammar loaded, {args.runs} runs:")
    all_clean: list[float] = []
    all_cpu: list[float] = []
    all_stream: list[float] = []
    for name, (template, doc, raw) in SAMPLES.items():
        language = LANGUAGE_ID.get(name, name)
        ctx = context(language, template, doc)
        syntax.language(language)
        answer = clean(raw, ctx)
        assert answer.count("\n") >= 6, (name, answer)
        clean_ms, stream_ms, cpu_ms = [], [], []
        for _ in range(args.runs):
            # a fresh context each run, as each completion has: no cache carries over
            fresh = CursorContext(ctx.prefix + "", ctx.suffix + "", ctx.language, ctx.filename)
            c0, t0 = time.thread_time(), time.perf_counter()
            clean(raw, fresh)
            t1, c1 = time.perf_counter(), time.thread_time()
            stream_cost(raw, CursorContext(ctx.prefix + " ", ctx.suffix, ctx.language,
                                           ctx.filename))
            t2 = time.perf_counter()
            clean_ms.append((t1 - t0) * 1000)
            cpu_ms.append((c1 - c0) * 1000)
            stream_ms.append((t2 - t1) * 1000)
        all_clean += clean_ms
        all_cpu += cpu_ms
        all_stream += stream_ms
        print(f"  {name:<20} clean p50 {pct(clean_ms, .5):5.3f} p95 {pct(clean_ms, .95):5.3f} ms"
              f" (cpu p95 {pct(cpu_ms, .95):5.3f})   stream+clean p50 {pct(stream_ms, .5):5.3f}"
              f" p95 {pct(stream_ms, .95):5.3f} ms")
    print(f"  {'all':<20} clean p50 {pct(all_clean, .5):5.3f} p95 {pct(all_clean, .95):5.3f} ms"
          f" (cpu p95 {pct(all_cpu, .95):5.3f})   stream+clean p50 {pct(all_stream, .5):5.3f}"
          f" p95 {pct(all_stream, .95):5.3f} ms   (target p95 <= 1 ms; mean clean"
          f" {statistics.mean(all_clean):.3f} ms)")
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
          " (wall-clock p95 grows with it; the cpu column does not)")


if __name__ == "__main__":
    main()
