"""France's regions, and the region of a postal code: the dossiers list filters by it.

A postal code starts with its département's number (two digits; three overseas), save Corsica's
"20", shared by 2A and 2B. The table below is the Insee's official geographic code of the
regions (their départements), as it stands since 2016.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_DEPARTEMENTS = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Bourgogne-Franche-Comté": "21 25 39 58 70 71 89 90",
    "Bretagne": "22 29 35 56",
    "Centre-Val de Loire": "18 28 36 37 41 45",
    "Corse": "20",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Hauts-de-France": "02 59 60 62 80",
    "Île-de-France": "75 77 78 91 92 93 94 95",
    "Normandie": "14 27 50 61 76",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Occitanie": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "Pays de la Loire": "44 49 53 72 85",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
    "Guadeloupe": "971",
    "Martinique": "972",
    "Guyane": "973",
    "La Réunion": "974",
    "Mayotte": "976",
}
_BY_PREFIX = {code: region for region, codes in _DEPARTEMENTS.items() for code in codes.split()}
REGIONS = tuple(_DEPARTEMENTS)  # in the order the Insee lists them


def region_of(postal_code: Any) -> str | None:
    """The region of a French postal code; None for anything else."""
    if not isinstance(postal_code, str) or not re.fullmatch(r"[0-9]{5}", postal_code):
        return None
    prefix = postal_code[:3] if postal_code.startswith("97") else postal_code[:2]
    return _BY_PREFIX.get(prefix)


def postal_code_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """A French message for a postal code of five digits that no region has (an empty or
    malformed one is left to the form's `required` and pattern)."""
    value = data.get("postal_code")
    if isinstance(value, str) and re.fullmatch(r"[0-9]{5}", value) and region_of(value) is None:
        return {"postal_code": ["code postal inconnu : il n'est d'aucune région française"]}
    return {}
