"""The FACT call configuration: a marshmallow schema whose defaults are the 2020-01 seed.

Dates are entered in Paris local time and stored as aware UTC instants, so "14 April 2020
23:59:59" means the Paris evening whatever the server's zone or the season. Every message is
French: staff read them in the API's problems and, soon, beside the fields of a page.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from engine.dates import FIRST_YEAR, LAST_YEAR, in_plausible_years

from ..french import PARIS, datetime_fr
from ..schemas import EMAIL_INVALID, FrenchSchema


def paris(day: date, at: time) -> datetime:
    """An instant given as a Paris wall-clock time."""
    return datetime.combine(day, at, tzinfo=PARIS)


TRACKS = [
    {
        "id": "entreprise",
        "label": "Fact entreprise",
        "holder_types": ["company", "association"],
    },
    {
        "id": "action_collective",
        "label": "Action collective territoriale interprofessionnelle",
        "holder_types": ["territorial_relay"],
    },
    {
        "id": "branche",
        "label": "Action sectorielle (branche) territoriale ou nationale",
        "holder_types": ["territorial_relay", "national_relay"],
    },
]

HOLDER_TYPES = {  # the kinds of holder of the deposit forms, as people read them
    "company": "Entreprise",
    "association": "Association",
    "territorial_relay": "Acteur relais territorial",
    "national_relay": "Acteur relais national",
}

AXES = [
    {"id": 1, "label": "Concertation et négociation des transformations numériques en PME"},
    {"id": 2, "label": "Capitalisation et transfert pour la montée en compétences des acteurs"},
    {"id": 3, "label": "Solutions numériques innovantes pour la prévention et la QVT"},
]

CRITERIA = [
    {"id": "conformity", "label": "Conformité avec les critères d'éligibilité du Fact"},
    {"id": "relevance", "label": "Pertinence des objectifs visés et ambition du projet"},
    {"id": "orientations", "label": "Capacité à répondre aux orientations de l'appel à projets"},
    {"id": "methodology", "label": "Pertinence de la méthodologie et de la démarche proposée"},
    {"id": "transfer", "label": "Potentialités de capitalisation et de transfert"},
    {"id": "partnership", "label": "Qualité du partenariat technique et financier"},
]

SUMMARY = (
    "Le Fonds pour l'amélioration des conditions de travail (FACT) soutient, par une subvention, "
    "des projets innovants, d'expérimentation ou de capitalisation et de transfert sur le champ "
    "de la qualité de vie au travail. Les projets s'inscrivent dans un dialogue social rénové, "
    "une approche participative et une dynamique d'échange et d'action sur le travail."
)
ELIGIBILITY = [
    "Entreprises ou associations de moins de 300 salariés.",
    "Acteurs relais territoriaux : réseaux d'entreprises, acteurs du développement économique et "
    "social, fédérations, organisations professionnelles, chambres consulaires, préventeurs.",
    "Acteurs relais nationaux : branches, fédérations, OPCO, organisations professionnelles.",
    "Les démarches sont participatives : les représentants du personnel (CSE) sont informés du "
    "contenu du projet et associés à sa mise en œuvre.",
]

CONTACT = {
    "service": "Anact, mission Fact",
    "address": "192 avenue Thiers, 69457 Lyon Cedex 06",
    "email": "infofact@anact.fr",
    "phone": "04 72 56 14 73",
}


# A date beyond these is a typo (year 1 or 9999), and no mail or document could print it.
YEARS_REFUSED = f"date hors des années {FIRST_YEAR} à {LAST_YEAR}"


class TrackSchema(FrenchSchema):
    id = fields.String(required=True, validate=validate.OneOf([t["id"] for t in TRACKS]))
    label = fields.String(required=True)
    holder_types = fields.List(fields.String(), required=True)


class LabelledSchema(FrenchSchema):
    id = fields.Raw(required=True)
    label = fields.String(required=True, validate=validate.Length(min=1))


class ContactSchema(FrenchSchema):
    service = fields.String(required=True)
    address = fields.String(required=True)
    email = fields.Email(required=True, error_messages={"invalid": EMAIL_INVALID})
    phone = fields.String(required=True)


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AwareDateTime(fields.AwareDateTime):
    """An aware datetime between 2000 and 2100; a naive one is read as Paris time."""

    default_error_messages = {
        "invalid": "date et heure attendues, par exemple 2020-04-14T23:59:59 (heure de Paris)",
        "invalid_awareness": "date et heure attendues",
        "format": "date et heure attendues",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=PARIS, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, str) and _DATE_ONLY.match(value.strip()):
            raise ValidationError(
                f"une heure est attendue avec la date : par exemple {value.strip()}T23:59:59 "
                "(heure de Paris)"
            )
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not in_plausible_years(moment):  # also one whose conversion to UTC would overflow
            raise ValidationError(YEARS_REFUSED)
        return moment


def _reminder_days(days: list[int]) -> None:
    if len(set(days)) != len(days):
        raise ValidationError("un même jour de rappel est donné deux fois")


ENVELOPE_MAX = 10**9  # euros: no call shares out more, nor grants more to one dossier

# A call's reference, its business key: it heads its dossiers' numbers and appears in URLs.
REFERENCE = r"[0-9A-Za-z][0-9A-Za-z._-]{0,40}"


class CallConfigSchema(FrenchSchema):
    reference = fields.String(
        load_default="2020-01",
        validate=validate.Regexp(
            rf"^{REFERENCE}\Z",
            error="référence invalide : lettres, chiffres, « . », « _ » ou « - » (41 au plus)",
        ),
    )
    title = fields.String(
        load_default="Transformation Numérique Concertée",
        validate=validate.Length(min=1, max=300, error="titre de 1 à 300 caractères"),
    )
    publication_at = AwareDateTime(load_default=lambda: paris(date(2020, 2, 19), time(9, 0)))
    deposit_deadline = AwareDateTime(
        load_default=lambda: paris(date(2020, 4, 14), time(23, 59, 59))
    )
    # The seed prints "5 mai 2019", a typo: the commission sits after the deadline, in 2020.
    commission_at = AwareDateTime(load_default=lambda: paris(date(2020, 5, 5), time(9, 30)))
    response_delay = fields.String(
        load_default="P1M",
        validate=validate.Regexp(
            r"^P(?!$)(\d{1,3}Y)?(\d{1,3}M)?(\d{1,3}W)?(\d{1,3}D)?\Z",
            error="durée ISO 8601 attendue, par exemple P1M (un mois) ou P15D (quinze jours)",
        ),
    )
    # Reminders to drafts: N days before the deadline's day, at this Paris time.
    reminder_days = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=90, error="de 1 à 90 jours")),
        load_default=lambda: [7, 2],
        validate=[
            validate.Length(max=10, error="dix rappels au plus"),
            _reminder_days,
        ],
    )
    reminder_time = fields.String(
        load_default="09:00",
        validate=validate.Regexp(
            r"^([01]\d|2[0-3]):[0-5]\d\Z", error="heure attendue au format HH:MM (heure de Paris)"
        ),
    )
    summary = fields.String(
        load_default=SUMMARY,
        validate=validate.Length(max=4000, error="présentation de 4 000 caractères au plus"),
    )
    eligibility = fields.List(
        fields.String(validate=validate.Length(min=1, max=500, error="de 1 à 500 caractères")),
        load_default=lambda: list(ELIGIBILITY),
        validate=validate.Length(max=20, error="vingt conditions au plus"),
    )
    envelope = fields.Integer(
        load_default=800_000,
        strict=True,
        validate=validate.Range(min=1, max=ENVELOPE_MAX, error="de 1 € à 1 milliard d'euros"),
    )
    tracks = fields.List(fields.Nested(TrackSchema), load_default=lambda: list(TRACKS))
    axes = fields.List(fields.Nested(LabelledSchema), load_default=lambda: list(AXES))
    criteria = fields.List(fields.Nested(LabelledSchema), load_default=lambda: list(CRITERIA))
    contact = fields.Nested(ContactSchema, load_default=lambda: dict(CONTACT))
    staff_email = fields.Email(
        load_default="infofact@anact.fr", error_messages={"invalid": EMAIL_INVALID}
    )
    # Opening a call whose deadline has passed publishes and closes it at once: only on purpose.
    confirm_past_dates = fields.Boolean(load_default=False)

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **_: Any) -> None:
        if not all(k in data for k in ("publication_at", "deposit_deadline", "commission_at")):
            return  # a date is already refused on its own
        published, deadline = data["publication_at"], data["deposit_deadline"]
        commission = data["commission_at"]
        if deadline <= published:
            raise ValidationError(
                f"la date limite de dépôt doit suivre la publication ({datetime_fr(published)})",
                "deposit_deadline",
            )
        if commission <= deadline:
            raise ValidationError(
                "la commission doit se réunir après la date limite de dépôt "
                f"({datetime_fr(deadline, seconds=True)}, heure de Paris)",
                "commission_at",
            )

    @post_load
    def _to_utc(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for key in ("publication_at", "deposit_deadline", "commission_at"):
            if key in data:  # left out of a partial load
                data[key] = data[key].astimezone(UTC)
        return data


# What the 2020-01 seed gives a call that only that call can take: any other call says its own.
OWN_VALUES = (
    "reference",
    "title",
    "publication_at",
    "deposit_deadline",
    "commission_at",
    "envelope",
)


def load_config(raw: dict[str, Any] | None = None, *, seed: bool = True) -> dict[str, Any]:
    """Validated configuration; raises marshmallow.ValidationError naming each bad field.
    Without `seed`, the fields of OWN_VALUES are required rather than taken from the seed."""
    raw = raw or {}
    missing = {} if seed else {k: ["champ obligatoire"] for k in OWN_VALUES if k not in raw}
    try:
        # A field left out is then left out: neither taken from the seed nor compared.
        config = CallConfigSchema().load(raw, partial=tuple(missing))
    except ValidationError as exc:
        raise ValidationError({**missing, **exc.normalized_messages()}) from exc
    if missing:
        raise ValidationError(missing)
    return config


def past_dates(config: dict[str, Any], now: datetime) -> str | None:
    """Why a call cannot be opened at `now` without confirmation (None if it can)."""
    if config["deposit_deadline"] > now or config.get("confirm_past_dates"):
        return None
    return (
        f"la date limite de dépôt ({datetime_fr(config['deposit_deadline'], seconds=True)}, "
        "heure de Paris) est déjà passée : l'appel serait publié et clos aussitôt "
        "(confirm_past_dates: true pour l'ouvrir quand même)"
    )


def process_variables(config: dict[str, Any]) -> dict[str, Any]:
    """The call's configuration as process data: ISO strings, criteria ids, plain values."""
    return {
        "call_id": config["reference"],
        "title": config["title"],
        "publication_at": config["publication_at"].isoformat(),
        "deposit_deadline": config["deposit_deadline"].isoformat(),
        "commission_at": config["commission_at"].isoformat(),
        "response_delay": config["response_delay"],
        "reminder_days": config["reminder_days"],
        "reminder_time": config["reminder_time"],
        "summary": config["summary"],
        "eligibility": config["eligibility"],
        "envelope": config["envelope"],
        "tracks": config["tracks"],
        "axes": config["axes"],
        "criteria": config["criteria"],
        "contact": config["contact"],
        "staff_email": config["staff_email"],
    }
