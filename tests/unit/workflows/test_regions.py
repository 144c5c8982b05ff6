"""workflows.fact.regions: the region of a postal code, and the deposit's check of it."""

from __future__ import annotations

import pytest

from workflows.fact.regions import REGIONS, postal_code_errors, region_of


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("75011", "Île-de-France"),
        ("01000", "Auvergne-Rhône-Alpes"),
        ("20000", "Corse"),  # Ajaccio, 2A
        ("20200", "Corse"),  # Bastia, 2B
        ("29200", "Bretagne"),
        ("97400", "La Réunion"),
        ("97600", "Mayotte"),
        ("97133", "Guadeloupe"),  # Saint-Barthélemy's code is Guadeloupe's
        ("97500", None),  # Saint-Pierre-et-Miquelon: no region
        ("98000", None),  # Monaco
        ("00000", None),
        ("7501", None),
        ("750111", None),
        ("2A000", None),
        (" 75011", None),
        (75011, None),
        (None, None),
    ],
)
def test_the_region_of_a_postal_code(code: object, region: str | None) -> None:
    assert region_of(code) == region


def test_every_departement_has_its_region() -> None:
    assert len(REGIONS) == 18
    codes = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"971", "972", "973", "974", "976"}
    found = {region_of(code.ljust(5, "0")) for code in codes}
    assert None not in found and found | {"Corse"} == set(REGIONS)


def test_a_deposit_names_a_postal_code_no_region_has() -> None:
    assert postal_code_errors({"postal_code": "98000"}) == {
        "postal_code": ["code postal inconnu : il n'est d'aucune région française"]
    }
    for fine in ({"postal_code": "35000"}, {"postal_code": "abc"}, {"postal_code": ""}, {}):
        assert postal_code_errors(fine) == {}  # a wrong shape is the form pattern's to tell
