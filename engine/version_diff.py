"""What changed between two versions of a process, element by element (SpiffWorkflow aligns
them by element id), and which of their other files (forms, decision tables) changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff

from .bpmn import SERIALIZER

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# Attributes that say how SpiffWorkflow wires a spec, not what a modeler set.
_WIRING = {"inputs", "outputs", "typename"}


@dataclass(frozen=True)
class ElementChange:
    element_id: str
    name: str | None
    change: str  # added, removed or changed
    properties: tuple[str, ...] = ()  # what changed (SpiffWorkflow's attribute names)


@dataclass(frozen=True)
class VersionDiff:
    from_version: int
    to_version: int
    elements: list[ElementChange]
    files: dict[str, list[str]] = field(default_factory=dict)  # added, removed, changed names


def diff_specs(
    old: tuple[Any, Mapping[str, Any]], new: tuple[Any, Mapping[str, Any]]
) -> list[ElementChange]:
    """The elements added, removed and changed from `old` to `new` (spec, sub-process specs)."""
    pairs = [(old[0], new[0])] + [
        (spec, new[1].get(name)) for name, spec in old[1].items()
    ]  # fmt: skip
    changes: dict[str, ElementChange] = {}
    for before, after in pairs:
        if after is None:
            for spec in before.task_specs.values():
                _note(changes, spec, REMOVED)
            continue
        diff = SpecDiff(SERIALIZER.registry, before, after)
        for spec in diff.added:
            _note(changes, spec, ADDED)
        for spec in diff.removed:
            _note(changes, spec, REMOVED)
        for spec, properties in diff.changed.items():
            kept = tuple(sorted(set(properties) - _WIRING))
            if kept:  # named as in the new version
                _note(changes, diff.alignment.get(spec) or spec, CHANGED, kept)
    for name, spec in new[1].items():
        if name not in old[1]:
            for task_spec in spec.task_specs.values():
                _note(changes, task_spec, ADDED)
    return sorted(changes.values(), key=lambda c: (c.change, c.element_id))


def _note(
    changes: dict[str, ElementChange], spec: Any, change: str, properties: tuple[str, ...] = ()
) -> None:
    element = getattr(spec, "bpmn_id", None)
    if element:  # SpiffWorkflow's own joins and splits are not the modeler's
        changes[element] = ElementChange(element, spec.bpmn_name, change, properties)


def diff_files(old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, list[str]]:
    return {
        ADDED: sorted(set(new) - set(old)),
        REMOVED: sorted(set(old) - set(new)),
        CHANGED: sorted(name for name in set(old) & set(new) if old[name] != new[name]),
    }
