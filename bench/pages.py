"""Server time of the applicant's pages and of the commission's session page with many
dossiers, and the bytes of a first visit.

A fresh SQLite database gets a call, a few real dossiers of one applicant (a draft, a deposited
one) and `--dossiers` more of other applicants (copies of a real deposited dossier's rows, so
that every table is as large as a real call makes it). Each page is then asked `--requests`
times through the app in process (a signed-in session, as a browser has), after a warm-up;
`/health` is measured in the same run as the baseline. Then `--session` dossiers (copies of a
real reviewed one, with scores drawn at random) wait for the commission, the commission sits,
and its session page is asked by a commission member.

    python bench/pages.py [--dossiers 10000] [--session 300] [--requests 200] [--json]
        [--modeling-only]

Last, the modeling side on the same database (bench/modeling.py): the diagram editor's load
with the FACT dossier diagram in headless Chromium (< 2 s), the validation of that diagram
(p95 < 300 ms).

Then the staff's console with all those dossiers: the call's dashboard, its map of where the
dossiers wait, the dossiers list filtered and searched, a dossier's page, the operations page,
and the XLSX export of every dossier (timed as a whole).

Targets: p95 < 50 ms for every applicant page, < 100 ms for the session page and the staff's
pages; the dossier form's first visit under 500 KB; the XLSX export of 10,000 dossiers < 5 s.
"""

from __future__ import annotations

import sys

# Run as a script, this file's folder comes first on sys.path; keep the project's packages first.
sys.path[:] = [p for p in sys.path if not p.endswith("bench")]

import argparse
import importlib.util
import json
import random
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from engine import FrozenClock
from engine.storage.records import (
    InstanceRecord,
    SubscriptionRecord,
    TimerRecord,
    UserTaskRecord,
)
from web import create_app
from web.gunicorn_conf import post_worker_init
from workflows.fact import calls, dossiers
from workflows.fact.bots import attach_pieces, deposit_form
from workflows.french import PARIS

# bench/ is off sys.path (its engine.py would shadow the engine package): load it by its path.
_spec = importlib.util.spec_from_file_location("modeling", Path(__file__).with_name("modeling.py"))
modeling = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(modeling)  # type: ignore[union-attr]

PASSWORD = "bench-password"
APPLICANT = "lea@bench.example"
TARGET_MS = 50.0
SESSION_TARGET_MS = 100.0
TARGET_KB = 500.0
PRESIDENT = "presidente@bench.example"
STAFF = "mission@bench.example"
EXPORT_TARGET_S = 5.0
CRITERIA = ["conformity", "relevance", "orientations", "methodology", "transfer", "partnership"]


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
        timers = {
            key: [
                {k: v for k, v in timer.items() if k != "id"}
                for timer in connection.execute(
                    select(TimerRecord.__table__).where(TimerRecord.instance_id == row["id"])
                ).mappings()
            ]
            for key, row in rows.items()
        }  # each dossier's own timers (a draft's deadline, say)
        instances, tasks, waits = [], [], []
        for n in range(count):
            source = rows[deposited if n % 2 else draft]
            instance = {**source, "id": str(uuid.uuid4()), "business_key": f"BENCH-X{n:05d}",
                        "started_by": f"applicant{n % 2000}@bench.example"}  # fmt: skip
            instances.append(instance)
            waits += [{**t, "instance_id": instance["id"], "business_key": instance["business_key"]}
                      for t in timers[deposited if n % 2 else draft]]  # fmt: skip
            if not n % 2:
                tasks.append({**task, "id": str(uuid.uuid4()), "instance_id": instance["id"],
                              "business_key": instance["business_key"],
                              "assignee": instance["started_by"]})  # fmt: skip
        for start in range(0, len(instances), 1000):
            connection.execute(insert(InstanceRecord.__table__), instances[start : start + 1000])
        for start in range(0, len(tasks), 1000):
            connection.execute(insert(UserTaskRecord.__table__), tasks[start : start + 1000])
        for start in range(0, len(waits), 1000):
            connection.execute(insert(TimerRecord.__table__), waits[start : start + 1000])
    engine.runtime.summarize_missing()  # as after an upgrade: the copies' summaries


def session_ready(app: Any, count: int) -> None:
    """`count` reviewed dossiers wait for the commission, which then sits."""
    from datetime import datetime, timedelta

    engine = app.extensions["concerto"]
    engine.identity.create_user(PRESIDENT, PASSWORD, roles=["commission"], email=PRESIDENT)
    reviewed = dossiers.create_draft(
        engine, "BENCH", holder_user=APPLICANT, holder_email=APPLICANT, track="entreprise",
        actor=APPLICANT,
    ).business_key or ""  # fmt: skip
    attach_pieces(engine, reviewed, actor=APPLICANT)
    dossiers.deposit(engine, reviewed, deposit_form(2), actor=APPLICANT)
    review = {"scores": dict.fromkeys(CRITERIA, 4), "comments": {}, "opinion": "Solide."}
    for form_key, data, actor in (
        ("eligibility", {"eligible": True, "eligibility_reason": "Éligible"}, "staff"),
        ("assignment", {"reviewers": ["rev1", "rev2"]}, "staff"),
        ("review", {"review": review}, "rev1"),
        ("review", {"review": review}, "rev2"),  # each review is done by its assignee
    ):
        task = dossiers.open_task(engine, reviewed, form_key)
        engine.tasks.complete(task.id, data, actor=task.assignee or actor)
    rng = random.Random(2020)
    with engine._sql.begin() as connection:  # copies, as a long call would leave them
        source = connection.execute(
            select(InstanceRecord.__table__).where(InstanceRecord.business_key == reviewed)
        ).mappings().one()  # fmt: skip
        waiting = [
            dict(row)
            for row in connection.execute(
                select(SubscriptionRecord.__table__).where(
                    SubscriptionRecord.instance_id == source["id"]
                )
            ).mappings()
        ]  # its catches: the commission's decisions, a move of the commission
        instances, subscriptions = [], []
        for n in range(count - 1):
            reviews = [
                {
                    "comments": {},
                    "opinion": "Avis.",
                    "scores": {c: rng.randint(1, 5) for c in CRITERIA},
                }
                for _ in range(2)
            ]
            score = sum(sum(r["scores"].values()) for r in reviews) / 2
            variables = {**source["variables"], "reviews": reviews, "score": score,
                         "dossier_id": f"BENCH-S{n:04d}"}  # fmt: skip
            instance = {**source, "id": str(uuid.uuid4()), "business_key": f"BENCH-S{n:04d}",
                        "variables": variables}  # fmt: skip
            instances.append(instance)
            subscriptions += [{**w, "id": None, "instance_id": instance["id"]} for w in waiting]
        for rows, table in ((instances, InstanceRecord), (subscriptions, SubscriptionRecord)):
            for start in range(0, len(rows), 1000):
                batch = [{k: v for k, v in r.items() if not (k == "id" and v is None)}
                         for r in rows[start : start + 1000]]  # fmt: skip
                connection.execute(insert(table.__table__), batch)
    engine.runtime.summarize_missing()
    commission = calls.get_call(engine, "BENCH").variables["commission_at"]
    engine.clock.source.set(datetime.fromisoformat(commission) + timedelta(seconds=1))
    engine.timers.fire_due()


def signed_in(app: Any, username: str = APPLICANT) -> Any:
    client = app.test_client()
    page = client.get("/connexion").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/connexion", data={"username": username, "password": PASSWORD, "csrf_token": token}
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


def staff_console(app: Any, ids: dict[str, str], requests: int) -> tuple[dict[str, Any], float]:
    """The staff's pages over every dossier, and the export of them all (seconds)."""
    engine = app.extensions["concerto"]
    engine.identity.create_user(STAFF, PASSWORD, roles=["staff"], email=STAFF)
    client = signed_in(app, STAFF)
    pages = {
        "staff: tableau de bord": "/pilotage/BENCH",
        "staff: carte": "/pilotage/BENCH/carte?element=deposit_task",
        "staff: liste filtrée": "/instruction/dossiers?etat=Brouillon&q=BENCH-X0&tri=title",
        "staff: dossier": f"/instruction/dossiers/{ids['deposited']}",
        "staff: exploitation": "/exploitation",
    }
    results = {name: measure(client, path, max(10, requests // 10)) for name, path in pages.items()}
    started = time.perf_counter()
    exported = client.get("/instruction/dossiers?format=xlsx")
    assert exported.status_code == 200 and exported.data[:2] == b"PK", exported.status_code
    return results, round(time.perf_counter() - started, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--session", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--modeling-only", action="store_true")
    args = parser.parse_args(argv)
    if args.modeling_only:
        return modeling.main([])
    with tempfile.TemporaryDirectory(prefix="concerto-pages-") as tmp:
        started = time.perf_counter()
        app, ids = build(Path(tmp), args.dossiers)
        prepared = round(time.perf_counter() - started, 1)
        post_worker_init(None)  # the collector tuned as in a gunicorn worker (web/gunicorn_conf.py)
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
        staff_pages, export_s = staff_console(app, ids, args.requests)
        results.update(staff_pages)
        session_ready(app, args.session)
        results["séance (commission)"] = measure(
            signed_in(app, PRESIDENT), "/commission/BENCH", args.requests
        )
        for figures in results.values():
            figures.setdefault("x_baseline_p50", round(figures["p50_ms"] / baseline, 1))
        modeled = modeling.figures(app, loads=5, requests=100)
        app.extensions["concerto"].close()
    report = {"dossiers": args.dossiers, "session": args.session, "prepared_s": prepared,
              "pages": results, "xlsx_export_s": export_s,
              "dossier_form_first_visit": assets, "modeling": modeled}  # fmt: skip
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.dossiers} dossiers (+2 of the applicant measured), prepared in {prepared} s")
    print(f"session page: {args.session} dossiers before the commission")
    for name, figures in results.items():
        target = SESSION_TARGET_MS if name.startswith(("séance", "staff")) else TARGET_MS
        verdict = "" if name.startswith("/health") else (
            " ok" if figures["p95_ms"] < target else " OVER TARGET")  # fmt: skip
        print(f"  {name:22s} p50 {figures['p50_ms']:6.2f} ms  p95 {figures['p95_ms']:6.2f} ms"
              f"  (x{figures['x_baseline_p50']} /health){verdict}")  # fmt: skip
    verdict = "ok" if export_s < EXPORT_TARGET_S else "OVER TARGET"
    print(f"XLSX export of every dossier: {export_s} s ({verdict})")
    total = assets["total_kb"]
    print(f"dossier form, first visit: {total} KB ({'ok' if total < TARGET_KB else 'OVER TARGET'})")
    for name, size in assets["bytes"].items():
        print(f"  {name:40s} {size / 1024:7.1f} KB")
    print(f"targets: p95 < {TARGET_MS:.0f} ms per page, < {SESSION_TARGET_MS:.0f} ms for the "
          f"session page; first visit < {TARGET_KB:.0f} KB")  # fmt: skip
    modeling.report(modeled)
    return 0


if __name__ == "__main__":
    sys.exit(main())
