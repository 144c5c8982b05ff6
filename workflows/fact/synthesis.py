"""The synthesis of a dossier's reviews: the reviews side by side, mean and spread per
criterion, and the criteria on which reviewers disagree enough to talk it over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import CRITERIA

# Two reviewers two points apart on a criterion (a 2 and a 4) do not read the dossier alike.
DISAGREEMENT = 2
LABELS = {c["id"]: c["label"] for c in CRITERIA}


@dataclass(frozen=True, slots=True)
class Review:
    reviewer: str
    conflict: bool
    withdrawn: bool
    scores: dict[str, int]
    comments: dict[str, str]
    opinion: str

    @property
    def total(self) -> int:
        return sum(self.scores.values())


# The figures are computed once, as the synthesis is made: a session page reads them for
# hundreds of dossiers, and a cached_property takes a lock on every read (Python 3.11).
@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    scores: list[int]
    mean: float | None
    spread: int
    disagreement: bool


def _criterion(criterion_id: str, label: str, scores: list[int]) -> Criterion:
    mean = round(sum(scores) / len(scores), 2) if scores else None
    spread = max(scores) - min(scores) if scores else 0
    return Criterion(criterion_id, label, scores, mean, spread, spread >= DISAGREEMENT)


@dataclass(frozen=True, slots=True)
class Synthesis:
    reviews: list[Review]
    criteria: list[Criterion]
    scored: list[Review]  # without the conflicts and the reviews withdrawn
    mean: float | None  # the mean of the scored reviews' totals (five points per criterion)
    disagreements: list[Criterion]


def synthesis_of(variables: Mapping[str, Any]) -> Synthesis:
    """The synthesis of the reviews a dossier holds, each signed by its reviewer (those kept
    before reviews were signed sit at their reviewer's rank)."""
    reviewers = variables.get("reviewers") or []
    given = [r for r in variables.get("reviews") or [] if isinstance(r, Mapping)]
    reviews = [
        _review(str(r.get("reviewer") or (reviewers[n] if n < len(reviewers) else "")), r)
        for n, r in enumerate(given)
    ]
    scored = [r for r in reviews if not (r.conflict or r.withdrawn)]
    ids = variables.get("criteria") or list(LABELS)
    criteria = [
        _criterion(c, LABELS.get(c, c), [r.scores[c] for r in scored if c in r.scores]) for c in ids
    ]
    mean = round(sum(r.total for r in scored) / len(scored), 2) if scored else None
    return Synthesis(reviews, criteria, scored, mean, [c for c in criteria if c.disagreement])


def _review(reviewer: str, given: Mapping[str, Any]) -> Review:
    conflict = bool(given.get("conflict_of_interest"))
    withdrawn = bool(given.get("withdrawn"))
    scores = given.get("scores") or {}
    return Review(
        reviewer=reviewer,
        conflict=conflict,
        withdrawn=withdrawn,
        scores={}
        if conflict or withdrawn
        else {k: int(v) for k, v in scores.items() if _is_score(v)},
        comments={k: str(v) for k, v in (given.get("comments") or {}).items() if v},
        opinion=str(given.get("opinion") or ""),
    )


def _is_score(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
