"""Benchmark: the API under load, against a static file from the same server in the same run.

Starts ``uvicorn meili.web.app:create_app`` (one worker: the configuration ``meili serve``
uses by default; ``--workers N`` to change) on loopback with a fresh initialised store, then
drives 64 concurrent keep-alive clients (a small asyncio HTTP/1.1 client, a fixed number of
requests per phase) first at ``/static/meili.css``, then at public reads of the API
(zones, one zone, divisions, one division, framework, indicators, rounds). Prints p50, p95
and max latency and errors per phase, and the ratio of the API's p95 to the static file's.

Goal: p95 of public reads ≤ 1.5 × the static file's p95, and 0 errors.
Usage: ``python benchmarks/bench_api.py [--requests N] [--clients C] [--workers W]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PUBLIC = [
    "/api/v1/zones",
    "/api/v1/zones/R-JJJ",
    "/api/v1/zones?tier=city",
    "/api/v1/divisions?level=province",
    "/api/v1/divisions/441600",
    "/api/v1/framework",
    "/api/v1/framework/indicators?area=env",
    "/api/v1/rounds",
]
STATIC = ["/static/meili.css"]
GOAL = 1.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _client(port: int, paths: list[str], n: int, lat: list[float], errors: list[str]):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for i in range(n):
            path = paths[i % len(paths)]
            t0 = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
            await writer.drain()
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            lat.append(time.perf_counter() - t0)
            code = int(status.split()[1]) if status else 0
            if code != 200:
                errors.append(f"{path}: {code}")
    finally:
        writer.close()


async def _phase(port: int, paths: list[str], requests: int, clients: int):
    lat: list[float] = []
    errors: list[str] = []
    each = max(1, requests // clients)
    t0 = time.perf_counter()
    await asyncio.gather(*(_client(port, paths, each, lat, errors) for _ in range(clients)))
    wall = time.perf_counter() - t0
    ms = np.array(lat) * 1000
    return {
        "requests": len(lat),
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "max": float(ms.max()),
        "rps": len(lat) / wall,
        "errors": errors,
    }


def _wait(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=6400)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MEILI_HOME": str(Path(tmp) / "home")}
        env.pop("MEILI_DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-c", "from meili import bootstrap; bootstrap.initialise()"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "meili.web.app:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
                "--log-level", "warning", "--no-access-log",
            ],
            env=env,
        )  # fmt: skip
        try:
            _wait(port, server)
            asyncio.run(_phase(port, STATIC + PUBLIC, 400, 8))  # warm up every path
            static = asyncio.run(_phase(port, STATIC, args.requests, args.clients))
            public = asyncio.run(_phase(port, PUBLIC, args.requests, args.clients))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"server           uvicorn, {args.workers} worker(s), loopback; {args.clients} clients")
    for name, r in (("static file", static), ("public reads", public)):
        print(
            f"{name:<16} {r['requests']} requests  p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  "
            f"max {r['max']:.1f} ms  {r['rps']:.0f} req/s  errors {len(r['errors'])}"
        )
    ratio = public["p95"] / static["p95"]
    ok = ratio <= GOAL and not public["errors"] and not static["errors"]
    verdict = "ok" if ok else "MISSED"
    print(f"ratio            p95 public / static = {ratio:.2f} (goal ≤ {GOAL}) {verdict}")
    for e in (public["errors"] + static["errors"])[:5]:
        print("error", e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
