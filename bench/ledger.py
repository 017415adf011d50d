"""Benchmark: what the usage ledger costs the event loop, and how the file holds up when shared.

Not a test: it prints figures.

* record: the time ``Ledger.call_ended`` takes on the event loop per call (it only appends to
  the batch), over ``--calls`` records;
* loop lag: a probe sleeps 1 ms again and again while calls are recorded at ``--rate`` per
  second and the ledger's thread writes them every 250 ms; the probe's overshoot (p50, p99,
  max) with the ledger on, then with no ledger, is what a keystroke would wait behind it;
* write: the ledger thread's time per batch written (one transaction, today's sums read back);
* shared: ``--writers`` processes write ``--calls`` records each into one file at once, in
  batches of 25, as servers in several editors do; the rows counted at the end must be all.

    python bench/ledger.py [--calls 5000] [--rate 2000] [--writers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from vc_lsp.config import Settings
from vc_lsp.upstream.calls import CallRecord
from vc_lsp.upstream.client import ChatRequest
from vc_lsp.usage import ledger as ledger_module
from vc_lsp.usage import store
from vc_lsp.usage.ledger import Ledger
from vc_lsp.work import Work

WRITER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[5])
from vc_lsp.upstream.calls import CallRecord
from vc_lsp.usage import store
path, name, calls, size = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conn = store.connect(path)
print("ready", flush=True)
sys.stdin.readline()
waits = []
for b in range(calls // size):
    batch = store.Batch(calls=[CallRecord(f"{name}-{b}-{i}", "inline", "m", "h", time.time(),
                                          1.0, None, 100, 0, 10, False, "answered", 40, True)
                               for i in range(size)])
    start = time.perf_counter()
    store.write(conn, batch, keep_days=90, max_calls=10_000_000, prune=False)
    waits.append(time.perf_counter() - start)
print(max(waits) * 1000, sum(waits) * 1000, flush=True)
"""

ROOT = str(Path(__file__).resolve().parent.parent)


def record(i: int) -> CallRecord:
    return CallRecord(f"c{i}", "inline", "bench-model", "h", time.time(), 300.0, 120.0, 900, 300,
                      30, False, "answered", 100, True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def lag_probe(stop: asyncio.Event) -> list[float]:
    lags: list[float] = []
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append((time.perf_counter() - start - 0.001) * 1000)
    return lags


async def recording(path: Path | None, calls: int, rate: float) -> tuple[list[float],
                                                                        list[float], Ledger]:
    """Record ``calls`` at ``rate`` per second (no ledger when ``path`` is None); the loop lags
    the probe saw and the time each ``call_ended`` took."""
    work = Work()
    led = Ledger(work, path)
    led.on_settings(Settings())
    req = ChatRequest.for_feature(Settings(), "inline", [])
    stop = asyncio.Event()
    probe = asyncio.ensure_future(lag_probe(stop))
    costs: list[float] = []
    start = time.perf_counter()
    for i in range(calls):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if path is not None:
            t = time.perf_counter()
            led.call_ended(req, record(i))
            costs.append((time.perf_counter() - t) * 1e6)
    await asyncio.sleep(2 * ledger_module.FLUSH_S)
    stop.set()
    lags = await probe
    await led.close()
    return lags, costs, led


async def shared(path: Path, writers: int, calls: int) -> None:
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, "-c", WRITER, str(path), f"w{n}", str(calls), "25", ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE) for n in range(writers)]
    for proc in procs:
        assert proc.stdout is not None
        await proc.stdout.readline()
    start = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
    outs = [await proc.communicate() for proc in procs]
    wall = time.perf_counter() - start
    conn = store.connect(path)
    rows = conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0]
    worst = max(float(out.split()[0]) for out, _ in outs)
    print(f"shared: {writers} processes x {calls} records in batches of 25: {wall:.2f} s, "
          f"{rows} rows of {writers * calls} ({'none lost' if rows == writers * calls else 'LOST'})"
          f"; slowest batch write {worst:.1f} ms (waits for the other writer included)")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=2000.0)
    parser.add_argument("--writers", type=int, default=2)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, sqlite {store.sqlite3.sqlite_version}, "
          f"{os.cpu_count()} cpu(s), load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "usage.sqlite3"
        lags_on, costs, led = await recording(path, args.calls, args.rate)
        lags_off, _, _ = await recording(None, args.calls, args.rate)
        print(f"record: {statistics.median(costs):.1f} µs median, p99 {pct(costs, 0.99):.1f} µs "
              f"per call on the event loop ({args.calls} calls)")
        print(f"loop lag with the ledger: p50 {pct(lags_on, 0.5):.2f} ms, p99 "
              f"{pct(lags_on, 0.99):.2f} ms, max {max(lags_on):.2f} ms "
              f"({led.writes} batch writes on its thread)")
        print(f"loop lag without:         p50 {pct(lags_off, 0.5):.2f} ms, p99 "
              f"{pct(lags_off, 0.99):.2f} ms, max {max(lags_off):.2f} ms")
        conn = store.connect(path)
        rows = conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0]
        print(f"rows written: {rows} of {args.calls}")
        times = []
        for size in (1, 100, 1000):
            batch = store.Batch(calls=[record(i) for i in range(size)])
            start = time.perf_counter()
            store.write(conn, batch, keep_days=90, max_calls=10_000_000, prune=False)
            store.by_feature_model(conn, ledger_module.day_start())
            times.append(f"{size}: {(time.perf_counter() - start) * 1000:.2f} ms")
        print("write (one transaction + today's sums), by batch size: " + ", ".join(times))
        print(f"file size: {path.stat().st_size / 1024:.0f} KiB for {rows + 1101} calls")
        await shared(Path(tmp) / "shared.sqlite3", args.writers, args.calls)


if __name__ == "__main__":
    asyncio.run(main())
