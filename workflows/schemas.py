"""marshmallow schemas that speak French: every message of every field, and a flat map of the
fields at fault for problems and forms."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from engine import InvalidInputError

# The validator of an Email field takes its message when the field is built.
EMAIL_INVALID = "adresse électronique invalide"
# marshmallow's messages, in French, by key (a field's own messages keep precedence).
FRENCH_MESSAGES = {
    "required": "champ obligatoire",
    "null": "valeur obligatoire",
    "invalid": "valeur invalide",
    "type": "type de valeur invalide",
    "too_large": "nombre trop grand",
}
FRENCH_BY_FIELD = {
    fields.Integer: {"invalid": "nombre entier attendu"},
    fields.String: {"invalid": "texte attendu"},
    fields.Email: {"invalid": EMAIL_INVALID},
    fields.List: {"invalid": "liste attendue"},
    fields.Nested: {"type": "objet attendu"},
    fields.Boolean: {"invalid": "oui ou non attendu (true ou false)"},
}


class FrenchSchema(Schema):
    """A schema whose every field reports its errors in French."""

    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        messages = dict(FRENCH_MESSAGES)
        ours = set()  # keys our own field classes already say in French
        for kind in type(field_obj).__mro__[::-1]:
            messages.update(FRENCH_BY_FIELD.get(kind, {}))
            if not kind.__module__.startswith("marshmallow"):
                ours.update(getattr(kind, "default_error_messages", {}))
        for key in set(field_obj.error_messages) & set(messages) - ours:
            field_obj.error_messages[key] = messages[key]


def invalid(exc: ValidationError) -> InvalidInputError:
    """The engine's error for a refused input: the first message, and every field's."""
    errors = flatten(exc.messages)
    first = next(iter(errors))
    return InvalidInputError(f"{first}: {errors[first][0]}", field=first, errors=errors)


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """`{"contact": {"email": [...]}}` as `{"contact.email": [...]}`."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else f"{key}"))
        return flat
    return {prefix or "_schema": [str(m) for m in messages]}
