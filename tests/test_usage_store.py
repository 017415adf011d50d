"""The usage file itself: shared by processes writing at once, bounded, summed right; prices."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

from vc_lsp.upstream.calls import CallRecord
from vc_lsp.usage import prices, store
from vc_lsp.usage.acceptance import chars_in

WRITER = """
import sys, time
from pathlib import Path
from vc_lsp.upstream.calls import CallRecord
from vc_lsp.usage import store
path, name, batches, size = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conn = store.connect(path)
print("ready", flush=True)
sys.stdin.readline()  # both start writing at the same moment
for b in range(batches):
    batch = store.Batch(calls=[CallRecord(f"{name}-{b}-{i}", name, "m", "h", time.time(), 1.0,
                                          None, 3, 1, 2, False, "answered", 0, True)
                               for i in range(size)])
    store.write(conn, batch, keep_days=90, max_calls=1_000_000, prune=b % 10 == 0)
print("done", flush=True)
"""


def record(call_id: str = "c", *, ts: float | None = None, outcome: str = "answered",
           prompt: int = 100, cached: int = 0, completion: int = 10,
           model: str = "m", feature: str = "inline") -> CallRecord:
    return CallRecord(call_id, feature, model, "host", time.time() if ts is None else ts,
                      12.5, 3.0, prompt, cached, completion, outcome != "answered",
                      outcome, 10, True)  # type: ignore[arg-type]


async def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    batches, size = 60, 20
    procs = []
    for name in ("one", "two"):
        procs.append(await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRITER, str(path), name, str(batches), str(size),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ}))
    for proc in procs:
        assert proc.stdout is not None
        assert (await proc.stdout.readline()).strip() == b"ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
    for proc in procs:
        assert await asyncio.wait_for(proc.wait(), 120) == 0
    conn = store.connect(path)
    by = store.by_feature_model(conn, 0)
    assert by[("one", "m")].calls == batches * size
    assert by[("two", "m")].calls == batches * size
    assert by[("one", "m")].prompt == 3 * batches * size
    ids = conn.execute("SELECT COUNT(DISTINCT call_id) FROM calls").fetchone()[0]
    assert ids == 2 * batches * size


def test_the_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "state" / "vc-lsp" / "usage.sqlite3"
    conn = store.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700


def test_pruning_bounds_the_file(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "u.sqlite3")
    old = time.time() - 100 * 86_400
    batch = store.Batch(calls=[record(f"old{i}", ts=old) for i in range(5)]
                        + [record(f"new{i}") for i in range(50)])
    store.write(conn, batch, keep_days=90, max_calls=20, prune=True)
    left = [row[0] for row in conn.execute("SELECT call_id FROM calls ORDER BY id")]
    assert left == [f"new{i}" for i in range(30, 50)]  # the old ones, then the oldest, went


def test_sums_by_feature_model_and_outcome(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "u.sqlite3")
    batch = store.Batch(calls=[
        record("a", prompt=100, cached=40, completion=10),
        record("b", prompt=200, completion=20, outcome="cancelled"),
        record("c", prompt=0, completion=0, outcome="failed", model="n", feature="actions"),
    ])
    store.write(conn, batch, keep_days=90, max_calls=100, prune=False)
    by = store.by_feature_model(conn, 0)
    inline = by[("inline", "m")]
    assert (inline.calls, inline.answered, inline.cancelled) == (2, 1, 1)
    assert (inline.prompt, inline.cached, inline.completion) == (300, 40, 30)
    assert by[("actions", "n")].failed == 1
    outcomes = store.by_outcome(conn, 0)
    assert outcomes["cancelled"].prompt == 200 and outcomes["answered"].completion == 10
    assert store.totals(by).total == 330


def test_acceptance_events_update_the_suggestion(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "u.sqlite3")
    rows = [{"id": f"s{i}", "ts": time.time(), "feature": "inline", "model": "m",
             "call_id": "a", "language": "python", "chars": 10} for i in range(3)]
    store.write(conn, store.Batch(suggestions=rows, events=[
        ("s0", "accepted", 10), ("s1", "partial", 4), ("s2", "shown", 0),
        ("s1", "partial", 2),  # a shorter partial acceptance later does not lower it
    ]), keep_days=90, max_calls=100, prune=False)
    a = store.acceptance(conn, 0)["inline"]
    assert (a.offered, a.shown, a.accepted, a.partial, a.accepted_chars) == (3, 3, 1, 1, 14)


@pytest.mark.parametrize(("price", "expected"), [
    ({"input": 1.0, "output": 2.0}, (1000 * 1.0 + 100 * 2.0) / 1e6),  # cached at input price
    ({"input": 1.0, "cachedInput": 0.1, "output": 2.0}, (600 + 400 * 0.1 + 200) / 1e6),
    ({"output": 2.0}, 200 / 1e6),
])
def test_prices(price: dict[str, float], expected: float) -> None:
    assert prices.cost({"m": price}, "m", 1000, 400, 100) == pytest.approx(expected)


def test_a_model_without_a_price_has_no_cost_unless_a_default_is_set() -> None:
    assert prices.cost({"m": {"input": 1}}, "other", 10, 0, 10) is None
    assert prices.cost({"*": {"input": 1e6}}, "other", 1, 0, 0) == pytest.approx(1.0)
    assert prices.money(0.00123, "USD") == "$0.0012"
    assert prices.money(12.5, "EUR") == "€12.50"
    assert prices.money(3, "CHF") == "3.00 CHF"


@pytest.mark.parametrize(("text", "units", "chars"), [
    ("abc", 2, 2), ("abc", 9, 3), ("a😀b", 1, 1), ("a😀b", 2, 1), ("a😀b", 3, 2),
    ("é中", 2, 2), ("", 4, 0),
])
def test_accepted_length_in_utf16_units(text: str, units: int, chars: int) -> None:
    assert chars_in(text, units) == chars
