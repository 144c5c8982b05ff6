"""Files drawn in another modeler (Camunda 7 or 8, bpmn.io) saved as a draft version, each
`.bpmn` rewritten for this engine, with the report of what was mapped and what was left out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from engine import DeploymentError, Engine
from engine.imports import ImportNote, import_bpmn
from engine.models import ProcessVersion


def import_files(
    engine: Engine, process_id: str, files: Mapping[str, bytes], *, actor: str, comment: str = ""
) -> tuple[ProcessVersion, list[ImportNote]]:
    """The draft saved and the report; a draft refused on validation raises DeploymentError
    whose `errors` hold the report too (under `report`), beside the problems by element."""
    converted, report = {}, []
    for name, content in files.items():
        if name.endswith(".bpmn"):
            result = import_bpmn(content, filename=name)
            content = result.content
            report.extend(result.report)
        converted[name] = content
    try:
        version = engine.repository.deploy(
            process_id, converted, author=actor, comment=comment, draft=True
        )
    except DeploymentError as exc:
        if not report:
            raise
        notes = [asdict(note) for note in report]
        raise DeploymentError(
            str(exc), field=exc.field, errors={**exc.errors, "report": notes}
        ) from exc
    return version, report
