"""Every script and expression of a process is compiled by the sandbox at deploy: one the
sandbox would refuse (an import, a `with`, a syntax error) is refused then, with its element,
rather than when an instance reaches it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .problems import Problem
from .sandbox import ScriptError, compile_script

# The element properties the engine evaluates as expressions (see execution.py).
EXPRESSION_PROPERTIES = ("assignee", "dueDate")


def script_problems(specs: Iterable[Any]) -> list[Problem]:
    """Each script or expression, by element, that the sandbox would refuse."""
    problems = []
    for spec in specs:
        for task_spec in spec.task_specs.values():
            for what, source, mode in _sources(task_spec):
                try:
                    compile_script(source, mode)
                except ScriptError as exc:
                    element = getattr(task_spec, "bpmn_id", None) or task_spec.name
                    problems.append(Problem(element, f"{what} invalide : {exc}"))
    return problems


def _sources(task_spec: Any) -> Iterator[tuple[str, str, str]]:
    """(what, source, mode) of each script and expression the element holds."""
    for attribute, mode in (("script", "exec"), ("prescript", "exec"), ("postscript", "exec")):
        if isinstance(getattr(task_spec, attribute, None), str):
            yield attribute, getattr(task_spec, attribute), mode
    for condition, target in getattr(task_spec, "cond_task_specs", None) or []:
        if condition is not None and condition.args and isinstance(condition.args[0], str):
            yield f"condition vers {target}", condition.args[0], "eval"
    for attribute in ("condition", "cardinality"):
        if isinstance(getattr(task_spec, attribute, None), str):
            yield attribute, getattr(task_spec, attribute), "eval"
    for name, param in (getattr(task_spec, "operation_params", None) or {}).items():
        if isinstance(param, dict) and isinstance(param.get("value"), str):
            yield f"paramètre {name}", param["value"], "eval"
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties") or {}
    for name in EXPRESSION_PROPERTIES:
        if isinstance(properties.get(name), str) and properties[name].strip():
            yield name, properties[name], "eval"
    yield from _event_sources(getattr(task_spec, "event_definition", None))


def _event_sources(event: Any) -> Iterator[tuple[str, str, str]]:
    if event is None:
        return
    for inner in getattr(event, "event_definitions", None) or []:  # an event-based gateway's
        yield from _event_sources(inner)
    expression = getattr(event, "expression", None)
    if isinstance(expression, str) and expression.strip():
        yield type(event).__name__.replace("EventDefinition", "").lower(), expression, "eval"
    for prop in getattr(event, "process_correlations", None) or []:
        if isinstance(prop.retrieval_expression, str):
            yield f"corrélation {prop.name}", prop.retrieval_expression, "eval"
