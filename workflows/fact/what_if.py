"""What if a version were current: the whole call simulated on it, beside the current one.

Both runs use the same synthetic applicants (same seed) in virtual time; the figures staff
compare are the call's timeline, its outcomes and the mails sent, by kind.
"""

from __future__ import annotations

from typing import Any

from engine import Engine, InvalidInputError

from .calls import PROCESS_FILES
from .simulation import SimulationReport, simulate

MAX_APPLICATIONS = 40  # a comparison runs two whole calls while staff wait for it
_SHOWN = ("timeline", "outcomes", "mails", "granted", "late_notices", "unfinished")


def what_if(engine: Engine, version_id: int, *, applications: int = 10, seed: int = 1) -> dict:
    """The call simulated on version `version_id` of a FACT process and on the current one."""
    if not 1 <= applications <= MAX_APPLICATIONS:
        raise InvalidInputError(
            f"de 1 à {MAX_APPLICATIONS} candidatures simulées", field="applications"
        )
    tried = engine.repository.get(version_id)
    if tried.process_id not in PROCESS_FILES:
        raise InvalidInputError(
            f"la version {version_id} n'est pas celle d'un processus de l'appel FACT",
            field="version_id",
        )
    current = engine.repository.latest(tried.process_id)

    def run(files: dict[str, str]) -> dict[str, Any]:
        report = simulate(applications, seed, files={tried.process_id: files})
        return _shown(report)

    return {
        "process_id": tried.process_id,
        "version_id": tried.id,
        "current_version_id": current.id,
        "applications": applications,
        "seed": seed,
        "current": run(engine.repository.files(current.id)),
        "tried": run(engine.repository.files(tried.id)),
    }


def _shown(report: SimulationReport) -> dict[str, Any]:
    values = report.to_dict()
    return {name: values[name] for name in _SHOWN}
