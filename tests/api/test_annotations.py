"""The Mission Fact's private notes on a dossier: every concurrent note kept, read by staff
only; the holder, reviewers, observers and the commission get them from no endpoint."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine import InvalidInputError
from workflows.fact import dossiers
from workflows.fact.annotations import annotate, annotations_of

from .conftest import Api

NOTE = "Note-privee-de-la-mission"


def test_notes_are_kept_and_read_by_staff_only(api: Api) -> None:
    dossier = api.draft("ana")
    found = dossiers.get_dossier(api.engine, dossier)
    annotate(api.engine, found, f"{NOTE} 1", actor="staff")
    with ThreadPoolExecutor(4) as pool:  # notes written at once are all kept
        list(pool.map(lambda n: annotate(api.engine, found, f"{NOTE} {n}", actor="admin"),
                      range(2, 6)))  # fmt: skip
    notes = annotations_of(dossiers.get_dossier(api.engine, dossier))
    assert sorted(n.text for n in notes) == [f"{NOTE} {n}" for n in range(1, 6)]

    assert NOTE in json.dumps(api.get(f"/api/dossiers/{dossier}", "staff").json)
    for reader in ("ana", "cse", "president"):
        for path in (f"/api/dossiers/{dossier}", "/api/dossiers?page_size=100",
                     f"/api/instances?business_key={dossier}"):  # fmt: skip
            answer = api.get(path, reader)
            assert NOTE not in answer.get_data(as_text=True), (reader, path)


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 5001])
def test_an_empty_or_overlong_note_is_refused_and_nothing_is_kept(api: Api, text: str) -> None:
    dossier = api.draft("ana")
    found = dossiers.get_dossier(api.engine, dossier)
    with pytest.raises(InvalidInputError) as refused:
        annotate(api.engine, found, text, actor="staff")
    assert refused.value.field == "note"
    assert annotations_of(dossiers.get_dossier(api.engine, dossier)) == []
