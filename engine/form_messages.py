"""What a person is told when a form answer is refused: French messages per field path, from
the JSON Schema errors of a form's derived schema (engine.forms)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

from .form_formats import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    DECIMAL_STRING_PATTERN,
    EMAIL_PATTERN,
    PHONE_PATTERN,
    TIME_PATTERN,
)

FORM_ERROR_KEY = "_form"  # errors about the whole object, not one field
PATTERN_MESSAGES = {
    EMAIL_PATTERN: "adresse électronique invalide",
    PHONE_PATTERN: "numéro de téléphone invalide (format international attendu : +33 …)",
    DATE_PATTERN: "date invalide (format attendu : AAAA-MM-JJ)",
    TIME_PATTERN: "heure invalide (format attendu : HH:MM)",
    DATETIME_PATTERN: "date et heure invalides (format attendu : AAAA-MM-JJTHH:MM)",
    DECIMAL_STRING_PATTERN: "doit être un nombre",
}
TYPE_NAMES = {
    "string": "un texte", "number": "un nombre", "integer": "un nombre entier",
    "boolean": "vrai ou faux", "array": "une liste", "object": "un objet",
}  # fmt: skip


def messages(error: ValidationError) -> list[tuple[str, str]]:
    """(field path, French message) for one validation error of a derived schema."""
    if error.validator == "anyOf":  # the optional wrapper: report the real answer's faults
        last = len(error.validator_value) - 1
        inner = [e for e in error.context or [] if e.relative_schema_path[0] == last]
        if inner:
            return [item for e in inner for item in messages(e)]
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":  # name every missing field, down into missing groups
        missing = [k for k in error.validator_value if k not in error.instance]
        properties = error.schema.get("properties", {})
        return [
            (leaf, "obligatoire")
            for key in missing
            for leaf in _required_leaves(properties.get(key, {}), ".".join([*path, key]))
        ]
    while path and path[-1].isdigit():
        path.pop()  # a checklist's option is reported on the field itself
    key = ".".join(path) or FORM_ERROR_KEY
    if not path and error.validator == "type":
        return [(key, "les données du formulaire doivent être un objet")]
    return [(key, _message(error))]


def _message(error: ValidationError) -> str:
    value, rule, instance = error.validator_value, error.validator, error.instance
    if instance is None or instance == [] or (isinstance(instance, str) and not instance.strip()):
        return "obligatoire"  # optional fields accept empty answers, so this one is required
    if rule == "const":
        return "doit être coché" if value is True else f"doit valoir {_show(value)}"
    if rule == "type" and isinstance(instance, float) and not math.isfinite(instance):
        return "doit être un nombre fini"
    if rule == "type":
        types = value if isinstance(value, list) else [value]
        names = [TYPE_NAMES.get(t, t) for t in types if t != "null"]
        return "doit être " + " ou ".join(names)
    if rule == "enum":
        allowed = ", ".join(_show(v) for v in value if v is not None)
        return f"valeur non autorisée : {_show(instance)}, attendu l'une de : {allowed}"
    if rule == "minimum":
        return f"doit être au moins {_show(value)}"
    if rule == "maximum":
        return f"doit être au plus {_show(value)}"
    if rule == "minLength":
        return f"doit comporter au moins {value} caractère{'s' if value > 1 else ''}"
    if rule == "maxLength":
        return f"doit comporter au plus {value} caractères (actuellement {len(instance)})"
    if rule == "formatMinimum":
        return f"date trop ancienne : le {_day(value)} au plus tôt"
    if rule == "formatMaximum":
        return f"date trop lointaine : le {_day(value)} au plus tard"
    if rule == "pattern":
        return PATTERN_MESSAGES.get(value, f"ne respecte pas le format attendu ({value})")
    if rule == "format":
        return PATTERN_MESSAGES[DATE_PATTERN if value == "date" else EMAIL_PATTERN]
    if rule == "minItems":
        return f"doit contenir au moins {value} élément{'s' if value > 1 else ''}"
    if rule == "uniqueItems":
        return "contient des valeurs en double"
    return f"valeur invalide ({error.message})"


def _required_leaves(schema: Mapping[str, Any], path: str) -> list[str]:
    if schema.get("type") != "object" or not schema.get("required"):
        return [path]
    return [
        leaf
        for key in schema["required"]
        for leaf in _required_leaves(schema["properties"][key], f"{path}.{key}")
    ]


def _day(iso_date: str) -> str:
    year, month, day = iso_date.split("-")
    return f"{day}/{month}/{year}"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
