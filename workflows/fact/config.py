"""The FACT call configuration: a marshmallow schema whose defaults are the 2020-01 seed.

Dates are entered in Paris local time and stored as aware UTC instants, so "14 April 2020
23:59:59" means the Paris evening whatever the server's zone or the season.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

PARIS = ZoneInfo("Europe/Paris")


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

CONTACT = {
    "service": "Anact, mission Fact",
    "address": "192 avenue Thiers, 69457 Lyon Cedex 06",
    "email": "infofact@anact.fr",
    "phone": "04 72 56 14 73",
}


class TrackSchema(Schema):
    id = fields.String(required=True, validate=validate.OneOf([t["id"] for t in TRACKS]))
    label = fields.String(required=True)
    holder_types = fields.List(fields.String(), required=True)


class LabelledSchema(Schema):
    id = fields.Raw(required=True)
    label = fields.String(required=True, validate=validate.Length(min=1))


class ContactSchema(Schema):
    service = fields.String(required=True)
    address = fields.String(required=True)
    email = fields.Email(required=True)
    phone = fields.String(required=True)


class AwareDateTime(fields.AwareDateTime):
    """An aware datetime; a naive one is read as Paris time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=PARIS, **kwargs)


class CallConfigSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    reference = fields.String(
        load_default="2020-01", validate=validate.Regexp(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,40}$")
    )
    title = fields.String(load_default="Transformation Numérique Concertée")
    publication_at = AwareDateTime(load_default=lambda: paris(date(2020, 2, 19), time(9, 0)))
    deposit_deadline = AwareDateTime(
        load_default=lambda: paris(date(2020, 4, 14), time(23, 59, 59))
    )
    # The seed prints "5 mai 2019", a typo: the commission sits after the deadline, in 2020.
    commission_at = AwareDateTime(load_default=lambda: paris(date(2020, 5, 5), time(9, 30)))
    response_delay = fields.String(
        load_default="P1M", validate=validate.Regexp(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")
    )
    envelope = fields.Integer(load_default=800_000, validate=validate.Range(min=1))
    tracks = fields.List(fields.Nested(TrackSchema), load_default=lambda: list(TRACKS))
    axes = fields.List(fields.Nested(LabelledSchema), load_default=lambda: list(AXES))
    criteria = fields.List(fields.Nested(LabelledSchema), load_default=lambda: list(CRITERIA))
    contact = fields.Nested(ContactSchema, load_default=lambda: dict(CONTACT))
    staff_email = fields.Email(load_default="infofact@anact.fr")

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **_: Any) -> None:
        published, deadline = data["publication_at"], data["deposit_deadline"]
        commission = data["commission_at"]
        if deadline <= published:
            raise ValidationError(
                "la date limite de dépôt doit suivre la publication", "deposit_deadline"
            )
        if commission <= deadline:
            raise ValidationError(
                "la commission doit se réunir après la date limite de dépôt "
                f"({deadline.astimezone(PARIS):%d/%m/%Y %H:%M})",
                "commission_at",
            )

    @post_load
    def _to_utc(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for key in ("publication_at", "deposit_deadline", "commission_at"):
            data[key] = data[key].astimezone(UTC)
        return data


def load_config(raw: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validated configuration; raises marshmallow.ValidationError naming each bad field."""
    return CallConfigSchema().load(raw or {})


def process_variables(config: dict[str, Any]) -> dict[str, Any]:
    """The call's configuration as process data: ISO strings, criteria ids, plain values."""
    return {
        "call_id": config["reference"],
        "title": config["title"],
        "publication_at": config["publication_at"].isoformat(),
        "deposit_deadline": config["deposit_deadline"].isoformat(),
        "commission_at": config["commission_at"].isoformat(),
        "response_delay": config["response_delay"],
        "envelope": config["envelope"],
        "tracks": config["tracks"],
        "axes": config["axes"],
        "criteria": config["criteria"],
        "contact": config["contact"],
        "staff_email": config["staff_email"],
    }
