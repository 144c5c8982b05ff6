"""A dossier's state in the applicant's words, and what comes next, at every stage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from engine.models import Instance
from workflows.fact.status import DRAFT, status_of

BASE = {
    "call_id": "2020-01",
    "deposit_deadline": "2020-04-14T21:59:59+00:00",
    "commission_at": "2020-05-05T07:30:00+00:00",
}


def dossier(status: str = "running", **variables: Any) -> Instance:
    now = datetime(2020, 3, 1, tzinfo=UTC)
    return Instance(
        id="i", process_id="fact_dossier", version_id=1, business_key="2020-01-0007",
        status=status, variables={**BASE, **variables}, started_at=now, updated_at=now,
        ended_at=None, revision=1,
    )  # fmt: skip


def plain(text: str) -> str:
    return " ".join(text.split())


DEPOSITED = {"deposited_at": "2020-04-02T12:32:41+00:00"}
CASES = [
    (dossier(), ["deposit"], "Brouillon", "À déposer avant le mardi 14 avril 2020 à 23 h 59"),
    (dossier(**DEPOSITED), [], "Déposé le 2 avril 2020 à 14 h 32", "vérifie l'éligibilité"),
    (dossier(**DEPOSITED, eligible=True), ["review"], "En instruction", "commission le 5 mai"),
    (
        dossier(**DEPOSITED, eligible=False, eligibility_reason="Effectif supérieur à 300."),
        [],
        "Non éligible",
        "Effectif supérieur à 300.",
    ),
    (
        dossier(**DEPOSITED, eligible=True, outcome="accepted", amount_granted=24_250),
        ["convention_signature"],
        "Retenu : 24 250 €",
        "Convention à signer.",
    ),
    (
        dossier(**DEPOSITED, outcome="partial", amount_granted=12_000),
        ["convention_countersignature"],
        "Retenu en partie : 12 000 €",
        "en attente de contre-signature",
    ),
    (
        dossier(
            "completed",
            **DEPOSITED,
            outcome="accepted",
            amount_granted=5_000,
            convention_signed=True,
        ),
        [],
        "Retenu : 5 000 €",
        "Convention signée par les deux parties.",
    ),
    (dossier("completed", **DEPOSITED, outcome="refused"), [], "Non retenu", "n'a pas retenu"),
    (dossier("completed", outcome="expired"), [], "Non déposé", "14 avril 2020 à 23 h 59"),
    (dossier("completed", outcome="withdrawn"), [], "Retiré", "ne sera pas examiné"),
    (
        dossier(
            "completed", outcome="withdrawn", withdrawal={"by_staff": True, "reason": "Doublon."}
        ),
        [],
        "Classé sans suite",
        "Dossier clos par la Mission Fact : « Doublon ».",
    ),
    (dossier("cancelled"), [], "Annulé", "ne sera pas examiné"),  # a draft an admin cancelled
    (dossier("cancelled", **DEPOSITED, eligible=True), [], "Annulé", "annulé"),
    (dossier("completed"), [], "Clos", "ne sera pas examiné"),  # no deposit, no outcome
]


@pytest.mark.parametrize(("found", "forms", "label", "next_step"), CASES)
def test_status_in_words_with_what_comes_next(
    found: Instance, forms: list[str], label: str, next_step: str
) -> None:
    status = status_of(found, forms)
    assert plain(status.label) == label
    assert next_step in plain(status.next_step)
    assert status.is_draft == (label == "Brouillon") == (status.kind == DRAFT)
