"""engine.sandbox at work: service calls, tracing and threads, inside SpiffWorkflow."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.sandbox import Sandbox, ScriptError, ScriptTimeoutError

from .conftest import LIMIT, LIMIT_SLACK, T0, run

# --- services --------------------------------------------------------------------------------


def test_sandbox_call_service_round_trips_json() -> None:
    calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def services(name: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
        calls.append((name, params, data))
        return {"ok": True, "echo": params["to"], "items": [1, 2]}

    context = {"applicant": "a@example.org"}
    result = Sandbox(services=services).call_service(
        context,
        operation_name="email.send",
        operation_params={"to": {"value": "a@example.org", "type": "str"}},
    )
    assert result == '{"ok": true, "echo": "a@example.org", "items": [1, 2]}'
    assert calls == [("email.send", {"to": "a@example.org"}, context)]
    assert calls[0][2] is context


def test_sandbox_call_service_without_services_names_operation() -> None:
    with pytest.raises(ScriptError, match=r"'pdf\.render'"):
        Sandbox().call_service({}, operation_name="pdf.render", operation_params={})


def test_sandbox_call_service_propagates_service_errors_unchanged() -> None:
    failure = LookupError("no such service")

    def services(name: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
        raise failure

    with pytest.raises(LookupError) as info:
        Sandbox(services=services).call_service({}, operation_name="x", operation_params={})
    assert info.value is failure


def test_sandbox_call_service_refuses_non_json_results() -> None:
    sandbox = Sandbox(services=lambda name, params, data: {"at": T0})
    with pytest.raises(ScriptError, match="not JSON"):
        sandbox.call_service({}, operation_name="clock", operation_params={})


# --- tracing ---------------------------------------------------------------------------------


def test_sandbox_restores_previous_trace_function(sandbox: Sandbox) -> None:
    seen: list[str] = []

    def previous(frame: Any, event: str, arg: Any) -> None:
        seen.append(frame.f_code.co_name)

    def host_helper() -> int:
        return 1

    traced = Sandbox({"host_helper": host_helper}, time_limit=LIMIT)
    original = sys.gettrace()
    sys.settrace(previous)
    try:
        traced.execute("y = host_helper()", {})
        after_run = sys.gettrace()
        with pytest.raises(ScriptTimeoutError):
            traced.execute("while True: pass", {})
        after_timeout = sys.gettrace()
        with pytest.raises(ScriptError):
            traced.execute("y = 1 / 0", {})
        after_error = sys.gettrace()
    finally:
        sys.settrace(original)
    assert after_run is previous
    assert after_timeout is previous
    assert after_error is previous
    # Host frames are handed to the previous tracer (coverage keeps measuring them).
    assert "host_helper" in seen


def test_sandbox_times_out_in_worker_thread(sandbox: Sandbox) -> None:
    outcome: dict[str, Any] = {}

    def work() -> None:
        before = sys.gettrace()  # None, or coverage's tracer when measured
        started = time.monotonic()
        try:
            sandbox.execute("n = 0\nwhile True:\n    n += 1", {})
        except ScriptTimeoutError as exc:
            outcome["error"] = exc
        outcome["elapsed"] = time.monotonic() - started
        outcome["trace_restored"] = sys.gettrace() is before

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert isinstance(outcome["error"], ScriptTimeoutError)
    assert outcome["elapsed"] < LIMIT + LIMIT_SLACK
    assert outcome["trace_restored"]


def test_sandbox_does_not_limit_fast_scripts_run_back_to_back(sandbox: Sandbox) -> None:
    # The limit is per call, not cumulative over the sandbox's life.
    for _ in range(3):
        time.sleep(LIMIT / 2)
        assert run(sandbox, "n = 0\nfor i in range(1000):\n    n += i")["n"] == 499500


# --- plugged into SpiffWorkflow --------------------------------------------------------------

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="http://concerto.test/bpmn">
  <bpmn:process id="doubling" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:scriptTask id="compute">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="check" />
    <bpmn:exclusiveGateway id="check" default="f_small" />
    <bpmn:sequenceFlow id="f_big" sourceRef="check" targetRef="mark_big">
      <bpmn:conditionExpression>y &gt; 5</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_small" sourceRef="check" targetRef="mark_small" />
    <bpmn:scriptTask id="mark_big">
      <bpmn:script>size = 'big'</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:scriptTask id="mark_small">
      <bpmn:script>size = 'small'</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="mark_big" targetRef="end" />
    <bpmn:sequenceFlow id="f4" sourceRef="mark_small" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def build_workflow(script: str, data: dict[str, Any], time_limit: float = 1.0) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(BPMN.format(script=script).encode())
    sandbox = Sandbox({"double": lambda v: v * 2}, time_limit=time_limit)
    engine = PythonScriptEngine(environment=sandbox)
    workflow = BpmnWorkflow(parser.get_spec("doubling"), script_engine=engine)
    start = workflow.get_tasks(state=TaskState.READY)[0]
    start.data.update(data)
    return workflow


@pytest.mark.parametrize(("x", "size"), [(4, "big"), (2, "small")])
def test_sandbox_runs_spiff_workflow(x: int, size: str) -> None:
    workflow = build_workflow("y = x * 2", {"x": x})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    end = workflow.get_tasks(spec_name="end")[0]
    assert end.data == {"x": x, "y": x * 2, "size": size}


def test_sandbox_host_functions_stay_out_of_spiff_task_data() -> None:
    workflow = build_workflow("y = double(x)", {"x": 3})
    workflow.do_engine_steps()
    assert workflow.get_tasks(spec_name="end")[0].data == {"x": 3, "y": 6, "size": "big"}


def test_sandbox_import_fails_spiff_workflow_step() -> None:
    workflow = build_workflow("import os", {"x": 4})
    with pytest.raises(SpiffWorkflowException) as info:
        workflow.do_engine_steps()
    # PythonScriptEngine wraps our error in a WorkflowTaskException raised inside its handler.
    assert info.value.error_type == "ScriptError"
    assert isinstance(info.value.__context__, ScriptError)
    assert "import statements are not allowed" in str(info.value)
    assert not workflow.is_completed()
    assert workflow.get_tasks(spec_name="compute")[0].state == TaskState.ERROR


def test_sandbox_timeout_fails_spiff_workflow_step() -> None:
    workflow = build_workflow("while True: pass", {"x": 4}, time_limit=LIMIT)
    with pytest.raises(SpiffWorkflowException) as info:
        workflow.do_engine_steps()
    assert info.value.error_type == "ScriptTimeoutError"
    assert workflow.get_tasks(spec_name="compute")[0].state == TaskState.ERROR
