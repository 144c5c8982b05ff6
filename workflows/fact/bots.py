"""Simulation bots: synthetic applicants, staff, reviewers and commission.

Bots drive the public engine API exactly as people do through the web layer. Every random
choice comes from one seeded generator, so a seed replays the same call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from stdnum import luhn

from engine import ConflictError, Engine, NotFoundError
from engine.models import UserTask

from .calls import DOSSIER_PROCESS
from .dossiers import attach_piece, create_draft, deposit, draft_form, get_dossier, withdraw

STAFF = "staff.bot"
COMMISSION = "commission.bot"
REVIEWERS = [f"reviewer{n}.bot" for n in range(1, 7)]

HOLDERS = [  # (holder type, track, weight)
    ("company", "entreprise", 5),
    ("association", "entreprise", 2),
    ("territorial_relay", "action_collective", 2),
    ("territorial_relay", "branche", 1),
    ("national_relay", "branche", 1),
    ("national_relay", "action_collective", 1),  # ineligible: wrong track for the holder
]


@dataclass
class Applicant:
    number: int
    user: str
    email: str
    holder_type: str
    track: str
    headcount: int
    cse_informed: bool
    amount: int
    create_at: datetime
    deposit_at: datetime  # after the deadline for latecomers: the draft expires
    withdraw_at: datetime | None
    dossier_id: str | None = None
    deposited: bool = False

    def next_moment(self, now: datetime) -> datetime | None:
        """When this applicant will next act, if ever."""
        if self.dossier_id is None:
            return self.create_at
        moments = [self.withdraw_at] if self.withdraw_at else []
        if not self.deposited and self.deposit_at > now:
            moments.append(self.deposit_at)
        return min(moments, default=None)


def make_applicants(
    rng: random.Random, count: int, opens: datetime, closes: datetime
) -> list[Applicant]:
    applicants = []
    span = (closes - opens).total_seconds()
    for n in range(1, count + 1):
        holder_type, track, _ = rng.choices(HOLDERS, weights=[h[2] for h in HOLDERS])[0]
        created = opens + timedelta(seconds=rng.uniform(0.01, 0.9) * span)
        late = rng.random() < 0.08
        if late:
            deposited = closes + timedelta(hours=rng.uniform(1, 48))
        else:
            deposited = created + rng.uniform(0, 1) * (closes - created)
            deposited = min(deposited, closes - timedelta(seconds=1))
        withdraw_at = None
        if rng.random() < 0.05:
            withdraw_at = deposited + timedelta(days=rng.uniform(1, 15))
        applicants.append(
            Applicant(
                number=n,
                user=f"applicant{n:04d}",
                email=f"porteur{n:04d}@example.org",
                holder_type=holder_type,
                track=track,
                headcount=rng.choice([12, 35, 80, 150, 240, 299, 320, 450])
                if holder_type in ("company", "association")
                else rng.randint(3, 60),
                cse_informed=rng.random() > 0.06,
                amount=rng.randrange(20_000, 120_001, 5_000),
                create_at=created,
                deposit_at=deposited,
                withdraw_at=withdraw_at,
            )
        )
    return applicants


# Cities of several regions, where simulated applicants have their establishment.
POSTAL_CODES = ("75011", "69003", "13002", "59000", "33000", "35000", "31000", "97400")


def deposit_form(
    number: int,
    *,
    holder_type: str = "company",
    headcount: int = 50,
    cse_informed: bool = True,
    amount: int = 60_000,
    siret: str = "12345678200010",  # made up, with a right Luhn key
    axes: tuple[int, ...] = (1,),
    postal_code: str | None = None,
) -> dict[str, Any]:
    """A complete deposit form as an applicant fills it in (the postal code, unless given, one
    of a few cities' by the number)."""
    return {
        "holder_name": f"Structure n°{number}",
        "siret": siret,
        "postal_code": postal_code or POSTAL_CODES[number % len(POSTAL_CODES)],
        "holder_type": holder_type,
        "headcount": headcount,
        "axes": sorted(axes),
        "title": f"Transformation numérique concertée n°{number}",
        "summary": "Projet de transformation numérique conduit avec les salariés.",
        "objectives": "Associer les équipes au choix et au déploiement des outils.",
        "methodology": "Diagnostic partagé, groupes de travail, expérimentation, bilan.",
        "partners": "Aract régionale, consultant",
        "cse_informed": cse_informed,
        "cse_informed_on": "2020-03-02",
        "cse_informed_how": "Réunion ordinaire du CSE",
        "cse_associated": cse_informed,
        "budget_total": amount * 2,
        "amount_requested": amount,
    }


def sample_siret(rng: random.Random) -> str:
    """A made-up SIRET whose SIREN and whole number have right Luhn keys, as deposits need (one
    draw, as simulations of a seed replay the same)."""
    digits = f"{rng.randrange(10**13, 10**14):014d}"
    siren = digits[:8] + luhn.calc_check_digit(digits[:8])
    establishment = siren + digits[8:12]
    return establishment + luhn.calc_check_digit(establishment)


# The smallest PDF a reader opens: what simulated applicants send as each piece.
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def attach_pieces(engine: Engine, dossier_id: str, *, actor: str) -> None:
    """Send a file for every piece the draft's form requires, as an applicant does."""
    for piece in draft_form(engine, get_dossier(engine, dossier_id)).pieces:
        if piece.required:
            attach_piece(engine, dossier_id, piece.key, f"{piece.key}.pdf", SAMPLE_PDF, actor=actor)


@dataclass
class Bots:
    """Staff, reviewer, commission and applicant behaviour, acting on open tasks."""

    engine: Engine
    rng: random.Random
    applicants: list[Applicant] = field(default_factory=list)
    late_notices: int = 0
    _by_dossier: dict[str, Applicant] = field(default_factory=dict)
    _late: dict[str, bool] = field(default_factory=dict)

    def act_on_open_tasks(self) -> int:
        """Complete every open task a bot is due to handle now; returns how many were done."""
        done = 0
        # Task ids are random: a stable order keeps the seeded choices reproducible.
        tasks = sorted(
            self.engine.tasks.query().list(),
            key=lambda t: (t.business_key or "", t.element_id, t.assignee or "", t.created_at),
        )
        for task in tasks:
            handler = getattr(self, f"_on_{task.form_key}", None)
            if handler is None:
                continue
            try:
                if handler(task):
                    done += 1
            except ConflictError:  # the task closed meanwhile (deadline, withdrawal)
                continue
        return done

    def applicant_actions(self, now: datetime) -> int:
        """Create, deposit and withdraw dossiers whose moment has come."""
        done = 0
        for applicant in self.applicants:
            if applicant.dossier_id is None and applicant.create_at <= now:
                dossier = create_draft(
                    self.engine,
                    "2020-01",
                    holder_user=applicant.user,
                    holder_email=applicant.email,
                    track=applicant.track,
                    actor=applicant.user,
                )
                applicant.dossier_id = dossier.business_key
                self._by_dossier[applicant.dossier_id] = applicant
                done += 1
        return done

    # --- per form --------------------------------------------------------------------------

    def _on_deposit(self, task: UserTask) -> bool:
        applicant = self._applicant(task)
        if applicant is None or self.engine.clock.now() < applicant.deposit_at:
            return False
        try:
            attach_pieces(self.engine, applicant.dossier_id or "", actor=applicant.user)
            deposit(
                self.engine,
                applicant.dossier_id or "",
                deposit_form(
                    applicant.number,
                    holder_type=applicant.holder_type,
                    headcount=applicant.headcount,
                    cse_informed=applicant.cse_informed,
                    amount=applicant.amount,
                    siret=sample_siret(self.rng),
                    axes=tuple(self.rng.sample([1, 2, 3], self.rng.randint(1, 3))),
                ),
                actor=applicant.user,
            )
        except ConflictError:
            return False
        applicant.deposited = True
        return True

    def _on_eligibility(self, task: UserTask) -> bool:
        variables = self.engine.runtime.get(task.instance_id).variables
        eligible = bool(variables.get("precheck_eligible"))
        reason = variables.get("precheck_reason", "")
        if eligible and self.rng.random() < 0.03:
            eligible, reason = False, "Projet hors du champ des conditions de travail."
        self._complete(task, {"eligible": eligible, "eligibility_reason": reason}, STAFF)
        return True

    def _on_assignment(self, task: UserTask) -> bool:
        reviewers = self.rng.sample(REVIEWERS, self.rng.choice([2, 3]))
        self._complete(task, {"reviewers": reviewers}, STAFF)
        return True

    def _on_review(self, task: UserTask) -> bool:
        variables = self.engine.runtime.get(task.instance_id).variables
        criteria = variables.get("criteria", [])
        quality = self.rng.uniform(1.5, 5)
        scores = {c: max(1, min(5, round(self.rng.gauss(quality, 0.7)))) for c in criteria}
        review = {
            "conflict_of_interest": self.rng.random() < 0.04,
            "scores": scores,
            "comments": {c: "Appréciation du critère." for c in criteria},
        }
        self._complete(task, {"review": review}, task.assignee or REVIEWERS[0])
        return True

    def _on_commission(self, task: UserTask) -> bool:
        """Rank the dossiers awaiting a decision by score and fund them within the envelope."""
        call = self.engine.runtime.get(task.instance_id).variables
        remaining = int(call["envelope"])
        waiting = [
            d.variables
            for d in self.engine.runtime.query().process(DOSSIER_PROCESS).status("running").list()
            if "score" in d.variables and "outcome" not in d.variables
        ]
        waiting.sort(key=lambda v: (-float(v["score"]), v["dossier_id"]))
        decisions = []
        for dossier in waiting:
            requested, score = int(dossier["amount_requested"]), float(dossier["score"])
            # The best dossiers are funded in full, good ones in part, within what remains.
            share = 10 if score >= 27 else 7 if score >= 23 else 5 if score >= 19 else 0
            wanted = requested * share // 10
            amount = min(wanted, remaining) // 1000 * 1000
            if wanted and amount >= requested * 3 // 10:
                outcome = "accepted" if amount == requested else "partial"
                remaining -= amount
            else:
                outcome, amount = "refused", 0
            decisions.append(
                {
                    "dossier": dossier["dossier_id"],
                    "decision": outcome,
                    "amount": amount,
                    "motivation": f"Note moyenne : {score}.",
                }
            )
        self._complete(task, {"decisions": decisions}, COMMISSION)
        return True

    def _on_decision_notice(self, task: UserTask) -> bool:
        # One notice in twenty is sent late, so the overdue escalation is exercised.
        late = self._late.setdefault(task.id, task.due_at is not None and self.rng.random() < 0.05)
        if late:
            if task.due_at is not None and self.engine.clock.now() <= task.due_at:
                return False
            self.late_notices += 1
        self._complete(task, {"notified": True}, STAFF)
        return True

    def _on_convention_signature(self, task: UserTask) -> bool:
        applicant = self._applicant(task)
        signed = {"holder_signed": True, "signatory_name": "Dirigeant", "signatory_role": "Gérant"}
        self._complete(task, signed, applicant.user if applicant else STAFF)
        return True

    def _on_convention_countersignature(self, task: UserTask) -> bool:
        self._complete(task, {"staff_signed": True, "countersignatory_name": "Mission Fact"}, STAFF)
        return True

    def _complete(self, task: UserTask, data: dict[str, Any], actor: str) -> None:
        self.engine.tasks.complete(task.id, data, actor=actor)

    def _applicant(self, task: UserTask) -> Applicant | None:
        return self._by_dossier.get(task.business_key or "")

    def next_moment(self, now: datetime) -> datetime | None:
        """The next virtual time at which a bot has something to do (besides timers)."""
        moments = [m for a in self.applicants if (m := a.next_moment(now)) is not None]
        moments += [
            task.due_at + timedelta(seconds=1)
            for task in self.engine.tasks.query().form_key("decision_notice").list()
            if self._late.get(task.id) and task.due_at is not None
        ]
        return min((m for m in moments if m > now), default=None)

    def deadline_moved(self, deadline: datetime) -> None:
        """Applicants still drafting take the extension: most of them now aim for its last
        days (some after its reminders), the others keep their plan."""
        for applicant in self.applicants:
            if not applicant.deposited and self.rng.random() < 0.7:
                before = timedelta(days=self.rng.uniform(0.5, 9))
                applicant.deposit_at = max(applicant.deposit_at, deadline - before)

    def withdrawals(self, now: datetime) -> int:
        done = 0
        for applicant in self.applicants:
            if applicant.withdraw_at and applicant.withdraw_at <= now and applicant.dossier_id:
                applicant.withdraw_at = None
                try:
                    withdraw(
                        self.engine,
                        applicant.dossier_id,
                        reason="Projet reporté",
                        actor=applicant.user,
                    )
                    done += 1
                except (NotFoundError, ConflictError):  # decided already: nothing waits for it
                    continue
        return done
