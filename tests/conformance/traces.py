"""What an instance went through and where it waits, as the conformance tests compare them."""

from __future__ import annotations

from engine import Engine
from engine.models import Instance


def trace(engine: Engine, instance: Instance) -> list[str]:
    """The elements the instance went through, in order."""
    return engine.runtime.completed_elements(instance.id)


def open_tasks(engine: Engine, instance: Instance) -> list[str]:
    return sorted(task.element_id for task in engine.tasks.query().instance(instance.id).list())
