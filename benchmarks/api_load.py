"""Live routing under load: concurrent clients against ``deskmix serve`` on PostgreSQL.

Run from the repository root with a PostgreSQL server reachable (default: ``$DESKMIX_TEST_PG``,
else ``postgresql+psycopg://postgres@127.0.0.1:5432/test``):

    .venv/bin/python benchmarks/api_load.py [--clients 8] [--workers 1] [--routes 6000]

What it does: makes a fresh schema, creates an admin token, starts ``deskmix serve --workers N
--team examples/teams/company-300.yaml`` as a subprocess (uvicorn), and runs ``--clients``
concurrent clients on loopback. Each client routes a ticket (POST /api/route), then completes
every ticket it holds (POST /api/live/tickets/{id}/complete); a completion may hand the freed
agent a queued ticket, which that client then completes too. At the end every ticket is done.

It prints route decisions per second, p50/p99 latency per request type, 5xx count and the
double-assignment check, made on the store afterwards: for every agent, the intervals
[assigned, done] of the tickets it held must not overlap, and every routed ticket must exist
exactly once. Targets: >= 500 route decisions/s, p99 < 50 ms, 0 double assignments, 0 5xx.

The clients speak HTTP/1.1 over asyncio streams (keep-alive, one connection each) rather than
through an HTTP library, so the load generator's own CPU (it shares the machine with the
server and PostgreSQL) stays small and the figures measure the server. It prints the CPU the
client, the server's processes and PostgreSQL's processes used during the measured run (from
/proc, Linux) and the load average: on a shared machine a low rate with a server far from a
full core means the machine was busy, not that the server was slow.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PG = os.environ.get("DESKMIX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEFAULT_TEAM = REPO / "examples" / "teams" / "company-300.yaml"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    routed: list[str] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough of the protocol for JSON."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        assert self.reader is not None and self.writer is not None
        payload = json.dumps(body).encode() if body is not None else b""
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode()
        self.writer.write(head + payload)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        data = await self.reader.readexactly(length) if length else b""
        return status, (json.loads(data) if data else None)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def ticket_mix(rng: random.Random, domains: list[str]) -> dict[str, Any]:
    tier = "specialist" if rng.random() < 0.3 else "generalist"
    priority = rng.choices([1, 2, 3, 4, 5], weights=[2, 8, 50, 30, 10])[0]
    return {"domain": rng.choice(domains), "tier": tier, "priority": priority}


async def client(
    number: int,
    host: str,
    port: int,
    token: str,
    domains: list[str],
    quota: int,
    tally: Tally,
    prefix: str,
) -> None:
    rng = random.Random(number)
    conn = Connection(host, port, token)
    await conn.open()
    pending: list[str] = []

    async def call(kind: str, path: str, body: dict[str, Any] | None) -> Any:
        started = time.perf_counter()
        status, answer = await conn.post(path, body)
        tally.latencies[kind].append(time.perf_counter() - started)
        tally.statuses[status] += 1
        if status != 200:
            tally.errors.append(f"{kind} {path}: {status} {answer}")
            return None
        return answer

    def take(answer: Any) -> None:
        for handed in answer["handed"]:
            pending.append(handed["id"])

    try:
        for i in range(quota):
            key = f"{prefix}c{number}-{i}"
            answer = await call("route", "/api/route", {"id": key, **ticket_mix(rng, domains)})
            if answer is not None:
                tally.routed.append(key)
                state = answer["ticket"]["state"]
                tally.decisions[state] += 1
                if state in ("assigned", "msp"):
                    pending.append(key)
                take(answer)
            while pending:
                done = await call("complete", f"/api/live/tickets/{pending.pop()}/complete", None)
                if done is not None:
                    take(done)
    finally:
        await conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fresh_schema(base_url: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in base_url else "?"
    return schema, f"{base_url}{sep}options=-csearch_path%3D{schema}"


def drop_schema(base_url: str, schema: str) -> None:
    engine = create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def wait_healthy(port: int, server: subprocess.Popen[bytes], timeout: float = 300.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"deskmix serve exited with code {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("deskmix serve did not become healthy in time")


def check_store(url: str, routed: list[str]) -> dict[str, int]:
    """Double assignments (overlapping holds per agent), missing/duplicate tickets, leftovers."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT key, agent_id, state, assigned_at, done_at FROM live_tickets")
        ).all()
        busy_agents = conn.execute(
            text("SELECT count(*) FROM live_agents WHERE ticket_id IS NOT NULL")
        ).scalar_one()
    engine.dispose()
    holds: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for row in rows:
        if row.agent_id is not None and row.assigned_at is not None:
            end = row.done_at.timestamp() if row.done_at else float("inf")
            holds[row.agent_id].append((row.assigned_at.timestamp(), end))
    overlaps = 0
    for spans in holds.values():
        spans.sort()
        overlaps += sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
    keys = [r.key for r in rows]
    return {
        "double_assignments": overlaps,
        "tickets_in_store": len(keys),
        "missing": len(set(routed) - set(keys)),
        "duplicates": len(keys) - len(set(keys)),
        "not_done": sum(1 for r in rows if r.state != "done"),
        "agents_still_busy": int(busy_agents),
    }


async def run_clients(
    port: int, token: str, domains: list[str], clients: int, routes: int, tally: Tally, prefix: str
) -> float:
    per_client = routes // clients
    started = time.perf_counter()
    await asyncio.gather(
        *(
            client(n, "127.0.0.1", port, token, domains, per_client, tally, prefix)
            for n in range(clients)
        )
    )
    return time.perf_counter() - started


def _proc_stats() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command, CPU seconds used) for every process we can read (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[int, str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        out[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / tick)
    return out


def cpu_use(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server's process tree and by PostgreSQL's processes
    (whoever they serve: the figure is only as clean as the machine is quiet)."""
    stats = _proc_stats()
    tree = {server_pid}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _, _) in stats.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return {
        "server": sum(stats[p][2] for p in tree if p in stats),
        "postgres": sum(cpu for _, name, cpu in stats.values() if name.startswith("postgres")),
    }


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) * 1000 if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL URL (a schema is made)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="deskmix serve --workers")
    parser.add_argument("--routes", type=int, default=6000, help="Route requests in all")
    parser.add_argument("--team", type=Path, default=DEFAULT_TEAM)
    parser.add_argument("--policy", default="generalist_first")
    parser.add_argument("--fast-routing", action="store_true", help="deskmix serve --fast-routing")
    args = parser.parse_args(argv)

    from deskmix.api.tokens import create_token
    from deskmix.store import open_store
    from deskmix.teamfiles import load_team

    team = load_team(args.team)
    domains = sorted({d for a in team.agents for d in a.skills})
    schema, url = fresh_schema(args.pg)
    store = open_store(url)
    token, _ = create_token(store, "api_load benchmark", ["route"])
    store.dispose()
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="deskmix-serve-", suffix=".log")[1])
    command = [
        sys.executable,
        "-c",
        "from deskmix.cli.app import main; main()",
        "serve",
        "--db",
        url,
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--team",
        str(args.team),
        "--policy",
        args.policy,
        *(["--fast-routing"] if args.fast_routing else []),
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    tally, warm = Tally(), Tally()
    try:
        wait_healthy(port, server)
        # Warm-up: every worker builds its team views and connection pool.
        asyncio.run(run_clients(port, token, domains, args.clients, args.clients * 10, warm, "w"))
        before, client_before = cpu_use(server.pid), time.process_time()
        elapsed = asyncio.run(
            run_clients(port, token, domains, args.clients, args.routes, tally, "r")
        )
        after, client_cpu = cpu_use(server.pid), time.process_time() - client_before
        load = os.getloadavg()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    checks = check_store(url, tally.routed + warm.routed)
    drop_schema(args.pg, schema)

    routes = len(tally.latencies["route"])
    completes = len(tally.latencies["complete"])
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    every = tally.latencies["route"] + tally.latencies["complete"]
    print(
        f"deskmix serve --workers {args.workers} on PostgreSQL, team {team.name} "
        f"({len(team.agents)} agents), policy {args.policy}, {args.clients} clients, "
        f"{os.cpu_count()} cores" + (", fast routing" if args.fast_routing else ", durable routing")
    )
    print(f"  route decisions:  {routes:,} in {elapsed:.2f} s = {routes / elapsed:,.0f}/s")
    print(f"  completions:      {completes:,} ({(routes + completes) / elapsed:,.0f} requests/s)")
    print(f"  decisions:        {dict(tally.decisions)}")
    kinds = [("route", tally.latencies["route"]), ("complete", tally.latencies["complete"])]
    for kind, values in [*kinds, ("all", every)]:
        print(
            f"  latency {kind:<9} p50 {percentile(values, 50):6.1f} ms   "
            f"p99 {percentile(values, 99):6.1f} ms   max {percentile(values, 100):6.1f} ms"
        )
    used = {name: after[name] - before[name] for name in after}
    print(
        f"  CPU (% of one core): client {client_cpu / elapsed:.0%}, server "
        f"{used['server'] / elapsed:.0%}, PostgreSQL {used['postgres'] / elapsed:.0%}; "
        f"server {used['server'] / max(routes, 1) * 1000:.2f} ms per route decision; "
        f"load average {load[0]:.2f}"
    )
    print(f"  HTTP statuses:    {dict(sorted(tally.statuses.items()))}; 5xx: {server_errors}")
    print(f"  store checks:     {checks}")
    for line in tally.errors[:5]:
        print(f"  error: {line}")
    ok = (
        server_errors == 0
        and checks["double_assignments"] == 0
        and checks["missing"] == 0
        and checks["duplicates"] == 0
        and checks["agents_still_busy"] == 0
    )
    print("  invariants:       " + ("ok" if ok else "VIOLATED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
