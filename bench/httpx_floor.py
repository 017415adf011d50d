"""Reference figure: one streamed chat request with httpx on loopback, nothing else.

A minimal HTTP server in a child process answers at once with a two-event SSE body; the figure is
the least any httpx-based client can spend per completion on this machine, which puts the
server overhead printed by ``inline_latency.py`` in proportion.

    python bench/httpx_floor.py [--runs 500]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import time

import httpx
from httpx_sse import EventSource

BODY = (b'data: {"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}\n\n'
        b"data: [DONE]\n\n")


def _serve(port: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY))
            await writer.drain()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


async def measure(port: int, runs: int) -> list[float]:
    transport = httpx.AsyncHTTPTransport(
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    body = {"model": "x", "messages": [{"role": "user", "content": "y" * 3000}], "stream": True}
    out: list[float] = []
    async with httpx.AsyncClient(transport=transport) as client:
        for _ in range(runs + 50):
            t0 = time.perf_counter()
            async with client.stream("POST", f"http://127.0.0.1:{port}/v1/chat/completions",
                                     json=body) as response:
                async for _event in EventSource(response).aiter_sse():
                    pass
            out.append((time.perf_counter() - t0) * 1000)
    return sorted(out[50:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = multiprocessing.Process(target=_serve, args=(port,), daemon=True)
    server.start()
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        times = asyncio.run(measure(port, args.runs))
    finally:
        server.terminate()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(f"httpx streamed request on loopback (floor)   p50 {p50:7.2f} ms   p95 {p95:7.2f} ms"
          f"   (n={len(times)})")


if __name__ == "__main__":
    main()
