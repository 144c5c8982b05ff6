"""What each gunicorn worker does once the app is loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from web import gunicorn_conf


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_gunicorn_conf_worker_freezes_what_is_loaded_and_collects_young_objects_less_often(
    collector: None,
) -> None:
    loaded = [object() for _ in range(100)]  # stands for what the app built while loading
    gc.unfreeze()
    gunicorn_conf.post_worker_init(worker=None)
    assert gc.get_freeze_count() >= len(loaded)
    assert gc.get_threshold()[0] > 700  # CPython's default runs the collector every 700 objects
