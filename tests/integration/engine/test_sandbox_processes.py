"""Scripts and expressions run in sandbox processes with hard limits: a C-level operation that
no time limit can interrupt, a value too large or not serializable, is refused with the element
named, the engine keeps answering meanwhile, and nothing of the failed step is stored."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from engine import Engine, ProcessError
from tests import samples
from tests.conftest import T0

# Each is one operation of C code: the sandbox's trace-based time limit cannot stop it.
C_LEVEL = [
    "y = 10 ** 10 ** 8",
    "y = sum(range(10 ** 13))",
    "y = [0] * 10 ** 9",
    "y = 'x' * 10 ** 10",
    "y = sorted(range(10 ** 9))",
    "y = max(range(10 ** 13))",
]
# Values a script may not leave in the instance's data.
UNKEEPABLE = [
    ("y = range(10)", "variable 'y': a range value"),
    ("y = {}\ny['self'] = y", "variable 'y': the data cannot be kept: Circular reference"),
    ("y = 7 ** 6000", "variable 'y': the data cannot be kept: Exceeds the limit"),
    ("y = ['x' * 1000] * 10000", "bytes, more than the"),  # 10 MB of text
    ("y = {1, 2}", "variable 'y': a set value"),
]


LATER = {"deadline": "2030-01-01T00:00:00+00:00"}  # the sample's review deadline


def _deploy(engine: Engine, process_id: str, xml: str) -> None:
    engine.repository.deploy(process_id, {f"{process_id}.bpmn": xml}, author="t")


@pytest.mark.parametrize("script", C_LEVEL)
def test_a_c_level_operation_fails_its_step_and_the_engine_answers_meanwhile(
    engine: Engine, script: str
) -> None:
    _deploy(engine, "hostile", samples.approval("hostile", script=script))
    answered: list[float] = []

    def meanwhile() -> None:
        time.sleep(0.2)
        started = time.monotonic()
        engine.runtime.query().count()
        answered.append(time.monotonic() - started)

    reader = threading.Thread(target=meanwhile)
    reader.start()
    started = time.monotonic()
    with pytest.raises(ProcessError) as failed:
        engine.runtime.start("hostile", business_key="h", variables={"x": 1, **LATER})
    elapsed = time.monotonic() - started
    reader.join()
    assert failed.value.element_id == "compute"
    assert elapsed < 5, f"{script} held the step {elapsed:.1f} s"
    assert answered and answered[0] < 1
    assert engine.runtime.query().count() == 0  # nothing of the failed step
    _deploy(engine, "fine", samples.approval("fine", script="y = x * 2"))
    done = engine.runtime.start("fine", business_key="ok", variables={"x": 21, **LATER})
    assert done.variables["y"] == 42  # the pool went on with a fresh process


@pytest.mark.parametrize(("script", "said"), UNKEEPABLE)
def test_a_value_that_cannot_be_kept_is_refused_with_its_element(
    engine: Engine, script: str, said: str
) -> None:
    _deploy(engine, "keeps", samples.approval("keeps", script=script))
    with pytest.raises(ProcessError) as failed:
        engine.runtime.start("keeps", business_key="k", variables={"x": 1, **LATER})
    assert failed.value.element_id == "compute"
    assert said in str(failed.value)
    assert engine.runtime.query().count() == 0


@pytest.mark.parametrize("condition", ["sum(range(10 ** 13)) > 0", "len('x' * 10 ** 10) > 0"])
def test_a_hostile_condition_fails_at_its_gateway(engine: Engine, condition: str) -> None:
    _deploy(engine, "gated", samples.gated(condition))
    started = time.monotonic()
    with pytest.raises(ProcessError):
        engine.runtime.start("gated", business_key="g")
    assert time.monotonic() - started < 5
    _deploy(engine, "plain", samples.gated("x > 1", "plain"))
    chosen = engine.runtime.start("plain", business_key="p", variables={"x": 2})
    assert [t.element_id for t in engine.tasks.query().instance(chosen.id).list()] == ["yes"]


def test_a_hostile_script_behind_a_timer_becomes_an_incident(make_engine) -> None:  # type: ignore[no-untyped-def]
    from engine import RetryPolicy

    engine = make_engine(retries=RetryPolicy(attempts=1, base_delay=0.1, max_delay=0.1))
    _deploy(engine, "timed", samples.timed_script("y = 10 ** 10 ** 8"))
    due = T0 + timedelta(hours=1)
    instance = engine.runtime.start("timed", business_key="t", variables={"due": due.isoformat()})
    engine.clock.source.set(due + timedelta(seconds=1))
    started = time.monotonic()
    engine.timers.fire_due()
    assert time.monotonic() - started < 5
    [incident] = engine.management.incidents()
    assert incident.instance_id == instance.id and "limit" in incident.error
    assert engine.runtime.get(instance.id).status == "running"  # still waiting at its timer


def test_a_cycle_without_exit_fails_its_step_instead_of_passing_for_completed(
    engine: Engine,
) -> None:
    _deploy(engine, "cycle", samples.cycle())
    with pytest.raises(ProcessError, match="cycle without an exit") as failed:
        engine.runtime.start("cycle", business_key="c", variables={"n": 0})
    assert failed.value.element_id in ("count", "again")
    assert engine.runtime.query().count() == 0
    _deploy(engine, "bounded", samples.cycle("bounded", exit_when="n >= 40"))
    done = engine.runtime.start("bounded", business_key="b", variables={"n": 0})
    assert (done.status, done.variables["n"]) == ("completed", 40)  # a loop with an exit runs


def test_an_instance_whose_data_would_pass_its_cap_is_refused_whole(make_engine) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(max_instance_data=200_000)
    _deploy(engine, "grows", samples.approval("grows", script="y = 'z' * 250000"))
    with pytest.raises(ProcessError, match="more than the 200000 allowed"):
        engine.runtime.start("grows", business_key="g", variables={"x": 1, **LATER})
    assert engine.runtime.query().count() == 0
    _deploy(engine, "small", samples.approval("small", script="y = 'z' * 1000"))
    assert engine.runtime.start("small", variables={"x": 1, **LATER}).variables["y"] == "z" * 1000


def test_a_version_whose_files_pass_the_cap_is_refused(engine: Engine) -> None:
    from engine import DeploymentError

    files = {"a.bpmn": samples.approval(), "huge.form": '{"components": []}' + " " * 6 * 2**20}
    with pytest.raises(DeploymentError, match="a version may"):
        engine.repository.deploy("approval", files, author="t")
    assert engine.repository.list() == []


@pytest.mark.parametrize("expression", ["sum(range(10 ** 13))", "len([0] * 10 ** 9)"])
def test_a_hostile_decision_input_fails_its_task(engine: Engine, expression: str) -> None:
    bpmn, dmn = samples.decided(expression)
    engine.repository.deploy("decided", {"d.bpmn": bpmn, "r.dmn": dmn}, author="t")
    started = time.monotonic()
    with pytest.raises(ProcessError) as failed:
        engine.runtime.start("decided", business_key="d", variables={"level": 3})
    assert time.monotonic() - started < 5
    assert failed.value.element_id == "rate"
    plain_bpmn, plain_dmn = samples.decided("level * 2", "plain")
    engine.repository.deploy("plain", {"p.bpmn": plain_bpmn, "r.dmn": plain_dmn}, author="t")
    rated = engine.runtime.start("plain", business_key="p", variables={"level": 6})
    assert rated.variables["rating"] == "high"  # 12: the decision runs, in the pool too


def test_a_hostile_timer_expression_fails_where_it_is_reached(engine: Engine) -> None:
    _deploy(
        engine,
        "timed",
        samples.timed_script("y = 1", due="add_duration(str(10 ** 10 ** 8), 'P1D')"),
    )
    started = time.monotonic()
    with pytest.raises(ProcessError) as failed:
        engine.runtime.start("timed", business_key="t")
    assert time.monotonic() - started < 5 and failed.value.element_id == "wait"
    assert engine.runtime.query().count() == 0


def test_steps_of_many_threads_all_land_though_none_holds_a_lock_while_computing(
    engine: Engine,
) -> None:
    _deploy(engine, "busy", samples.approval("busy", script="y = x * 2"))  # runs in the pool
    failures: list[BaseException] = []

    def start(worker: int) -> None:
        for n in range(10):
            try:
                engine.runtime.start("busy", business_key=f"b{worker}-{n}",
                                     variables={"x": n, **LATER})  # fmt: skip
            except BaseException as exc:  # every failure is reported
                failures.append(exc)

    threads = [threading.Thread(target=start, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert engine.runtime.query().count() == 60
