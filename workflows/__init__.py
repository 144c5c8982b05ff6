"""What is specific to a kind of call, and the composition root that wires the engine."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine import Clock, Engine, EngineConfig, RetryPolicy, SystemClock
from handlers import DISPATCHERS, SERVICES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'concerto.db'}"


def build_engine(settings: Mapping[str, Any], *, clock: Clock | None = None) -> Engine:
    """The single place where handlers are registered into the engine."""
    url = settings.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return Engine(
        EngineConfig(
            database_url=url,
            clock=clock or SystemClock(),
            services=SERVICES,
            dispatchers=DISPATCHERS,
            retries=RetryPolicy(
                attempts=int(settings.get("RETRY_ATTEMPTS") or 5),
                base_delay=float(settings.get("RETRY_BASE_DELAY") or 10.0),
                max_delay=float(settings.get("RETRY_MAX_DELAY") or 3600.0),
            ),
            script_time_limit=float(settings.get("SCRIPT_TIME_LIMIT") or 1.0),
        )
    )
