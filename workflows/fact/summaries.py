"""What every step keeps of a dossier for the staff's lists and the call's dashboard: its state,
the answers staff search and sort by, amounts, reviewers and mean score.

The engine stores these fields beside the dossier in the same transaction (engine summaries), so
that listing, filtering and counting 10,000 dossiers reads them alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

from engine import Summary
from engine.dates import parse_datetime
from engine.models import Instance

from ..french import PARIS
from .access import active_reviewers
from .calls import DOSSIER_PROCESS
from .regions import region_of
from .status import status_of
from .synthesis import synthesis_of

SEARCHED = ("holder_name", "siret", "title")  # with the dossier's number


def answer(variables: Mapping[str, Any], key: str) -> Any:
    """A form answer: deposited, or as the draft holds it."""
    if variables.get(key) is not None:
        return variables[key]
    return (variables.get("draft") or {}).get(key)


def summarize_dossier(dossier: Instance, open_forms: tuple[str, ...]) -> Summary:
    v = dossier.variables
    status = status_of(dossier, open_forms)
    reviewers = [str(name) for name in v.get("reviewers") or []]
    deposited = parse_datetime(v["deposited_at"]) if v.get("deposited_at") else None
    fields = {
        "stage": status.stage,
        "kind": status.kind,
        **{key: _text(answer(v, key)) for key in SEARCHED},
        "track": _text(v.get("track")),
        "region": region_of(answer(v, "postal_code")),
        "axes": [a for a in answer(v, "axes") or [] if isinstance(a, int)],
        "deposited_at": deposited.astimezone(UTC).isoformat() if deposited else None,
        "deposit_day": deposited.astimezone(PARIS).date().isoformat() if deposited else None,
        "amount_requested": _number(answer(v, "amount_requested")),
        "amount_granted": _number(answer(v, "amount_granted")),
        "reviewers": reviewers,
        "readers": active_reviewers(v),  # who may read it (access.is_dossier_reviewer)
        "score": synthesis_of(v).mean,
    }
    words = [dossier.business_key or "", *(fields[key] or "" for key in SEARCHED)]
    return Summary(fields, "\n".join(words))


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


SUMMARIES = {DOSSIER_PROCESS: summarize_dossier}
