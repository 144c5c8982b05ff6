"""Multi-instance activities, inclusive gateways, call activities with their data, transactions."""

from __future__ import annotations

from engine import Engine
from tests.conformance import diagrams as d
from tests.conformance.conftest import Run
from tests.conformance.traces import open_tasks, trace


def over_items(tag: str = "scriptTask", *, sequential: bool = False, body: str = "") -> str:
    loop = d.multi_instance(
        sequential=sequential,
        body="<bpmn:loopDataInputRef>items</bpmn:loopDataInputRef>"
        "<bpmn:loopDataOutputRef>results</bpmn:loopDataOutputRef>"
        '<bpmn:inputDataItem id="item"/><bpmn:outputDataItem id="result"/>' + body,
    )
    script = "<bpmn:script>result = item * 10</bpmn:script>" if tag == "scriptTask" else ""
    return f'<bpmn:{tag} id="each">{loop}{script}</bpmn:{tag}>'


def test_a_parallel_multi_instance_runs_once_per_item(engine: Engine, run: Run) -> None:
    instance = run(d.process("p", [d.start(), over_items(), d.end()], "start each end"),
                   items=[1, 2, 3])  # fmt: skip
    done = engine.runtime.get(instance.id)
    assert done.status == "completed" and done.variables["results"] == [10, 20, 30]


def test_a_sequential_multi_instance_keeps_the_order(engine: Engine, run: Run) -> None:
    process = d.process("p", [d.start(), over_items(sequential=True), d.end()], "start each end")
    assert engine.runtime.get(run(process, items=[3, 1, 2]).id).variables["results"] == [30, 10, 20]


def test_a_cardinality_with_a_completion_condition_stops_early(engine: Engine, run: Run) -> None:
    loop = d.multi_instance(
        sequential=True,
        body="<bpmn:loopCardinality>5</bpmn:loopCardinality>"
        "<bpmn:completionCondition>count &gt;= 2</bpmn:completionCondition>",
    )
    script = "<bpmn:script>count = count + 1</bpmn:script>"
    task = f'<bpmn:scriptTask id="each">{loop}{script}</bpmn:scriptTask>'
    instance = run(d.process("p", [d.start(), task, d.end()], "start each end"), count=0)
    assert engine.runtime.get(instance.id).variables["count"] == 2


def test_parallel_user_tasks_with_a_completion_condition(engine: Engine, run: Run) -> None:
    loop = d.multi_instance(
        body="<bpmn:loopDataInputRef>reviewers</bpmn:loopDataInputRef>"
        '<bpmn:inputDataItem id="reviewer"/>'
        "<bpmn:completionCondition>approved</bpmn:completionCondition>",
    )
    process = d.process(
        "p", [d.start(), d.user("review", loop), d.user("decide"), d.end()],
        "start review decide end",
    )  # fmt: skip
    instance = run(process, reviewers=["a", "b", "c"], approved=False)
    tasks = engine.tasks.query().instance(instance.id).list()
    assert len(tasks) == 3
    engine.tasks.complete(tasks[0].id, {"approved": True}, actor="a")
    assert open_tasks(engine, instance) == ["decide"]  # the other two were cancelled


def test_a_multi_instance_subprocess(engine: Engine, run: Run) -> None:
    loop = d.multi_instance(
        body="<bpmn:loopDataInputRef>items</bpmn:loopDataInputRef>"
        "<bpmn:loopDataOutputRef>results</bpmn:loopDataOutputRef>"
        '<bpmn:inputDataItem id="item"/><bpmn:outputDataItem id="result"/>'
    )
    sub = d.subprocess(
        "each", [d.start("s0"), d.script("s1", "result = item + 1"), d.end("s2")], "s0 s1 s2",
        inner=loop,
    )  # fmt: skip
    instance = run(d.process("p", [d.start(), sub, d.end()], "start each end"), items=[1, 2])
    assert engine.runtime.get(instance.id).variables["results"] == [2, 3]


def inclusive() -> str:
    return d.process(
        "p",
        [d.start(), d.gateway("inclusive", "fork", default="c"), d.script("a", "a = 1"),
         d.script("b", "b = 1"), d.script("c", "c = 1"), d.gateway("inclusive", "merge"),
         d.user("after"), d.end()],
        "start fork a merge after end; fork b merge; fork c merge",
        {"fork>a": "x > 0", "fork>b": "x > 5"},
    )  # fmt: skip


def test_an_inclusive_gateway_takes_every_true_flow_and_waits_for_them(
    engine: Engine, run: Run
) -> None:
    both = run(inclusive(), x=9)
    assert {"a", "b"} <= set(trace(engine, both)) and "c" not in trace(engine, both)
    assert trace(engine, both).count("merge") == 1 and open_tasks(engine, both) == ["after"]
    one = engine.runtime.start("p", variables={"x": 1})
    assert "a" in trace(engine, one) and "b" not in trace(engine, one)


def test_an_inclusive_gateway_takes_its_default_when_nothing_holds(
    engine: Engine, run: Run
) -> None:
    instance = run(inclusive(), x=-1)
    assert trace(engine, instance)[:4] == ["start", "fork", "c", "merge"]


def test_a_call_activity_passes_only_the_declared_data(engine: Engine, run: Run) -> None:
    io = (
        '<bpmn:ioSpecification id="io"><bpmn:dataInput id="amount"/><bpmn:dataOutput id="fee"/>'
        '<bpmn:inputSet id="ins"><bpmn:dataInputRefs>amount</bpmn:dataInputRefs></bpmn:inputSet>'
        '<bpmn:outputSet id="outs"><bpmn:dataOutputRefs>fee</bpmn:dataOutputRefs></bpmn:outputSet>'
        "</bpmn:ioSpecification>"
    )
    callee = (
        f'<bpmn:process id="fees" isExecutable="true">{io}'
        + d.start("cs") + d.script("compute", "fee = amount // 10\ninternal = 1") + d.end("ce")
        + d.flows("cs compute ce") + "</bpmn:process>"
    )  # fmt: skip
    process = d.process("p", [d.start(), d.call("invoke", "fees"), d.end()], "start invoke end",
                        others=[callee])  # fmt: skip
    done = engine.runtime.get(run(process, amount=500, secret="s").id)
    assert done.variables["fee"] == 50 and "internal" not in done.variables
    assert trace(engine, done) == ["start", "cs", "compute", "ce", "invoke", "end"]


def test_a_transaction_cancelled_leaves_by_its_cancel_boundary(engine: Engine, run: Run) -> None:
    transaction = d.subprocess(
        "pay", [d.start("t0"), d.script("book", "booked = True"),
                d.end("abort", "<bpmn:cancelEventDefinition/>")],
        "t0 book abort", tag="transaction",
    )  # fmt: skip
    process = d.process(
        "p",
        [d.start(), transaction, d.boundary("cancelled", "pay", "<bpmn:cancelEventDefinition/>"),
         d.user("refund"), d.end(), d.end("paid")],
        "start pay paid; cancelled refund end",
    )  # fmt: skip
    instance = run(process)
    assert open_tasks(engine, instance) == ["refund"]
    assert "paid" not in trace(engine, instance)
