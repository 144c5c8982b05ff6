"""Moving a running instance to another version of its process, when that is safe.

SpiffWorkflow aligns the two versions by element id (`SpecDiff`); an instance may move when
every element it has gone through or stands at exists in the new version (its tokens waiting
there are reset and reach them again under the new definition: a changed timer is computed
anew). Otherwise it is refused, naming the elements.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow

from .bpmn import SERIALIZER
from .errors import ConflictError


def migrate(workflow: BpmnWorkflow, spec: Any, subprocess_specs: dict[str, Any]) -> None:
    """Put the instance on `spec` (and its sub-process specs), or raise ConflictError."""
    top, subs = diff_workflow(SERIALIZER.registry, workflow, spec, subprocess_specs)
    missing = {task.task_spec.bpmn_id for task in top.removed if task.task_spec.bpmn_id}
    for sp_id, diff in subs.items():
        if diff is None:
            holder = workflow.get_task_from_id(sp_id)
            missing.add(holder.task_spec.bpmn_id or workflow.subprocesses[sp_id].spec.name)
        else:
            missing.update(t.task_spec.bpmn_id for t in diff.removed if t.task_spec.bpmn_id)
    if missing:
        names = ", ".join(sorted(missing))
        raise ConflictError(
            f"migration refusée : l'instance est passée par des éléments, ou attend à des "
            f"éléments, que la nouvelle version n'a plus ({names})"
        )
    migrate_workflow(top, workflow, spec)
    for sp_id, diff in subs.items():
        subprocess = workflow.subprocesses[sp_id]
        migrate_workflow(diff, subprocess, subprocess_specs[subprocess.spec.name])
    workflow.subprocess_specs = subprocess_specs
