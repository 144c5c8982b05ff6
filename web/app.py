"""App factory: settings, the engine from the composition root, blueprints."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, jsonify

import workflows
from engine import Engine


class DefaultSettings:
    DATABASE_URL = os.environ.get("DATABASE_URL", workflows.DEFAULT_DATABASE_URL)
    SCRIPT_TIME_LIMIT = float(os.environ.get("SCRIPT_TIME_LIMIT", "1.0"))


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(DefaultSettings)
    if test_config is None:
        app.config.from_pyfile("concerto.cfg", silent=True)
    else:
        app.config.update(test_config)
    app.extensions["concerto"] = workflows.build_engine(app.config)

    @app.get("/health")
    def health() -> Any:
        engine = current_engine()
        return jsonify(
            status="ok",
            processes=sorted({v.process_id for v in engine.repository.list()}),
            next_timer=_iso(engine.timers.next_due()),
        )

    return app


def current_engine() -> Engine:
    return current_app.extensions["concerto"]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
