"""The FACT call configuration schema: seed defaults, Paris time, dates in order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from workflows.fact.config import load_config, process_variables


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
    message = caught.value.messages["commission_at"][0]
    assert "après la date limite" in message and "14/04/2020 23:59" in message


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
