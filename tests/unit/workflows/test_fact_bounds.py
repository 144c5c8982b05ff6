"""What a FACT input may hold: dates in plausible years, amounts the documents and mails can
print, SIRET and SIREN with their key, texts of bounded length, and every field a document
reads required by the deposit forms."""

from __future__ import annotations

import copy
import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
from marshmallow import ValidationError

from engine import InvalidInputError
from engine.forms import check, json_schema, validate
from tests.bounds import OUT_OF_YEARS
from workflows.fact.bots import deposit_form, sample_siret
from workflows.fact.config import CONTACT, load_config, process_variables
from workflows.fact.documents import (
    convention_context,
    decision_context,
    receipt_context,
    render_receipt,
)
from workflows.fact.identifiers import identifier_errors
from workflows.fact.mails import render_mail
from workflows.fact.reviews import due_at_of

from .test_fact_forms import FACT_EXAMPLES, FORM_FILES, load

TRACKS = ("entreprise", "action_collective", "branche")
MAX_AMOUNT = 10**9
CONFIG_DATES = ("publication_at", "deposit_deadline", "commission_at")


def _deposit(track: str, **changes: Any) -> dict[str, Any]:
    return {**FACT_EXAMPLES[f"deposit-{track}"], **changes}


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("field", CONFIG_DATES)
@pytest.mark.parametrize("value", OUT_OF_YEARS)
def test_config_date_outside_2000_to_2100_is_refused_on_its_field(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        load_config({field: value})
    assert refused.value.messages == {field: ["date hors des années 2000 à 2100"]}


def test_config_dates_at_the_edges_of_the_years_are_taken() -> None:
    config = load_config(
        {"publication_at": "2000-01-01T00:00:00", "commission_at": "2100-12-31T23:59:59"}
    )
    assert config["publication_at"].isoformat() == "1999-12-31T23:00:00+00:00"  # Paris winter
    assert config["commission_at"].year == 2100


DATE_FIELDS = [  # (form, path of a date field in its example)
    ("deposit-entreprise", ("cse_informed_on",)),
    ("deposit-branche", ("cse_informed_on",)),
    ("assignment", ("review_due",)),
    ("cse_confirmation", ("cse_confirmation", "informed_on")),
]


def _with(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    node = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return changed


@pytest.mark.parametrize(("form_name", "path"), DATE_FIELDS)
def test_form_dates_outside_2000_to_2100_or_malformed_are_refused(
    form_name: str, path: tuple[str, ...]
) -> None:
    form, example, key = load(form_name), FACT_EXAMPLES[form_name], ".".join(path)
    for day in ("2000-01-01", "2100-12-31", "2020-03-02"):
        assert validate(form, _with(example, path, day)) == {}, day
    for day, message in (
        ("0001-01-01", "date trop ancienne : le 01/01/2000 au plus tôt"),
        ("1999-12-31", "date trop ancienne : le 01/01/2000 au plus tôt"),
        ("9999-12-31", "date trop lointaine : le 31/12/2100 au plus tard"),
        ("2101-01-01", "date trop lointaine : le 31/12/2100 au plus tard"),
    ):
        assert validate(form, _with(example, path, day)) == {key: [message]}, day
    for malformed in ("2020-02-30", "2020-03-02\n", "02/03/2020", "20200-03-02"):
        assert list(validate(form, _with(example, path, malformed))) == [key], malformed


# --- amounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "envelope",
    [1e308, math.inf, math.nan, MAX_AMOUNT + 1, 10**30, 0, -1, True, "800000", 1.5, None],
)
def test_config_envelope_outside_1_to_a_billion_euros_is_refused(envelope: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        load_config({"envelope": envelope})
    assert list(refused.value.messages) == ["envelope"]


def test_config_envelope_at_its_bounds_is_taken() -> None:
    assert load_config({"envelope": 1})["envelope"] == 1
    assert load_config({"envelope": MAX_AMOUNT})["envelope"] == MAX_AMOUNT


@pytest.mark.parametrize("track", TRACKS)
@pytest.mark.parametrize("key", ["budget_total", "amount_requested"])
def test_deposit_amounts_outside_1_to_a_billion_euros_are_refused(track: str, key: str) -> None:
    form = load(f"deposit-{track}")
    assert validate(form, _deposit(track, **{key: MAX_AMOUNT})) == {}
    for amount, message in (
        (MAX_AMOUNT + 1, "doit être au plus 1000000000"),
        (1e308, "doit être au plus 1000000000"),
        (0, "doit être au moins 1"),
        (-5, "doit être au moins 1"),
        (math.nan, "doit être un nombre fini"),
        (math.inf, "doit être un nombre fini"),
        (12.5, "doit être un nombre entier"),
        ("1000", "doit être un nombre entier"),
    ):
        assert validate(form, _deposit(track, **{key: amount})) == {key: [message]}, amount


def test_deposit_headcount_and_commission_amounts_are_bounded() -> None:
    form = load("deposit-entreprise")
    assert validate(form, _deposit("entreprise", headcount=10**7)) == {
        "headcount": ["doit être au plus 1000000"]
    }
    commission = load("commission")
    decision = FACT_EXAMPLES["commission"]["decisions"][0]
    for amount in (MAX_AMOUNT + 1, 1e308, -1, math.inf):
        data = {"decisions": [{**decision, "amount": amount}]}
        assert list(validate(commission, data)) == ["decisions.0.amount"], amount


def test_the_largest_amounts_print_in_documents_and_mails() -> None:
    data = _document_data("entreprise") | {
        "amount_requested": MAX_AMOUNT,
        "budget_total": MAX_AMOUNT,
        "amount_granted": MAX_AMOUNT,
        "holder_name": "H" * 200,
        "title": "T" * 200,
    }
    assert receipt_context(data)["amount_requested"] == "1\u202f000\u202f000\u202f000\u00a0€"
    assert render_receipt(data).startswith(b"%PDF")
    call = process_variables(load_config({"envelope": MAX_AMOUNT}))
    published = render_mail({"kind": "call_published", "to": "a@x.fr", "data": call})
    assert "1 000 000 000" in published.text.replace("\u202f", " ").replace("\u00a0", " ")


# --- SIRET and SIREN ----------------------------------------------------------------------


@pytest.mark.parametrize("siret", ["73282932000074", "35600000000048", "12345678200010"])
def test_siret_with_its_luhn_key_is_taken(siret: str) -> None:
    assert identifier_errors({"siret": siret}) == {}
    assert validate(load("deposit-entreprise"), _deposit("entreprise", siret=siret)) == {}


@pytest.mark.parametrize("siret", ["73282932000075", "12345678900018", "00000000000001"])
def test_siret_with_a_wrong_key_is_refused(siret: str) -> None:
    assert identifier_errors({"siret": siret}) == {
        "siret": [
            "SIRET invalide : son dernier chiffre est une clé de contrôle qui ne correspond "
            "pas ; vérifiez-le sur l'extrait Kbis ou l'avis de situation Insee"
        ]
    }


@pytest.mark.parametrize(
    "siret",
    ["73282932000074\n", " 73282932000074", "732 829 320 00074", "7328293200007", "7" * 15,
     73282932000074],
)  # fmt: skip
def test_siret_not_of_14_digits_alone_is_refused_by_form_and_host(siret: Any) -> None:
    assert identifier_errors({"siret": siret}) == {"siret": ["SIRET : 14 chiffres, sans espace"]}
    for track in TRACKS:
        errors = validate(load(f"deposit-{track}"), _deposit(track, siret=siret))
        assert list(errors) == ["siret"], (track, siret)


def test_siren_is_checked_the_same_way() -> None:
    assert identifier_errors({"siren": "732829320"}) == {}
    assert "clé de contrôle" in identifier_errors({"siren": "732829321"})["siren"][0]
    assert identifier_errors({"siren": "732829320\n"}) == {
        "siren": ["SIREN : 9 chiffres, sans espace"]
    }


def test_a_wrong_key_is_told_with_the_forms_own_faults() -> None:
    form = load("deposit-entreprise")
    data = _deposit("entreprise", siret="73282932000075", title="")
    with pytest.raises(InvalidInputError) as refused:
        check(form, data, extra=identifier_errors(data))
    assert list(refused.value.errors) == ["siret", "title"]  # in the form's order
    assert refused.value.field == "siret"
    pattern_first = _deposit("entreprise", siret="123")
    with pytest.raises(InvalidInputError) as refused:
        check(form, pattern_first, extra=identifier_errors(pattern_first))
    assert refused.value.errors == {"siret": ["ne respecte pas le format attendu (^[0-9]{14}$)"]}


def test_the_bots_deposit_sirets_with_their_key() -> None:
    assert identifier_errors(deposit_form(5)) == {}
    rng = random.Random(7)
    assert all(identifier_errors({"siret": sample_siret(rng)}) == {} for _ in range(500))


# --- texts --------------------------------------------------------------------------------


def _text_fields(components: list[dict[str, Any]], prefix: tuple[Any, ...] = ()) -> list:
    found = []
    for component in components:
        path = tuple(component["path"].split(".")) if component.get("path") else ()
        if component["type"] == "group":
            found += _text_fields(component.get("components", []), prefix + path)
        elif component["type"] == "dynamiclist":
            found += _text_fields(component.get("components", []), (*prefix, *path, 0))
        elif component["type"] in ("textfield", "textarea"):
            found.append(((*prefix, component["key"]), component))
    return found


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_every_free_text_of_the_forms_has_a_maximum_length_checked_at_submission(
    path: Path,
) -> None:
    form = json.loads(path.read_text(encoding="utf-8"))
    example = FACT_EXAMPLES[path.stem]
    for where, component in _text_fields(form["components"]):
        limit = (component.get("validate") or {}).get("maxLength")
        assert isinstance(limit, int) and 0 < limit <= 10_000, component["id"]
        key = ".".join(map(str, where))
        too_long = validate(form, _with(example, where, "x" * (limit + 1)))
        assert f"doit comporter au plus {limit} caractères (actuellement {limit + 1})" in (
            too_long.get(key, [])
        ), (key, too_long)
        if not (component.get("validate") or {}).get("pattern") and not (
            component.get("validate") or {}
        ).get("validationType"):
            assert validate(form, _with(example, where, "é" * limit)) == {}, key


@pytest.mark.parametrize(
    ("key", "value"),
    [("cse_secretary_email", "cse@example.org\n"), ("cse_secretary_email", "cse@example.org "),
     ("siret", "73282932000074\r\n"), ("cse_informed_on", "2020-03-02\n")],
)  # fmt: skip
def test_a_trailing_newline_does_not_pass_a_pattern(key: str, value: str) -> None:
    form = load("deposit-entreprise")
    assert list(validate(form, _deposit("entreprise", **{key: value}))) == [key]
    assert validate(form, _deposit("entreprise", **{key: value.strip()})) == {}


# --- what the documents read, the deposit forms require -----------------------------------


def _document_data(track: str, deposit: dict[str, Any] | None = None) -> dict[str, Any]:
    """A deposited, partly funded and signed dossier's data: the process's own variables and
    the deposit form's answers."""
    call = process_variables(load_config())
    return {
        "call_id": call["call_id"],
        "call_title": call["title"],
        "dossier_id": "2020-01-0042",
        "track": track,
        "deposit_deadline": call["deposit_deadline"],
        "commission_at": call["commission_at"],
        "response_delay": call["response_delay"],
        "contact": dict(CONTACT),
        "deposited_at": "2020-04-14T21:59:58+00:00",
        "outcome": "partial",
        "amount_granted": 20_000,
        "pieces": {},
        **(_deposit(track) if deposit is None else deposit),
    }


CONTEXTS = (receipt_context, decision_context, convention_context)


@pytest.mark.parametrize("track", TRACKS)
def test_every_answer_a_document_needs_is_required_by_the_deposit_form(track: str) -> None:
    form = load(f"deposit-{track}")
    schema = json_schema(form)
    required = set(schema["required"])
    for key in schema["properties"]:
        data = _document_data(track)
        data.pop(key, None)
        for context in CONTEXTS:
            try:
                context(data)
            except InvalidInputError as exc:
                assert exc.field != key or key in required, (context.__name__, key)


@pytest.mark.parametrize("track", TRACKS)
@pytest.mark.parametrize("cse", [True, False])
def test_the_least_a_deposit_form_takes_prints_every_document(track: str, cse: bool) -> None:
    form = load(f"deposit-{track}")
    required = json_schema(form)["required"]
    least = {k: v for k, v in _deposit(track).items() if k in required}
    least |= {"cse_informed": cse, "cse_associated": cse}
    assert validate(form, least) == {}
    for context in CONTEXTS:
        context(_document_data(track, least))


@pytest.mark.parametrize("track", TRACKS)
def test_the_cse_declaration_is_required_either_way(track: str) -> None:
    form = load(f"deposit-{track}")
    without = {k: v for k, v in _deposit(track).items() if not k.startswith("cse_informed")}
    without.pop("cse_associated")
    assert validate(form, without) == {
        "cse_informed": ["obligatoire"],
        "cse_associated": ["obligatoire"],
    }
    for answer in ("oui", 1, None):
        errors = validate(form, _deposit(track, cse_informed=answer))
        assert list(errors) == ["cse_informed"], answer
    assert validate(form, _deposit(track, cse_informed=False, cse_associated=False)) == {}


@pytest.mark.parametrize("field", ["review_due", "due"])
def test_a_due_day_outside_the_plausible_years_is_refused_on_its_field(field: str) -> None:
    assert due_at_of("2020-04-30", field=field) == "2020-04-30T23:59:59+02:00"
    assert due_at_of("2100-12-31", field=field) == "2100-12-31T23:59:59+01:00"
    assert due_at_of("", field=field) is None and due_at_of(None, field=field) is None
    for day, message in (
        ("0001-01-01", "date hors des années 2000 à 2100"),
        ("9999-12-31", "date hors des années 2000 à 2100"),
        ("1999-12-31", "date hors des années 2000 à 2100"),
        ("2020-02-30", "date invalide (format attendu : AAAA-MM-JJ)"),
        ("demain", "date invalide (format attendu : AAAA-MM-JJ)"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            due_at_of(day, field=field)
        assert refused.value.errors == {field: [message]}, day
