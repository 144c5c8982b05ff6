"""engine.forms: JSON Schema derived from form-js schemas, French error messages."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import DeploymentError, InvalidInputError
from engine.forms import check, json_schema, validate


def form_of(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": "default", "id": "test", "schemaVersion": 16, "components": list(components)}


def field(kind: str, key: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "id": f"field_{key.replace('.', '_')}", "key": key, **extra}


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
