"""Private notes of the Mission Fact on a dossier: who wrote what, when. They are for staff
alone: neither the holder, nor reviewers, observers or the commission read them (access.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import Engine, InvalidInputError
from engine.dates import parse_datetime
from engine.models import Instance

KEY = "annotations"
MAX_LENGTH = 5000


@dataclass(frozen=True)
class Annotation:
    at: datetime
    author: str
    text: str


def annotate(engine: Engine, dossier: Instance, text: str, *, actor: str) -> Instance:
    """Add a note; concurrent notes are all kept (each adds to the list as it stands)."""
    text = text.strip()
    if not text:
        raise InvalidInputError("écrivez la note avant de l'enregistrer", field="note")
    if len(text) > MAX_LENGTH:
        raise InvalidInputError(f"une note tient en {MAX_LENGTH} caractères au plus", field="note")
    note = {"at": engine.clock.now().isoformat(), "author": actor, "text": text}

    def add(variables: Mapping[str, Any]) -> dict[str, Any]:
        return {KEY: [*(variables.get(KEY) or []), note]}

    return engine.runtime.update_variables(dossier.id, add, actor=actor)


def annotations_of(dossier: Instance) -> list[Annotation]:
    """The notes, newest first."""
    notes = [n for n in dossier.variables.get(KEY) or [] if isinstance(n, Mapping)]
    found = [Annotation(parse_datetime(n["at"]), str(n.get("author")), str(n.get("text")))
             for n in notes if n.get("at")]  # fmt: skip
    return sorted(found, key=lambda n: n.at, reverse=True)
