"""The reviewers' directory: who may review, how busy they are, and the check of an assignment
(only reviewers' accounts, each once, never the dossier's holder nor one who declared a
conflict of interest with it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine import Engine, InvalidInputError
from engine.models import Instance, User

from .reviews import CONFLICT, STATUS
from .roles import REVIEWER


@dataclass(frozen=True)
class Reviewer:
    user: User
    open_reviews: int

    @property
    def username(self) -> str:
        return self.user.username


def directory(engine: Engine, search: str = "") -> list[Reviewer]:
    """Active reviewers whose name, login or e-mail contains `search`, by name."""
    wanted = search.strip().casefold()
    found = [
        u
        for u in engine.identity.list()
        if u.active
        and REVIEWER in u.roles
        and (not wanted or wanted in f"{u.display_name} {u.username} {u.email}".casefold())
    ]
    found.sort(key=lambda u: (u.display_name.casefold(), u.username))
    return [Reviewer(u, _open_reviews(engine, u.username)) for u in found]


def _open_reviews(engine: Engine, username: str) -> int:
    return engine.tasks.query().assignee(username).form_key("review").count()


def check_assignment(
    engine: Engine, dossier: Instance, data: Mapping[str, Any], *, field: str = "reviewers"
) -> None:
    """Each reviewer named is an active reviewer's account, named once, not the holder nor one
    who declared a conflict of interest with the dossier."""
    named = data.get("reviewers")
    if not isinstance(named, list) or not named or not all(isinstance(n, str) for n in named):
        raise InvalidInputError("nommez au moins un évaluateur", field=field)
    conflicted = set(dossier.variables.get("former_reviewers") or []) | {
        name for name, state in (dossier.variables.get(STATUS) or {}).items() if state == CONFLICT
    }
    known = {u.username: u for u in engine.identity.list() if u.active and REVIEWER in u.roles}
    problems = []
    for name in named:
        shown = name[:80]
        if name not in known:
            problems.append(f"« {shown} » n'est pas un évaluateur connu")
        elif name == dossier.variables.get("holder_user"):
            problems.append(f"« {shown} » porte ce dossier")
        elif name in conflicted:
            problems.append(f"« {shown} » a déclaré un conflit d'intérêts avec ce dossier")
    if len(set(named)) != len(named):
        problems.append("un évaluateur est nommé deux fois")
    if problems:
        raise InvalidInputError(problems[0], field=field, errors={field: problems})
