"""`concerto simulate`: a whole call in virtual time, reproducible, with figures that add up."""

from __future__ import annotations

import json

from click.testing import CliRunner

from web.cli import main


def _run(*args: str) -> dict:
    result = CliRunner().invoke(main, ["simulate", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_simulate_runs_every_dossier_to_a_final_state_and_adds_up() -> None:
    report = _run("--applications", "40", "--seed", "7")
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
        _run("--applications", "12", "--seed", "3"),
        _run("--applications", "12", "--seed", "3"),
    )
    for report in (first, second):
        report.pop("wall_seconds")
    assert first == second
    third = _run("--applications", "12", "--seed", "4")
    third.pop("wall_seconds")
    assert third != first
