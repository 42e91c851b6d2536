"""Benchmark: the workflow under load, against a static file from the same server, same run.

Builds a store with 300 city zones, 10 years of reported indicator values for each (the
``stats`` ingest), a computed round published for every zone, and 1,000 plan versions
(250 plans submitted and returned four times, some approved); gives each of the 64
clients a user, a token, a draft plan and a submitted plan of its own zone. Then starts
``uvicorn meili.web.app:create_app`` (one worker, as ``meili serve``) on loopback and runs
64 concurrent keep-alive clients through four phases of the same number of requests:

- static file ``/static/meili.css`` (the baseline);
- public reads of the API (zones, a zone, its targets, approved plans, rounds, a round's
  verdicts for a zone);
- zone pages (``/zones/<code>``, HTML);
- authenticated writes: each client edits its draft (``PUT`` with ``If-Match``, the ETag of
  its previous answer) and comments on its submitted plan, alternately — every write one
  transaction that appends to the audit chain.

Prints p50, p95, max and errors per phase and the ratios of p95 to the static file's.
Goals: public reads and zone pages ≤ 1.5 ×, authenticated writes ≤ 4 ×, 0 errors; the
chain is verified after the run. ``--database-url postgresql+psycopg://…`` runs it on
PostgreSQL (a fresh schema, dropped afterwards).

Usage: ``python benchmarks/bench_workflow.py [--requests N] [--clients C] [--workers W]
[--database-url URL]``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from bench_api import _free_port, _wait
from sqlalchemy import create_engine, select, text

from meili import bootstrap
from meili.assess.rounds import run_round
from meili.db import audit
from meili.db.models import Division
from meili.db.session import engine, session
from meili.ingest.pipeline import ingest_paths
from meili.registry.zones import ZoneSpec, save_zones
from meili.workflow import accounts, documents, review
from meili.workflow.frameworks import zone_framework
from meili.workflow.publication import publish_round
from meili.workflow.roles import Actor, Grant
from meili.workflow.submissions import reported_indicators

GOAL_READ = 1.5
GOAL_WRITE = 4.0
ZONES = 300
YEARS = range(2015, 2025)
PLANS = 250
VERSIONS_EACH = 4


# ---- the store ---------------------------------------------------------------------------


def build(clients: int) -> dict:
    """Fill the store named by the environment; returns what the clients need."""
    t0 = time.perf_counter()
    bootstrap.initialise(samples=False, sites=False)
    with session(write=True) as s:
        prefectures = list(
            s.scalars(
                select(Division)
                .where(Division.level == "prefecture", Division.current.is_(True))
                .order_by(Division.code)
                .limit(ZONES)
            )
        )
        specs = [
            ZoneSpec(
                code=f"C-{d.code}",
                name_zh=f"{d.name}先行区",
                name_en=f"Zone {d.code}",
                tier="city",
                members=[d.code],
            )
            for d in prefectures
        ]
        save_zones(s, specs, mode="add", actor="bench")
        codes = [z.code for z in specs]
        indicators = [i.code for i in reported_indicators(zone_framework(s, codes[0]), "city")]
        units = {i.code: i.unit for i in zone_framework(s, codes[0]).indicators}
    rng = np.random.default_rng(2027)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stats.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["area_code", "year", "indicator", "value", "unit", "source"])
            for zone in codes:
                for year in YEARS:
                    for code in indicators:
                        value = round(float(rng.uniform(40, 99)), 1)
                        writer.writerow([zone, year, code, value, units[code], "bench"])
        (result,) = ingest_paths("stats", [path], user="bench")
    values = result.rows_landed
    t_data = time.perf_counter()
    run_round("bench", YEARS[-1], first_year=YEARS[0])
    ministry = Actor("bench-ministry", (Grant("admin"),), user_id=-1)
    with session(write=True) as s:
        publish_round(s, ministry, "bench")
    t_round = time.perf_counter()
    plan = {
        "specialty": "基准测试",
        "targets": [{"indicator": indicators[0], "target_value": 90}],
        "tasks": [
            {"key": "T1", "title": "任务", "department": "生态环境局", "deadline": "2026-12-31"}
        ],
    }
    versions = 0
    for i in range(PLANS):
        zone = codes[clients + i % (len(codes) - clients)]
        with session(write=True) as s:
            doc = documents.create(s, ministry, "plan", zone, f"方案 {i}", plan)
            for v in range(VERSIONS_EACH):
                edited = {**plan, "specialty": f"基准测试 第 {v + 1} 稿"}
                documents.edit(s, ministry, doc, edited)
                documents.submit(s, ministry, doc)
                versions += 1
                if v < VERSIONS_EACH - 1 or i % 5:
                    review.return_(s, ministry, doc, "请修改")
                else:
                    review.approve(s, ministry, doc)  # every fifth plan approved
    t_plans = time.perf_counter()
    users = []
    for k in range(clients):
        zone = codes[k]
        with session(write=True) as s:
            user = accounts.add_user(
                s, f"bench{k}", "bench password 1", role="city_editor", zone=zone, by="bench"
            )
            secret, _ = accounts.issue(s, user, "token", label="bench")
            actor = accounts.actor_of(user)
            draft = documents.create(s, actor, "plan", zone, "草稿", plan)
            submitted = documents.create(s, actor, "plan", zone, "已提交", plan)
            documents.submit(s, actor, submitted)
            users.append(
                {
                    "token": secret,
                    "zone": zone,
                    "draft": draft.id,
                    "lock": draft.lock,
                    "submitted": submitted.id,
                }
            )
    t_users = time.perf_counter()
    return {
        "zones": codes,
        "users": users,
        "indicators": len(indicators),
        "values": values,
        "versions": versions + clients,
        "seconds": {
            "data": t_data - t0,
            "round": t_round - t_data,
            "plans": t_plans - t_round,
            "users": t_users - t_plans,
        },
        "plan": plan,
    }


# ---- clients -----------------------------------------------------------------------------


async def _request(reader, writer, method: str, path: str, headers: dict, body: bytes = b""):
    lines = [f"{method} {path} HTTP/1.1", "Host: bench", *(f"{k}: {v}" for k, v in headers.items())]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    status = await reader.readline()
    length, etag = 0, None
    while (line := await reader.readline()) not in (b"\r\n", b""):
        low = line.lower()
        if low.startswith(b"content-length:"):
            length = int(line.split(b":")[1])
        elif low.startswith(b"etag:"):
            etag = line.split(b":", 1)[1].strip().decode()
    await reader.readexactly(length)
    return (int(status.split()[1]) if status else 0), etag


async def _reader_client(port: int, paths: list[str], n: int, lat: list, errors: list) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for i in range(n):
            path = paths[i % len(paths)]
            t0 = time.perf_counter()
            code, _ = await _request(reader, writer, "GET", path, {})
            lat.append(time.perf_counter() - t0)
            if code != 200:
                errors.append(f"GET {path}: {code}")
    finally:
        writer.close()


async def _writer_client(port: int, user: dict, plan: dict, n: int, lat: list, errors: list):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    auth = {"Authorization": f"Bearer {user['token']}"}
    etag = f'"{user["lock"]}"'
    try:
        for i in range(n):
            t0 = time.perf_counter()
            if i % 2 == 0:
                body = json.dumps({"content": {**plan, "specialty": f"第 {i} 次修改"}}).encode()
                code, new = await _request(
                    reader,
                    writer,
                    "PUT",
                    f"/api/v1/plans/{user['draft']}",
                    {**auth, "If-Match": etag},
                    body,
                )
                etag = new or etag
                ok = 200
            else:
                body = json.dumps({"section": "targets", "body": f"意见 {i}"}).encode()
                code, _ = await _request(
                    reader,
                    writer,
                    "POST",
                    f"/api/v1/plans/{user['submitted']}/comments",
                    auth,
                    body,
                )
                ok = 201
            lat.append(time.perf_counter() - t0)
            if code != ok:
                errors.append(f"write {i % 2}: {code}")
    finally:
        writer.close()


def _stats(lat: list, errors: list, wall: float) -> dict:
    ms = np.array(lat) * 1000
    return {
        "requests": len(lat),
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "max": float(ms.max()),
        "rps": len(lat) / wall,
        "errors": errors,
    }


async def _reads(port: int, paths: list[str], requests: int, clients: int) -> dict:
    lat: list = []
    errors: list = []
    t0 = time.perf_counter()
    each = max(1, requests // clients)
    await asyncio.gather(*(_reader_client(port, paths, each, lat, errors) for _ in range(clients)))
    return _stats(lat, errors, time.perf_counter() - t0)


async def _writes(port: int, users: list[dict], plan: dict, requests: int) -> dict:
    lat: list = []
    errors: list = []
    t0 = time.perf_counter()
    each = max(2, requests // len(users))
    await asyncio.gather(*(_writer_client(port, u, plan, each, lat, errors) for u in users))
    return _stats(lat, errors, time.perf_counter() - t0)


# ---- main --------------------------------------------------------------------------------


def _postgres_schema(url: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    sep = "&" if "?" in url else "?"
    return schema, f"{url}{sep}options=-csearch_path%3D{schema}"


def _drop_schema(url: str, schema: str) -> None:
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=6400)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("MEILI_BENCH_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MEILI_HOME"] = str(Path(tmp) / "home")
        schema = None
        if args.database_url:
            schema, url = _postgres_schema(args.database_url)
            os.environ["MEILI_DATABASE_URL"] = url
        else:
            os.environ.pop("MEILI_DATABASE_URL", None)
        try:
            return _run(args)
        finally:
            if schema:
                engine().dispose()
                _drop_schema(args.database_url, schema)


def _run(args: argparse.Namespace) -> int:
    made = build(args.clients)
    engine().dispose()
    zones = made["zones"]
    public = [
        "/api/v1/zones",
        f"/api/v1/zones/{zones[1]}",
        f"/api/v1/zones/{zones[2]}/targets",
        "/api/v1/plans",
        "/api/v1/rounds",
        f"/api/v1/rounds/bench/verdicts?zone={zones[3]}",
    ]
    pages = [f"/zones/{z}" for z in zones[:16]]
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "meili.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=dict(os.environ),
    )
    try:
        _wait(port, server)
        asyncio.run(_reads(port, ["/static/meili.css", *public, *pages], 400, 8))  # warm up
        static = asyncio.run(_reads(port, ["/static/meili.css"], args.requests, args.clients))
        reads = asyncio.run(_reads(port, public, args.requests, args.clients))
        zone_pages = asyncio.run(_reads(port, pages, args.requests, args.clients))
        writes = asyncio.run(_writes(port, made["users"], made["plan"], args.requests))
    finally:
        server.terminate()
        server.wait(timeout=30)
    with session() as s:
        entries, broken = audit.verify(s)
    db = "PostgreSQL" if args.database_url else "SQLite"
    secs = ", ".join(f"{k} {v:.0f} s" for k, v in made["seconds"].items())
    print(
        f"store            {db}; {len(zones)} zones, {made['values']} values "
        f"({len(YEARS)} years × {made['indicators']} indicators), {made['versions']} plan "
        f"versions; built in {secs}"
    )
    print(f"server           uvicorn, {args.workers} worker(s), loopback; {args.clients} clients")
    phases = [
        ("static file", static, None),
        ("public reads", reads, GOAL_READ),
        ("zone pages", zone_pages, GOAL_READ),
        ("signed-in writes", writes, GOAL_WRITE),
    ]
    ok = True
    for name, r, goal in phases:
        ratio = r["p95"] / static["p95"]
        verdict = ""
        if goal is not None:
            good = ratio <= goal and not r["errors"]
            ok &= good
            verdict = f"  ratio {ratio:.2f} (goal ≤ {goal}) {'ok' if good else 'MISSED'}"
        print(
            f"{name:<16} {r['requests']} requests  p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms"
            f"  max {r['max']:.1f} ms  {r['rps']:.0f} req/s  errors {len(r['errors'])}{verdict}"
        )
        for e in r["errors"][:3]:
            print("  error", e)
    chain = "intact" if broken is None else f"BROKEN at {broken.seq}: {broken.problem}"
    print(f"audit chain      {entries} entries, {chain}")
    print("overall          " + ("ok" if ok and broken is None else "MISSED"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
