"""Conformance diagrams run through the engine's public API, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from engine import Engine
from engine.models import Instance

Run = Callable[..., Instance]


@pytest.fixture
def run(engine: Engine) -> Run:
    """Deploy a document as process `process_id` (default "p") and start one instance."""

    def start(document: str, process_id: str = "p", **variables: Any) -> Instance:
        engine.repository.deploy(process_id, {f"{process_id}.bpmn": document}, author="t")
        return engine.runtime.start(process_id, variables=variables)

    return start
