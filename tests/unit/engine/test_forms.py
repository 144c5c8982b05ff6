"""engine.forms: JSON Schema derived from form-js schemas, French error messages, FACT forms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.errors import DeploymentError, InvalidInputError
from engine.forms import check, json_schema, validate
from workflows.fact.bots import deposit_form
from workflows.fact.config import AXES, CRITERIA

FORMS_DIR = Path(__file__).resolve().parents[3] / "bpmn" / "forms"
FORM_FILES = sorted(FORMS_DIR.glob("*.form"))
DATA_TYPES = {
    "textfield", "textarea", "number", "checkbox", "checklist", "radio", "select", "taglist",
    "datetime",
}  # fmt: skip


def form_of(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": "default", "id": "test", "schemaVersion": 16, "components": list(components)}


def field(kind: str, key: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "id": f"field_{key.replace('.', '_')}", "key": key, **extra}


def load(name: str) -> dict[str, Any]:
    return json.loads((FORMS_DIR / f"{name}.form").read_text(encoding="utf-8"))


# --- derivation per component type ------------------------------------------------------------


def test_forms_textfield_derives_string_with_lengths_and_pattern() -> None:
    form = form_of(
        field("textfield", "code", validate={"minLength": 2, "maxLength": 4, "pattern": "^[A-Z]+$"})
    )
    schema = json_schema(form)["properties"]["code"]
    assert schema["anyOf"][1] == {
        "type": "string",
        "minLength": 2,
        "maxLength": 4,
        "pattern": "^[A-Z]+$",
    }
    assert validate(form, {"code": "ABC"}) == {}
    assert validate(form, {"code": "A"}) == {"code": ["doit comporter au moins 2 caractères"]}
    assert validate(form, {"code": "ABCDE"}) == {
        "code": ["doit comporter au plus 4 caractères (actuellement 5)"]
    }
    assert validate(form, {"code": "abc"}) == {
        "code": ["ne respecte pas le format attendu (^[A-Z]+$)"]
    }
    assert validate(form, {"code": 12}) == {"code": ["doit être un texte"]}


def test_forms_required_text_rejects_missing_empty_and_blank() -> None:
    form = form_of(field("textarea", "reason", label="Motif", validate={"required": True}))
    schema = json_schema(form)
    assert schema["required"] == ["reason"]
    assert schema["properties"]["reason"]["title"] == "Motif"
    for data in ({}, {"reason": ""}, {"reason": "   \n"}, {"reason": None}):
        assert validate(form, data) == {"reason": ["obligatoire"]}, data
    assert validate(form, {"reason": "Effectif supérieur à 300 salariés"}) == {}


def test_forms_email_validation_type_checks_the_address() -> None:
    form = form_of(field("textfield", "mail", validate={"validationType": "email"}))
    assert json_schema(form)["properties"]["mail"]["anyOf"][1]["format"] == "email"
    assert validate(form, {"mail": "infofact@anact.fr"}) == {}
    assert validate(form, {"mail": "infofact"}) == {"mail": ["adresse électronique invalide"]}


def test_forms_number_is_integer_when_no_decimal_digits_or_whole_increment() -> None:
    def kind(**extra: Any) -> Any:
        return json_schema(form_of(field("number", "n", validate={"required": True}, **extra)))[
            "properties"
        ]["n"]["type"]

    assert kind(decimalDigits=0) == "integer"
    assert kind(increment=1) == "integer"
    assert kind(increment="5") == "integer"
    assert kind(decimalDigits=2) == "number"
    assert kind(decimalDigits=2, increment=1) == "number"  # decimalDigits decides first
    assert kind(increment=0.5) == "number"
    assert kind() == "number"


def test_forms_number_min_and_max_give_french_messages() -> None:
    form = form_of(field("number", "score", decimalDigits=0, validate={"min": 1, "max": 5}))
    schema = json_schema(form)["properties"]["score"]
    assert (schema["minimum"], schema["maximum"]) == (1, 5)
    assert validate(form, {"score": 3}) == {}
    assert validate(form, {"score": 0}) == {"score": ["doit être au moins 1"]}
    assert validate(form, {"score": 6}) == {"score": ["doit être au plus 5"]}
    assert validate(form, {"score": 2.5}) == {"score": ["doit être un nombre entier"]}
    assert validate(form, {"score": "3"}) == {"score": ["doit être un nombre entier"]}
    assert validate(form, {"score": True}) == {"score": ["doit être un nombre entier"]}


def test_forms_checkbox_is_boolean_and_required_means_ticked() -> None:
    form = form_of(
        field("checkbox", "informed"),
        field("checkbox", "signed", validate={"required": True}),
    )
    properties = json_schema(form)["properties"]
    assert properties["informed"]["type"] == ["boolean", "null"]
    assert properties["signed"]["const"] is True
    assert validate(form, {"informed": False, "signed": True}) == {}
    assert validate(form, {"signed": False}) == {"signed": ["doit être coché"]}
    assert validate(form, {"informed": "oui", "signed": True}) == {
        "informed": ["doit être vrai ou faux"]
    }


def test_forms_select_and_radio_allow_only_their_option_values() -> None:
    form = form_of(
        field(
            "select",
            "holder_type",
            values=[{"label": "Entreprise", "value": "company"}, {"label": "Asso", "value": "a"}],
            validate={"required": True},
        ),
        field(
            "radio",
            "eligible",
            values=[{"label": "Éligible", "value": True}, {"label": "Non", "value": False}],
        ),
    )
    properties = json_schema(form)["properties"]
    assert properties["holder_type"]["enum"] == ["company", "a"]
    assert properties["eligible"]["enum"] == [True, False, None]
    assert validate(form, {"holder_type": "company", "eligible": False}) == {}
    assert validate(form, {"holder_type": "national_relay", "eligible": "yes"}) == {
        "holder_type": [
            'valeur non autorisée : "national_relay", attendu l\'une de : "company", "a"'
        ],
        "eligible": ['valeur non autorisée : "yes", attendu l\'une de : vrai, faux'],
    }
    assert validate(form, {"holder_type": None}) == {"holder_type": ["obligatoire"]}


def test_forms_checklist_is_a_unique_array_of_option_values() -> None:
    values = [{"label": f"Axe {n}", "value": n} for n in (1, 2, 3)]
    form = form_of(field("checklist", "axes", values=values, validate={"required": True}))
    schema = json_schema(form)["properties"]["axes"]
    assert schema == {
        "type": "array",
        "items": {"enum": [1, 2, 3]},
        "uniqueItems": True,
        "minItems": 1,
        "title": "axes",
    }
    assert validate(form, {"axes": [1, 3]}) == {}
    assert validate(form, {"axes": []}) == {"axes": ["obligatoire"]}
    assert validate(form, {"axes": [4]}) == {
        "axes": ["valeur non autorisée : 4, attendu l'une de : 1, 2, 3"]
    }
    assert validate(form, {"axes": [2, 2]}) == {"axes": ["contient des valeurs en double"]}
    assert validate(form, {"axes": 1}) == {"axes": ["doit être une liste"]}


def test_forms_optional_checklist_accepts_no_choice() -> None:
    form = form_of(field("checklist", "tags", values=[{"label": "A", "value": "a"}]))
    assert validate(form, {"tags": []}) == {}
    assert validate(form, {}) == {}


def test_forms_options_from_a_key_accept_strings_and_need_one_when_required() -> None:
    form = form_of(
        field("taglist", "reviewers", valuesKey="reviewer_choices", validate={"required": True})
    )
    schema = json_schema(form)["properties"]["reviewers"]
    assert schema["items"] == {"type": "string"}
    assert schema["minItems"] == 1
    assert validate(form, {"reviewers": ["reviewer1.bot", "reviewer2.bot"]}) == {}
    assert validate(form, {"reviewers": []}) == {"reviewers": ["obligatoire"]}
    assert validate(form, {"reviewers": [3]}) == {"reviewers": ["doit être un texte"]}


def test_forms_datetime_date_must_be_a_calendar_day() -> None:
    form = form_of(field("datetime", "informed_on", subtype="date", validate={"required": True}))
    schema = json_schema(form)["properties"]["informed_on"]
    assert schema["pattern"] == r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    assert validate(form, {"informed_on": "2020-03-02"}) == {}
    message = ["date invalide (format attendu : AAAA-MM-JJ)"]
    assert validate(form, {"informed_on": "02/03/2020"}) == {"informed_on": message}
    assert validate(form, {"informed_on": "2020-02-31"}) == {"informed_on": message}


def test_forms_datetime_time_and_datetime_subtypes() -> None:
    form = form_of(
        field("datetime", "at", subtype="time"), field("datetime", "when", subtype="datetime")
    )
    assert validate(form, {"at": "09:30", "when": "2020-05-05T09:30:00+02:00"}) == {}
    assert validate(form, {"at": "25:00", "when": "2020-05-05"}) == {
        "at": ["heure invalide (format attendu : HH:MM)"],
        "when": ["date et heure invalides (format attendu : AAAA-MM-JJTHH:MM)"],
    }


def test_forms_presentation_components_carry_no_data() -> None:
    form = form_of(
        {"type": "text", "id": "t", "text": "# Titre"},
        {"type": "separator", "id": "s"},
        {"type": "spacer", "id": "sp", "height": 30},
        field("textfield", "name"),
    )
    assert list(json_schema(form)["properties"]) == ["name"]


# --- groups, nesting, order -------------------------------------------------------------------


def test_forms_group_without_path_puts_keys_at_top_level() -> None:
    form = form_of(
        {
            "type": "group",
            "id": "section",
            "label": "Porteur",
            "components": [field("textfield", "holder_name", validate={"required": True})],
        }
    )
    schema = json_schema(form)
    assert list(schema["properties"]) == ["holder_name"]
    assert schema["required"] == ["holder_name"]
    assert validate(form, {}) == {"holder_name": ["obligatoire"]}


def test_forms_group_with_path_nests_objects_and_keys_errors_by_dotted_path() -> None:
    score = field("number", "relevance", decimalDigits=0, validate={"required": True, "max": 5})
    form = form_of(
        {
            "type": "group",
            "id": "review",
            "path": "review",
            "components": [
                field("checkbox", "conflict_of_interest"),
                {"type": "group", "id": "scores", "path": "scores", "components": [score]},
                {
                    "type": "group",
                    "id": "comments",
                    "path": "comments",
                    "components": [field("textarea", "relevance")],
                },
            ],
        }
    )
    schema = json_schema(form)
    review = schema["properties"]["review"]
    assert schema["required"] == ["review"]
    assert review["required"] == ["scores"]
    assert review["properties"]["scores"]["properties"]["relevance"]["type"] == "integer"
    assert review["properties"]["comments"]["properties"]["relevance"]["type"] == [
        "string",
        "null",
    ]
    assert validate(form, {"review": {"scores": {"relevance": 4}}}) == {}
    assert validate(form, {"review": {"scores": {"relevance": 9}}}) == {
        "review.scores.relevance": ["doit être au plus 5"]
    }
    assert validate(form, {}) == {"review.scores.relevance": ["obligatoire"]}
    assert validate(form, {"review": "bien"}) == {"review": ["doit être un objet"]}


def test_forms_dotted_key_nests_like_a_path() -> None:
    form = form_of(field("textfield", "holder.name", validate={"required": True}))
    assert json_schema(form)["properties"]["holder"]["required"] == ["name"]
    assert validate(form, {"holder": {"name": "Anact"}}) == {}
    assert validate(form, {"holder": {}}) == {"holder.name": ["obligatoire"]}


def test_forms_dynamiclist_is_an_array_of_row_objects() -> None:
    form = form_of(
        {
            "type": "dynamiclist",
            "id": "rows",
            "path": "decisions",
            "components": [
                field("textfield", "dossier_id", validate={"required": True}),
                field("number", "amount", decimalDigits=0, validate={"min": 0}),
            ],
        }
    )
    schema = json_schema(form)["properties"]["decisions"]
    assert schema["type"] == "array"
    assert schema["items"]["required"] == ["dossier_id"]
    assert validate(form, {"decisions": [{"dossier_id": "2020-01-0001", "amount": 0}]}) == {}
    assert validate(form, {"decisions": [{"dossier_id": "x"}, {"amount": -1}]}) == {
        "decisions.1.dossier_id": ["obligatoire"],
        "decisions.1.amount": ["doit être au moins 0"],
    }


def test_forms_errors_are_listed_in_the_form_order() -> None:
    form = form_of(
        field("textfield", "first", validate={"required": True}),
        field("number", "second", validate={"min": 1}),
        field("textfield", "third", validate={"required": True}),
    )
    assert list(validate(form, {"second": 0})) == ["first", "second", "third"]


# --- data shape -------------------------------------------------------------------------------


def test_forms_extra_keys_are_allowed_but_form_keys_must_match() -> None:
    form = form_of(field("number", "amount", decimalDigits=0, validate={"required": True}))
    assert json_schema(form)["additionalProperties"] is True
    assert validate(form, {"amount": 5, "dossier_id": "2020-01-0001", "anything": [1]}) == {}
    assert validate(form, {"amount": "cinq", "anything": [1]}) == {
        "amount": ["doit être un nombre entier"]
    }


def test_forms_optional_fields_accept_the_empty_values_the_viewer_submits() -> None:
    form = form_of(
        field("textfield", "how", validate={"minLength": 3, "pattern": "^[a-z]+$"}),
        field("number", "count", validate={"min": 1}),
        field("select", "kind", values=[{"label": "A", "value": "a"}]),
        field("datetime", "on", subtype="date"),
    )
    assert validate(form, {"how": "", "count": None, "kind": None, "on": None}) == {}
    assert validate(form, {"how": "ab", "count": 0}) == {
        "how": ["doit comporter au moins 3 caractères"],
        "count": ["doit être au moins 1"],
    }


def test_forms_non_object_data_is_a_whole_form_error() -> None:
    form = form_of(field("textfield", "name"))
    assert validate(form, ["name"]) == {
        "_form": ["les données du formulaire doivent être un objet"]
    }


def test_forms_disabled_and_readonly_fields_are_not_validated() -> None:
    form = form_of(
        field("textfield", "dossier_id", readonly=True, validate={"required": True}),
        field("number", "score", disabled=True, validate={"min": 1}),
    )
    assert "required" not in json_schema(form)
    assert validate(form, {"score": 0}) == {}


# --- check, caching, malformed forms ----------------------------------------------------------


def test_forms_check_raises_invalid_input_error_on_the_first_field() -> None:
    form = form_of(
        field("textfield", "name", validate={"required": True}),
        field("number", "amount", validate={"required": True, "min": 1}),
    )
    check(form, {"name": "Anact", "amount": 1})
    with pytest.raises(InvalidInputError) as caught:
        check(form, {"amount": 0})
    assert caught.value.field == "name"
    assert caught.value.errors == {"name": ["obligatoire"], "amount": ["doit être au moins 1"]}
    assert "name : obligatoire" in str(caught.value)


def test_forms_derived_schema_is_cached_and_returned_as_a_copy() -> None:
    form = form_of(field("textfield", "name", validate={"required": True}))
    first = json_schema(form)
    first["required"].clear()  # a caller's change must not leak into validation
    assert json_schema(dict(form)) == json_schema(form)
    assert json_schema(form)["required"] == ["name"]
    assert validate(form, {}) == {"name": ["obligatoire"]}


@pytest.mark.parametrize(
    ("components", "fragment"),
    [
        ([field("textfield", "a"), field("number", "a")], "clé en double"),
        ([field("slider", "a")], "type de composant inconnu"),
        ([{"type": "textfield", "id": "nokey"}], "sans clé"),
        ([field("textfield", "a", validate={"pattern": "(["})], "formulaire invalide"),
        ([field("textfield", "a"), field("textfield", "a.b")], "à la fois un champ et un groupe"),
    ],
)
def test_forms_malformed_form_raises_deployment_error(
    components: list[dict[str, Any]], fragment: str
) -> None:
    with pytest.raises(DeploymentError, match=fragment):
        json_schema(form_of(*components))


# --- the FACT forms in bpmn/forms -------------------------------------------------------------

FACT_EXAMPLES: dict[str, dict[str, Any]] = {
    # Shaped as the form-js viewer submits them: untouched optional fields are "" or null.
    "deposit-entreprise": deposit_form(1) | {"partners": "", "cse_informed_how": ""},
    "deposit-action_collective": deposit_form(2, holder_type="territorial_relay", headcount=8)
    | {"cse_informed_on": None},
    "deposit-branche": deposit_form(3, holder_type="national_relay", axes=(2, 3)),
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
        "decisions": {"2020-01-0001": {"decision": "partial", "amount": 30_000}},
    },
    "decision_notice": {"notified": True, "notice_comment": ""},
    "convention_signature": {
        "holder_signed": True,
        "signatory_name": "Camille Martin",
        "signatory_role": "Gérante",
    },
    "convention_countersignature": {"staff_signed": True, "countersignatory_name": "Mission Fact"},
}
REQUIRED_KEYS = {
    "deposit-entreprise": [
        "holder_name", "siret", "holder_type", "headcount", "axes", "title", "summary",
        "objectives", "methodology", "budget_total", "amount_requested",
    ],
    "eligibility": ["eligible", "eligibility_reason"],
    "assignment": ["reviewers"],
    "review": [f"review.scores.{c['id']}" for c in CRITERIA],
    "commission": [],
    "decision_notice": ["notified"],
    "convention_signature": ["holder_signed", "signatory_name", "signatory_role"],
    "convention_countersignature": ["staff_signed", "countersignatory_name"],
}  # fmt: skip
REQUIRED_KEYS["deposit-action_collective"] = REQUIRED_KEYS["deposit-entreprise"]
REQUIRED_KEYS["deposit-branche"] = REQUIRED_KEYS["deposit-entreprise"]


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
    check(form, deposit_form(1))
    check(form, deposit_form(7, holder_type="association", headcount=450, axes=(1, 2, 3)))


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
    assert validate(entreprise, deposit_form(1, holder_type="ministry")) == {
        "holder_type": [
            'valeur non autorisée : "ministry", attendu l\'une de : "company", "association", '
            '"territorial_relay", "national_relay"'
        ]
    }


def test_forms_deposit_rules_match_the_call() -> None:
    form = load("deposit-entreprise")
    properties = json_schema(form)["properties"]
    assert properties["axes"]["items"]["enum"] == [axis["id"] for axis in AXES]
    assert "300" in properties["headcount"]["title"]
    # The form takes any headcount: the eligibility pre-check refuses with a reason.
    assert validate(form, deposit_form(1, headcount=450)) == {}
    assert validate(form, deposit_form(1, headcount=-1)) == {"headcount": ["doit être au moins 0"]}
    assert validate(form, deposit_form(1, siret="123 456 789")) == {
        "siret": ["ne respecte pas le format attendu (^[0-9]{14}$)"]
    }
    assert validate(form, deposit_form(1, amount=0))["amount_requested"] == ["doit être au moins 1"]
    assert validate(form, deposit_form(1) | {"title": "x" * 201}) == {
        "title": ["doit comporter au plus 200 caractères (actuellement 201)"]
    }
    assert validate(form, deposit_form(1, axes=())) == {"axes": ["obligatoire"]}


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
