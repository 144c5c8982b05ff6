"""A FACT call as a running `fact_call` instance: deploy the diagrams, open, reschedule."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from engine import ConflictError, DuplicateError, Engine, InvalidInputError
from engine.dates import end_of_second, in_plausible_years
from engine.models import Instance, ProcessVersion

from ..french import datetime_fr
from ..paths import PROJECT_ROOT
from ..schemas import invalid
from .config import YEARS_REFUSED, load_config, past_dates, process_variables

BPMN_DIR = PROJECT_ROOT / "bpmn" / "fact"
CALL_PROCESS = "fact_call"
DOSSIER_PROCESS = "fact_dossier"
PROCESS_FILES = {
    CALL_PROCESS: ("fact_call.bpmn",),
    DOSSIER_PROCESS: ("fact_dossier.bpmn", "eligibility.dmn"),
}


FORMS_DIR = PROJECT_ROOT / "bpmn" / "forms"


def deploy(
    engine: Engine,
    *,
    author: str = "system",
    files: Mapping[str, Mapping[str, str | bytes]] | None = None,
) -> dict[str, ProcessVersion]:
    """Deploy the FACT diagrams from bpmn/fact with the task forms of bpmn/forms (a no-op for
    files already deployed); `files` replace, by process id, those of a process (a version
    being tried, say)."""
    forms = {path.name: path.read_bytes() for path in sorted(FORMS_DIR.glob("*.form"))}
    shipped = {
        process_id: {**{name: (BPMN_DIR / name).read_bytes() for name in names}, **forms}
        for process_id, names in PROCESS_FILES.items()
    }
    return {
        process_id: engine.repository.deploy(
            process_id,
            (files or {}).get(process_id, default),
            author=author,
            comment="FACT diagrams from bpmn/fact, forms from bpmn/forms",
        )
        for process_id, default in shipped.items()
    }


def open_call(
    engine: Engine, raw_config: dict[str, Any] | None, *, actor: str, seed: bool = True
) -> Instance:
    """Validate a configuration and start its call process. With `seed`, what it leaves out
    takes the 2020-01 call's values (the demo, the simulator, tests); without, the reference,
    title, dates and envelope must be given."""
    try:
        config = load_config(raw_config, seed=seed)
    except ValidationError as exc:
        raise invalid(exc) from exc
    refusal = past_dates(config, engine.clock.now())
    if refusal:
        raise InvalidInputError(refusal, field="deposit_deadline")
    try:
        return engine.runtime.start(
            CALL_PROCESS,
            business_key=config["reference"],
            variables=process_variables(config),
            actor=actor,
        )
    except DuplicateError as exc:
        if "business_key" not in exc.columns:
            raise
        raise DuplicateError(
            f"un appel à projets de référence {config['reference']} existe déjà",
            columns=exc.columns,
            field="reference",
        ) from exc


EDITABLE = (
    "title",
    "summary",
    "eligibility",
    "envelope",
    "contact",
    "staff_email",
    "axes",
    "criteria",
)


def update_config(
    engine: Engine, reference: str, changes: dict[str, Any], *, actor: str
) -> Instance:
    """Change a running call's configuration. Dates move only through `reschedule`, and the
    reference never changes; dossiers created afterwards take the new values."""
    call = get_call(engine, reference)
    refused = sorted(set(changes) - set(EDITABLE))
    if refused:
        raise InvalidInputError(
            f"{refused[0]} ne se modifie pas ainsi (les dates : report de la date limite ou "
            "de la commission)",
            field=refused[0],
        )
    variables = call.variables
    merged = {
        "reference": variables["call_id"],
        "response_delay": variables["response_delay"],
        "reminder_days": variables["reminder_days"],
        "reminder_time": variables["reminder_time"],
        "tracks": variables["tracks"],
        "confirm_past_dates": True,  # a running call's dates are not being chosen here
        **{k: variables[k] for k in ("publication_at", "deposit_deadline", "commission_at")},
        **{k: variables[k] for k in EDITABLE if k in variables},
        **changes,
    }
    try:
        new = process_variables(load_config(merged))
    except ValidationError as exc:
        raise invalid(exc) from exc
    return engine.runtime.set_variables(call.id, {k: new[k] for k in changes}, actor=actor)


def get_call(engine: Engine, reference: str) -> Instance:
    return engine.runtime.query().process(CALL_PROCESS).business_key(reference).one()


def reschedule(
    engine: Engine,
    reference: str,
    *,
    deposit_deadline: datetime | None = None,
    commission_at: datetime | None = None,
    actor: str,
) -> list[str]:
    """Move the deposit deadline later (while deposits are open) and/or the commission (before
    it sits). The call and every dossier still concerned receive the new dates in one
    transaction: timers follow them, reminders are planned again for the new deadline, drafts
    are told of a new deadline and deposited dossiers of a new commission date. Returns the
    instances told."""
    call = get_call(engine, reference)
    variables = call.variables
    current = datetime.fromisoformat(variables["deposit_deadline"])
    deadline, commission = new_dates(engine, call, deposit_deadline, commission_at)
    now = engine.clock.now()
    new = {
        "deposit_deadline": deadline.astimezone(UTC).isoformat(),
        "commission_at": commission.astimezone(UTC).isoformat(),
    }
    if now < datetime.fromisoformat(variables["publication_at"]):
        # Not published yet: no dossier exists, the call's own timers follow its variables.
        engine.runtime.set_variables(call.id, new, actor=actor)
        return [call.id]
    payload = {
        "call_id": reference,
        "previous_deadline": variables["deposit_deadline"],
        "previous_commission_at": variables["commission_at"],
        **new,
    }
    try:
        return engine.messages.correlate(
            "call_rescheduled",
            correlation={"call_id": reference},
            payload=payload,
            variables=new,
            actor=actor,
        )
    except ConflictError:
        if engine.clock.now() >= datetime.fromisoformat(end_of_second(current)):
            raise ConflictError("la date limite de dépôt vient de passer") from None
        raise


def new_dates(
    engine: Engine,
    call: Instance,
    deposit_deadline: datetime | None,
    commission_at: datetime | None,
) -> tuple[datetime, datetime]:
    """The call's deadline and commission once moved as asked, or why they cannot be: a later
    deadline while deposits are open, a commission after it and before it sits."""
    variables = call.variables
    current = datetime.fromisoformat(variables["deposit_deadline"])
    current_commission = datetime.fromisoformat(variables["commission_at"])
    deadline = _aware(deposit_deadline, "deposit_deadline") or current
    commission = _aware(commission_at, "commission_at") or current_commission
    now = engine.clock.now()
    if deadline != current:
        if now >= datetime.fromisoformat(end_of_second(current)):
            raise ConflictError("la date limite de dépôt est déjà passée : elle ne se reporte plus")
        if deadline < current:
            raise InvalidInputError(
                "un report doit repousser la date limite "
                f"(actuelle : {datetime_fr(current, seconds=True)}, heure de Paris)",
                field="deposit_deadline",
            )
    if commission != current_commission:
        if now >= current_commission:
            raise ConflictError("la commission s'est déjà réunie : sa date ne change plus")
        if commission <= now:
            raise InvalidInputError(
                "la commission ne peut pas se réunir dans le passé", field="commission_at"
            )
    if commission <= deadline:
        raise InvalidInputError(
            "la commission doit se réunir après la date limite de dépôt "
            f"({datetime_fr(deadline, seconds=True)}, heure de Paris)",
            field="commission_at",
        )
    if (deadline, commission) == (current, current_commission):
        raise InvalidInputError("aucune date ne change", field="deposit_deadline")
    return deadline, commission


def _aware(moment: datetime | None, field: str) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise InvalidInputError("date et heure avec fuseau attendues", field=field)
    if not in_plausible_years(moment):
        raise InvalidInputError(YEARS_REFUSED, field=field)
    return moment
