"""The minimal web app: health, with the FACT diagrams deployed by `concerto init-db`."""

from __future__ import annotations

from click.testing import CliRunner

from web import create_app
from web.cli import main


def test_app_health_lists_deployed_processes(sqlite_url: str) -> None:
    result = CliRunner().invoke(main, ["init-db", "--database-url", sqlite_url])
    assert result.exit_code == 0, result.output
    assert "fact_call: version 1" in result.output
    again = CliRunner().invoke(main, ["init-db", "--database-url", sqlite_url])
    assert "fact_call: version 1" in again.output  # unchanged files: no new version
    app = create_app({"DATABASE_URL": sqlite_url, "TESTING": True})
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "processes": ["fact_call", "fact_dossier"],
        "next_timer": None,
    }
