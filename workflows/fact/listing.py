"""The dossiers as staff search them: a text search (number, organisation, SIRET, title),
filters (state, track, region, axis, reviewer, score range), a sort; the same rows exported as
CSV or XLSX with the columns staff choose.

All of it reads the dossiers' summaries (summaries.py) in SQL: a page of 10,000 dossiers costs
one query for the page and one for the count. Reviewers and scores are columns and filters for
those who read evaluations only (see access.sees_evaluation): for the others they are neither
shown nor searchable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from openpyxl import Workbook

from engine import Engine, SummaryRow
from engine.dates import parse_datetime
from engine.summaries import SummaryQuery

from ..french import PARIS
from .calls import DOSSIER_PROCESS


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[SummaryRow], Any]
    evaluation: bool = False  # a column of the evaluation (reviewers, scores)
    personal: bool = False  # who applies: not for observers (access.observes_only)


def _field(name: str) -> Callable[[SummaryRow], Any]:
    return lambda row: row.fields.get(name)


def _joined(name: str) -> Callable[[SummaryRow], str]:
    return lambda row: ", ".join(str(item) for item in row.fields.get(name) or [])


def _deposited(row: SummaryRow) -> datetime | None:
    moment = row.fields.get("deposited_at")
    return parse_datetime(moment).astimezone(PARIS).replace(tzinfo=None) if moment else None


COLUMNS: dict[str, Column] = {
    "reference": Column("Dossier", lambda r: r.business_key),
    "holder_name": Column("Porteur", _field("holder_name"), personal=True),
    "siret": Column("SIRET", _field("siret"), personal=True),
    "title": Column("Projet", _field("title"), personal=True),
    "track": Column("Volet", _field("track")),
    "region": Column("Région", _field("region")),
    "axes": Column("Axes", _joined("axes")),
    "stage": Column("État", _field("stage")),
    "deposited_at": Column("Déposé le", _deposited),
    "amount_requested": Column("Montant demandé (€)", _field("amount_requested")),
    "amount_granted": Column("Montant accordé (€)", _field("amount_granted")),
    "reviewers": Column("Évaluateurs", _joined("reviewers"), evaluation=True),
    "score": Column("Note moyenne", _field("score"), evaluation=True),
}
DEFAULT_COLUMNS = ("reference", "holder_name", "title", "stage", "amount_requested", "score")


@dataclass(frozen=True)
class Search:
    text: str = ""
    stage: str = ""
    track: str = ""
    region: str = ""
    axis: int | None = None
    reviewer: str = ""
    score_min: float | None = None
    score_max: float | None = None
    sort: str = "reference"
    descending: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Search:
        """From a query string; a value that cannot be read is named in `errors` and left out."""
        errors: dict[str, str] = {}

        def number(name: str, kind: Callable[[str], Any]) -> Any:
            raw = (args.get(name) or "").strip().replace(",", ".")
            if not raw:
                return None
            try:
                return kind(raw)
            except ValueError:
                errors[name] = "un nombre est attendu"
                return None

        sort = args.get("tri") or "reference"
        if sort not in COLUMNS:
            errors["tri"] = "colonne inconnue"
            sort = "reference"
        return cls(
            text=(args.get("q") or "").strip()[:200],
            stage=(args.get("etat") or "")[:100],
            track=(args.get("volet") or "")[:100],
            region=(args.get("region") or "")[:100],
            axis=number("axe", int),
            reviewer=(args.get("evaluateur") or "").strip()[:150],
            score_min=number("note_min", float),
            score_max=number("note_max", float),
            sort=sort,
            descending=args.get("ordre") == "desc",
            errors=errors,
        )


def search(
    engine: Engine,
    query: Search,
    *,
    evaluation: bool,
    reader: str | None = None,
    personal: bool = True,
) -> SummaryQuery:
    """The dossiers the search keeps, sorted (empty values last whichever the order, then by
    number); with `reader`, only those this reviewer is named on and still reviews. Without
    `personal`, the text is looked for in the dossiers' numbers alone, and the columns of
    who applies do not sort."""
    found = engine.runtime.summaries(DOSSIER_PROCESS)
    if reader is not None:
        found.has("readers", reader)
    if query.text and personal:
        found.matching(query.text)
    elif query.text:
        found.business_key_containing(query.text)
    if query.stage:
        found.equals("stage", query.stage)
    if query.track:
        found.equals("track", query.track)
    if query.region:
        found.equals("region", query.region)
    if query.axis is not None:
        found.has("axes", query.axis)
    sort = query.sort
    if evaluation:
        if query.reviewer:
            found.has("reviewers", query.reviewer)
        found.between("score", query.score_min, query.score_max)
    elif COLUMNS[sort].evaluation:
        sort = "reference"
    if COLUMNS[sort].personal and not personal:
        sort = "reference"
    return found.sorted_by(None if sort == "reference" else sort, descending=query.descending)


def columns_for(keys: Iterable[str], *, evaluation: bool, personal: bool = True) -> list[str]:
    """The columns chosen that the reader may see (the default ones if none), the dossier's
    number first whatever the choice: it names the row."""
    allowed = readable_columns(evaluation=evaluation, personal=personal)
    chosen = [k for k in dict.fromkeys(keys) if k in allowed and k != "reference"]
    return ["reference", *chosen] if chosen else [k for k in DEFAULT_COLUMNS if k in allowed]


def readable_columns(*, evaluation: bool, personal: bool = True) -> dict[str, Column]:
    return {
        key: column
        for key, column in COLUMNS.items()
        if (evaluation or not column.evaluation) and (personal or not column.personal)
    }


def to_csv(rows: Iterable[SummaryRow], keys: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # what a French spreadsheet opens as columns
    writer.writerow([COLUMNS[k].label for k in keys])
    for row in rows:
        writer.writerow([_cell_text(COLUMNS[k].value(row)) for k in keys])
    return out.getvalue()


def to_xlsx(rows: Iterable[SummaryRow], keys: list[str]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dossiers")
    sheet.append([COLUMNS[k].label for k in keys])
    for row in rows:
        sheet.append([COLUMNS[k].value(row) for k in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "short", locale="fr_FR")
    return str(value)
