"""The FACT task forms in bpmn/forms: valid form-js, valid derived schemas, realistic data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine import InvalidInputError
from engine.forms import check, json_schema, validate
from workflows.fact.attachments import document_name
from workflows.fact.bots import deposit_form
from workflows.fact.config import AXES, CRITERIA
from workflows.fact.forms import check_axes

FORMS_DIR = Path(__file__).resolve().parents[3] / "bpmn" / "forms"
FORM_FILES = sorted(FORMS_DIR.glob("*.form"))
DATA_TYPES = {
    "textfield", "textarea", "number", "checkbox", "checklist", "radio", "select", "taglist",
    "datetime",
}  # fmt: skip


def load(name: str) -> dict[str, Any]:
    return json.loads((FORMS_DIR / f"{name}.form").read_text(encoding="utf-8"))


# The documents of the pieces sent, as the deposit names them.
PIECES = {
    key: document_name(key) for key in ("cse_opinion", "budget_annex", "rib", "legal_document")
}
FACT_EXAMPLES: dict[str, dict[str, Any]] = {
    # Shaped as the form-js viewer submits them: untouched optional fields are "" or null.
    "deposit-entreprise": deposit_form(1) | {"partners": "", "cse_informed_how": ""} | PIECES,
    "deposit-action_collective": deposit_form(2, holder_type="territorial_relay", headcount=8)
    | {"cse_informed_on": None}
    | PIECES,
    "deposit-branche": deposit_form(3, holder_type="national_relay", axes=(2, 3))
    | PIECES
    | {"cse_opinion": None},  # optional for a branch
    "eligibility": {"eligible": False, "eligibility_reason": "Effectif supérieur à 300 salariés."},
    "assignment": {"reviewers": ["reviewer1.bot", "reviewer4.bot"], "reviewer_choices": []},
    "review": {
        "review": {
            "conflict_of_interest": False,
            "scores": {c["id"]: 4 for c in CRITERIA},
            "comments": {c["id"]: "" for c in CRITERIA} | {"relevance": "Projet ambitieux."},
        }
    },
    "commission": {
        "decisions_note": "",
        "decisions": [
            {
                "dossier": "2020-01-0001",
                "decision": "partial",
                "amount": 30_000,
                "motivation": "Financement partiel : le volet transfert reste à préciser.",
            }
        ],
    },
    "decision_notice": {"notified": True, "notice_comment": ""},
    "convention_signature": {
        "holder_signed": True,
        "signatory_name": "Camille Martin",
        "signatory_role": "Gérante",
    },
    "convention_countersignature": {"staff_signed": True, "countersignatory_name": "Mission Fact"},
    "cse_confirmation": {
        "cse_confirmation": {
            "secretary_name": "Nadia Bensalem",
            "informed": True,
            "informed_on": "2020-03-02",
            "association": "Deux membres au comité de pilotage.",
            "comment": "",
        }
    },
}
REQUIRED_KEYS = {
    "deposit-entreprise": [
        "holder_name", "siret", "postal_code", "holder_type", "headcount", "axes", "title",
        "summary", "objectives", "methodology", "cse_informed", "cse_associated", "budget_total",
        "amount_requested", "cse_opinion", "budget_annex", "rib", "legal_document",
    ],
    "eligibility": ["eligible", "eligibility_reason"],
    "assignment": ["reviewers"],
    "review": [],  # the scores are required unless a conflict is declared: the host checks it
    "commission": ["decisions"],
    "decision_notice": ["notified"],
    "convention_signature": ["holder_signed", "signatory_name", "signatory_role"],
    "convention_countersignature": ["staff_signed", "countersignatory_name"],
    "cse_confirmation": ["cse_confirmation.secretary_name", "cse_confirmation.informed"],
}  # fmt: skip
REQUIRED_KEYS["deposit-action_collective"] = REQUIRED_KEYS["deposit-entreprise"]
REQUIRED_KEYS["deposit-branche"] = [  # a branch has no CSE of its own
    k for k in REQUIRED_KEYS["deposit-entreprise"] if k != "cse_opinion"
]


def components_of(form: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for component in form.get("components", []):
        found.append(component)
        found.extend(components_of(component))
    return found


def value_paths(components: list[dict[str, Any]], prefix: str = "") -> list[str]:
    paths = []
    for component in components:
        if component["type"] == "group":
            path = f"{prefix}{component['path']}." if component.get("path") else prefix
            paths.extend(value_paths(component["components"], path))
        elif "key" in component:
            paths.append(prefix + component["key"])
    return paths


def test_forms_every_user_task_form_is_present() -> None:
    assert {path.stem for path in FORM_FILES} == set(FACT_EXAMPLES)


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_forms_file_is_a_form_js_schema_with_unique_ids_and_keys(path: Path) -> None:
    form = json.loads(path.read_text(encoding="utf-8"))
    assert form["type"] == "default"
    assert form["id"] == path.stem
    assert form["schemaVersion"] == 16
    assert form["exporter"] == {"name": "Concerto", "version": "1.0"}
    components = components_of(form)
    ids = [c["id"] for c in components]
    assert len(ids) == len(set(ids)), "duplicate component ids"
    paths = value_paths(form["components"])
    assert len(paths) == len(set(paths)), "duplicate keys"
    for component in components:
        if component["type"] in DATA_TYPES:
            assert component.get("label"), f"{component['id']} has no label"
        if component["type"] == "datetime":
            assert component["subtype"] in ("date", "time", "datetime")


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_forms_file_derives_a_valid_draft_2020_12_schema(path: Path) -> None:
    schema = json_schema(json.loads(path.read_text(encoding="utf-8")))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_forms_file_accepts_a_realistic_example_and_refuses_an_empty_one(path: Path) -> None:
    form = json.loads(path.read_text(encoding="utf-8"))
    assert validate(form, FACT_EXAMPLES[path.stem]) == {}
    errors = validate(form, {})
    assert list(errors) == REQUIRED_KEYS[path.stem]
    assert all(messages == ["obligatoire"] for messages in errors.values())


def test_forms_bot_deposit_passes_the_entreprise_form() -> None:
    form = load("deposit-entreprise")
    check(form, (deposit_form(1) | PIECES))
    check(
        form, (deposit_form(7, holder_type="association", headcount=450, axes=(1, 2, 3)) | PIECES)
    )


def test_forms_deposit_forms_offer_every_holder_type_the_precheck_judges() -> None:
    # A holder type that does not fit the track is refused by the eligibility pre-check with a
    # written reason, not by the form: every deposit form offers the four types.
    keys = None
    for track in ("entreprise", "action_collective", "branche"):
        form = load(f"deposit-{track}")
        schema = json_schema(form)
        assert schema["properties"]["holder_type"]["enum"] == [
            "company", "association", "territorial_relay", "national_relay"
        ]  # fmt: skip
        keys = keys or list(schema["properties"])
        assert list(schema["properties"]) == keys
        assert "Un brouillon n'est pas un dépôt" in form["components"][1]["text"]
    entreprise = load("deposit-entreprise")
    assert validate(entreprise, (deposit_form(1, holder_type="ministry") | PIECES)) == {
        "holder_type": [
            'valeur non autorisée : "ministry", attendu l\'une de : "company", "association", '
            '"territorial_relay", "national_relay"'
        ]
    }


def test_forms_deposit_rules_match_the_call() -> None:
    form = load("deposit-entreprise")
    properties = json_schema(form)["properties"]
    # The axes offered are the call's own (the form reads them from `axes_choices`); a deposit
    # naming an axis the call does not have is refused by the call's rule.
    assert "enum" not in properties["axes"]["items"]
    check_axes({"call_axes": AXES}, {"axes": [1, 3]})
    with pytest.raises(InvalidInputError) as unknown:
        check_axes({"call_axes": AXES}, {"axes": [1, 4]})
    assert unknown.value.errors == {"axes": ["axe inconnu"]}
    assert "300" in properties["headcount"]["title"]
    # The form takes any headcount: the eligibility pre-check refuses with a reason.
    assert validate(form, (deposit_form(1, headcount=450) | PIECES)) == {}
    assert validate(form, (deposit_form(1, headcount=-1) | PIECES)) == {
        "headcount": ["doit être au moins 0"]
    }
    assert validate(form, (deposit_form(1, siret="123 456 789") | PIECES)) == {
        "siret": ["ne respecte pas le format attendu (^[0-9]{14}$)"]
    }
    assert validate(form, (deposit_form(1, amount=0) | PIECES))["amount_requested"] == [
        "doit être au moins 1"
    ]
    assert validate(form, (deposit_form(1) | PIECES) | {"title": "x" * 201}) == {
        "title": ["doit comporter au plus 200 caractères (actuellement 201)"]
    }
    assert validate(form, (deposit_form(1, axes=()) | PIECES)) == {"axes": ["obligatoire"]}


def test_forms_review_scores_every_call_criterion_from_1_to_5() -> None:
    form = load("review")
    review = json_schema(form)["properties"]["review"]["properties"]
    assert list(review["scores"]["properties"]) == [c["id"] for c in CRITERIA]
    assert list(review["comments"]["properties"]) == [c["id"] for c in CRITERIA]
    data = FACT_EXAMPLES["review"]
    scores = data["review"]["scores"] | {"transfer": 0, "partnership": 6}
    assert validate(form, {"review": data["review"] | {"scores": scores}}) == {
        "review.scores.transfer": ["doit être au moins 1"],
        "review.scores.partnership": ["doit être au plus 5"],
    }


def test_forms_signatures_must_be_ticked() -> None:
    for name, key in (
        ("decision_notice", "notified"),
        ("convention_signature", "holder_signed"),
        ("convention_countersignature", "staff_signed"),
    ):
        data = FACT_EXAMPLES[name] | {key: False}
        assert validate(load(name), data) == {key: ["doit être coché"]}, name
