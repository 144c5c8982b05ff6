"""The synthesis of a dossier's reviews: the reviews side by side, mean and spread per
criterion, and the criteria on which reviewers disagree enough to talk it over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .config import CRITERIA

# Two reviewers two points apart on a criterion (a 2 and a 4) do not read the dossier alike.
DISAGREEMENT = 2
LABELS = {c["id"]: c["label"] for c in CRITERIA}


@dataclass(frozen=True)
class Review:
    reviewer: str
    conflict: bool
    withdrawn: bool
    scores: dict[str, int]
    comments: dict[str, str]
    opinion: str

    @cached_property
    def total(self) -> int:
        return sum(self.scores.values())


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    scores: list[int]

    @cached_property
    def mean(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 2) if self.scores else None

    @cached_property
    def spread(self) -> int:
        return max(self.scores) - min(self.scores) if self.scores else 0

    @cached_property
    def disagreement(self) -> bool:
        return self.spread >= DISAGREEMENT


@dataclass(frozen=True)
class Synthesis:
    reviews: list[Review]
    criteria: list[Criterion]

    @cached_property
    def scored(self) -> list[Review]:
        return [r for r in self.reviews if not (r.conflict or r.withdrawn)]

    @cached_property
    def mean(self) -> float | None:
        """The mean of the reviewers' totals (out of five points per criterion)."""
        scored = self.scored
        return round(sum(r.total for r in scored) / len(scored), 2) if scored else None

    @cached_property
    def disagreements(self) -> list[Criterion]:
        return [c for c in self.criteria if c.disagreement]


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
        Criterion(c, LABELS.get(c, c), [r.scores[c] for r in scored if c in r.scores]) for c in ids
    ]
    return Synthesis(reviews, criteria)


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
