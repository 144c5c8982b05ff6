"""Who receives a FACT mail: an address, or a group named by the diagram."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine import Engine

from .calls import DOSSIER_PROCESS


def recipients_for(engine: Engine) -> Callable[[Mapping[str, Any]], list[str]]:
    """Resolve the `to` of an email outbox row.

    `applicants` is every holder with a dossier on the call; `public` (the publication notice)
    goes to the fund's own contact address, where it is relayed to its mailing lists.
    """

    def resolve(payload: Mapping[str, Any]) -> list[str]:
        to, data = payload["to"], payload.get("data", {})
        if to == "applicants":
            dossiers = (
                engine.runtime.query()
                .process(DOSSIER_PROCESS)
                .business_key_prefix(f"{data['call_id']}-")
                .list()
            )
            return sorted({d.variables["holder_email"] for d in dossiers})
        if to == "public":
            return [data["contact"]["email"]]
        return [to]

    return resolve
