"""`concerto simulate`: a whole call in virtual time, reproducible, with figures that add up."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from web.cli import main


def _run(*args: str) -> dict:
    result = CliRunner().invoke(main, ["simulate", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def extended() -> dict:
    """One whole call of 40 applications whose deadline is extended on the way: the longest
    simulation, read by several tests."""
    return _run(
        "--applications", "40", "--seed", "3",
        "--extend-to", "2020-06-05T23:59:59", "--extend-on", "2020-04-13T10:00",
    )  # fmt: skip


def test_simulate_runs_every_dossier_to_a_final_state_and_adds_up(extended: dict) -> None:
    report = extended
    assert report["unfinished"] == []
    assert sum(report["outcomes"].values()) == 40
    assert set(report["outcomes"]) <= {
        "accepted", "partial", "refused", "ineligible", "expired", "withdrawn"
    }  # fmt: skip
    assert report["granted"] == sum(report["granted_by_outcome"].values())
    assert 0 < report["granted"] <= report["envelope"] == 800_000
    mails = report["mails"]
    assert mails["draft_created"] == 40
    # Simulated applicants withdraw only after depositing: every dossier but expired ones has
    # a receipt.
    assert mails["receipt"] == 40 - report["outcomes"].get("expired", 0)
    assert mails["decision"] == sum(
        report["outcomes"].get(k, 0) for k in ("accepted", "partial", "refused")
    )
    assert mails["convention_countersigned"] == report["outcomes"].get("accepted", 0) + report[
        "outcomes"
    ].get("partial", 0)
    assert report["mails_delivered"] == mails  # every mail went over SMTP, once
    milestones = [event["milestone"] for event in report["timeline"]]
    assert milestones[:2] == ["Appel créé", "Publication de l'appel"]
    assert "Clôture des dépôts" in milestones and milestones[-1].startswith("Fin du délai")


def test_simulate_same_seed_same_result() -> None:
    first, second = (
        _run("--applications", "6", "--seed", "3"),
        _run("--applications", "6", "--seed", "3"),
    )
    for report in (first, second):
        report.pop("wall_seconds")
    assert first == second
    third = _run("--applications", "6", "--seed", "4")
    third.pop("wall_seconds")
    assert third != first


def test_simulate_an_extension_sends_reminders_for_the_new_deadline(extended: dict) -> None:
    report = extended
    assert report["unfinished"] == []
    sent = [(r["date"], r["reminder"], r["deadline"]) for r in report["reminders"]]
    old, new = "2020-04-14T23:59:59+02:00", "2020-06-05T23:59:59+02:00"
    assert [s for s in sent if s[2] == old] == [
        ("2020-04-07", "J-7", old),
        ("2020-04-12", "J-2", old),
    ]
    assert [s for s in sent if s[2] == new] == [
        ("2020-05-29", "J-7", new),
        ("2020-06-03", "J-2", new),
    ]
    assert all(r["mails"] > 0 for r in report["reminders"])
    assert report["mails"]["deadline_extended"] > 0
    milestones = [" ".join(event["milestone"].split()) for event in report["timeline"]]
    assert "Date limite prolongée" in milestones
    assert "Rappel J-7 aux brouillons (date limite du 5 juin 2020)" in milestones


def test_simulate_refuses_an_extension_that_does_not_extend() -> None:
    result = CliRunner().invoke(main, ["simulate", "--extend-to", "2020-04-01T23:59:59"])
    assert result.exit_code == 2 and "doit repousser la date limite" in result.output
