"""The staff's search over dossiers (workflows.fact.listing) as the database answers it: each
filter, the text search, the reviewer's own dossiers, sorting with empty values last, on the
summaries every step keeps (workflows.fact.summaries)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine import Engine, EngineConfig, FrozenClock
from tests import samples
from tests.conftest import T0
from workflows import SUMMARIES
from workflows.fact.calls import DOSSIER_PROCESS
from workflows.fact.listing import Search, search

DEADLINE = "2020-04-14T21:59:59+00:00"
DOSSIERS: dict[str, dict[str, Any]] = {
    "2020-01-0001": {"holder_name": "ACME SAS", "track": "entreprise", "axes": [1],
                     "postal_code": "75011",
                     "deposited_at": "2020-03-02T10:00:00+00:00", "amount_requested": 40000,
                     "reviewers": ["eva", "max"], "reviews": [
                         {"reviewer": "eva", "scores": {"relevance": 15}},
                         {"reviewer": "max", "scores": {"relevance": 15}}]},
    "2020-01-0002": {"siret": "73282932000074", "axes": [1, 3], "track": "entreprise",
                     "postal_code": "35000",
                     "holder_name": "Société Générale d'Études",
                     "deposited_at": "2020-03-01T10:00:00+00:00", "amount_requested": 90000,
                     "reviewers": ["eva", "zoe"], "review_status": {"eva": "withdrawn"},
                     "reviews": [{"reviewer": "zoe", "scores": {"relevance": 24}}]},
    "2020-01-0003": {"draft": {"title": "Atelier", "axes": [3], "amount_requested": 5000,
                               "postal_code": "29200"},
                     "track": "branche"},
    "2021-02-0001": {"holder_name": "Autre appel", "track": "branche",
                     "deposited_at": "2021-03-01T10:00:00+00:00", "outcome": "withdrawn"},
}  # fmt: skip


@pytest.fixture(scope="module")
def engine(module_database_url: str) -> Iterator[Engine]:
    """One database for the module: its tests only read."""
    engine = Engine(EngineConfig(module_database_url, clock=FrozenClock(T0), summaries=SUMMARIES))
    engine.management.create_schema()
    process = samples.approval(DOSSIER_PROCESS, script="started = True")
    engine.repository.deploy(DOSSIER_PROCESS, {"d.bpmn": process}, author="test")
    for key, variables in DOSSIERS.items():
        engine.runtime.start(
            DOSSIER_PROCESS,
            business_key=key,
            variables={"deposit_deadline": DEADLINE, "deadline": DEADLINE, **variables},
        )
    yield engine
    engine.close()


def found(engine: Engine, reader: str | None = None, **criteria: Any) -> list[str | None]:
    rows = search(engine, Search(**criteria), evaluation=True, reader=reader).list()
    return [row.business_key for row in rows]


@pytest.mark.parametrize(
    ("criteria", "kept"),
    [
        ({"text": "acme"}, ["2020-01-0001"]),
        ({"text": "societe generale"}, ["2020-01-0002"]),  # accents and case aside
        ({"text": "2020-01-000"}, ["2020-01-0001", "2020-01-0002", "2020-01-0003"]),
        ({"text": "932000"}, ["2020-01-0002"]),  # part of a SIRET
        ({"text": "ateli"}, ["2020-01-0003"]),  # a draft's title
        ({"track": "branche"}, ["2020-01-0003", "2021-02-0001"]),
        ({"axis": 3}, ["2020-01-0002", "2020-01-0003"]),
        ({"region": "Bretagne"}, ["2020-01-0002", "2020-01-0003"]),  # a draft's too
        ({"region": "Île-de-France"}, ["2020-01-0001"]),
        ({"region": "Corse"}, []),
        ({"stage": "Retiré"}, ["2021-02-0001"]),
        ({"stage": "Déposé"}, ["2020-01-0001", "2020-01-0002"]),
        ({"reviewer": "eva"}, ["2020-01-0001", "2020-01-0002"]),
        ({"score_min": 20}, ["2020-01-0002"]),
        ({"score_max": 20}, ["2020-01-0001"]),
        ({"score_min": 10, "score_max": 30}, ["2020-01-0001", "2020-01-0002"]),
        ({"text": "acme", "track": "branche"}, []),
    ],
)
def test_each_filter_keeps_what_it_names(
    engine: Engine, criteria: dict[str, Any], kept: list[str]
) -> None:
    assert found(engine, **criteria) == kept


def test_a_reviewer_finds_the_dossiers_they_still_review(engine: Engine) -> None:
    assert found(engine, reader="eva") == ["2020-01-0001"]  # withdrawn from the second
    assert found(engine, reader="zoe") == ["2020-01-0002"]
    assert found(engine, reader="nobody") == []


def test_sorting_puts_empty_values_last_whichever_the_order(engine: Engine) -> None:
    ascending = found(engine, sort="amount_requested")
    assert ascending == ["2020-01-0003", "2020-01-0001", "2020-01-0002", "2021-02-0001"]
    descending = found(engine, sort="amount_requested", descending=True)
    assert descending == ["2020-01-0002", "2020-01-0001", "2020-01-0003", "2021-02-0001"]
    assert found(engine, sort="deposited_at")[:3] == [
        "2020-01-0002", "2020-01-0001", "2021-02-0001"]  # fmt: skip
    assert found(engine, descending=True)[0] == "2021-02-0001"


def test_without_evaluation_scores_neither_filter_nor_sort(engine: Engine) -> None:
    query = Search(reviewer="nobody", score_min=99, sort="score", descending=True)
    rows = search(engine, query, evaluation=False).list()
    assert [r.business_key for r in rows] == sorted(DOSSIERS, reverse=True)
