"""Where a dossier stands, in the applicant's words, and what is expected next.

Read from the dossier's variables and its open tasks only: a list of dossiers asks nothing more
of the engine than one query for the instances and one for their open tasks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import Engine
from engine.models import HistoryEntry, Instance, UserTask

from ..french import amount_fr, date_fr, datetime_fr, deadline_fr
from .calls import DOSSIER_PROCESS

DRAFT, DEPOSITED, EXAMINED, GRANTED, CLOSED = "draft", "deposited", "examined", "granted", "closed"
TO_SIGN = "Convention à signer."
CLOSED_BY_STAFF = "Classé sans suite"
CANCELLED = "Annulé"
INTERRUPTED = "Interrompu"


@dataclass(frozen=True)
class Status:
    """A dossier's state as a tag (`kind` gives its look) and the next thing to expect;
    `group` names the state without its date or amount, where the label has one."""

    label: str
    kind: str
    next_step: str
    group: str | None = None

    @property
    def stage(self) -> str:
        """The state as staff count dossiers by it: "Déposé", "Retenu", "Brouillon"..."""
        return self.group or self.label

    @property
    def is_draft(self) -> bool:
        return self.kind == DRAFT

    @property
    def to_sign(self) -> bool:
        return self.next_step == TO_SIGN


def status_of(dossier: Instance, open_forms: Iterable[str] = ()) -> Status:
    """The status of one dossier; `open_forms` are the form keys of its open tasks."""
    v: dict[str, Any] = dossier.variables
    forms = set(open_forms)
    outcome = v.get("outcome")
    if outcome == "withdrawn":
        closing = v.get("withdrawal") or {}
        if closing.get("by_staff"):
            reason = str(closing.get("reason") or "").strip().rstrip(".")
            return Status(
                CLOSED_BY_STAFF, CLOSED, f"Dossier clos par la Mission Fact : « {reason} »."
            )
        return Status("Retiré", CLOSED, "Le dossier ne sera pas examiné.")
    if outcome == "expired":
        return Status(
            "Non déposé",
            CLOSED,
            f"La date limite du {deadline_fr(v['deposit_deadline'])} est passée.",
        )
    if dossier.status == "cancelled":  # stopped by an administrator (engine cancellation)
        return Status(CANCELLED, CLOSED, "Le dossier a été annulé : il ne sera pas examiné.")
    if dossier.status == "error":  # an uncaught BPMN error: an incident waits for staff
        return Status(
            INTERRUPTED,
            DEPOSITED if v.get("deposited_at") else DRAFT,
            "Le traitement du dossier est interrompu : la Mission Fact en est avertie et le "
            "reprendra.",
        )
    if "deposit" in forms and v.get("corrections"):
        reason = (v.get("correction") or {}).get("reason", "").strip().rstrip(".")
        return Status(
            "À corriger",
            DRAFT,
            f"La Mission Fact vous a renvoyé le dossier : « {reason} ». Corrigez-le et "
            f"déposez-le à nouveau avant le {deadline_fr(v['deposit_deadline'])} "
            "(heure de Paris).",
        )
    if "deposit" in forms or (dossier.status == "running" and not v.get("deposited_at")):
        return Status(
            "Brouillon",
            DRAFT,
            f"À déposer avant le {deadline_fr(v['deposit_deadline'])} (heure de Paris) : "
            "un brouillon n'est pas un dépôt.",
        )
    if outcome in ("accepted", "partial"):
        word = "Retenu" if outcome == "accepted" else "Retenu en partie"
        label = f"{word} : {amount_fr(v.get('amount_granted') or 0)}"
        if v.get("convention_signed"):
            return Status(label, GRANTED, "Convention signée par les deux parties.", word)
        if "convention_signature" in forms:
            return Status(label, GRANTED, TO_SIGN, word)
        if "convention_countersignature" in forms:
            return Status(label, GRANTED, "Convention signée, en attente de contre-signature.",
                          word)  # fmt: skip
        return Status(label, GRANTED, "La convention vous sera envoyée pour signature.", word)
    if outcome == "refused":
        return Status("Non retenu", CLOSED, "La commission n'a pas retenu le projet.")
    if outcome == "ineligible" or v.get("eligible") is False:
        return Status("Non éligible", CLOSED, v.get("eligibility_reason") or "")
    commission = v.get("commission_at")
    later = f" ; commission le {date_fr(commission)}" if commission else ""
    if v.get("eligible"):
        return Status("En instruction", EXAMINED, f"Évaluation par des experts{later}.")
    if not v.get("deposited_at"):  # ended without a deposit nor an outcome
        return Status("Clos", CLOSED, "Le dossier ne sera pas examiné.")
    return Status(
        f"Déposé le {datetime_fr(v['deposited_at'], seconds=False)}",
        DEPOSITED,
        f"La Mission Fact vérifie l'éligibilité du dossier{later}.",
        "Déposé",
    )


def statuses(
    dossiers: Iterable[Instance], tasks: Iterable[UserTask]
) -> list[tuple[Instance, Status]]:
    """Each dossier with its status, given the open tasks of all of them."""
    forms: dict[str, set[str]] = {}
    for task in tasks:
        if task.business_key and task.form_key:
            forms.setdefault(task.business_key, set()).add(task.form_key)
    return [(d, status_of(d, forms.get(d.business_key or "", ()))) for d in dossiers]


def applicant_dossiers(engine: Engine, username: str) -> list[tuple[Instance, Status]]:
    """The dossiers an applicant opened, newest first, with their status."""
    found = engine.runtime.query().process(DOSSIER_PROCESS).started_by(username).list()
    tasks = engine.tasks.query().assignee(username).list()
    return statuses(sorted(found, key=lambda d: d.started_at, reverse=True), tasks)


def dossier_status(engine: Engine, dossier: Instance) -> Status:
    """The status of one dossier, with its open tasks."""
    tasks = engine.tasks.query().business_key(dossier.business_key or "").list()
    return status_of(dossier, [t.form_key for t in tasks if t.form_key])


# The steps of a dossier's history an applicant reads, by (action, element).
MILESTONES = {
    ("started", None): "Brouillon créé",
    ("task_completed", "deposit_task"): "Dossier déposé",
    (
        "timer_fired",
        "deposit_deadline_timer",
    ): "Date limite passée : le brouillon n'a pas été déposé",
    ("message_received", "call_rescheduled"): "Dates de l'appel à projets modifiées",
    ("task_completed", "cse_confirmation_task"): "Le secrétaire du CSE a répondu",
    ("task_completed", "eligibility_task"): "Éligibilité examinée",
    ("message_received", "commission_decided"): "Décision de la commission",
    ("task_completed", "notify_task"): "Décision notifiée",
    ("task_completed", "sign_task"): "Convention signée par le porteur de projet",
    ("task_completed", "countersign_task"): "Convention contresignée par l'Anact",
    ("message_received", "withdrawal"): "Dossier retiré",
    ("message_received", "correction_requested"): "Renvoyé par la Mission Fact pour correction",
}


@dataclass(frozen=True)
class Milestone:
    at: datetime
    label: str


def timeline(
    engine: Engine, dossier: Instance, history: list[HistoryEntry] | None = None
) -> list[Milestone]:
    """The milestones of a dossier, oldest first, as its holder reads them (from `history`
    when the caller has already read it)."""
    found = []
    entries = engine.history.for_instance(dossier.id) if history is None else history
    for entry in entries:
        label = MILESTONES.get(
            (entry.action, entry.element_id if entry.action != "started" else None)
        )
        if label and _closed_by_staff(entry):
            label = "Dossier clos par la Mission Fact"
        if label:
            found.append(Milestone(entry.at, label))
    return found


def _closed_by_staff(entry: HistoryEntry) -> bool:
    closing = (entry.changes.get("set") or {}).get("withdrawal")
    return isinstance(closing, dict) and bool(closing.get("by_staff"))
