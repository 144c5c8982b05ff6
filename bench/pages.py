"""Server time of the applicant's pages with many dossiers, and the bytes of a first visit.

A fresh SQLite database gets a call, a few real dossiers of one applicant (a draft, a deposited
one) and `--dossiers` more of other applicants (copies of a real deposited dossier's rows, so
that every table is as large as a real call makes it). Each page is then asked `--requests`
times through the app in process (a signed-in session, as a browser has), after a warm-up;
`/health` is measured in the same run as the baseline.

    python bench/pages.py [--dossiers 10000] [--requests 200] [--json]

Targets: p95 < 50 ms for every applicant page; the dossier form's first visit under 500 KB.
"""

from __future__ import annotations

import sys

# Run as a script, this file's folder comes first on sys.path; keep the project's packages first.
sys.path[:] = [p for p in sys.path if not p.endswith("bench")]

import argparse
import json
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from engine import FrozenClock
from engine.storage.records import InstanceRecord, UserTaskRecord
from web import create_app
from workflows.fact import calls, dossiers
from workflows.fact.bots import attach_pieces, deposit_form
from workflows.french import PARIS

PASSWORD = "bench-password"
APPLICANT = "lea@bench.example"
TARGET_MS = 50.0
TARGET_KB = 500.0


def build(folder: Path, count: int) -> tuple[Any, dict[str, str]]:
    """The app on a fresh database holding the call and `count` other dossiers."""
    from datetime import datetime, timedelta

    now = datetime.now(PARIS)
    clock = FrozenClock(now - timedelta(days=1))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'pages.sqlite'}",
            "SECRET_KEY": "bench",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,
        }
    )
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    calls.deploy(engine)
    calls.open_call(
        engine,
        {
            "reference": "BENCH",
            "publication_at": (now - timedelta(hours=12)).isoformat(),
            "deposit_deadline": f"{(now + timedelta(weeks=4)).date()}T23:59:59",
            "commission_at": f"{(now + timedelta(weeks=7)).date()}T09:30:00",
        },
        actor="bench",
    )
    clock.set(now)
    engine.timers.fire_due()
    organisation = {"name": "Banc d'essai", "siret": "73282932000074",
                    "holder_type": "company", "headcount": 40}  # fmt: skip
    engine.identity.create_user(
        APPLICANT, PASSWORD, roles=["applicant"], email=APPLICANT,
        display_name="Léa Banc", profile={"organisation": organisation},
    )  # fmt: skip

    def draft() -> str:
        return dossiers.create_draft(
            engine, "BENCH", holder_user=APPLICANT, holder_email=APPLICANT,
            track="entreprise", actor=APPLICANT,
        ).business_key or ""  # fmt: skip

    ids = {"draft": draft(), "deposited": draft()}
    attach_pieces(engine, ids["deposited"], actor=APPLICANT)
    dossiers.deposit(engine, ids["deposited"], deposit_form(1), actor=APPLICANT)
    _copies(engine, ids["deposited"], ids["draft"], count)
    return app, ids


def _copies(engine: Any, deposited: str, draft: str, count: int) -> None:
    """`count` dossiers of other applicants: half deposited, half drafts with their task."""
    sql = engine._sql  # the benchmark fills the tables directly, as a long call would
    with sql.begin() as connection:
        rows = {
            key: connection.execute(
                select(InstanceRecord.__table__).where(InstanceRecord.business_key == key)
            ).mappings().one()
            for key in (deposited, draft)
        }  # fmt: skip
        task = dict(
            connection.execute(
                select(UserTaskRecord.__table__).where(UserTaskRecord.business_key == draft)
            )
            .mappings()
            .one()
        )
        instances, tasks = [], []
        for n in range(count):
            source = rows[deposited if n % 2 else draft]
            instance = {**source, "id": str(uuid.uuid4()), "business_key": f"BENCH-X{n:05d}",
                        "started_by": f"applicant{n % 2000}@bench.example"}  # fmt: skip
            instances.append(instance)
            if not n % 2:
                tasks.append({**task, "id": str(uuid.uuid4()), "instance_id": instance["id"],
                              "business_key": instance["business_key"],
                              "assignee": instance["started_by"]})  # fmt: skip
        for start in range(0, len(instances), 1000):
            connection.execute(insert(InstanceRecord.__table__), instances[start : start + 1000])
        for start in range(0, len(tasks), 1000):
            connection.execute(insert(UserTaskRecord.__table__), tasks[start : start + 1000])


def signed_in(app: Any) -> Any:
    client = app.test_client()
    page = client.get("/connexion").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/connexion", data={"username": APPLICANT, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302, answer.status_code
    return client


def measure(client: Any, path: str, requests: int) -> dict[str, float]:
    for _ in range(20):
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
    }


def first_visit(client: Any, path: str) -> dict[str, Any]:
    """Bytes transferred for the page and every asset it loads, gzip accepted as browsers do."""
    gzip = {"Accept-Encoding": "gzip"}
    page = client.get(path, headers=gzip)
    sizes = {"page": len(page.data)}
    for asset in re.findall(r'(?:src|href)="(/static/dist/[^"]+)"', page.text):
        sizes[asset.rsplit("/", 1)[1]] = len(client.get(asset, headers=gzip).data)
    return {"bytes": sizes, "total_kb": round(sum(sizes.values()) / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="concerto-pages-") as tmp:
        started = time.perf_counter()
        app, ids = build(Path(tmp), args.dossiers)
        prepared = round(time.perf_counter() - started, 1)
        client = signed_in(app)
        pages = {
            "/health (baseline)": "/health",
            "appels": "/",
            "appel": "/appels/BENCH",
            "candidater": "/appels/BENCH/candidater",
            "mes dossiers": "/mes-dossiers",
            "brouillon": f"/dossiers/{ids['draft']}",
            "dossier déposé": f"/dossiers/{ids['deposited']}",
            "mon compte": "/mon-compte",
        }
        results = {name: measure(client, path, args.requests) for name, path in pages.items()}
        baseline = results["/health (baseline)"]["p50_ms"]
        for figures in results.values():
            figures["x_baseline_p50"] = round(figures["p50_ms"] / baseline, 1)
        assets = first_visit(client, f"/dossiers/{ids['draft']}")
        app.extensions["concerto"].close()
    report = {"dossiers": args.dossiers, "prepared_s": prepared, "pages": results,
              "dossier_form_first_visit": assets}  # fmt: skip
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.dossiers} dossiers (+2 of the applicant measured), prepared in {prepared} s")
    for name, figures in results.items():
        verdict = "" if name.startswith("/health") else (
            " ok" if figures["p95_ms"] < TARGET_MS else " OVER TARGET")  # fmt: skip
        print(f"  {name:22s} p50 {figures['p50_ms']:6.2f} ms  p95 {figures['p95_ms']:6.2f} ms"
              f"  (x{figures['x_baseline_p50']} /health){verdict}")  # fmt: skip
    total = assets["total_kb"]
    print(f"dossier form, first visit: {total} KB ({'ok' if total < TARGET_KB else 'OVER TARGET'})")
    for name, size in assets["bytes"].items():
        print(f"  {name:40s} {size / 1024:7.1f} KB")
    print(f"targets: p95 < {TARGET_MS:.0f} ms per page; first visit < {TARGET_KB:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
