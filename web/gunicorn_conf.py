"""gunicorn settings for serving Concerto:

    gunicorn -c python:web.gunicorn_conf --workers 2 "web:create_app()"

Workers and threads stay on the command line (or WEB_CONCURRENCY); this file only tunes what
every worker does once the app is loaded.
"""

from __future__ import annotations

import gc
from typing import Any

# Young-generation collections between two full passes, and objects allocated before one runs:
# a request allocates thousands of short-lived objects, and the default 700 ran the collector
# several times per request.
_THRESHOLDS = (50_000, 20, 100)


def post_worker_init(worker: Any) -> None:
    # What the app built while loading (modules, parsed specs, schemas, SQL statements) lives as
    # long as the worker: frozen, the collector's full passes no longer walk it. Those passes
    # were the long tail of request latency.
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
