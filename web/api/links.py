"""OpenAPI links: from an answer that names something to the operations on it, so that a client
(or a stateful fuzzer) goes on with real ids rather than invented ones."""

from __future__ import annotations

import re
from typing import Any

from apispec import BasePlugin

# The operations on what a path parameter names.
OPERATIONS_ON: dict[str, tuple[str, ...]] = {
    "reference": (
        "get /api/calls/{reference}",
        "patch /api/calls/{reference}",
        "post /api/calls/{reference}/deadline",
        "post /api/calls/{reference}/commission",
        "get /api/calls/{reference}/session",
        "put /api/calls/{reference}/session/draft",
        "post /api/calls/{reference}/session/closing",
        "post /api/calls/{reference}/dossiers",
    ),
    "dossier_id": (
        "get /api/dossiers/{dossier_id}",
        "put /api/dossiers/{dossier_id}/draft",
        "put /api/dossiers/{dossier_id}/pieces/{key}",
        "post /api/dossiers/{dossier_id}/deposit",
        "post /api/dossiers/{dossier_id}/withdrawal",
        "get /api/dossiers/{dossier_id}/documents",
        "get /api/dossiers/{dossier_id}/reviewers",
        "post /api/dossiers/{dossier_id}/reviewers",
        "post /api/dossiers/{dossier_id}/consensus",
    ),
    "name": ("get /api/dossiers/{dossier_id}/documents/{name}",),
    "reviewer": (
        "put /api/dossiers/{dossier_id}/reviewers/{reviewer}",
        "delete /api/dossiers/{dossier_id}/reviewers/{reviewer}",
    ),
    "instance_id": (
        "get /api/instances/{instance_id}",
        "post /api/instances/{instance_id}/cancellation",
    ),
    "task_id": (
        "get /api/tasks/{task_id}",
        "post /api/tasks/{task_id}/claim",
        "post /api/tasks/{task_id}/release",
        "post /api/tasks/{task_id}/completion",
    ),
    "version_id": ("get /api/processes/versions/{version_id}/files/{name}",),
    "incident_id": (
        "post /api/incidents/{incident_id}/retry",
        "post /api/incidents/{incident_id}/resolution",
    ),
}

# The answers that name something: where in the answer each path parameter is found. A link
# takes the parameters its answer does not give from the request's own path.
NAMED_IN: dict[str, dict[str, str]] = {
    "post /api/calls 201": {"reference": "$response.body#/business_key"},
    "get /api/calls 200": {"reference": "$response.body#/0/business_key"},
    "post /api/calls/{reference}/dossiers 201": {"dossier_id": "$response.body#/business_key"},
    "get /api/dossiers 200": {"dossier_id": "$response.body#/0/business_key"},
    "get /api/dossiers/{dossier_id}/documents 200": {"name": "$response.body#/0/name"},
    "get /api/dossiers/{dossier_id}/reviewers 200": {"reviewer": "$response.body#/0/username"},
    "post /api/dossiers/{dossier_id}/reviewers 201": {"reviewer": "$response.body#/0/username"},
    "post /api/instances 201": {"instance_id": "$response.body#/id"},
    "get /api/instances 200": {"instance_id": "$response.body#/0/id"},
    "get /api/tasks 200": {"task_id": "$response.body#/0/id"},
    "post /api/processes/{process_id}/versions 201": {
        "version_id": "$response.body#/id",
        "name": "$response.body#/files/0",
    },
    "get /api/processes 200": {
        "version_id": "$response.body#/0/id",
        "name": "$response.body#/0/files/0",
    },
    "get /api/incidents 200": {"incident_id": "$response.body#/0/id"},
}

_PARAMETER = re.compile(r"{([^}]+)}")


def links_of(method: str, path: str, status: str) -> dict[str, dict[str, Any]]:
    """The links of one answer (none if it names nothing)."""
    given = NAMED_IN.get(f"{method} {path} {status}")
    if not given:
        return {}
    own = set(_PARAMETER.findall(path))
    links = {}
    for target in dict.fromkeys(t for name in given for t in OPERATIONS_ON[name]):
        target_method, target_path = target.split(" ")
        wanted = _PARAMETER.findall(target_path)
        if any(p in OPERATIONS_ON and p not in given and p not in own for p in wanted):
            continue  # it needs an id this answer does not give (a document of some dossier)
        links[_link_name(target_method, target_path)] = {
            "operationRef": _operation_ref(target_method, target_path),
            # the others (a piece's key) are the client's choice
            "parameters": {
                p: given.get(p, f"$request.path.{p}") for p in wanted if p in given or p in own
            },
        }
    return links


def _link_name(method: str, path: str) -> str:
    words = [w.strip("{}") for w in path.split("/")[2:]]
    return "_".join([method, *words])


def _operation_ref(method: str, path: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


class LinksPlugin(BasePlugin):
    """Adds the links of `NAMED_IN` to the answers they belong to."""

    def operation_helper(self, path=None, operations=None, **kwargs):  # type: ignore[no-untyped-def]
        for method, operation in (operations or {}).items():
            for status, response in operation.get("responses", {}).items():
                links = links_of(method, path or "", str(status))
                if links and isinstance(response, dict):
                    response["links"] = links
