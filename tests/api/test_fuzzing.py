"""Generated requests from the API document, for an admin, an applicant and an anonymous caller:
never a server error, every answer as documented, schema-valid data accepted, schema-invalid
data refused; then sequences of calls that follow the document's links with real ids."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from .conftest import Api

# CI's run is derandomized; FUZZ_EXAMPLES=500 (say) explores further, with a new seed each time.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "25"))
STATEFUL_SCENARIOS = max(80, EXAMPLES_PER_OPERATION)
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ

# Every check runs. Schema-valid is not always acceptable where a body carries content that is
# checked against something the document cannot state: a diagram (BPMN, DMN, forms), a call's
# configuration, a form's data checked against the form of the task it completes, the names of
# variables. There, and only there, a documented 422 is an acceptable answer to schema-valid data.
CONTENT_CHECKED = (
    r"/api/processes/.*",
    r"/api/calls",
    r"/api/calls/[^/]+",
    r"/api/calls/[^/]+/(deadline|commission|session/.*)",
    r"/api/dossiers/[^/]+/(deposit|consensus|reviewers.*)",
    r"/api/tasks/[^/]+/completion",
    r"/api/instances",
    r"/api/signals",
)
CONFIG = {
    "checks": {"enabled": True},
    "operations": [
        {
            "include-path-regex": "^(" + "|".join(CONTENT_CHECKED) + ")$",
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                }
            },
        }
    ],
}

SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=DERANDOMIZE,
)


def _schema_as(api: Api, identity: str | None):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", api.client.application, config=SchemathesisConfig.from_dict(CONFIG)
    )
    if identity is None:
        return schema  # requests keep no token, or the made-up one generated

    # Not cached: `DELETE /api/auth/tokens/{id}` with generated ids revokes the caller's own
    # token now and then, so each request gets a new one.
    @schema.auth(refresh_interval=None)
    class Token:
        def get(self, case, context) -> str:  # type: ignore[no-untyped-def]
            return api.engine.identity.issue_token(identity)

        def set(self, case, token: str, context) -> None:  # type: ignore[no-untyped-def]
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            if case.cookies:  # the other declared scheme, the session cookie, is made up
                case.cookies.pop("session", None)

    return schema


@pytest.fixture(scope="module")
def admin_schema(api: Api):  # type: ignore[no-untyped-def]
    return _schema_as(api, "admin")


@pytest.fixture(scope="module")
def applicant_schema(api: Api):  # type: ignore[no-untyped-def]
    return _schema_as(api, "ana")


@pytest.fixture(scope="module")
def anonymous_schema(api: Api):  # type: ignore[no-untyped-def]
    return _schema_as(api, None)


as_admin = schemathesis.pytest.from_fixture("admin_schema")
as_applicant = schemathesis.pytest.from_fixture("applicant_schema")
anonymously = schemathesis.pytest.from_fixture("anonymous_schema")


@as_admin.parametrize()
@SETTINGS
def test_generated_requests_as_an_admin(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate()


@as_applicant.parametrize()
@SETTINGS
def test_generated_requests_as_an_applicant(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate()


@anonymously.parametrize()
@SETTINGS
def test_generated_requests_anonymously(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate()


def _restorer(api: Api) -> Callable[[], None]:
    """Puts the test database back as it is now, each time it is called."""
    path = api.engine.config.database_url.removeprefix("sqlite:///")
    snapshot = sqlite3.connect(":memory:")
    with closing(sqlite3.connect(path)) as live:
        live.backup(snapshot)

    def restore() -> None:
        with closing(sqlite3.connect(path)) as live:
            snapshot.backup(live)

    return restore


@pytest.mark.parametrize("who", ["admin_schema", "applicant_schema"])
def test_sequences_that_follow_the_links_get_documented_answers(
    request: pytest.FixtureRequest, who: str
) -> None:
    # A what-if simulates a whole call twice (seconds each): its own tests and the generated
    # requests above cover it; sequences would spend most of their time there.
    schema = request.getfixturevalue(who).exclude(path_regex=r".*/what-if$")
    answers: Counter[tuple[str, int]] = Counter()
    restore = _restorer(request.getfixturevalue("api"))

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def __init__(self) -> None:
            # Every sequence starts from the same stored data: one that Hypothesis runs again
            # (to confirm or shrink a failure) meets the answers it met the first time.
            restore()
            super().__init__()

        def after_call(self, response, case) -> None:  # type: ignore[no-untyped-def]
            super().after_call(response, case)
            answers[(case.operation.label, response.status_code)] += 1

    Sequences.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            derandomize=DERANDOMIZE,
        )
    )
    assert sum(answers.values()) > STATEFUL_SCENARIOS * 2  # sequences, not single calls
    if who == "admin_schema":  # ids taken from earlier answers reach what they name
        assert any("{" in label and 200 <= status < 300 for label, status in answers), answers
