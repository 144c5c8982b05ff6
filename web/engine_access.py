"""How views reach the engine built by the app factory."""

from __future__ import annotations

from flask import current_app

from engine import Engine


def current_engine() -> Engine:
    return current_app.extensions["concerto"]
