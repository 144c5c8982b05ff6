"""What is wrong with a deployment, element by element, in words a modeler reads.

Every check (constructs, references, scripts, SpiffWorkflow's own parser) reports problems
against the id of the element at fault; the deployment is refused with all of them at once,
keyed by element id (where an editor highlights them), each with the element's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

from .errors import DeploymentError

FILES = "files"  # the key of problems that no element carries


@dataclass(frozen=True)
class Problem:
    element_id: str
    text: str


def refuse(problems: Iterable[Problem], roots: Mapping[str, etree._Element]) -> None:
    """Raise DeploymentError with every problem, if any, described with its element's name."""
    problems = list(problems)
    if not problems:
        return
    names = {
        element.get("id"): element.get("name")
        for root in roots.values()
        for element in root.iter()
        if isinstance(element.tag, str) and element.get("id")
    }
    errors: dict[str, list[str]] = {}
    for problem in problems:
        key = problem.element_id or FILES
        errors.setdefault(key, []).append(_described(problem, names.get(key)))
    first = _described(problems[0], names.get(problems[0].element_id))
    more = f" (et {len(problems) - 1} autre(s) problème(s))" if len(problems) > 1 else ""
    raise DeploymentError(f"{first}{more}", field=problems[0].element_id or FILES, errors=errors)


def _described(problem: Problem, name: str | None) -> str:
    if not problem.element_id:
        return problem.text
    named = f" « {name} »" if name and name.strip() else ""
    return f"élément {problem.element_id}{named} : {problem.text}"


# Python's text for objects (`<Element {ns}task at 0x7f…>`, b'<bpmn:…/>') in a library's message.
_OBJECT = re.compile(r"<[^<>]*\bat 0x[0-9a-fA-F]+>|b'<[^']*'|b\"<[^\"]*\"")
_ID = re.compile(r'\bid="([^"]+)"')


def from_library(exc: BaseException) -> Problem:
    """A problem from SpiffWorkflow's parser: its element when it names one, its message
    without any Python object text, and whole."""
    element_id = str(getattr(exc, "id", "") or "")
    spec = getattr(exc, "task_spec", None)
    if not element_id and spec is not None:
        element_id = str(getattr(spec, "bpmn_id", "") or "")
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    if not element_id:
        found = _ID.search(" ".join(str(arg) for arg in exc.args))
        element_id = found.group(1) if found else ""
    text = _OBJECT.sub("", text).replace("%r", "").strip(" .,:;(") or type(exc).__name__
    if text.startswith("Element '"):  # the XSD validator's words, namespaces shortened
        for namespace, prefix in _PREFIXES.items():
            text = text.replace(f"{{{namespace}}}", prefix)
        text = "non conforme au schéma BPMN : " + text.split(" Expected is")[0].rstrip(" .")
    else:
        text = _IN_FRENCH.get(text, f"{text} (refusé par l'analyseur BPMN)")
    line = getattr(exc, "line_number", "")
    where = f" ({getattr(exc, 'file_name', '') or 'fichier'}, ligne {line})" if line else ""
    return Problem(element_id, f"{text}{where}")


_PREFIXES = {
    "http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn:",
    "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow:",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "dmn:",
}
_IN_FRENCH = {
    "No start event found": "le processus n'a pas d'événement de début",
    "Non-default exclusive outgoing sequence flow without condition": (
        "un flux sortant d'une passerelle exclusive n'a pas de condition et n'est pas le flux "
        "par défaut"
    ),
}
