"""HTTP figures against gunicorn: throughput, completion latency under load, inbox query time.

- throughput: a minimal process (start -> script task -> user task -> end) driven over HTTP with
  a bearer token against ONE gunicorn process on SQLite (one thread, then four): create and run
  an instance, find its task, complete it; instances/s, beside the same loop in-process through
  the engine API (measured in the same run) and the 12 instances/s of the reference product;
- completion latency: 20 concurrent clients completing tasks against gunicorn on PostgreSQL
  (p50, p99), with as many sync workers as cores, and with 2 gthread workers of 10 threads;
- inbox: open-task queries with 100,000 instances in the database (p95).

The load comes from a thin http.client loop (keep-alive where the server offers it): the
server shares the machine's cores with it, so the client must cost as little as possible.

    python bench/http.py [--postgres postgresql://.../empty_db] [--instances 600] [--json]

Targets: p99 completion < 100 ms; inbox p95 < 20 ms; throughput >= 120 instances/s.
"""

from __future__ import annotations

import sys

# Run as a script, this file's folder comes first on sys.path, and this file would shadow the
# standard library's http package; keep the project's packages and the standard library first.
sys.path[:] = [p for p in sys.path if not p.endswith("bench")]

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from engine import Engine, EngineConfig
from engine.storage.records import InstanceRecord, UserTaskRecord

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"
MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
  targetNamespace="http://concerto.bench"><bpmn:process id="minimal" isExecutable="true">
  <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Mission Fact"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>
  <bpmn:flowNodeRef>c</bpmn:flowNodeRef><bpmn:flowNodeRef>u</bpmn:flowNodeRef>
  <bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="c"/>
  <bpmn:scriptTask id="c"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    <bpmn:script>total = amount * 2</bpmn:script></bpmn:scriptTask>
  <bpmn:sequenceFlow id="f2" sourceRef="c" targetRef="u"/>
  <bpmn:userTask id="u" name="Valider"><bpmn:incoming>f2</bpmn:incoming>
    <bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
  <bpmn:sequenceFlow id="f3" sourceRef="u" targetRef="e"/>
  <bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
</bpmn:process></bpmn:definitions>"""


def prepare(url: str) -> tuple[Engine, str]:
    """A fresh schema with the minimal process and a staff user; returns the engine, a token."""
    engine = Engine(EngineConfig(url))
    engine.management.drop_schema()
    engine.management.create_schema()
    engine.repository.deploy("minimal", {"minimal.bpmn": MINIMAL}, author="bench")
    engine.identity.create_user("bench", PASSWORD, roles=["staff"], email="bench@x.fr")
    return engine, engine.identity.issue_token("bench")


class Server:
    """gunicorn serving the app on a free local port."""

    def __init__(self, url: str, workers: int, threads: int = 1, worker_class: str = "gthread"):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "web:create_app()",
                "--config", "python:web.gunicorn_conf",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--threads", str(threads), "--worker-class", worker_class,
                "--log-level", "warning",
            ],
            env=env, cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:  # the first answer waits for the worker to import the app
                Client(self.port, "").call("GET", "/health")
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Client:
    """One client connection: http.client, reopened when the server closes it."""

    def __init__(self, port: int, token: str) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        payload = None if body is None else json.dumps(body)
        self._connection.request(method, path, body=payload, headers=self._headers)
        response = self._connection.getresponse()
        data = response.read()
        if response.status >= 400:
            raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else None


def per_thread(port: int, token: str) -> Callable[[], Client]:
    """Each client thread's own connection, opened on its first call."""
    local = threading.local()

    def client() -> Client:
        if not hasattr(local, "client"):
            local.client = Client(port, token)
        return local.client

    return client


def one_instance(client: Client, n: int) -> None:
    key = f"b-{uuid.uuid4().hex[:12]}"
    body = {"process_id": "minimal", "business_key": key, "variables": {"amount": n}}
    client.call("POST", "/api/instances", body)
    task = client.call("GET", f"/api/tasks?scope=all&business_key={key}")[0]
    client.call("POST", f"/api/tasks/{task['id']}/completion", {"data": {}})


def throughput_http(count: int, clients: int, threads: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'http.db'}"
        engine, token = prepare(url)
        engine.close()
        server = Server(url, workers=1, threads=threads)
        try:
            client = per_thread(server.port, token)

            def run(n: int) -> None:
                one_instance(client(), n)

            with ThreadPoolExecutor(clients) as pool:
                list(pool.map(run, range(20)))  # warm up
                started = time.perf_counter()
                list(pool.map(run, range(count)))
            return count / (time.perf_counter() - started)
        finally:
            server.stop()


def throughput_in_process(count: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        engine, _ = prepare(f"sqlite:///{Path(tmp) / 'engine.db'}")
        started = time.perf_counter()
        for n in range(count):
            key = f"b-{n}"
            engine.runtime.start("minimal", business_key=key, variables={"amount": n})
            task = engine.tasks.query().business_key(key).one()
            engine.tasks.complete(task.id, {}, actor="bench")
        rate = count / (time.perf_counter() - started)
        engine.close()
        return rate


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _completions(port: int, token: str, ids: list[str], clients: int, warm: int) -> list[float]:
    """Latencies of completing tasks `ids` from `clients` threads, the first `warm` not counted
    (the first requests compile statements and fill caches)."""
    latencies: list[float] = []
    client = per_thread(port, token)

    def complete(task_id: str) -> None:
        started = time.perf_counter()
        client().call("POST", f"/api/tasks/{task_id}/completion", {"data": {"ok": True}})
        latencies.append(time.perf_counter() - started)  # list.append is atomic

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(complete, ids[:warm]))
        del latencies[:]
        list(pool.map(complete, ids[warm:]))
    return latencies


def completion_latency(url: str, count: int, clients: int) -> dict[str, dict[str, float]]:
    """p50 and p99 of task completions, `clients` at once, under two gunicorn setups."""
    setups = {
        f"sync_{os.cpu_count()}_workers": dict(workers=os.cpu_count() or 2, worker_class="sync"),
        "gthread_2_workers_10_threads": dict(workers=2, threads=10),
    }
    engine, token = prepare(url)
    task_ids = []
    warm = 300  # per setup, not measured
    count += warm
    for n in range(count * len(setups)):
        instance = engine.runtime.start("minimal", variables={"amount": n})
        task_ids.append(engine.tasks.query().instance(instance.id).one().id)
    engine.close()
    figures = {}
    for number, (name, setup) in enumerate(setups.items()):
        batch = task_ids[number * count : (number + 1) * count]
        server = Server(url, **setup)  # type: ignore[arg-type]
        try:
            latencies = _completions(server.port, token, batch, clients, warm)
        finally:
            server.stop()
        figures[name] = {
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        }
    return figures


def inbox_query(url: str, instances: int, queries: int) -> dict[str, float]:
    """p95 of inbox queries with `instances` open tasks indexed (rows inserted in bulk)."""
    engine, token = prepare(url)
    version = engine.repository.latest("minimal")
    now = datetime.now(UTC)
    lanes = ["Mission Fact", "Évaluateurs", "Commission", "Porteur de projet"]
    batch = 5000
    with engine._sql.begin() as connection:
        for start in range(0, instances, batch):
            ids = [str(uuid.uuid4()) for _ in range(start, min(start + batch, instances))]
            connection.execute(
                insert(InstanceRecord),
                [
                    dict(id=i, process_id="minimal", version_id=version.id, business_key=None,
                         status="running", state="{}", variables={}, started_at=now,
                         updated_at=now, ended_at=None, started_by="bench", revision=1)
                    for i in ids
                ],
            )  # fmt: skip
            connection.execute(
                insert(UserTaskRecord),
                [
                    dict(id=str(uuid.uuid4()), instance_id=i, process_id="minimal",
                         business_key=None, element_id="u", name="Valider",
                         lane=lanes[n % len(lanes)], form_key=None,
                         assignee=f"user{n % 2000}" if n % 4 == 1 else None,
                         claimed_by=None, created_at=now, due_at=None)
                    for n, i in enumerate(ids, start)
                ],
            )  # fmt: skip
    if engine._sql.dialect.name == "postgresql":
        # As autovacuum does in time for a table that took many inserts (PostgreSQL >= 13):
        # statistics, and the visibility map that lets counts read the index alone.
        with engine._sql.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE user_task")
    engine.close()
    server = Server(url, workers=1, threads=1)
    client = Client(server.port, token)
    timings: dict[str, list[float]] = {"mine": [], "available": []}
    try:
        for n in range(queries):
            for scope in timings:
                started = time.perf_counter()
                client.call("GET", f"/api/tasks?scope={scope}")
                if n:  # the first query warms caches
                    timings[scope].append(time.perf_counter() - started)
    finally:
        server.stop()
    return {f"{scope}_p95_ms": round(percentile(v, 0.95) * 1000, 1) for scope, v in timings.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database (recreated)")
    parser.add_argument("--instances", type=int, default=600, help="for the throughput run")
    parser.add_argument("--completions", type=int, default=2000)
    parser.add_argument("--inbox-size", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    one_thread = throughput_http(args.instances, clients=4, threads=1)
    four_threads = throughput_http(args.instances, clients=4, threads=4)
    engine_rate = throughput_in_process(args.instances)
    report: dict[str, object] = {
        "throughput_sqlite_one_process_4_clients": {
            "http_instances_per_s_1_thread": round(one_thread, 1),
            "http_instances_per_s_4_threads": round(four_threads, 1),
            "in_process_instances_per_s": round(engine_rate, 1),
            "ratio_http_1_thread_to_in_process": round(one_thread / engine_rate, 3),
            "ratio_http_1_thread_to_reference_12_per_s": round(one_thread / 12, 1),
        }
    }
    if args.postgres:
        report["completion_latency_postgresql_20_clients"] = completion_latency(
            args.postgres, args.completions, clients=20
        )
        report["inbox_postgresql"] = {
            "instances": args.inbox_size,
            **inbox_query(args.postgres, args.inbox_size, queries=101),
        }
    report["targets"] = {
        "completion_p99_ms": "< 100",
        "inbox_p95_ms": "< 20",
        "http_instances_per_s": ">= 120",
    }
    print(json.dumps(report, indent=2, ensure_ascii=not args.json))
    return 0


if __name__ == "__main__":
    sys.exit(main())
