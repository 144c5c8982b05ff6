"""Milestone mails: French subjects and bodies, Paris time, amounts, .ics invitation, errors."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from engine import InvalidInputError
from workflows.fact.bots import deposit_form
from workflows.fact.config import PARIS, load_config, process_variables
from workflows.fact.cse import link_token
from workflows.fact.mails import KINDS, TEMPLATES_DIR, deadline_invitation, render_mail
from workflows.mailing import Attachment
from workflows.signing import read

CALL = process_variables(load_config())  # deadline 2020-04-14T21:59:59+00:00 (summer time)
DOSSIER_ID = "2020-01-0042"
HOLDER = "porteur0042@example.org"
SECRETARY = "secretaire.cse@example.org"
TITLE_42 = "Transformation numérique concertée n°42"  # bots.deposit_form(42)
STAFF = "infofact@anact.fr"
TAG = re.compile(r"<[A-Za-z/!][^>]*>")


def dossier(**extra: Any) -> dict[str, Any]:
    """The variables `create_draft` gives a dossier, plus what later steps add."""
    base = {
        "call_id": CALL["call_id"],
        "call_title": CALL["title"],
        "holder_user": "porteur0042",
        "holder_email": HOLDER,
        "track": "entreprise",
        "deposit_deadline": CALL["deposit_deadline"],
        "commission_at": CALL["commission_at"],
        "response_delay": CALL["response_delay"],
        "criteria": [c["id"] for c in CALL["criteria"]],
        "contact": CALL["contact"],
        "staff_email": CALL["staff_email"],
        "dossier_id": DOSSIER_ID,
    }
    return {**base, **extra}


def deposited(**extra: Any) -> dict[str, Any]:
    """A deposited dossier (deposit form of `bots.deposit_form`), found eligible."""
    deposit = {
        **deposit_form(42, amount=80_000),
        "deposited_at": "2020-04-14T21:59:58+00:00",
        "eligible": True,
        "eligibility_reason": "Éligible",
    }
    return dossier(**{**deposit, **extra})


def decided(outcome: str = "accepted", amount: int = 80_000, **extra: Any) -> dict[str, Any]:
    return deposited(outcome=outcome, amount_granted=amount, score=24.0, **extra)


CONVENTION = {"template": "convention", "reference": f"CONVENTION-{DOSSIER_ID}"}
RESCHEDULE = {
    "call_id": "2020-01",
    "previous_deadline": "2020-04-14T21:59:59+00:00",
    "deposit_deadline": "2020-06-05T21:59:59+00:00",
    "previous_commission_at": "2020-05-05T07:30:00+00:00",
    "commission_at": "2020-06-30T07:30:00+00:00",
}
REMINDER = {  # J-7 at 09:00 Paris for the deadline of 14 April 23:59:59
    "call_id": "2020-01",
    "days": 7,
    "last": False,
    "deposit_deadline": "2020-04-14T21:59:59+00:00",
    "sent_at": "2020-04-07T07:00:00+00:00",
}

# kind -> (recipient, data, subject after the prefix, sentences found in both parts)
CASES: dict[str, tuple[str, dict[str, Any], str, list[str]]] = {
    "call_published": (
        "public",
        dict(CALL),
        "Publication de l'appel à projets « Transformation Numérique Concertée »",
        [
            "le mardi 14 avril 2020 à 23 h 59 min 59 s (heure de Paris)",
            "Commission d'examen des dossiers : le 5 mai 2020",
            "au plus tard le 5 juin 2020",
            "Une enveloppe globale de 800 000 €",
            "Action sectorielle (branche) territoriale ou nationale",
        ],
    ),
    "call_closed": (
        "applicants",
        dict(CALL),
        "Clôture des dépôts de l'appel à projets « Transformation Numérique Concertée »",
        ["sont clos depuis le mardi 14 avril 2020 à 23 h 59", "un brouillon n'est pas un dépôt"],
    ),
    "draft_created": (
        HOLDER,
        dossier(),
        f"Brouillon {DOSSIER_ID} créé : pensez à le déposer avant le 14 avril 2020",
        ["Un brouillon n'est pas un dépôt.", "le mardi 14 avril 2020 à 23 h 59", "Fact entreprise"],
    ),
    "deposit_reminder": (
        HOLDER,
        dossier(reminder=REMINDER),
        f"Rappel : plus que 7 jours pour déposer votre dossier {DOSSIER_ID}",
        [
            "Il vous reste 7 jours et 15 heures",
            "mardi 14 avril 2020 à 23 h 59",
            "Un brouillon n'est pas",
        ],
    ),
    "commission_moved": (
        HOLDER,
        deposited(reschedule=RESCHEDULE),
        "La commission d'examen des dossiers se réunira le 30 juin 2020",
        [
            "Date annoncée jusqu'ici : le mardi 5 mai 2020",
            "Nouvelle date : le mardi 30 juin 2020",
            "dans un délai d'un mois après la commission, soit au plus tard le 30 juillet 2020",
            "vous n'avez rien à faire",
        ],
    ),
    "deadline_extended": (
        HOLDER,
        dossier(reschedule=RESCHEDULE),
        "Date limite de dépôt prolongée jusqu'au 5 juin 2020",
        [
            "Ancienne date limite : le mardi 14 avril 2020 à 23 h 59",
            "Nouvelle date limite : le vendredi 5 juin 2020 à 23 h 59",
            "Commission d'examen des dossiers : le 30 juin 2020",
        ],
    ),
    "receipt": (
        HOLDER,
        deposited(),
        f"Accusé de réception de votre dossier {DOSSIER_ID}",
        [
            f"Numéro de dossier : {DOSSIER_ID}",
            "le 14 avril 2020 à 23 h 59 min 58 s (heure de Paris)",
            "au plus tard le 5 juin 2020",
            "joint à ce message au format PDF",
            "Anact, mission Fact",
            "192 avenue Thiers, 69457 Lyon Cedex 06",
            "Courriel : infofact@anact.fr",
            "Téléphone : 04 72 56 14 73",
            "Montant demandé : 80 000 €",
        ],
    ),
    "eligibility_result": (
        HOLDER,
        deposited(eligible=False, eligibility_reason="Effectif supérieur à 300 salariés."),
        f"Éligibilité de votre dossier {DOSSIER_ID} : dossier non éligible",
        ["n'est pas éligible", "Motif : Effectif supérieur à 300 salariés."],
    ),
    "withdrawn": (
        HOLDER,
        dossier(withdrawal={"dossier_id": DOSSIER_ID, "reason": "Projet reporté", "by": "x"}),
        f"Retrait de votre dossier {DOSSIER_ID} enregistré",
        ["Nous avons enregistré le retrait", "Motif indiqué : Projet reporté"],
    ),
    "draft_expired": (
        HOLDER,
        dossier(outcome="expired"),
        f"Votre brouillon {DOSSIER_ID} n'a pas été déposé",
        ["Un brouillon n'est pas un dépôt", "mardi 14 avril 2020 à 23 h 59"],
    ),
    "response_overdue": (
        STAFF,
        decided("partial", 40_000),
        f"Réponse en retard : décision du dossier {DOSSIER_ID} non notifiée",
        ["le délai de réponse est dépassé", "5 juin 2020", "financement partiel, 40 000 €"],
    ),
    "decision": (
        HOLDER,
        decided("accepted", 80_000),
        f"Décision de la commission sur votre dossier {DOSSIER_ID}",
        ["votre projet est retenu", "une subvention de 80 000 €", "réunie le 5 mai 2020"],
    ),
    "convention_ready": (
        HOLDER,
        decided(convention=CONVENTION),
        f"Votre convention CONVENTION-{DOSSIER_ID} est prête à signer",
        ["Montant de la subvention : 80 000 €", "Signer la convention"],
    ),
    "convention_reminder": (
        HOLDER,
        decided(convention=CONVENTION, reminder={"days": 14}),
        f"Rappel : votre convention CONVENTION-{DOSSIER_ID} attend votre signature",
        ["il y a 14 jours", "n'est pas encore signée"],
    ),
    "convention_countersigned": (
        HOLDER,
        decided(convention=CONVENTION, convention_signed=True),
        f"Convention CONVENTION-{DOSSIER_ID} signée par les deux parties",
        ["contresignée par l'Anact", "80 000 €"],
    ),
    "task_assigned": (
        "reviewer1@example.org",
        deposited(task={"name": "Évaluer le dossier", "due_at": "2020-04-24T15:00:00+00:00"}),
        f"Nouvelle tâche : Évaluer le dossier (dossier {DOSSIER_ID})",
        ["Tâche : Évaluer le dossier", "vendredi 24 avril 2020 à 17 h (heure de Paris)"],
    ),
    "message_received": (
        HOLDER,
        deposited(
            message={
                "side": "staff",
                "author": "staff",
                "at": "2020-04-20T08:00:00+00:00",
                "body": "Merci de préciser le budget.",
                "file": None,
            }
        ),
        f"Message de la Mission Fact sur votre dossier {DOSSIER_ID}",
        ["La Mission Fact vous a écrit au sujet de votre dossier", "Merci de préciser le budget."],
    ),
    "correction_requested": (
        HOLDER,
        deposited(correction={"reason": "Le RIB est illisible.", "by": "staff"}),
        f"Votre dossier {DOSSIER_ID} est à corriger avant le 14 avril 2020",
        [
            "Le RIB est illisible.",
            "avant le mardi 14 avril 2020 à 23 h 59 (heure de Paris)",
            "ne sera pas examiné",
        ],
    ),
    "cse_request": (
        SECRETARY,
        deposited(cse_secretary_email=SECRETARY),
        f"Projet « {TITLE_42} » de Structure n°42 : le CSE a-t-il été informé ?",
        [
            "vous a désigné comme secrétaire du comité social et économique (CSE)",
            "apprend que vous avez répondu, pas le contenu de votre réponse",
        ],
    ),
    "cse_reminder": (
        SECRETARY,
        deposited(
            cse_secretary_email=SECRETARY, cse_request={"queued_at": "2020-04-15T08:00:00+00:00"}
        ),
        f"Rappel : le CSE a-t-il été informé du projet « {TITLE_42} » ?",
        ["Le 15 avril 2020, nous vous avons demandé", "se réunit le 5 mai 2020"],
    ),
    "review_reminder": (
        "pending_reviewers",  # resolved at delivery: the reviewers whose review is open
        deposited(review_due_at="2020-04-28T23:59:59+02:00", reminder={"late": True}),
        f"Évaluation en retard (dossier {DOSSIER_ID})",
        [
            "était attendue le mardi 28 avril 2020 à 23 h 59 (heure de Paris)",
            "déclarez-le dès l'ouverture",
        ],
    ),
    "review_conflict": (
        "fact@anact.fr",
        deposited(change={"reviewer_name": "Léa Martin", "reason": "Ancien employeur"}),
        f"Conflit d'intérêts déclaré sur le dossier {DOSSIER_ID}",
        [
            "Léa Martin a déclaré un conflit d'intérêts",
            "Motif donné : Ancien employeur",
            "Affectez un autre évaluateur",
        ],
    ),
    "review_withdrawn": (
        "lea@exemple.fr",
        deposited(change={"replaced_by": True}),
        f"Évaluation du dossier {DOSSIER_ID} retirée",
        ["La Mission Fact vous a retiré l'évaluation", "un autre évaluateur s'en charge"],
    ),
}


def test_the_cse_mails_lead_to_the_answer_page_by_a_link_signed_for_that_dossier() -> None:
    data = deposited(cse_secretary_email=SECRETARY)
    mail = render_mail(
        payload("cse_request", data, SECRETARY), base_url="https://concerto.test/", secret="s"
    )
    link = re.search(r"Répondre pour le CSE : https://concerto\.test/cse/(\S+)", flat(mail.text))
    assert link is not None
    token = link.group(1)  # signed with the moment: read back rather than signed again
    assert read("s", "cse", token, timedelta(days=1)) == [DOSSIER_ID, SECRETARY]
    assert token != link_token("s", DOSSIER_ID, "other@example.org")
    assert token != link_token("other secret", DOSSIER_ID, SECRETARY)
    with pytest.raises(InvalidInputError) as refused:  # never a link nobody could check
        render_mail(payload("cse_request", data, SECRETARY), base_url="https://concerto.test")
    assert "secret" in str(refused.value)


def payload(kind: str, data: dict[str, Any], to: str = HOLDER) -> dict[str, Any]:
    return {"kind": kind, "to": to, "business_key": data.get("dossier_id", "2020-01"), "data": data}


def without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


def flat(text: str) -> str:
    """One line, single spaces: sentences survive the text part's line wrapping."""
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def test_mails_cover_every_kind_with_both_templates() -> None:
    assert set(CASES) == KINDS
    for kind in KINDS:
        assert (TEMPLATES_DIR / f"{kind}.txt").is_file()
        assert (TEMPLATES_DIR / f"{kind}.html").is_file()
    assert (TEMPLATES_DIR / "layout.txt").is_file() and (TEMPLATES_DIR / "layout.html").is_file()


@pytest.mark.parametrize("kind", sorted(CASES))
def test_render_mail_writes_french_subject_text_and_html(kind: str) -> None:
    to, data, subject, sentences = CASES[kind]
    mail = render_mail(payload(kind, data, to))
    assert mail.to == to
    assert mail.subject == f"[FACT 2020-01] {subject}"
    assert not TAG.search(mail.text), "the text part is plain text"
    assert mail.html.startswith("<!DOCTYPE html>") and "<p>" in mail.html
    text, page = flat(mail.text), flat(mail.html)
    header = "Anact — Fonds pour l'amélioration des conditions de travail (FACT)"
    for part in (text, page):
        assert header in part
        assert "infofact@anact.fr" in part and "04 72 56 14 73" in part
        for sentence in sentences:
            assert sentence in part
    assert max(len(line) for line in mail.text.splitlines()) <= 80
    assert f"<title>{mail.subject}</title>" in html.unescape(mail.html)


def test_receipt_states_time_of_receipt_contact_and_response_date() -> None:
    mail = render_mail(payload("receipt", deposited()))
    assert mail.subject == "[FACT 2020-01] Accusé de réception de votre dossier 2020-01-0042"
    assert "Reçu le : 14 avril 2020 à 23 h 59 min 58 s (heure de Paris)" in mail.text
    assert "Service chargé de votre dossier :" in mail.text
    assert mail.attachments == ()


def test_render_mail_adds_caller_attachments() -> None:
    pdf = Attachment("dossier-2020-01-0042.pdf", b"%PDF-1.7", "application/pdf")
    mail = render_mail(payload("receipt", deposited()), attachments=[pdf])
    assert mail.attachments == (pdf,)
    mail = render_mail(payload("draft_created", dossier()), attachments=[pdf])
    assert [a.mimetype for a in mail.attachments] == ["text/calendar; method=REQUEST", pdf.mimetype]


def test_html_escapes_user_text_and_text_keeps_it() -> None:
    title = "<script>alert('x')</script> & co"
    mail = render_mail(payload("receipt", deposited(title=title, holder_name="<b>SARL</b>")))
    assert "<script>" not in mail.html and "<b>SARL" not in mail.html
    assert "&lt;script&gt;" in mail.html and "&amp; co" in mail.html
    assert title in mail.text


def test_decision_outcomes() -> None:
    partial = flat(render_mail(payload("decision", decided("partial", 40_000))).text)
    assert "financement partiel" in partial
    assert "subvention de 40 000 €, pour un montant demandé de 80 000 €" in partial
    assert "La commission est souveraine : aucun recours n'est recevable" in partial
    refused = render_mail(payload("decision", decided("refused", 0)))
    for part in (flat(refused.text), flat(refused.html)):
        assert "votre projet n'a pas été retenu" in part
        assert "La commission est souveraine" in part and "€" not in part
    accepted = flat(render_mail(payload("decision", decided("accepted"))).text)
    assert "souveraine" not in accepted
    with pytest.raises(InvalidInputError) as caught:
        render_mail(payload("decision", decided("postponed")))
    assert caught.value.field == "data.outcome"


def test_the_decision_mail_gives_the_commission_s_motivation() -> None:
    reasons = "Le volet transfert reste à préciser & à chiffrer <avec la branche>."
    mail = render_mail(payload("decision", {**decided("partial", 40_000), "motivation": reasons}))
    assert "\n\nMotivation de la commission :" in mail.text
    assert f"Motivation de la commission : {reasons}" in " ".join(mail.text.split())
    assert "&lt;avec la branche&gt;" in mail.html and "<avec" not in mail.html
    without = render_mail(payload("decision", decided("refused", 0)))
    assert "Motivation" not in without.text


def test_eligible_dossier_gets_no_reason() -> None:
    mail = render_mail(payload("eligibility_result", deposited()))
    assert mail.subject.endswith("dossier éligible")
    assert "est éligible" in flat(mail.text) and "Motif" not in mail.text


def test_last_reminder_and_task_without_due_date() -> None:
    last = {**REMINDER, "days": 2, "last": True, "sent_at": "2020-04-14T18:00:00+00:00"}
    mail = render_mail(payload("deposit_reminder", dossier(reminder=last)))
    assert mail.subject.startswith("[FACT 2020-01] Dernier rappel : plus que 4 heures")
    assert "Il vous reste 4 heures :" in flat(mail.text)
    late = {**last, "deposit_deadline": "2020-06-05T21:59:59+00:00"}  # the reminder's own date
    mail = render_mail(payload("deposit_reminder", dossier(reminder=late)))
    assert "vendredi 5 juin 2020 à 23 h 59 min 59 s" in flat(mail.text)
    task = {"task": {"name": "Affecter les évaluateurs", "due_at": None}}
    mail = render_mail(payload("task_assigned", {**CALL, **task}, STAFF))
    assert mail.subject == "[FACT 2020-01] Nouvelle tâche : Affecter les évaluateurs"
    assert "aucune date fixée" in mail.text


def test_withdrawal_of_a_draft_has_no_title() -> None:
    data = dossier(withdrawal={"dossier_id": DOSSIER_ID, "reason": "", "by": "x"})
    mail = render_mail(payload("withdrawn", data))
    assert "Motif" not in mail.text
    assert f"le retrait de votre dossier {DOSSIER_ID} de l'appel à projets" in flat(mail.text)


def test_paris_time_in_summer_and_winter() -> None:
    winter = render_mail(payload("draft_created", dossier(deposit_deadline="2020-01-14T22:59:59Z")))
    assert "mardi 14 janvier 2020 à 23 h 59 min 59 s (heure de Paris)" in flat(winter.text)


def test_invitation_is_a_paris_time_request_with_alarm() -> None:
    attachment = render_mail(payload("draft_created", dossier())).attachments[0]
    assert attachment.filename.endswith(".ics")
    assert attachment.mimetype == "text/calendar; method=REQUEST"
    calendar = Calendar.from_ical(attachment.content)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    event = calendar.walk("VEVENT")[0]
    assert event["DTEND"].params["TZID"] == "Europe/Paris"
    end, start = event.decoded("DTEND"), event.decoded("DTSTART")
    assert end.replace(tzinfo=None) == datetime(2020, 4, 14, 23, 59, 59)
    assert end.utcoffset() == timedelta(hours=2)
    assert end == datetime(2020, 4, 14, 23, 59, 59, tzinfo=PARIS)
    assert end - start == timedelta(minutes=30)
    assert str(event["SUMMARY"]) == "Date limite de dépôt — appel à projets FACT 2020-01"
    description = str(event["DESCRIPTION"])
    assert "23:59:59, heure de Paris" in description
    assert "Un brouillon n'est pas un dépôt" in description
    assert int(event["SEQUENCE"]) == 0
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-2)
    assert str(event["ORGANIZER"]) == "mailto:infofact@anact.fr"


def test_extension_updates_the_same_event_with_a_higher_sequence() -> None:
    first = Calendar.from_ical(deadline_invitation(dossier()).content).walk("VEVENT")[0]
    again = Calendar.from_ical(deadline_invitation(dossier()).content).walk("VEVENT")[0]
    assert str(first["UID"]) == str(again["UID"])
    assert DOSSIER_ID in str(first["UID"]) and "2020-01" in str(first["UID"])
    mail = render_mail(payload("deadline_extended", dossier(reschedule=RESCHEDULE)))
    moved = Calendar.from_ical(mail.attachments[0].content).walk("VEVENT")[0]
    assert str(moved["UID"]) == str(first["UID"])
    assert moved.decoded("DTEND") == datetime(2020, 6, 5, 23, 59, 59, tzinfo=PARIS)
    assert int(moved["SEQUENCE"]) > int(first["SEQUENCE"])
    later = dossier(reschedule={**RESCHEDULE, "deposit_deadline": "2020-06-12T21:59:59+00:00"})
    twice = Calendar.from_ical(deadline_invitation(later).content).walk("VEVENT")[0]
    assert int(twice["SEQUENCE"]) > int(moved["SEQUENCE"])
    other = Calendar.from_ical(deadline_invitation(dossier(dossier_id="2020-01-0043")).content)
    assert str(other.walk("VEVENT")[0]["UID"]) != str(first["UID"])


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(InvalidInputError) as caught:
        render_mail(payload("birthday", dossier()))
    assert caught.value.field == "kind"
    with pytest.raises(InvalidInputError) as caught:
        render_mail({**payload("receipt", deposited()), "to": ""})
    assert caught.value.field == "to"


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("receipt", without(deposited(), "deposited_at"), "deposited_at"),
        ("receipt", deposited(contact={"service": "Anact"}), "address"),
        ("deposit_reminder", dossier(), "reminder"),
        (
            "decision",
            {k: v for k, v in decided().items() if k != "amount_granted"},
            "amount_granted",
        ),
        ("call_published", without(CALL, "call_id"), "call_id"),
    ],
)
def test_missing_variable_fails_loudly(kind: str, data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        render_mail(payload(kind, data))
    assert caught.value.field is not None and caught.value.field.startswith("data")
    assert field in str(caught.value) and field in caught.value.field
    assert kind in str(caught.value)


def test_naive_date_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidInputError) as caught:
        render_mail(payload("draft_created", dossier(deposit_deadline="2020-04-14T23:59:59")))
    assert caught.value.field == "data" and "no UTC offset" in str(caught.value)
