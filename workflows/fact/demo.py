"""Demo accounts for a newcomer's first run: one per role, with a shared password."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from engine import ConflictError, Engine, FrozenClock, NotFoundError
from engine.models import Instance

from ..french import PARIS
from .bots import attach_pieces, deposit_form
from .calls import CALL_PROCESS, DOSSIER_PROCESS, get_call, open_call
from .cse import FORM_KEY, CseRequest
from .cse import answer as cse_answer
from .dossiers import create_draft, deposit, get_dossier, open_task
from .roles import ADMIN, APPLICANT, COMMISSION, OBSERVER, REVIEWER, STAFF

DEMO_PASSWORD = "concerto-demo"
DEMO_USERS = [
    ("admin", [ADMIN], "Administratrice"),
    ("mission.fact", [STAFF], "Mission Fact (Anact)"),
    ("evaluatrice", [REVIEWER], "Évaluatrice"),
    ("evaluateur", [REVIEWER], "Évaluateur"),
    ("commission", [COMMISSION], "Présidente de la commission"),
    ("porteur", [APPLICANT], "Porteur de projet (PME)"),
    ("relais", [APPLICANT], "Acteur relais territorial"),
    ("cse", [OBSERVER], "Représentant du personnel (CSE)"),
]


def ensure_demo_users(engine: Engine) -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; returns (username, roles) of all."""
    for username, roles, name in DEMO_USERS:
        try:
            engine.identity.create_user(
                username,
                DEMO_PASSWORD,
                roles=roles,
                email=f"{username}@demo.concerto.invalid",
                display_name=name,
            )
        except ConflictError:
            continue
    return [(username, ", ".join(roles)) for username, roles, _ in DEMO_USERS]


DEMO_CALL = "DEMO"


def ensure_demo_call(engine: Engine) -> str:
    """A call like 2020-01 but open now: deadline in six weeks, commission three weeks later."""
    try:
        get_call(engine, DEMO_CALL)
    except NotFoundError:
        today = engine.clock.now().astimezone(PARIS).date()
        deadline = datetime.combine(today + timedelta(weeks=6), time(23, 59, 59), PARIS)
        commission = datetime.combine(today + timedelta(weeks=9), time(9, 30), PARIS)
        open_call(
            engine,
            {
                "reference": DEMO_CALL,
                "title": "Transformation Numérique Concertée (démonstration)",
                "publication_at": engine.clock.now().isoformat(),
                "deposit_deadline": deadline.isoformat(),
                "commission_at": commission.isoformat(),
            },
            actor="admin",
        )
    return DEMO_CALL


DEMO_PAST_CALL = "DEMO-ANTERIEUR"
ORGANISATIONS = {
    "porteur": {
        "name": "Menuiserie Démo",
        "siret": "73282932000074",
        "holder_type": "company",
        "headcount": 48,
    },
    "relais": {
        "name": "Réseau Démo des entreprises",
        "siret": "35600000000048",
        "holder_type": "territorial_relay",
        "headcount": 12,
    },
}
# Who sees what once the demo dossiers exist (printed by `concerto run`).
DEMO_TOUR = [
    (
        "porteur",
        "un brouillon et un dossier déposé (DEMO), une convention à signer (DEMO-ANTERIEUR)",
    ),
    ("relais", "un dossier en instruction (DEMO), un dossier non retenu (DEMO-ANTERIEUR)"),
    ("evaluatrice", "une évaluation à faire (Mes évaluations, DEMO)"),
    ("commission", "les séances de la commission (Espace de travail)"),
    ("mission.fact", "les courriels envoyés (Courriels) ; une convention à contresigner"),
    ("admin", "une nouvelle version du dossier à accepter ou renvoyer (Modèles)"),
    ("cse", "la même proposition, à lire et commenter (Modèles)"),
]
# The CSE secretaries the demo dossiers name: the link of the mail to the first, read in
# "Courriels", opens the CSE's answer page (no account); the second has answered already.
CSE_SECRETARIES = {"porteur": "cse@menuiserie-demo.fr", "relais": "cse@relais-demo.fr"}


def ensure_demo_dossiers(engine: Engine) -> None:
    """Dossiers at every stage for the demo accounts, once: on the open DEMO call a draft, a
    deposited dossier and one in review; on an earlier call (run on a virtual clock, months
    ago) a granted dossier whose convention awaits signature and a refused one."""
    holders = engine.runtime.query().process(DOSSIER_PROCESS).started_by("porteur")
    if holders.count():
        return
    for username, organisation in ORGANISATIONS.items():
        profile = {**engine.identity.get(username).profile, "organisation": organisation}
        engine.identity.update_profile(username, profile)
    draft = _draft(engine, DEMO_CALL, "porteur", "entreprise")
    engine.runtime.set_variables(
        draft.id, {"draft": _prefill("porteur", title="Outils numériques de l'atelier")},
        actor="porteur",
    )  # fmt: skip
    deposited = _draft(engine, DEMO_CALL, "porteur", "entreprise")
    _deposit(engine, deposited, "porteur", 1, cse_secretary=CSE_SECRETARIES["porteur"])
    in_review = _draft(engine, DEMO_CALL, "relais", "action_collective")
    _deposit(engine, in_review, "relais", 2, cse_secretary=CSE_SECRETARIES["relais"])
    _cse_answers(engine, in_review, CSE_SECRETARIES["relais"])
    _complete(
        engine, in_review, "eligibility", {"eligible": True, "eligibility_reason": "Éligible"}
    )
    _complete(engine, in_review, "assignment", {"reviewers": ["evaluatrice", "evaluateur"]})
    _past_call(engine)


def _past_call(engine: Engine) -> None:
    """A call run months ago on a virtual clock, on the same database."""
    from .. import build_engine  # the composition root builds the engine of the past call

    now = engine.clock.now().astimezone(PARIS)
    published = now - timedelta(days=120)
    deadline = datetime.combine((now - timedelta(days=90)).date(), time(23, 59, 59), PARIS)
    commission = datetime.combine((now - timedelta(days=60)).date(), time(9, 30), PARIS)
    clock = FrozenClock(published - timedelta(days=1))
    past = build_engine({"DATABASE_URL": engine.config.database_url}, clock=clock)
    try:
        open_call(
            past,
            {
                "reference": DEMO_PAST_CALL,
                "title": "Transformation Numérique Concertée (édition antérieure)",
                "publication_at": published.isoformat(),
                "deposit_deadline": deadline.isoformat(),
                "commission_at": commission.isoformat(),
            },
            actor="admin",
        )
        clock.set(published + timedelta(hours=1))
        past.timers.fire_due()
        granted = _draft(past, DEMO_PAST_CALL, "porteur", "entreprise")
        refused = _draft(past, DEMO_PAST_CALL, "relais", "action_collective")
        for dossier, holder, n in ((granted, "porteur", 3), (refused, "relais", 4)):
            _deposit(past, dossier, holder, n)
            _complete(
                past, dossier, "eligibility", {"eligible": True, "eligibility_reason": "Éligible"}
            )
            _complete(past, dossier, "assignment", {"reviewers": ["evaluatrice"]})
            _review(past, dossier)
        clock.set(commission)
        past.timers.fire_due()
        session = past.tasks.query().process(CALL_PROCESS).form_key("commission").one()
        decisions = [
            {
                "dossier": granted.business_key,
                "decision": "accepted",
                "amount": 24_250,
                "motivation": "Projet ambitieux, conduit avec les représentants du personnel.",
            },
            {
                "dossier": refused.business_key,
                "decision": "refused",
                "amount": 0,
                "motivation": "Les transformations du travail visées restent trop générales.",
            },
        ]
        past.tasks.complete(session.id, {"decisions": decisions}, actor="commission")
        for dossier in (granted, refused):
            _complete(past, dossier, "decision_notice", {"notified": True})
    finally:
        past.close()


def _draft(engine: Engine, call: str, holder: str, track: str) -> Instance:
    user = engine.identity.get(holder)
    return create_draft(
        engine, call, holder_user=holder, holder_email=user.email, track=track, actor=holder
    )


def _prefill(holder: str, **answers: Any) -> dict[str, Any]:
    organisation = ORGANISATIONS[holder]
    return {
        "holder_name": organisation["name"],
        "siret": organisation["siret"],
        "holder_type": organisation["holder_type"],
        "headcount": organisation["headcount"],
        **answers,
    }


def _deposit(
    engine: Engine, dossier: Instance, holder: str, n: int, cse_secretary: str = ""
) -> None:
    form = {**deposit_form(n, amount=24_250 + 5_000 * n), **_prefill(holder),
            "cse_secretary_email": cse_secretary}  # fmt: skip
    attach_pieces(engine, dossier.business_key or "", actor=holder)
    deposit(engine, dossier.business_key or "", form, actor=holder)


def _cse_answers(engine: Engine, dossier: Instance, email: str) -> None:
    """The CSE secretary answers, as through the link of the mail."""
    task = open_task(engine, dossier.business_key or "", FORM_KEY)
    answer = {"secretary_name": "Karim Haddad", "informed": True, "informed_on": "2026-01-08",
              "association": "Le CSE désigne deux membres au comité de pilotage du projet.",
              "comment": ""}  # fmt: skip
    cse_answer(engine, CseRequest(get_dossier(engine, dossier.business_key or ""), email, task),
               {"cse_confirmation": answer})  # fmt: skip


def _complete(engine: Engine, dossier: Instance, form_key: str, data: dict[str, Any]) -> None:
    task = open_task(engine, dossier.business_key or "", form_key)
    engine.tasks.complete(task.id, data, actor=task.assignee or "mission.fact")


def _review(engine: Engine, dossier: Instance) -> None:
    criteria = get_dossier(engine, dossier.business_key or "").variables["criteria"]
    review = {
        "conflict_of_interest": False,
        "scores": dict.fromkeys(criteria, 4),
        "comments": dict.fromkeys(criteria, "Projet solide et bien construit."),
    }
    _complete(engine, dossier, "review", {"review": review})
