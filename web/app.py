"""App factory: settings, the engine from the composition root, blueprints."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

import workflows
from engine import EngineError
from workflows.signing import secret_key

from . import api, assets, auth, pages
from .engine_access import current_engine
from .errors import handle_engine_error
from .json_input import StrictJSONProvider


class DefaultSettings:
    DATABASE_URL = os.environ.get("DATABASE_URL", workflows.DEFAULT_DATABASE_URL)
    SCRIPT_TIME_LIMIT = float(os.environ.get("SCRIPT_TIME_LIMIT", "1.0"))
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Where people reach the service: mails lead to its pages from there.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    # Where sign-in attempts are counted: "memory://" counts per process; with several workers
    # (gunicorn), a shared store, e.g. "redis://127.0.0.1:6379/0", counts for all of them.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True  # a 429 says when to try again (Retry-After)
    # A piece is at most 10 Mo (workflows.fact.attachments); the rest is the form around it.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 11 * 1024 * 1024))


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.json = StrictJSONProvider(app)
    app.config.from_object(DefaultSettings)
    if test_config is None:
        app.config.from_pyfile("concerto.cfg", silent=True)
    else:
        app.config.update(test_config)
    app.config["SECRET_KEY"] = secret_key(app.config, Path(app.instance_path))
    app.extensions["concerto"] = workflows.build_engine(app.config, clock=app.config.get("CLOCK"))
    auth.init_app(app)
    api.init_app(app)
    assets.init_app(app)
    pages.init_app(app)
    app.register_error_handler(EngineError, handle_engine_error)

    @app.get("/health")
    def health() -> Any:
        engine = current_engine()
        return jsonify(
            status="ok",
            processes=sorted({v.process_id for v in engine.repository.list()}),
            next_timer=_iso(engine.timers.next_due()),
        )

    return app


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
