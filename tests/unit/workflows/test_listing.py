"""workflows.fact.listing: how a query string reads, which columns a reader gets, what an
export holds."""

from __future__ import annotations

import csv
import io

from engine import SummaryRow
from workflows.fact.listing import Search, columns_for, to_csv


def test_a_query_string_reads_leniently_and_names_what_it_cannot_read() -> None:
    search = Search.from_args({"q": "  Acme  ", "axe": "2", "note_min": "12,5", "note_max": "x",
                               "tri": "nope", "ordre": "desc"})  # fmt: skip
    assert (search.text, search.axis, search.score_min, search.score_max) == ("Acme", 2, 12.5, None)
    assert search.sort == "reference" and search.descending
    assert search.errors == {"note_max": "un nombre est attendu", "tri": "colonne inconnue"}


def test_evaluation_columns_only_for_those_who_read_evaluations() -> None:
    assert columns_for(["score", "reviewers", "title"], evaluation=False) == ["reference", "title"]
    assert "score" in columns_for([], evaluation=True)
    assert "score" not in columns_for([], evaluation=False)
    assert columns_for(["nope", "siret", "reference"], evaluation=True) == ["reference", "siret"]
    assert columns_for(["siret", "stage"], evaluation=True, personal=False) == [
        "reference",
        "stage",
    ]


def test_a_csv_export_holds_the_chosen_columns_in_order() -> None:
    fields = {"holder_name": "Acme; et fils", "axes": [1, 3],
              "deposited_at": "2020-03-02T10:00:00+00:00", "amount_requested": 60000}  # fmt: skip
    one = SummaryRow("id-1", "2020-01-0001", fields)
    columns = ["reference", "holder_name", "deposited_at", "amount_requested", "axes", "title"]
    read = list(csv.reader(io.StringIO(to_csv([one], columns)), delimiter=";"))
    assert read[0] == ["Dossier", "Porteur", "Déposé le", "Montant demandé (€)", "Axes", "Projet"]
    assert read[1][:2] == ["2020-01-0001", "Acme; et fils"]
    assert read[1][2].startswith("02/03/2020 11:00")  # Paris time
    assert read[1][3:] == ["60000", "1, 3", ""]
