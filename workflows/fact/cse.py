"""The CSE's own confirmation: the staff representatives say, without an account, whether they
were informed of the project and how they are associated with it.

The dossier diagram models it (the `cse_confirmation_task` in the CSE lane, asked for after the
deposit when the applicant named the CSE secretary's address, with its reminder). The mail
carries a link signed with the service's secret: it names the dossier and the address it was
sent to, so it opens that dossier's answer only, and only while that address is the one the
dossier names. The answer is kept in the dossier's `cse_confirmation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine import Engine, InvalidInputError, NotFoundError
from engine.models import Instance, UserTask

from ..french import date_fr, datetime_fr, paris
from ..signing import read, sign
from .calls import DOSSIER_PROCESS
from .forms import complete_task

PURPOSE = "cse"
FORM_KEY = "cse_confirmation"
# A link outlives any examination; the open task decides whether an answer is still awaited.
LINK_DAYS = 365


def link_token(secret: str, dossier_id: str, email: str) -> str:
    """The token of the link mailed to the CSE secretary of a dossier."""
    return sign(secret, PURPOSE, [dossier_id, email.strip().lower()])


@dataclass(frozen=True)
class CseRequest:
    """A dossier as its CSE secretary's link opens it."""

    dossier: Instance
    email: str
    task: UserTask | None  # open while an answer is awaited

    @property
    def answer(self) -> dict[str, Any] | None:
        return self.dossier.variables.get("cse_confirmation")


def open_request(engine: Engine, secret: str, token: str) -> CseRequest:
    """The dossier a link opens; NotFoundError for a forged, stale or foreign link."""
    try:
        dossier_id, email = read(secret, PURPOSE, token, timedelta(days=LINK_DAYS))
        dossier = (
            engine.runtime.query().process(DOSSIER_PROCESS).business_key(str(dossier_id)).one()
        )
    except (InvalidInputError, NotFoundError, ValueError, TypeError):
        raise NotFoundError("ce lien ne correspond à aucune demande en cours") from None
    named = str(dossier.variables.get("cse_secretary_email") or "").strip().lower()
    if named != email:  # the applicant named someone else since: this link is void
        raise NotFoundError("ce lien ne correspond à aucune demande en cours")
    tasks = engine.tasks.query().business_key(str(dossier_id)).form_key(FORM_KEY).list()
    return CseRequest(dossier, email, tasks[0] if tasks else None)


def answer(engine: Engine, request: CseRequest, data: Mapping[str, Any]) -> Instance:
    """Record the CSE's answer (the form's fields under `cse_confirmation`); when the CSE was
    informed, the date (not in the future) and how it is associated are required too."""
    if request.task is None:
        raise NotFoundError("cette demande n'attend plus de réponse")
    given = dict(data.get("cse_confirmation") or {})
    errors: dict[str, list[str]] = {}
    if given.get("informed") is True:
        informed_on = given.get("informed_on")
        if not informed_on:
            errors["cse_confirmation.informed_on"] = ["obligatoire si le CSE a été informé"]
        elif _day(informed_on) is not None and _day(informed_on) > paris(engine.clock.now()).date():
            errors["cse_confirmation.informed_on"] = ["cette date est à venir"]
        if not str(given.get("association") or "").strip():
            errors["cse_confirmation.association"] = ["obligatoire si le CSE a été informé"]
    else:  # nothing to say of a date or an association the CSE did not have
        given.update(informed_on=None, association="")
    if errors:
        field = next(iter(errors))
        raise InvalidInputError(f"{field} : {errors[field][0]}", field=field, errors=errors)
    complete_task(
        engine, request.task.id, {"cse_confirmation": given}, actor=f"cse:{request.email}"
    )
    return engine.runtime.get(request.dossier.id)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None  # the form's own check names it


@dataclass(frozen=True)
class CseStatus:
    """What a dossier's readers are told of the CSE's confirmation."""

    state: str  # "none", "awaited", "answered"
    headline: str
    details: list[str]


def cse_status(variables: Mapping[str, Any], *, with_answer: bool) -> CseStatus:
    """Where the confirmation stands; `with_answer` adds what the CSE said (for the Mission Fact,
    reviewers and commission, not the applicant)."""
    email = variables.get("cse_secretary_email")
    given = variables.get("cse_confirmation")
    if given and variables.get("cse_answered_at"):
        when = datetime_fr(variables["cse_answered_at"], seconds=False)
        name = given.get("secretary_name") or email
        if not with_answer:
            return CseStatus("answered", f"Le secrétaire du CSE a répondu le {when}.", [])
        if given.get("informed"):
            headline = f"CSE informé le {date_fr(given['informed_on'])}"
            details = [f"Associé de la manière suivante : {given.get('association')}"]
        else:
            headline = "Le CSE déclare ne pas avoir été informé du projet"
            details = []
        if given.get("comment"):
            details.append(f"Commentaire : {given['comment']}")
        details.append(f"Réponse de {name} ({email}) le {when}.")
        return CseStatus("answered", headline, details)
    request = variables.get("cse_request")
    if email and request:
        when = datetime_fr(request["queued_at"], seconds=False)
        return CseStatus(
            "awaited", f"Confirmation demandée au secrétaire du CSE ({email}) le {when}.", []
        )
    return CseStatus("none", "Aucune confirmation du CSE demandée.", [])
