"""The dossiers as staff search them: a text search (number, organisation, SIRET, title),
filters (state, track, axis, reviewer, score range), a sort; the same rows exported as CSV or
XLSX with the columns staff choose.

Reviewers and scores are columns and filters for those who read evaluations only (see
access.sees_evaluation): for the others they are neither shown nor searchable.
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

from engine import Engine
from engine.dates import parse_datetime
from engine.models import Instance

from ..french import PARIS
from .calls import DOSSIER_PROCESS
from .status import Status, statuses
from .synthesis import synthesis_of


@dataclass(frozen=True)
class Row:
    dossier: Instance
    status: Status
    score: float | None

    def answer(self, key: str) -> Any:
        """A form answer: deposited, or as the draft holds it."""
        v = self.dossier.variables
        return v[key] if v.get(key) is not None else (v.get("draft") or {}).get(key)


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Row], Any]
    evaluation: bool = False  # a column of the evaluation (reviewers, scores)


def _deposited(row: Row) -> datetime | None:
    moment = row.dossier.variables.get("deposited_at")
    return parse_datetime(moment).astimezone(PARIS).replace(tzinfo=None) if moment else None


def _reviewers(row: Row) -> list[str]:
    return [str(name) for name in row.dossier.variables.get("reviewers") or []]


def _amount(key: str) -> Callable[[Row], int | None]:
    def value(row: Row) -> int | None:
        found = row.answer(key)
        return int(found) if isinstance(found, (int, float)) else None

    return value


COLUMNS: dict[str, Column] = {
    "reference": Column("Dossier", lambda r: r.dossier.business_key),
    "holder_name": Column("Porteur", lambda r: r.answer("holder_name")),
    "siret": Column("SIRET", lambda r: r.answer("siret")),
    "title": Column("Projet", lambda r: r.answer("title")),
    "track": Column("Volet", lambda r: r.dossier.variables.get("track")),
    "axes": Column("Axes", lambda r: ", ".join(str(a) for a in r.answer("axes") or [])),
    "stage": Column("État", lambda r: r.status.stage),
    "deposited_at": Column("Déposé le", _deposited),
    "amount_requested": Column("Montant demandé (€)", _amount("amount_requested")),
    "amount_granted": Column("Montant accordé (€)", _amount("amount_granted")),
    "reviewers": Column("Évaluateurs", lambda r: ", ".join(_reviewers(r)), evaluation=True),
    "score": Column("Note moyenne", lambda r: r.score, evaluation=True),
}
DEFAULT_COLUMNS = ("reference", "holder_name", "title", "stage", "amount_requested", "score")
SEARCHED = ("holder_name", "siret", "title")


@dataclass(frozen=True)
class Search:
    text: str = ""
    stage: str = ""
    track: str = ""
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
            axis=number("axe", int),
            reviewer=(args.get("evaluateur") or "").strip()[:150],
            score_min=number("note_min", float),
            score_max=number("note_max", float),
            sort=sort,
            descending=args.get("ordre") == "desc",
            errors=errors,
        )

    def keeps(self, row: Row, *, evaluation: bool) -> bool:
        if self.text and not _matches(row, self.text):
            return False
        if self.stage and row.status.stage != self.stage:
            return False
        if self.track and row.dossier.variables.get("track") != self.track:
            return False
        if self.axis is not None and self.axis not in (row.answer("axes") or []):
            return False
        if not evaluation:
            return True
        if self.reviewer and self.reviewer not in _reviewers(row):
            return False
        if self.score_min is not None and (row.score is None or row.score < self.score_min):
            return False
        return self.score_max is None or (row.score is not None and row.score <= self.score_max)


def search(
    engine: Engine, query: Search, *, evaluation: bool, readable: Callable[[Instance], bool]
) -> list[Row]:
    """The dossiers the reader may see that the search keeps, sorted."""
    dossiers = [d for d in engine.runtime.query().process(DOSSIER_PROCESS).list() if readable(d)]
    tasks = engine.tasks.query().process(DOSSIER_PROCESS).list()
    rows = [
        Row(d, status, synthesis_of(d.variables).mean if evaluation else None)
        for d, status in statuses(dossiers, tasks)
    ]
    kept = [row for row in rows if query.keeps(row, evaluation=evaluation)]
    column = COLUMNS[query.sort]
    if column.evaluation and not evaluation:
        column = COLUMNS["reference"]
    # Empty values last whichever the order, then by number for equal values.
    kept.sort(key=lambda row: row.dossier.business_key or "")
    kept.sort(key=lambda row: _sortable(column.value(row)), reverse=query.descending)
    present = [row for row in kept if column.value(row) not in (None, "")]
    return present + [row for row in kept if column.value(row) in (None, "")]


def columns_for(keys: Iterable[str], *, evaluation: bool) -> list[str]:
    chosen = [k for k in keys if k in COLUMNS and (evaluation or not COLUMNS[k].evaluation)]
    return chosen or [k for k in DEFAULT_COLUMNS if evaluation or not COLUMNS[k].evaluation]


def to_csv(rows: list[Row], keys: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # what a French spreadsheet opens as columns
    writer.writerow([COLUMNS[k].label for k in keys])
    for row in rows:
        writer.writerow([_cell_text(COLUMNS[k].value(row)) for k in keys])
    return out.getvalue()


def to_xlsx(rows: list[Row], keys: list[str]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dossiers")
    sheet.append([COLUMNS[k].label for k in keys])
    for row in rows:
        sheet.append([COLUMNS[k].value(row) for k in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _matches(row: Row, text: str) -> bool:
    wanted = text.casefold()
    values = [row.dossier.business_key or "", *(str(row.answer(k) or "") for k in SEARCHED)]
    return any(wanted in value.casefold() for value in values)


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None or value == "":
        return (0, "")
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, datetime):
        return (2, value.isoformat())
    return (3, str(value).casefold())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "short", locale="fr_FR")
    return str(value)
