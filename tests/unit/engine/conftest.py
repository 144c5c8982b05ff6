"""Shared by the sandbox tests: a sandbox with a short time limit and a few host functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.sandbox import Sandbox

LIMIT = 0.2
# Generous: CI machines are slow, but an unbounded loop would never finish at all.
LIMIT_SLACK = 1.0
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(
        {
            "now": lambda: T0,
            "add_days": lambda moment, days: moment + timedelta(days=days),
            "double": lambda value: value * 2,
        },
        time_limit=LIMIT,
    )


def run(sandbox: Sandbox, script: str, **data: Any) -> dict[str, Any]:
    context = dict(data)
    sandbox.execute(script, context)
    return context
