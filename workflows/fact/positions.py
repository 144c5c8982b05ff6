"""Where dossiers stand on their diagram: the elements running dossiers wait at (an open task,
a pending timer), counted for a call's map; and for one dossier, the elements it went through
(read from its state), those it waits at, and its pending timers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from engine import Engine, NotFoundError
from engine.models import Instance, PendingTimer

from .calls import DOSSIER_PROCESS


@dataclass(frozen=True)
class DossierPosition:
    done: list[str]  # every element it went through, oldest first
    current: list[str]  # where it waits now
    timers: list[PendingTimer]


def waiting_by_element(engine: Engine, reference: str) -> dict[str, int]:
    """How many of the call's dossiers wait at each element (a task, or a timer)."""
    return engine.runtime.waiting(DOSSIER_PROCESS, business_key_prefix=f"{reference}-")


def waiting_at(engine: Engine, reference: str, element_id: str, limit: int) -> list[str]:
    """The numbers of the call's dossiers waiting at this element (the first `limit`)."""
    return engine.runtime.waiting_at(
        DOSSIER_PROCESS, element_id, business_key_prefix=f"{reference}-", limit=limit
    )


def position_of(engine: Engine, dossier: Instance) -> DossierPosition:
    """Where the dossier stands: the elements it went through, where it waits, its timers."""
    tasks = engine.tasks.query().instance(dossier.id).list()
    timers = [t for t in engine.timers.pending(dossier.id) if not t.suspended]
    current = sorted({t.element_id for t in tasks} | {t.element_id for t in timers})
    return DossierPosition(
        engine.runtime.completed_elements(dossier.id),
        current,
        sorted(timers, key=lambda t: t.due_at),
    )


def process_file(engine: Engine, version_id: int, process_id: str) -> str:
    """The BPMN file of a deployed version that holds this process."""
    files = engine.repository.files(version_id)
    name = diagram_name(files, process_id)
    if name is None:
        raise NotFoundError(f"no diagram of {process_id} in version {version_id}")
    return files[name]


def diagram_name(files: Mapping[str, str], process_id: str) -> str | None:
    """The name of the BPMN file among a version's files that declares this process."""
    declares = re.compile(rf'<(?:\w+:)?process\b[^>]*\bid="{re.escape(process_id)}"')
    return next((name for name, content in files.items()
                 if name.endswith(".bpmn") and declares.search(content)), None)  # fmt: skip


def element_names(xml: str) -> dict[str, str]:
    """Each named element of a BPMN file by id: what the tables beside a diagram say."""
    root = etree.fromstring(xml.encode(), parser=etree.XMLParser(resolve_entities=False))
    return {e.get("id"): e.get("name") for e in root.iter() if e.get("id") and e.get("name")}
