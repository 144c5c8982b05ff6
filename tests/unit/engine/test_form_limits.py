"""engine.form_limits: form patterns run by RE2 in linear time, refused at deploy when RE2
cannot run them; a form nested past reason is refused."""

from __future__ import annotations

import math
import time

import pytest

from engine.errors import DeploymentError, InvalidInputError
from engine.forms import check, json_schema, validate

from .test_forms import field, form_of

# Patterns that backtrack catastrophically in Python's `re` on a crafted answer.
CATASTROPHIC = [
    (r"^(a+)+$", "a" * 40 + "!"),
    (r"^(a|aa)+$", "a" * 60 + "b"),
    (r"^(\w+\s?)*$", "mot " * 20 + "!"),
    (r"^([a-z]+)*[0-9]$", "abcdefghij" * 5 + "!"),
]


@pytest.mark.parametrize(("pattern", "answer"), CATASTROPHIC)
def test_a_catastrophic_pattern_answers_at_once(pattern: str, answer: str) -> None:
    form = form_of(field("textfield", "code", validate={"pattern": pattern}))
    started = time.monotonic()
    errors = validate(form, {"code": answer})
    assert time.monotonic() - started < 0.1
    assert list(errors) == ["code"]
    assert validate(form, {"code": answer[:-1]}) == {} or pattern.endswith("[0-9]$")


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=a)b", r"(?<!x)y", r"(?P<n>a)(?P=n)"])
def test_a_pattern_re2_cannot_run_is_refused_at_deploy(pattern: str) -> None:
    form = form_of(field("textfield", "code", validate={"pattern": pattern}))
    with pytest.raises(DeploymentError, match="non pris en charge"):
        json_schema(form)


def test_a_form_nested_past_reason_is_refused() -> None:
    inner = field("textfield", "leaf")
    for depth in range(40):
        inner = {"type": "group", "id": f"g{depth}", "components": [inner]}
    with pytest.raises(DeploymentError, match="imbriqué"):
        json_schema(form_of(inner))
    shallow = {"type": "group", "id": "g", "components": [field("textfield", "leaf")]}
    assert "leaf" in json_schema(form_of(shallow))["properties"]


def test_a_number_field_refuses_nan_and_infinities() -> None:
    for extra in ({"decimalDigits": 2}, {"decimalDigits": 0}, {"validate": {"min": 0}}):
        form = form_of(field("number", "ratio", **extra))
        assert validate(form, {"ratio": 1.0}) == {}
        for value in (math.nan, math.inf, -math.inf):
            assert validate(form, {"ratio": value}) == {"ratio": ["doit être un nombre fini"]}


def test_a_text_a_form_leaves_unbounded_is_bounded_all_the_same() -> None:
    for kind in ("textfield", "textarea"):
        form = form_of(field(kind, "note"), field(kind, "named", validate={"required": True}))
        properties = json_schema(form)["properties"]
        assert properties["note"]["maxLength"] == properties["named"]["maxLength"] == 10_000
        assert validate(form, {"note": "x" * 10_000, "named": "é" * 10_000}) == {}
        assert validate(form, {"note": "x" * 10_001, "named": "y" * 10_002}) == {
            "note": ["doit comporter au plus 10000 caractères (actuellement 10001)"],
            "named": ["doit comporter au plus 10000 caractères (actuellement 10002)"],
        }
    bounded = form_of(field("textarea", "short", validate={"maxLength": 20}))
    assert json_schema(bounded)["properties"]["short"]["maxLength"] == 20


@pytest.mark.parametrize("subtype", ["date", "datetime"])
def test_a_date_field_takes_the_years_2000_to_2100_only(subtype: str) -> None:
    form = form_of(field("datetime", "on", subtype=subtype))
    suffix = "" if subtype == "date" else "T10:00"
    for day in ("2000-01-01", "2020-02-29", "2100-12-31"):
        assert validate(form, {"on": day + suffix}) == {}, day
    for day in ("0001-01-01", "1999-12-31", "0999-01-01"):
        assert validate(form, {"on": day + suffix}) == {
            "on": ["date trop ancienne : le 01/01/2000 au plus tôt"]
        }, day
    for day in ("2101-01-01", "9999-12-31"):
        assert validate(form, {"on": day + suffix}) == {
            "on": ["date trop lointaine : le 31/12/2100 au plus tard"]
        }, day
    assert list(validate(form, {"on": f"2020-03-02{suffix}\n"})) == ["on"]
    time_only = form_of(field("datetime", "at", subtype="time"))
    assert "formatMinimum" not in json_schema(time_only)["properties"]["at"]
    assert validate(time_only, {"at": "09:30"}) == {}


def test_patterns_end_at_the_end_of_the_text_as_in_the_browser() -> None:
    # RE2's `$`, like JavaScript's, does not match before a final newline (Python's `re` does).
    form = form_of(field("textfield", "code", validate={"pattern": "^[0-9]{5}$"}))
    assert validate(form, {"code": "75001"}) == {}
    for answer in ("75001\n", "75001\r\n", "\n75001", "75001 "):
        assert list(validate(form, {"code": answer})) == ["code"], answer


def test_errors_the_host_finds_are_told_with_the_forms_in_its_order() -> None:
    form = form_of(
        field("textfield", "first", validate={"required": True}),
        field("textfield", "second"),
        field("textfield", "third", validate={"required": True}),
    )
    with pytest.raises(InvalidInputError) as refused:
        check(form, {"second": "x"}, extra={"second": ["refusé par l'hôte"], "first": ["autre"]})
    assert refused.value.errors == {
        "first": ["obligatoire"],  # the form's own reason stays
        "second": ["refusé par l'hôte"],
        "third": ["obligatoire"],
    }
    check(form, {"first": "a", "third": "c"}, extra={})
