"""The FACT call configuration schema: seed defaults, Paris time, dates in order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from workflows.fact.config import load_config, past_dates, process_variables


def test_config_defaults_are_the_seed() -> None:
    config = load_config()
    assert config["reference"] == "2020-01"
    assert config["deposit_deadline"] == datetime(2020, 4, 14, 21, 59, 59, tzinfo=UTC)
    assert config["publication_at"].date().isoformat() == "2020-02-19"
    assert config["commission_at"] == datetime(2020, 5, 5, 7, 30, tzinfo=UTC)
    assert config["envelope"] == 800_000 and config["response_delay"] == "P1M"
    assert [t["id"] for t in config["tracks"]] == ["entreprise", "action_collective", "branche"]
    assert len(config["axes"]) == 3 and len(config["criteria"]) == 6
    assert config["contact"]["email"] == "infofact@anact.fr"


def test_config_reads_naive_times_as_paris_time() -> None:
    config = load_config(
        {"deposit_deadline": "2020-01-14T23:59:59", "publication_at": "2020-01-02T09:00:00"}
    )
    assert config["deposit_deadline"] == datetime(2020, 1, 14, 22, 59, 59, tzinfo=UTC)  # winter


def test_config_refuses_the_seed_commission_typo_with_a_clear_message() -> None:
    with pytest.raises(ValidationError) as caught:
        load_config({"commission_at": "2019-05-05T09:30:00"})
    message = " ".join(caught.value.messages["commission_at"][0].split())  # no-break spaces
    assert "après la date limite" in message
    assert "14 avril 2020 à 23 h 59 min 59 s, heure de Paris" in message


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"deposit_deadline": "2020-02-01T00:00:00"}, "deposit_deadline"),
        ({"envelope": 0}, "envelope"),
        ({"envelope": "beaucoup"}, "envelope"),
        ({"response_delay": "un mois"}, "response_delay"),
        ({"reference": "../etc"}, "reference"),
        ({"contact": {"email": "x"}}, "contact"),
    ],
)
def test_config_names_the_field_at_fault(raw: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_config(raw)
    assert field in caught.value.messages


def test_config_process_variables_are_plain_json() -> None:
    import json

    variables = process_variables(load_config())
    assert json.loads(json.dumps(variables)) == variables
    assert variables["deposit_deadline"] == "2020-04-14T21:59:59+00:00"


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"deposit_deadline": "2020-04-14"}, "deposit_deadline", "une heure est attendue"),
        ({"commission_at": "9999-05-05T09:30:00"}, "commission_at", "date hors des années"),
        ({"publication_at": "demain"}, "publication_at", "date et heure attendues"),
        ({"envelope": "beaucoup"}, "envelope", "nombre entier attendu"),
        ({"envelope": 10**15}, "envelope", "milliard"),
        ({"title": None}, "title", "valeur obligatoire"),
        ({"reminder_time": "9h"}, "reminder_time", "HH:MM"),
        ({"reminder_time": "09:00\n"}, "reminder_time", "HH:MM"),
        ({"reminder_days": [7, 7]}, "reminder_days", "deux fois"),
        ({"reminder_days": [0]}, "reminder_days", "de 1 à 90 jours"),
        ({"response_delay": "P1M\n"}, "response_delay", "durée ISO 8601"),
        ({"contact": {"email": "x"}}, "contact", "adresse électronique invalide"),
    ],
)
def test_config_messages_are_french_and_name_the_field(raw: dict, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_config(raw)
    assert field in caught.value.messages
    assert message in str(caught.value.messages[field])


def test_config_reminders_default_to_seven_and_two_days_at_nine() -> None:
    config = load_config()
    assert config["reminder_days"] == [7, 2] and config["reminder_time"] == "09:00"
    variables = process_variables(
        load_config({"reminder_days": [10, 3, 1], "reminder_time": "18:30"})
    )
    assert variables["reminder_days"] == [10, 3, 1] and variables["reminder_time"] == "18:30"


def test_a_call_all_in_the_past_needs_a_confirmation() -> None:
    config = load_config()
    now = datetime(2020, 6, 1, tzinfo=UTC)
    refusal = past_dates(config, now)
    assert refusal is not None and "déjà passée" in refusal
    refusal = " ".join(refusal.split())  # dates and times come with no-break spaces
    assert "14 avril 2020 à 23 h 59 min 59 s" in refusal
    assert past_dates(load_config({"confirm_past_dates": True}), now) is None
    assert past_dates(config, datetime(2020, 4, 14, 21, 59, 58, tzinfo=UTC)) is None
