"""SIRET and SIREN numbers in forms, checked with their Luhn key (python-stdnum).

A form's pattern says "14 digits"; only the key tells a typo from a real number. stdnum's own
`is_valid` strips spaces and newlines first, so the digits are matched whole here before it
runs: "73282932000074\\n" is not a SIRET.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from stdnum.fr import siren, siret

_NUMBERS = {  # form key -> (digits, checker, name)
    "siret": (14, siret, "SIRET"),
    "siren": (9, siren, "SIREN"),
}


def identifier_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """French messages for each SIRET or SIREN of the data whose digits or key are wrong
    (absent or empty ones are left to the form's `required`)."""
    errors: dict[str, list[str]] = {}
    for key, (digits, checker, name) in _NUMBERS.items():
        value = data.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or not re.fullmatch(rf"[0-9]{{{digits}}}", value):
            errors[key] = [f"{name} : {digits} chiffres, sans espace"]
        elif not checker.is_valid(value):
            errors[key] = [
                f"{name} invalide : son dernier chiffre est une clé de contrôle qui ne "
                "correspond pas ; vérifiez-le sur l'extrait Kbis ou l'avis de situation Insee"
            ]
    return errors
