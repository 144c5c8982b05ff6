"""engine.form_limits: form patterns run by RE2 in linear time, refused at deploy when RE2
cannot run them; a form nested past reason is refused."""

from __future__ import annotations

import time

import pytest

from engine.errors import DeploymentError
from engine.forms import json_schema, validate

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
