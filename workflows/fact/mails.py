"""Milestone mails of a FACT call: one outbox payload in, one finished French mail out.

`email.send(kind, to)` queues `{"kind", "to", "business_key", "data"}` where `data` is the
process's task data at that moment. `render_mail` turns it into a subject, an HTML part and a
plain-text part written for reading, plus attachments (the deadline invitation `.ics` for
`draft_created` and `deadline_extended`, and whatever files the caller adds).

Templates live in `templates/mails/`: `<kind>.txt` and `<kind>.html`, extending `layout.txt`
and `layout.html`. **The subject is the `{% block subject %}` of `<kind>.txt`**; it is prefixed
with `[FACT <call_id>]` here and handed to both parts as `subject`. Templates see the task data
at top level plus `kind`, `to`, `business_key` and `deadline` (the latest known deposit
deadline). Undefined variables fail (`StrictUndefined`) and become `InvalidInputError`.

Data read per kind, besides `call_id` and `contact` (every kind):
- call_published, call_closed (call data): title, deposit_deadline, commission_at,
  response_delay; call_published also envelope, tracks, axes.
- draft_created, draft_expired: dossier_id, call_title, track, deposit_deadline.
- deposit_reminder: dossier_id, call_title and `reminder` {days, last, deposit_deadline,
  sent_at}: the deadline the reminder is for and the moment it was sent, from which the mail
  states the time actually left.
- deadline_extended: dossier_id, call_title, `reschedule` {previous_deadline, deposit_deadline,
  commission_at}; the invitation keeps its UID and takes a higher SEQUENCE.
- commission_moved: dossier_id, title, call_title, response_delay, `reschedule`
  {previous_commission_at, commission_at}.
- receipt: dossier_id, call_title, title, holder_name, track, amount_requested, deposited_at,
  commission_at, response_delay (its words follow the configuration: "d'un mois", "de 2 mois").
- eligibility_result: dossier_id, title, eligible, eligibility_reason, commission_at.
- withdrawn: dossier_id, `withdrawal` {reason}; title when the dossier was deposited.
- response_overdue (staff): dossier_id, title, holder_name, commission_at, response_delay,
  outcome, amount_granted.
- decision: dossier_id, title, outcome (accepted/partial/refused), amount_granted,
  amount_requested, commission_at; motivation (the commission's reasons) when given.
- convention_ready, convention_reminder, convention_countersigned: dossier_id, title,
  amount_granted, `convention.reference`; convention_reminder also `reminder.days` (7 or 14).
- task_assigned (reviewer or staff): `task` {name, due_at (ISO or None), url (optional)},
  dossier_id when the task belongs to a dossier.
- correction_requested: dossier_id, title, deposit_deadline, `correction` {reason}.
- review_reminder (the reviewers whose review is still open, resolved at delivery): dossier_id,
  title, review_due_at, `reminder` {late}.
- review_conflict (staff): dossier_id, title, `change` {reviewer_name, reason}.
- review_withdrawn (the reviewer withdrawn): dossier_id, title, `change` {replaced_by}.
- message_received (to the holder or the Mission Fact): dossier_id, title, holder_name,
  call_title, `message` {side, author, at, body, file}.
- cse_request, cse_reminder (to the CSE secretary): dossier_id, title, holder_name,
  deposited_at, call_title; cse_reminder also `cse_request.queued_at` and commission_at. Their
  link is signed with the service's secret (`secret`), and opens the answer page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from engine import InvalidInputError
from engine.dates import end_of_second, parse_datetime

from ..french import PARIS, day_fr, time_left_fr
from ..mailing import Attachment, Mail, compose, environment, glued
from .config import AXES, TRACKS
from .cse import link_token

TEMPLATES_DIR = Path(__file__).parent / "templates" / "mails"

KINDS: frozenset[str] = frozenset(
    {
        "call_published",
        "call_closed",
        "draft_created",
        "deposit_reminder",
        "deadline_extended",
        "commission_moved",
        "receipt",
        "eligibility_result",
        "withdrawn",
        "draft_expired",
        "response_overdue",
        "decision",
        "convention_ready",
        "convention_reminder",
        "convention_countersigned",
        "task_assigned",
        "cse_request",
        "cse_reminder",
        "message_received",
        "correction_requested",
        "review_reminder",
        "review_conflict",
        "review_withdrawn",
    }
)
MESSAGE_KIND = "message_received"
# Kinds written to the CSE secretary, whose link opens the answer page (signed).
CSE_KINDS = frozenset({"cse_request", "cse_reminder"})
# Kinds whose mail carries the deadline invitation.
INVITATION_KINDS = frozenset({"draft_created", "deadline_extended"})

ICS_MIMETYPE = "text/calendar; method=REQUEST"
_SEQUENCE_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


# --- French formatting (Babel, Paris time: workflows.french) ---------------------------------


def time_left(deadline: Any, since: Any, parts: int = 2) -> str:
    """The time left from `since` until deposits close for `deadline` (the end of its second)."""
    return time_left_fr(end_of_second(deadline), since, parts)


def track_label(track_id: Any) -> str:
    """The label of a track id, e.g. `Fact entreprise`."""
    labels = {t["id"]: t["label"] for t in TRACKS}
    return labels.get(str(track_id), str(track_id))


def axis_label(axis_id: Any) -> str:
    """The label of an axis id (1, 2 or 3)."""
    labels = {str(a["id"]): a["label"] for a in AXES}
    return labels.get(str(axis_id), str(axis_id))


def _invalid(field: str, message: str) -> NoReturn:
    """Template helper: refuse a value the mail cannot express."""
    raise InvalidInputError(message, field=f"data.{field}")


# --- templates --------------------------------------------------------------------------------

_ENV = environment(TEMPLATES_DIR)
_ENV.filters.update(track_label=track_label, axis_label=axis_label)
_ENV.globals.update(invalid=_invalid, time_left=glued(time_left))


def render_mail(
    payload: Mapping[str, Any],
    *,
    attachments: Sequence[Attachment] = (),
    base_url: str | None = None,
    secret: str | None = None,
) -> Mail:
    """The finished mail for one `email` outbox payload; `attachments` are added at the end.
    With `base_url` (where the service is reached), the mail leads to the page it is about;
    `secret` signs the links that act without an account (the CSE's answer)."""
    kind = payload.get("kind")
    if kind not in KINDS:
        raise InvalidInputError(f"unknown mail kind {kind!r}", field="kind")
    to = payload.get("to")
    if not isinstance(to, str) or not to:
        raise InvalidInputError(f"mail {kind!r} has no recipient", field="to")
    data = payload.get("data")
    if not isinstance(data, Mapping):
        raise InvalidInputError(f"mail {kind!r} has no data", field="data")
    context: dict[str, Any] = {**data, "kind": kind, "to": to}
    context["business_key"] = payload.get("business_key")
    link = _link(kind, to, data, base_url, secret)
    if link:
        context["link"] = link
    try:
        if "deposit_deadline" in data or "reschedule" in data:
            context["deadline"] = _deadline(data)
        prefix = f"[FACT {context['call_id']}] "
        subject, text, html = compose(_ENV, kind, to, context, prefix=prefix)
        files = [deadline_invitation(data)] if kind in INVITATION_KINDS else []
    except KeyError as exc:
        raise InvalidInputError(
            f"mail {kind!r} cannot be rendered: data has no {exc.args[0]!r}",
            field=f"data.{exc.args[0]}",
        ) from exc
    except (AttributeError, TypeError, ValueError) as exc:
        raise InvalidInputError(f"mail {kind!r} cannot be rendered: {exc}", field="data") from exc
    contact = data.get("contact") if isinstance(data.get("contact"), Mapping) else {}
    return Mail(
        to=to,
        subject=subject,
        html=html,
        text=text,
        attachments=(*files, *attachments),
        reply_to=contact.get("email"),
    )


def _link(
    kind: str, to: str, data: Mapping[str, Any], base_url: str | None, secret: str | None
) -> dict[str, str] | None:
    """The page a mail leads to: the holder's dossier, the call, the holder's dossiers, or the
    CSE's answer page."""
    if not base_url:
        return None
    base = base_url.rstrip("/")
    if kind in CSE_KINDS:
        if not secret:
            raise InvalidInputError(f"mail {kind!r} needs the secret that signs its link")
        token = link_token(secret, str(data["dossier_id"]), to)
        return {"text": "Répondre pour le CSE", "url": f"{base}/cse/{token}"}
    if kind == MESSAGE_KIND and data["message"]["side"] == "holder":  # to the Mission Fact
        return {
            "text": "Lire et répondre",
            "url": f"{base}/instruction/dossiers/{data['dossier_id']}#messages",
        }
    if data.get("dossier_id") and to == data.get("holder_email"):
        return {
            "text": "Voir votre dossier en ligne",
            "url": f"{base}/dossiers/{data['dossier_id']}",
        }
    if kind == "review_conflict":
        return {
            "text": "Affecter un autre évaluateur",
            "url": f"{base}/instruction/dossiers/{data['dossier_id']}#evaluateurs",
        }
    if kind == "review_reminder":
        return {"text": "Ouvrir Mes évaluations", "url": f"{base}/evaluations"}
    if kind == "call_published":
        return {"text": "Lire l'appel à projets", "url": f"{base}/appels/{data['call_id']}"}
    if kind == "call_closed":
        return {"text": "Voir vos dossiers", "url": f"{base}/mes-dossiers"}
    return None


# --- deadline invitation ----------------------------------------------------------------------


def _deadline(data: Mapping[str, Any]) -> datetime:
    """The latest known deposit deadline: reports only move it later, and the report message
    may arrive before `deposit_deadline` itself is updated in the task data."""
    report = data.get("reschedule") or {}
    known = [v for v in (data.get("deposit_deadline"), report.get("deposit_deadline")) if v]
    if not known:
        raise InvalidInputError("mail data has no deposit_deadline", field="data.deposit_deadline")
    return max(parse_datetime(v) for v in known)


def _sequence(data: Mapping[str, Any], deadline: datetime) -> int:
    """0 for the first invitation; after a report, `reschedule.sequence` when given, else the
    minutes from 2000 to the new deadline, which grows with every extension without a counter."""
    report = data.get("reschedule")
    if not report:
        return 0
    if isinstance(report.get("sequence"), int):
        return int(report["sequence"])
    return max(1, int((deadline - _SEQUENCE_EPOCH) // timedelta(minutes=1)))


def _paris_timezone() -> Timezone:
    """VTIMEZONE for Europe/Paris (EU rules: last Sunday of March and October)."""
    zone = Timezone()
    zone.add("tzid", "Europe/Paris")
    for part, name, start, month, before, after in (
        (TimezoneDaylight(), "CEST", datetime(1970, 3, 29, 2), 3, 1, 2),
        (TimezoneStandard(), "CET", datetime(1970, 10, 25, 3), 10, 2, 1),
    ):
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        part.add("tzoffsetfrom", timedelta(hours=before))
        part.add("tzoffsetto", timedelta(hours=after))
        zone.add_component(part)
    return zone


def deadline_invitation(data: Mapping[str, Any]) -> Attachment:
    """A calendar invitation (METHOD:REQUEST) for the deposit deadline, Europe/Paris time.

    The UID depends only on the call and the dossier, so an extension updates the same event.
    """
    try:
        call_id, contact = str(data["call_id"]), data["contact"]
        organizer_email, organizer_name = contact["email"], contact["service"]
    except (KeyError, TypeError) as exc:
        raise InvalidInputError(f"invitation data has no {exc}", field="data") from exc
    deadline = _deadline(data).astimezone(PARIS)
    dossier_id = data.get("dossier_id")
    uid = "-".join(p for p in ("fact", call_id, dossier_id, "date-limite") if p)
    description = (
        f"Les dépôts de l'appel à projets FACT {call_id} ferment le {day_fr(deadline)} "
        f"à {deadline:%H:%M:%S}, heure de Paris. Un brouillon n'est pas un dépôt : seul un "
        "dossier déposé avant cette heure sera examiné."
    )
    if dossier_id:
        description += f" Dossier {dossier_id}."

    calendar = Calendar()
    calendar.add("prodid", "-//Anact//Concerto FACT//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    calendar.add_component(_paris_timezone())

    event = Event()
    event.add("uid", f"{uid}@concerto.anact.fr")
    event.add("sequence", _sequence(data, deadline))
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", deadline - timedelta(minutes=30))
    event.add("dtend", deadline)
    event.add("summary", f"Date limite de dépôt — appel à projets FACT {call_id}")
    event.add("description", description)
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(organizer_name)
    event.add("organizer", organizer)
    if data.get("holder_email"):
        attendee = vCalAddress(f"mailto:{data['holder_email']}")
        attendee.params.update({"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION"})
        attendee.params["rsvp"] = "FALSE"
        event.add("attendee", attendee)

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-2))
    alarm.add("description", f"Dans 2 jours : date limite de dépôt FACT {call_id}")
    event.add_component(alarm)
    calendar.add_component(event)
    return Attachment(
        filename=f"date-limite-fact-{call_id}.ics",
        content=calendar.to_ical(),
        mimetype=ICS_MIMETYPE,
    )
