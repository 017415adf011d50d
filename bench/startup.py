"""Benchmark: process start to the ``initialize`` answer, as an editor waits for it.

Not a test: it prints figures. Each run spawns ``python -m vc_lsp`` with stdin and stdout as
pipes (as an editor does), writes the ``initialize`` request at once, and stops the clock when
the whole answer has been read. The median of several runs is the figure; the machine should be
quiet (no test suite running beside it).

    python bench/startup.py [--runs 15] [--modules] [--checkout DIR]

``--modules`` also prints the slowest imports of one start (``python -X importtime``);
``--checkout /work/main`` times another checkout's server with this interpreter (``python -m``
imports from the working directory), alternating with this one, for a fair comparison on a
busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
INITIALIZE = {
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"processId": None, "rootUri": None, "capabilities": {
        "textDocument": {"inlineCompletion": {}, "completion": {}},
        "workspace": {"applyEdit": True, "configuration": True},
        "window": {"workDoneProgress": True, "showDocument": {"support": True}},
    }, "initializationOptions": {"baseUrl": "http://127.0.0.1:9/v1", "model": "bench"}},
}


def frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_answer(stream: IO[bytes]) -> dict[str, object]:
    """The first message with ``id`` 1 (the server may notify before it)."""
    while True:
        length = 0
        while (line := stream.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if not line:
            raise RuntimeError("the server closed stdout before answering initialize")
        message: dict[str, object] = json.loads(stream.read(length))
        if message.get("id") == 1:
            return message


def cpu_ms(pid: int) -> float:
    """The process's CPU time so far (user + system), where /proc has it; a figure a busy
    machine disturbs less than the wall clock."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def server_env() -> dict[str, str]:
    """The environment a start runs in: a key, none of the developer's ``VC_LSP_*`` settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VC_LSP_")}
    env["VISIONCODER_API_KEY"] = "sk-bench"
    return env


def one_start(env: dict[str, str], python_args: list[str], cwd: Path = ROOT
              ) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *python_args, "-m", "vc_lsp", "--log-level", "WARNING",
         "--log-file", os.devnull],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(frame(INITIALIZE))
    proc.stdin.flush()
    answer = read_answer(proc.stdout)
    elapsed = time.perf_counter() - started
    cpu = cpu_ms(proc.pid)
    if "result" not in answer:
        raise RuntimeError(f"initialize failed: {answer}")
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
    proc.stdin.close()
    proc.wait(10)
    return elapsed * 1000, cpu


def slowest_imports(env: dict[str, str], top: int = 15) -> list[tuple[int, str]]:
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "vc_lsp", "--log-level", "WARNING",
             "--log-file", os.devnull],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(frame(INITIALIZE))
        proc.stdin.flush()
        read_answer(proc.stdout)
        proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.close()
        proc.wait(10)
        err.seek(0)
        rows = []
        for line in err.read().decode(errors="replace").splitlines():
            parts = line.removeprefix("import time:").split("|")
            if len(parts) == 3 and parts[1].strip().isdigit():
                rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--modules", action="store_true", help="print the slowest imports too")
    ap.add_argument("--checkout", type=Path, help="also time the server of this checkout")
    args = ap.parse_args()
    env = server_env()
    roots = {"this checkout": ROOT, **({str(args.checkout): args.checkout.resolve()}
                                       if args.checkout else {})}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in roots}
    for root in roots.values():
        one_start(env, [], root)  # warm the page cache and the .pyc files
    for _ in range(args.runs):
        for name, root in roots.items():
            times[name].append(one_start(env, [], root))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load:.1f}, "
          f"{args.runs} runs each, target <= 600 ms")
    for name, runs in times.items():
        wall = sorted(w for w, _ in runs)
        cpu = sorted(c for _, c in runs)
        print(f"start -> initialize answer ({name}): median {statistics.median(wall):6.1f} ms"
              f" (min {wall[0]:6.1f}, max {wall[-1]:6.1f}); server CPU time median "
              f"{statistics.median(cpu):6.1f} ms")
    if args.modules:
        print("slowest imports of one start (cumulative, ms):")
        for micros, name in slowest_imports(env):
            print(f"  {micros / 1000:7.1f}  {name}")


if __name__ == "__main__":
    main()
