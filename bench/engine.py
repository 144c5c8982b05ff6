"""Dossiers per second through the whole FACT dossier process, persisted vs bare SpiffWorkflow.

Every dossier takes the longest path: draft, deposit, eligibility, reviewer assignment, two
reviews, commission decision (one message to all), decision notice, convention signed and
countersigned. The same diagrams run, in the same process and run:

- persisted: Concerto's engine on SQLite (and on PostgreSQL with --postgres URL), every step a
  transaction with state, indexes, outbox and audit;
- bare in memory: SpiffWorkflow objects kept in memory;
- bare save/reload: the same, with a JSON save and reload of the workflow at each wait state —
  the least any persisted engine must do.

    python bench/engine.py [--dossiers 200] [--postgres postgresql://...] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `engine` package it measures.
sys.path[:] = [p for p in sys.path if not p.endswith("bench")]
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine import Engine, EngineConfig, FrozenClock
from engine.bpmn import clock_scope
from engine.dates import add_duration, end_of_second, iso, parse_datetime
from handlers.documents import DocumentRenderer
from workflows import SERVICES
from workflows.fact.bots import deposit_form
from workflows.fact.calls import BPMN_DIR, deploy
from workflows.fact.config import load_config, process_variables

NOW = datetime(2020, 3, 1, 10, 0, tzinfo=UTC)
# The engine is measured, not WeasyPrint (about 0.13 s a convention, measured by the documents
# tests): the convention's PDF is replaced by fixed bytes, still stored with the dossier.
ENGINE_ONLY = {**SERVICES, "document.render": DocumentRenderer(lambda template, data: b"%PDF-")}
CALL = process_variables(load_config())
CRITERIA = [c["id"] for c in CALL["criteria"]]
REVIEW = {
    "conflict_of_interest": False,
    "scores": dict.fromkeys(CRITERIA, 4),
    "comments": dict.fromkeys(CRITERIA, "ok"),
}
# (form key, data, actor) of every user task on the longest path, in order
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("deposit", deposit_form(1)),
    ("eligibility", {"eligible": True, "eligibility_reason": "Éligible"}),
    ("assignment", {"reviewers": ["rev1", "rev2"]}),
    ("review", {"review": REVIEW}),
    ("review", {"review": REVIEW}),
]
AFTER_DECISION = [
    ("decision_notice", {"notified": True}),
    ("convention_signature", {"holder_signed": True}),
    ("convention_countersignature", {"staff_signed": True}),
]


def dossier_variables(n: int) -> dict[str, Any]:
    return {
        "call_id": CALL["call_id"],
        "call_title": CALL["title"],
        "dossier_id": f"2020-01-{n:05d}",
        "holder_user": f"holder{n}",
        "holder_email": f"holder{n}@example.org",
        "track": "entreprise",
        "deposit_deadline": CALL["deposit_deadline"],
        "commission_at": CALL["commission_at"],
        "response_delay": CALL["response_delay"],
        "criteria": CRITERIA,
        "contact": CALL["contact"],
        "staff_email": CALL["staff_email"],
        # As workflows.fact.dossiers.create_draft starts a dossier.
        "cse_secretary_email": "",
        "cse_answered_at": None,
        "review_due_at": None,
        "former_reviewers": [],
        "corrections": 0,
    }


def decisions(count: int) -> dict[str, Any]:
    return {
        "call_id": CALL["call_id"],
        "decisions": {
            f"2020-01-{n:05d}": {"decision": "accepted", "amount": 60_000} for n in range(count)
        },
        "commission_at": CALL["commission_at"],
        "response_delay": CALL["response_delay"],
    }


# --- persisted --------------------------------------------------------------------------------


def run_persisted(url: str, count: int) -> float:
    engine = Engine(EngineConfig(database_url=url, clock=FrozenClock(NOW), services=ENGINE_ONLY))
    engine.management.create_schema()
    deploy(engine)
    started = time.perf_counter()
    ids = [
        engine.runtime.start(
            "fact_dossier", business_key=f"2020-01-{n:05d}", variables=dossier_variables(n)
        ).id
        for n in range(count)
    ]
    for form_key, data in STEPS:
        _complete_all(engine, ids, form_key, data)
    engine.messages.correlate(
        "commission_decided", correlation={"call_id": CALL["call_id"]}, payload=decisions(count)
    )
    for form_key, data in AFTER_DECISION:
        _complete_all(engine, ids, form_key, data)
    elapsed = time.perf_counter() - started
    done = engine.runtime.query().process("fact_dossier").status("completed").count()
    engine.management.drop_schema()
    engine.close()
    if done != count:
        raise SystemExit(f"persisted run finished {done} of {count} dossiers")
    return elapsed


def _complete_all(engine: Engine, ids: list[str], form_key: str, data: dict[str, Any]) -> None:
    for instance_id in ids:
        task = engine.tasks.query().instance(instance_id).form_key(form_key).page(0, 1)[0]
        engine.tasks.complete(task.id, data, actor=task.assignee or "staff")


# --- bare SpiffWorkflow -----------------------------------------------------------------------


class _BareScripts(PythonScriptEngine):
    def __init__(self) -> None:
        functions = {
            "now": lambda: NOW,
            "parse_datetime": parse_datetime,
            "iso": iso,
            "add_duration": add_duration,
            "end_of_second": end_of_second,
        }
        super().__init__(environment=TaskDataEnvironment(functions))

    def call_service(self, task: Any, **kwargs: Any) -> str:
        # What the real services answer, without their side effects (outbox, stored PDF).
        if kwargs.get("operation_name") == "document.render":
            return json.dumps({"document": "convention.pdf", "rendered_at": NOW.isoformat()})
        return json.dumps({"operation": kwargs.get("operation_name")})


def run_bare(count: int, *, save_reload: bool) -> float:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_DIR / "fact_dossier.bpmn"))
    parser.add_dmn_file(str(BPMN_DIR / "eligibility.dmn"))
    spec = parser.get_spec("fact_dossier")
    subprocesses = parser.get_subprocess_specs("fact_dossier")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    scripts = _BareScripts()

    def checkpoint(workflow: BpmnWorkflow) -> BpmnWorkflow:
        if not save_reload:
            return workflow
        restored = serializer.deserialize_json(serializer.serialize_json(workflow))
        restored.script_engine = scripts
        return restored

    with clock_scope(FrozenClock(NOW)):
        started = time.perf_counter()
        workflows: list[BpmnWorkflow] = []
        for n in range(count):
            workflow = BpmnWorkflow(spec, subprocesses, script_engine=scripts)
            workflow.task_tree.data.update(dossier_variables(n))
            workflow.do_engine_steps()
            workflows.append(checkpoint(workflow))
        for form_key, data in STEPS:
            workflows = [checkpoint(_complete(w, form_key, data)) for w in workflows]
        payload = decisions(count)
        for workflow in workflows:
            event = BpmnEvent(MessageEventDefinition("commission_decided"), payload, {})
            workflow.correlations = {}
            for sub in workflow.subprocesses.values():
                sub.correlations = {}
            workflow.send_event(event)
            workflow.do_engine_steps()
        workflows = [checkpoint(w) for w in workflows]
        for form_key, data in AFTER_DECISION:
            workflows = [checkpoint(_complete(w, form_key, data)) for w in workflows]
        elapsed = time.perf_counter() - started
    if not all(w.is_completed() for w in workflows):
        raise SystemExit("bare run left dossiers unfinished")
    return elapsed


def _complete(workflow: BpmnWorkflow, form_key: str, data: dict[str, Any]) -> BpmnWorkflow:
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        props = task.task_spec.extensions.get("properties", {})
        if props.get("formKey") == form_key:
            task.set_data(**data)
            task.run()
            workflow.do_engine_steps()
            return workflow
    raise SystemExit(f"no ready {form_key} task")


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--postgres", help="PostgreSQL URL of an empty database to use too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    count = args.dossiers
    results: dict[str, float] = {}
    measures: list[tuple[str, Callable[[], float]]] = [
        ("bare_in_memory", lambda: run_bare(count, save_reload=False)),
        ("bare_save_reload", lambda: run_bare(count, save_reload=True)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        measures.append(("persisted_sqlite", lambda: run_persisted(sqlite_url, count)))
        if args.postgres:
            measures.append(("persisted_postgresql", lambda: run_persisted(args.postgres, count)))
        for name, measure in measures:
            results[name] = round(count / measure(), 1)
    baseline = results["bare_save_reload"]
    report = {
        "dossiers": count,
        "dossiers_per_second": results,
        "ratio_to_save_reload": {k: round(v / baseline, 3) for k, v in results.items()},
        "target": "persisted_sqlite >= 0.5 x bare_save_reload",
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{count} dossiers through fact_dossier (longest path), dossiers/s:")
        for name, rate in results.items():
            print(f"  {name:22s} {rate:10.1f}   x{report['ratio_to_save_reload'][name]:.3f}")
        print(f"target: {report['target']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
