"""workflows.fact.listing: how a query string reads, what each filter keeps, what an export
holds; reviewers and scores count only for those who read evaluations."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from engine.models import Instance
from workflows.fact.listing import Row, Search, columns_for, to_csv
from workflows.fact.status import status_of

T = datetime(2020, 3, 2, 10, tzinfo=UTC)


def row(key: str, score: float | None = None, **variables) -> Row:  # type: ignore[no-untyped-def]
    data = {"deposit_deadline": "2020-04-14T21:59:59+00:00", **variables}
    dossier = Instance(f"id-{key}", "fact_dossier", 1, key, "running", data, T, T, None, 1)
    return Row(dossier, status_of(dossier), score)


def test_a_query_string_reads_leniently_and_names_what_it_cannot_read() -> None:
    search = Search.from_args({"q": "  Acme  ", "axe": "2", "note_min": "12,5", "note_max": "x",
                               "tri": "nope", "ordre": "desc"})  # fmt: skip
    assert (search.text, search.axis, search.score_min, search.score_max) == ("Acme", 2, 12.5, None)
    assert search.sort == "reference" and search.descending
    assert search.errors == {"note_max": "un nombre est attendu", "tri": "colonne inconnue"}


@pytest.mark.parametrize(
    ("search", "kept"),
    [
        (Search(text="acme"), {"A"}),
        (Search(text="2020-01-000"), {"A", "B", "C"}),
        (Search(text="73282932000074"), {"B"}),
        (Search(track="branche"), {"C"}),
        (Search(axis=3), {"B", "C"}),
        (Search(stage="Brouillon"), {"A", "B", "C"}),
        (Search(reviewer="eva"), {"B"}),
        (Search(score_min=20), {"B"}),
        (Search(score_max=20), {"A"}),
    ],
)
def test_each_filter_keeps_what_it_names(search: Search, kept: set[str]) -> None:
    rows = {
        "A": row("2020-01-0001", 15, holder_name="ACME SAS", track="entreprise", axes=[1]),
        "B": row(
            "2020-01-0002",
            24,
            siret="73282932000074",
            axes=[1, 3],
            reviewers=["eva"],
            track="entreprise",
        ),
        "C": row("2020-01-0003", None, draft={"title": "Atelier", "axes": [3]}, track="branche"),
    }
    assert {name for name, r in rows.items() if search.keeps(r, evaluation=True)} == kept


def test_without_evaluation_reviewer_and_score_filters_keep_everything() -> None:
    search = Search(reviewer="eva", score_min=30)
    assert search.keeps(row("2020-01-0001", 10), evaluation=False)
    assert columns_for(["score", "reviewers", "title"], evaluation=False) == ["title"]
    assert "score" in columns_for([], evaluation=True)
    assert "score" not in columns_for([], evaluation=False)


def test_a_csv_export_holds_the_chosen_columns_in_order() -> None:
    deposited = "2020-03-02T10:00:00+00:00"
    one = row("2020-01-0001", holder_name="Acme; et fils", deposited_at=deposited,
              amount_requested=60000)  # fmt: skip
    columns = ["reference", "holder_name", "deposited_at", "amount_requested"]
    read = list(csv.reader(io.StringIO(to_csv([one], columns)), delimiter=";"))
    assert read[0] == ["Dossier", "Porteur", "Déposé le", "Montant demandé (€)"]
    assert read[1][:2] == ["2020-01-0001", "Acme; et fils"]
    assert read[1][2].startswith("02/03/2020 11:00")  # Paris time
    assert read[1][3] == "60000"
