"""Task forms: derive a JSON Schema from a bpmn.io form-js schema and validate task data with it.

The form-js schema is the single source of truth: the browser renders it, and the engine checks
submitted data (from the viewer, the API or bots) against a Draft 2020-12 schema derived from it.

Mapping decisions (form-js component -> JSON Schema):

- textfield, textarea -> string with minLength/maxLength/pattern (patterns are searched, as
  form-js does with ``RegExp.test``, by RE2, where ``$`` ends the text as in JavaScript: a
  trailing newline does not pass ``^[0-9]{14}$``); ``validationType`` email/phone add a format
  check. A required text must contain a non-blank character (form-js only refuses ``""``).
  A text without ``maxLength`` takes DEFAULT_MAX_LENGTH: no answer is unbounded.
- number -> integer when ``decimalDigits`` is 0, or when it is absent and ``increment`` is a
  whole number; otherwise number, finite (NaN and infinities are refused).
  ``serializeToString`` numbers are numeric strings.
- checkbox -> boolean. ``validate.required`` on a checkbox means "must be ticked", as in the
  form-js viewer, so the derived schema requires ``const: true``.
- radio, select -> ``enum`` of the option values (strings, numbers or booleans, as the viewer
  accepts). checklist, taglist -> array of those values with uniqueItems; required means at
  least one item. Options from ``valuesKey``/``valuesExpression`` are only known at run time:
  a taglist then takes any strings, other choices any string, number or boolean.
- filepicker -> string: the reference of a document the host stored with the instance (the
  host checks that it exists); required means a document must be there.
- datetime -> string: ``date`` YYYY-MM-DD (a real calendar date), ``time`` HH:MM with an
  optional offset, ``datetime`` ISO 8601 local or with offset; a date or datetime falls in
  the years FIRST_YEAR..LAST_YEAR (``formatMinimum``/``formatMaximum``, as ajv-formats names
  them), since year 1 or 9999 is a typo that date arithmetic would overflow on.
- group without ``path`` -> its fields sit at the enclosing level; with a ``path`` (dotted
  allowed) -> nested object; dotted keys nest the same way. dynamiclist -> array of objects.
- text, html, spacer, separator, image, button, table, iframe, documentPreview carry no data;
  disabled or read-only fields are not validated (the viewer neither validates nor edits them).
- An optional field also accepts ``null`` (and an optional text ``""``): the viewer submits
  those for untouched fields. Every object allows other properties (task data carries other
  variables), but a key the form defines must match its schema.
- Not derived: FEEL ``conditional.hide`` (a hidden field is validated as if shown), number
  increments and decimal places, custom validation expressions.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .errors import DeploymentError, InvalidInputError
from .form_formats import (
    BLANK_PATTERN,
    DATE_BOUNDS,
    DATE_PATTERN,
    DATETIME_PATTERNS,
    DECIMAL_STRING_PATTERN,
    DEFAULT_MAX_LENGTH,
    EMAIL_PATTERN,
    PHONE_PATTERN,
    TIME_PATTERN,
)
from .form_limits import FormValidator, check_depth, check_patterns
from .form_messages import FORM_ERROR_KEY, messages

__all__ = ["check", "json_schema", "validate"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

NO_DATA = {
    "text", "html", "spacer", "separator", "image", "button", "table", "iframe",
    "documentPreview",
}  # fmt: skip
CHOICE = {"radio", "select"}
MULTI_CHOICE = {"checklist", "taglist"}
TEXT = {"textfield", "textarea"}

_CACHE_LIMIT = 256
_validators: dict[str, Draft202012Validator] = {}


def json_schema(form: Mapping[str, Any]) -> dict[str, Any]:
    """The Draft 2020-12 JSON Schema of the data a form-js form produces.

    Raises DeploymentError when the form itself is malformed (unknown component type,
    duplicate key, invalid pattern).
    """
    return copy.deepcopy(_validator(form).schema)  # callers must not alter the cached copy


def validate(form: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, list[str]]:
    """French error messages per field key (dotted path when nested, ``_form`` for the whole
    object), in the form's field order; an empty dict when the data is valid."""
    return _validated(form, data, {})


def _validated(
    form: Mapping[str, Any], data: Mapping[str, Any], extra: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    validator = _validator(form)
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        for key, message in messages(error):
            if message not in errors.setdefault(key, []):
                errors[key].append(message)
    for key, refused in extra.items():
        errors.setdefault(key, list(refused))  # a field the form refuses keeps its reason
    order = {key: n for n, key in enumerate(_field_paths(validator.schema))}
    return dict(sorted(errors.items(), key=lambda item: order.get(item[0], len(order))))


def check(
    form: Mapping[str, Any],
    data: Mapping[str, Any],
    *,
    extra: Mapping[str, list[str]] | None = None,
) -> None:
    """Raise InvalidInputError(field=first invalid key, errors=all) unless the data is valid.
    `extra` holds what the host found wrong beside the form's rules, reported with them."""
    errors = _validated(form, data, extra or {})
    if errors:
        field = next(iter(errors))
        message = f"formulaire invalide : {field} : {errors[field][0]}"
        if len(errors) > 1:
            message += f" (champs en erreur : {len(errors)})"
        raise InvalidInputError(message, field=field, errors=errors)


# --- derivation -------------------------------------------------------------------------------


def _validator(form: Mapping[str, Any]) -> Draft202012Validator:
    # Deployed forms never change, so the canonical JSON text identifies a derived schema.
    text = json.dumps(form, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()
    validator = _validators.get(digest)
    if validator is None:
        check_depth(form)
        schema = _derive(json.loads(text))
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise DeploymentError(f"formulaire invalide : {exc.message}") from exc
        check_patterns(schema)  # refused now, at deploy, if RE2 cannot run one
        validator = FormValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        if len(_validators) >= _CACHE_LIMIT:  # forms are few; this only bounds a misuse
            _validators.clear()
        _validators[digest] = validator
    return validator


def _derive(form: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(form, Mapping) or not isinstance(form.get("components"), list):
        raise DeploymentError("un formulaire form-js doit avoir une liste « components »")
    root = _Node()
    _add_components(root, form["components"])
    return {"$schema": DIALECT, "title": str(form.get("id") or "form"), **root.schema()}


class _Node:
    """An object being derived: nested nodes (pathed groups, dotted keys) and field schemas."""

    def __init__(self) -> None:
        self.fields: dict[str, _Node | dict[str, Any]] = {}
        self.required: list[str] = []  # required fields; a node is required if it needs any

    def at(self, parts: list[str]) -> _Node:
        node: _Node | dict[str, Any] = self
        for part in parts:
            node = node.fields.setdefault(part, _Node())
            if not isinstance(node, _Node):
                raise DeploymentError(f"la clé {part!r} est à la fois un champ et un groupe")
        return node

    def put(self, parts: list[str], schema: dict[str, Any], required: bool) -> None:
        node, key = self.at(parts[:-1]), parts[-1]
        if key in node.fields:
            raise DeploymentError(f"clé en double dans le formulaire : {'.'.join(parts)!r}")
        node.fields[key] = schema
        if required:
            node.required.append(key)

    def needed(self) -> bool:
        return bool(self.required) or any(
            isinstance(f, _Node) and f.needed() for f in self.fields.values()
        )

    def schema(self) -> dict[str, Any]:
        properties = {
            key: field.schema() if isinstance(field, _Node) else field
            for key, field in self.fields.items()
        }
        required = [
            key
            for key, field in self.fields.items()
            if (field.needed() if isinstance(field, _Node) else key in self.required)
        ]
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        schema["additionalProperties"] = True  # task data carries other variables
        return schema


def _add_components(node: _Node, components: Any) -> None:
    for component in components or []:
        if not isinstance(component, Mapping):
            raise DeploymentError("chaque composant du formulaire doit être un objet")
        kind, path = component.get("type"), component.get("path") or ""
        if kind in NO_DATA:
            continue
        if kind == "group":  # without a path, a group is only a visual section
            _add_components(node.at(path.split(".")) if path else node, component.get("components"))
        elif kind == "dynamiclist":
            if not path:
                raise DeploymentError(f"liste dynamique sans chemin : {component.get('id')!r}")
            row = _Node()
            _add_components(row, component.get("components"))
            needed, title = row.needed(), component.get("label") or path
            schema = {"type": "array", "items": row.schema(), "title": title}
            node.put(path.split("."), {**schema, "minItems": 1} if needed else schema, needed)
        else:
            key = component.get("key")
            if not isinstance(key, str) or not key:
                raise DeploymentError(f"champ sans clé : {component.get('id')!r}")
            required = bool((component.get("validate") or {}).get("required"))
            # Not validated, as in the viewer; a FEEL condition is decided in the browser only.
            if component.get("disabled") is True or component.get("readonly") is True:
                schema, required = {"title": component.get("label") or key}, False
            else:
                schema = _field_schema(component, required)
            node.put(key.split("."), schema, required)


def _field_schema(component: Mapping[str, Any], required: bool) -> dict[str, Any]:
    kind = component["type"]
    rules = component.get("validate") or {}
    if kind in TEXT:
        schema = _text_schema(rules, required)
    elif kind == "number":
        schema = _number_schema(component, rules)
    elif kind == "checkbox":
        schema = {"const": True} if required else {"type": "boolean"}
    elif kind in CHOICE:
        schema = _choices(component)
    elif kind in MULTI_CHOICE:
        schema = {"type": "array", "items": _choices(component), "uniqueItems": True}
        if required:
            schema["minItems"] = 1
    elif kind == "datetime":
        subtype = component.get("subtype") or "date"
        schema = {"type": "string", "pattern": DATETIME_PATTERNS.get(subtype, DATE_PATTERN)}
        if schema["pattern"] == DATE_PATTERN:
            schema["format"] = "date"  # the pattern alone would accept 2020-02-31
        if schema["pattern"] != TIME_PATTERN:
            schema.update(DATE_BOUNDS)
    elif kind == "filepicker":  # the reference of a document the host stored for the instance
        schema = {"type": "string", "minLength": 1}
    elif kind == "expression":  # computed in the browser: nothing to check
        schema = {}
    else:
        raise DeploymentError(f"type de composant inconnu : {kind!r} ({component.get('id')!r})")
    if not required and schema:
        schema = _optional(schema)
    schema["title"] = component.get("label") or component.get("key")
    return schema


def _text_schema(rules: Mapping[str, Any], required: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for rule in ("minLength", "maxLength"):
        if isinstance(rules.get(rule), int):
            schema[rule] = rules[rule]
    schema.setdefault("maxLength", DEFAULT_MAX_LENGTH)
    kind = rules.get("validationType")
    if kind == "email":
        schema.update(format="email", pattern=EMAIL_PATTERN)
    elif kind == "phone":
        schema["pattern"] = PHONE_PATTERN
    elif rules.get("pattern"):
        schema["pattern"] = rules["pattern"]
    if required:
        schema["minLength"] = max(1, schema.get("minLength", 0))
        schema.setdefault("pattern", BLANK_PATTERN)
    return schema


def _number_schema(component: Mapping[str, Any], rules: Mapping[str, Any]) -> dict[str, Any]:
    if component.get("serializeToString"):  # the viewer sends "12.50": bounds are not checked
        return {"type": "string", "pattern": DECIMAL_STRING_PATTERN}
    schema: dict[str, Any] = {"type": "integer" if _is_integer(component) else "number"}
    for rule, keyword in (("min", "minimum"), ("max", "maximum")):
        if isinstance(rules.get(rule), int | float) and not isinstance(rules[rule], bool):
            schema[keyword] = rules[rule]
    return schema


def _is_integer(component: Mapping[str, Any]) -> bool:
    digits = component.get("decimalDigits")
    if digits is not None:
        return digits == 0
    increment = component.get("increment")
    try:
        return increment is not None and float(increment).is_integer()
    except (TypeError, ValueError):
        return False


def _choices(component: Mapping[str, Any]) -> dict[str, Any]:
    values = component.get("values")
    if component.get("valuesKey") or component.get("valuesExpression") or values is None:
        if component["type"] == "taglist":
            return {"type": "string"}
        return {"type": ["string", "number", "boolean"]}
    allowed = [option.get("value") if isinstance(option, Mapping) else option for option in values]
    return {"enum": allowed}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        return {"enum": [*schema["enum"], None]}
    if schema.get("type") == "string" and ("minLength" in schema or "pattern" in schema):
        return {"anyOf": [{"enum": ["", None]}, schema]}  # constraints apply to a real answer
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*types, "null"]}


def _field_paths(schema: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every property path of a derived schema, in the form's order (for error ordering)."""
    paths = [FORM_ERROR_KEY] if not prefix else []
    for key, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}{key}"
        paths.append(path)
        target = sub.get("items", sub) if sub.get("type") == "array" else sub
        paths.extend(_field_paths(target, f"{path}."))
    return paths
