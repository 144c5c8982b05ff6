"""A FACT call as a running `fact_call` instance: deploy the diagrams, open, extend."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from engine import ConflictError, Engine, InvalidInputError
from engine.models import Instance, ProcessVersion

from .. import PROJECT_ROOT
from .config import PARIS, load_config, process_variables

BPMN_DIR = PROJECT_ROOT / "bpmn" / "fact"
CALL_PROCESS = "fact_call"
DOSSIER_PROCESS = "fact_dossier"
PROCESS_FILES = {
    CALL_PROCESS: ("fact_call.bpmn",),
    DOSSIER_PROCESS: ("fact_dossier.bpmn", "eligibility.dmn"),
}


FORMS_DIR = PROJECT_ROOT / "bpmn" / "forms"


def deploy(engine: Engine, *, author: str = "system") -> dict[str, ProcessVersion]:
    """Deploy the FACT diagrams from bpmn/fact with the task forms of bpmn/forms (a no-op for
    files already deployed)."""
    forms = {path.name: path.read_bytes() for path in sorted(FORMS_DIR.glob("*.form"))}
    return {
        process_id: engine.repository.deploy(
            process_id,
            {**{name: (BPMN_DIR / name).read_bytes() for name in names}, **forms},
            author=author,
            comment="FACT diagrams from bpmn/fact, forms from bpmn/forms",
        )
        for process_id, names in PROCESS_FILES.items()
    }


def open_call(engine: Engine, raw_config: dict[str, Any] | None, *, actor: str) -> Instance:
    """Validate a configuration (seed defaults) and start its call process."""
    try:
        config = load_config(raw_config)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return engine.runtime.start(
        CALL_PROCESS,
        business_key=config["reference"],
        variables=process_variables(config),
        actor=actor,
    )


EDITABLE = ("title", "envelope", "contact", "staff_email", "axes", "criteria")


def update_config(
    engine: Engine, reference: str, changes: dict[str, Any], *, actor: str
) -> Instance:
    """Change a running call's configuration. Dates move only through `extend_deadline`, and
    the reference never changes; dossiers created afterwards take the new values."""
    call = get_call(engine, reference)
    refused = sorted(set(changes) - set(EDITABLE))
    if refused:
        raise InvalidInputError(
            f"{refused[0]} ne se modifie pas ainsi (les dates : prolongation de la date limite)",
            field=refused[0],
        )
    variables = call.variables
    merged = {
        "reference": variables["call_id"],
        "response_delay": variables["response_delay"],
        "tracks": variables["tracks"],
        **{k: variables[k] for k in ("publication_at", "deposit_deadline", "commission_at")},
        **{k: variables[k] for k in EDITABLE},
        **changes,
    }
    try:
        new = process_variables(load_config(merged))
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return engine.runtime.set_variables(call.id, {k: new[k] for k in changes}, actor=actor)


def get_call(engine: Engine, reference: str) -> Instance:
    return engine.runtime.query().process(CALL_PROCESS).business_key(reference).one()


def extend_deadline(
    engine: Engine,
    reference: str,
    deposit_deadline: datetime,
    *,
    commission_at: datetime | None = None,
    actor: str,
) -> list[str]:
    """Move the deposit deadline (and the commission) later, before the deadline passes.

    The call and every open draft receive the new dates in one transaction: their deadline and
    reminder timers are rescheduled and draft holders are told. Returns the instances told.
    """
    call = get_call(engine, reference)
    variables = call.variables
    current = datetime.fromisoformat(variables["deposit_deadline"])
    commission = commission_at or datetime.fromisoformat(variables["commission_at"])
    for name, value in (("deposit_deadline", deposit_deadline), ("commission_at", commission)):
        if value.tzinfo is None:
            raise InvalidInputError(f"{name} needs a UTC offset or zone", field=name)
    if engine.clock.now() >= current:
        raise ConflictError("la date limite de dépôt est déjà passée")
    if deposit_deadline <= current:
        raise InvalidInputError(
            "une prolongation doit repousser la date limite "
            f"(actuelle : {current.astimezone(PARIS):%d/%m/%Y %H:%M:%S})",
            field="deposit_deadline",
        )
    if commission <= deposit_deadline:
        raise InvalidInputError(
            "la commission doit se réunir après la nouvelle date limite", field="commission_at"
        )
    new = {
        "deposit_deadline": deposit_deadline.astimezone(UTC).isoformat(),
        "commission_at": commission.astimezone(UTC).isoformat(),
    }
    return engine.messages.correlate(
        "deadline_extended",
        correlation={"call_id": reference},
        payload={"call_id": reference, "previous_deadline": variables["deposit_deadline"], **new},
        variables=new,
        actor=actor,
    )


def _invalid(exc: ValidationError) -> InvalidInputError:
    errors = _flatten(exc.messages)
    first = next(iter(errors))
    return InvalidInputError(f"{first}: {errors[first][0]}", field=first, errors=errors)


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            flat.update(_flatten(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}"))
        return flat
    return {prefix or "_schema": [str(m) for m in messages]}
