"""Timer lag and deadline bursts with real worker processes.

- lag: timers falling due while workers run (spread over a window), lag = firing time (the
  step's audit time) minus due time: p50, p99, max, with 1 and with 3 workers;
- burst: FACT drafts whose deposit deadline falls at the same instant; time from the deadline
  until every draft has expired, against the same burst fired in-process by a bare loop over
  `engine.timers.fire_due()` (no scheduler, no worker) measured in the same run.

    python bench/timers.py --postgres postgresql://.../empty_db [--lag-timers 300]
                           [--burst 5000] [--json]

Without --postgres it runs on SQLite with one worker. Targets: p99 lag < 1 s; burst < 60 s.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; keep the project's packages first.
sys.path[:] = [p for p in sys.path if not p.endswith("bench")]

from engine import Engine, EngineConfig, SystemClock
from engine.dates import end_of_second
from handlers import DISPATCHERS
from workflows import SERVICES, SUMMARIES
from workflows.fact.calls import deploy
from workflows.fact.config import load_config, process_variables

ROOT = Path(__file__).resolve().parent.parent
TICKER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
  targetNamespace="http://concerto.bench"><bpmn:process id="ticker" isExecutable="true">
  <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="w"/>
  <bpmn:intermediateCatchEvent id="w"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2
  </bpmn:outgoing><bpmn:timerEventDefinition><bpmn:timeDate>due</bpmn:timeDate>
  </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="e"/>
  <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
</bpmn:process></bpmn:definitions>"""


def now() -> datetime:
    return datetime.now(UTC)


def fresh_engine(url: str) -> Engine:
    engine = Engine(
        EngineConfig(
            url,
            clock=SystemClock(),
            services=SERVICES,
            dispatchers=DISPATCHERS,
            summaries=SUMMARIES,
        )
    )
    engine.management.drop_schema()
    engine.management.create_schema()
    return engine


def workers(url: str, count: int) -> list[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [
        subprocess.Popen(
            [sys.executable, "-m", "web.cli", "worker", "--database-url", url, "--poll", "1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=60)


def wait_ready(engine: Engine, count: int, timeout: float = 60) -> None:
    """Until `count` workers have sent a heartbeat."""
    deadline = time.monotonic() + timeout
    while len(engine.management.status().workers) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"{count} workers did not start in {timeout}s")
        time.sleep(0.2)


def wait_completed(engine: Engine, process_id: str, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    query = engine.runtime.query().process(process_id).status("completed")
    while query.count() < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {query.count()} of {count} {process_id} done in {timeout}s")
        time.sleep(0.2)


def measure_lag(url: str, timers: int, worker_count: int) -> dict[str, float]:
    engine = fresh_engine(url)
    engine.repository.deploy("ticker", {"t.bpmn": TICKER}, author="bench")
    timings = []
    for _ in range(3):  # the first start also restores the spec: keep the fastest
        started = time.monotonic()
        engine.runtime.start("ticker", variables={"due": (now() + timedelta(hours=1)).isoformat()})
        timings.append(time.monotonic() - started)
    per_start = min(timings)
    procs = workers(url, worker_count)
    try:
        wait_ready(engine, worker_count)  # lag is the workers' reaction, not their start-up
        first = now() + timedelta(seconds=1 + per_start * timers * 1.5)
        window = 10.0  # the timers fall due one after another over this many seconds
        dues = {}
        for n in range(timers):
            due = first + timedelta(seconds=window * n / timers)
            instance = engine.runtime.start("ticker", variables={"due": due.isoformat()})
            dues[instance.id] = due
        wait_completed(engine, "ticker", timers, timeout=window + 120)
    finally:
        stop(procs)
    lags = []
    for instance_id, due in dues.items():
        fired = [
            h.at for h in engine.history.for_instance(instance_id) if h.action == "timer_fired"
        ]
        lags.append((fired[0] - due).total_seconds())
    engine.close()
    lags.sort()
    return {
        "p50": round(statistics.median(lags), 3),
        "p99": round(lags[int(len(lags) * 0.99) - 1], 3),
        "max": round(lags[-1], 3),
    }


def create_drafts(engine: Engine, count: int) -> datetime:
    """`count` FACT drafts sharing one deposit deadline, set after they are all created;
    returns the instant their deadline timers fall due (the end of the deadline's second)."""
    variables = process_variables(load_config())
    base = {
        "call_id": "2020-01",
        "call_title": variables["title"],
        "holder_user": "holder",
        "holder_email": "holder@example.org",
        "track": "entreprise",
        "commission_at": variables["commission_at"],
        "response_delay": "P1M",
        "criteria": [c["id"] for c in variables["criteria"]],
        "contact": variables["contact"],
        "staff_email": variables["staff_email"],
    }
    timings = []
    for probe in range(3):  # the first start also restores the spec: keep the fastest
        started = time.monotonic()
        engine.runtime.start(
            "fact_dossier",
            business_key=f"probe-{probe}",
            variables={
                **base,
                "dossier_id": f"probe-{probe}",
                "deposit_deadline": "2099-01-01T00:00:00+00:00",
            },
        )
        timings.append(time.monotonic() - started)
    per_start = min(timings)
    deadline = now() + timedelta(seconds=5 + per_start * count * 1.5)
    for n in range(count):
        engine.runtime.start(
            "fact_dossier",
            business_key=f"burst-{n:05d}",
            variables={
                **base,
                "dossier_id": f"burst-{n:05d}",
                "deposit_deadline": deadline.isoformat(),
            },
        )
    return datetime.fromisoformat(end_of_second(deadline))  # when the deadline timers are due


def measure_burst(url: str, count: int, worker_count: int) -> float:
    engine = fresh_engine(url)
    deploy(engine)
    deadline = create_drafts(engine, count)
    procs = workers(url, worker_count)
    try:
        wait_completed(engine, "fact_dossier", count, timeout=600)
    finally:
        stop(procs)
    last = engine.runtime.query().process("fact_dossier").status("completed").list()
    elapsed = max(i.ended_at for i in last if i.ended_at) - deadline
    engine.close()
    return round(elapsed.total_seconds(), 2)


def measure_burst_baseline(url: str, count: int) -> float:
    engine = fresh_engine(url)
    deploy(engine)
    deadline = create_drafts(engine, count)
    time.sleep(max(0.0, (deadline - now()).total_seconds()) + 0.01)
    started = time.monotonic()
    while engine.timers.fire_due(limit=500):
        pass
    elapsed = time.monotonic() - started
    engine.close()
    return round(elapsed, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database (recreated)")
    parser.add_argument("--lag-timers", type=int, default=300)
    parser.add_argument("--burst", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{Path(tmp) / 'timers.db'}"
        counts = (1, 3) if args.postgres else (1,)
        report: dict[str, object] = {
            "database": "postgresql" if args.postgres else "sqlite",
            "lag_seconds": {f"{n}_workers": measure_lag(url, args.lag_timers, n) for n in counts},
        }
        burst_workers = counts[-1]
        baseline = measure_burst_baseline(url, args.burst)
        burst = measure_burst(url, args.burst, burst_workers)
        report["burst"] = {
            "dossiers": args.burst,
            "workers": burst_workers,
            "seconds": burst,
            "baseline_in_process_seconds": baseline,
            "ratio_to_baseline": round(burst / baseline, 3) if baseline else None,
        }
        report["targets"] = {"p99_lag_seconds": "< 1", "burst_seconds": "< 60"}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"database: {report['database']}")
    for name, lag in report["lag_seconds"].items():  # type: ignore[union-attr]
        workers_label = name.replace("_", " ")
        print(
            f"lag with {workers_label}: p50 {lag['p50']} s, p99 {lag['p99']} s, max {lag['max']} s"
        )
    burst = report["burst"]
    print(
        f"burst of {burst['dossiers']} deadlines with {burst['workers']} worker(s): "  # type: ignore[index]
        f"{burst['seconds']} s (in-process loop: {burst['baseline_in_process_seconds']} s, "  # type: ignore[index]
        f"x{burst['ratio_to_baseline']})"  # type: ignore[index]
    )
    print("targets: p99 lag < 1 s; burst < 60 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
