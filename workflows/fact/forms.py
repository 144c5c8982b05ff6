"""Task forms: which form-js form a task shows, and server-side validation of what it sends."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from engine import Engine
from engine.forms import check
from engine.models import UserTask


def form_file(task: UserTask, variables: dict[str, Any]) -> str | None:
    """The form file of a task: the deposit form differs per track."""
    if task.form_key is None:
        return None
    if task.form_key == "deposit":
        return f"deposit-{variables.get('track', 'entreprise')}.form"
    return f"{task.form_key}.form"


def task_form(engine: Engine, task: UserTask, variables: dict[str, Any]) -> dict[str, Any] | None:
    """The form-js schema of the task, as deployed with its process version."""
    name = form_file(task, variables)
    if name is None:
        return None
    version_id = engine.runtime.get(task.instance_id).version_id
    text = _version_files(engine, version_id).get(name)
    return json.loads(text) if text else None


def complete_task(engine: Engine, task: UserTask, data: dict[str, Any], *, actor: str) -> UserTask:
    """Validate the data against the task's form (422 with the fields at fault), then complete."""
    if task.form_key is not None:  # a task without a form takes any data
        form = task_form(engine, task, engine.runtime.get(task.instance_id).variables)
        if form is not None:
            check(form, data)
    return engine.tasks.complete(task.id, data, actor=actor)


@lru_cache(maxsize=64)
def _version_files(engine: Engine, version_id: int) -> dict[str, str]:
    # Versions are immutable: their files are read once per process and engine.
    return engine.repository.files(version_id)
