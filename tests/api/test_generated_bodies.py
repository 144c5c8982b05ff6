"""Generated bodies for the two requests applicants send most, the draft and the deposit, on
SQLite and PostgreSQL: never a server error, and a refused body leaves the database as it was."""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from workflows.fact.bots import deposit_form
from workflows.fact.dossiers import VIEW_KEYS

from .conftest import Api

FORM_KEYS = sorted(deposit_form(1))

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            " ",
            "\n",
            "2020-03-02",
            "2020-03-02\n",
            "9999-12-31",
            "0001-01-01",
            "12345678200010",
            "12345678200010\n",
            "1e308",
            "x" * 20_000,
        ]
    )
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
form_keys = st.sampled_from(FORM_KEYS) | st.text(max_size=12)

SETTINGS = hypothesis.settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)


def send(api: Api, method: str, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    # allow_nan: what a careless client sends (NaN, Infinity) must reach the server as such
    return api.call(method, path, "ana", data=json.dumps(body, allow_nan=True),
                    content_type="application/json")  # fmt: skip


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


@pytest.fixture(scope="module")
def draft(stored_api: Api) -> str:
    return stored_api.draft()


def test_generated_drafts_are_saved_as_sent_or_refused_without_a_trace(
    stored_api: Api, draft: str
) -> None:
    path = f"/api/dossiers/{draft}/draft"
    outcomes: Counter[int] = Counter()

    @SETTINGS
    @hypothesis.given(data=st.dictionaries(form_keys, values, max_size=6))
    def check(data: dict[str, Any]) -> None:
        before = stored_api.stored()
        response = send(stored_api, "PUT", path, {"data": data})
        outcomes[response.status_code] += 1
        assert response.status_code < 500, response.json
        if response.status_code == 200:
            saved = stored_api.get(f"/api/dossiers/{draft}", "ana").json
            assert saved["variables"]["draft"] == {
                key: value for key, value in data.items() if key not in VIEW_KEYS
            }
        else:
            assert response.mimetype == "application/problem+json"
            assert response.json["errors"], response.json  # the field (or the body) at fault
            assert stored_api.stored() == before
            hypothesis.note(f"refused: {response.json}")
        if not _finite(data):
            assert response.status_code == 422

    check()
    assert outcomes[200] and outcomes[422], outcomes  # both ways were taken


def test_generated_deposits_are_taken_or_refused_by_field_without_a_trace(stored_api: Api) -> None:
    drafts: list[str] = []
    outcomes: Counter[int] = Counter()

    @SETTINGS
    @hypothesis.given(
        changes=st.dictionaries(st.sampled_from(FORM_KEYS), values, max_size=3),
        dropped=st.sets(st.sampled_from(FORM_KEYS), max_size=2),
    )
    def check(changes: dict[str, Any], dropped: set[str]) -> None:
        if not drafts:  # the previous example deposited its draft
            drafts.append(stored_api.draft())
        data = {**deposit_form(1), **changes}
        for key in dropped:
            data.pop(key, None)
        before = stored_api.stored()
        response = send(stored_api, "POST", f"/api/dossiers/{drafts[0]}/deposit", {"data": data})
        outcomes[response.status_code] += 1
        assert response.status_code < 500, response.json
        if response.status_code == 200:
            drafts.pop()
            assert response.json["variables"]["deposited_at"]
        else:
            assert response.status_code in (400, 422), response.json
            assert response.json["errors"], response.json
            assert stored_api.stored() == before

    check()
    assert outcomes[200] and outcomes[422], outcomes
