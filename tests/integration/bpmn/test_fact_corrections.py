"""Sent back for correction before the deadline: the holder edits what they deposited and
deposits again; a new receipt is issued and the first is kept. And the messages of a dossier."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from engine import ConflictError, InvalidInputError
from workflows.fact import dossiers, messages
from workflows.fact.bots import SAMPLE_PDF
from workflows.fact.corrections import request_correction
from workflows.fact.mails import render_mail
from workflows.fact.status import dossier_status, timeline

from .conftest import CLOSING, FactCall, text

REASON = "Le budget annexé ne correspond pas au montant demandé."


def test_a_dossier_sent_back_is_corrected_and_deposited_again_with_a_new_receipt(
    fact: FactCall,
) -> None:
    dossier = fact.draft()
    first = fact.deposit(dossier, title="Titre d'origine", cse_secretary_email="cse@x.fr")
    instance = dossiers.get_dossier(fact.engine, dossier)
    request_correction(fact.engine, dossier, reason=REASON, actor="staff")
    reopened = dossiers.get_dossier(fact.engine, dossier)
    status = dossier_status(fact.engine, reopened)
    assert status.label == "À corriger" and status.is_draft
    assert f"« {REASON.rstrip('.')} »" in status.next_step
    assert reopened.variables["draft"]["title"] == "Titre d'origine"  # the form opens with it
    assert reopened.variables["corrections"] == 1
    [mail] = fact.mails("correction_requested")
    assert mail.recipient == first.variables["holder_email"] and REASON in text(mail)
    assert "avant le mardi 14 avril 2020 à 23 h 59" in text(mail)
    assert fact.engine.tasks.query().business_key(dossier).form_key("eligibility").list() == []

    fact.clock.set(fact.engine.clock.now() + timedelta(hours=2))
    corrected = {**reopened.variables["draft"], "title": "Titre corrigé"}
    dossiers.save_draft(fact.engine, dossier, corrected, actor="holder1")
    print("DRAFT", dossiers.get_dossier(fact.engine, dossier).variables["draft"]["title"])
    again = dossiers.deposit(fact.engine, dossier, actor="holder1")
    assert again.variables["title"] == "Titre corrigé"
    assert again.variables["deposited_at"] > first.variables["deposited_at"]
    names = sorted(d.name for d in fact.engine.documents.list(instance.id) if "receipt" in d.name)
    assert names == [f"receipt-{dossier}-2.pdf", f"receipt-{dossier}.pdf"]  # both kept
    receipts = fact.mails("receipt")
    assert [m.payload["data"]["receipt_document"]["document"] for m in receipts][-1] == (
        f"receipt-{dossier}-2.pdf"
    )
    assert dossier_status(fact.engine, again).label.startswith("Déposé le")
    labels = [m.label for m in timeline(fact.engine, again)]
    assert labels.count("Dossier déposé") == 2
    assert "Renvoyé par la Mission Fact pour correction" in labels
    assert len(fact.mails("cse_request")) == 2  # not answered yet: asked again after the deposit
    assert len(fact.engine.tasks.query().business_key(dossier).form_key("eligibility").list()) == 1


def test_a_correction_needs_a_reason_a_deposited_dossier_and_time_left(fact: FactCall) -> None:
    draft, deposited = fact.draft(), fact.draft()
    fact.deposit(deposited)
    with pytest.raises(InvalidInputError) as short:
        request_correction(fact.engine, deposited, reason="flou", actor="staff")
    assert short.value.field == "reason"
    with pytest.raises(ConflictError, match="seul un dossier déposé"):
        request_correction(fact.engine, draft, reason=REASON, actor="staff")
    fact.at(CLOSING)
    with pytest.raises(ConflictError, match=r"date limite de dépôt .* est passée"):
        request_correction(fact.engine, deposited, reason=REASON, actor="staff")
    assert dossier_status(
        fact.engine, dossiers.get_dossier(fact.engine, deposited)
    ).label.startswith("Déposé le")
    assert fact.mails("correction_requested") == []


def test_a_dossier_sent_back_and_not_deposited_again_expires_at_the_deadline(
    fact: FactCall,
) -> None:
    dossier = fact.draft()
    fact.deposit(dossier)
    request_correction(fact.engine, dossier, reason=REASON, actor="staff")
    fact.at(CLOSING + timedelta(seconds=1))
    expired = dossiers.get_dossier(fact.engine, dossier)
    assert expired.variables["outcome"] == "expired"
    assert dossier_status(fact.engine, expired).label == "Non déposé"


def test_messages_go_both_ways_with_their_files_and_each_is_mailed_to_the_other_side(
    fact: FactCall,
) -> None:
    dossier_id = fact.draft()
    fact.deposit(dossier_id)
    dossier = dossiers.get_dossier(fact.engine, dossier_id)
    messages.post(fact.engine, dossier, side=messages.HOLDER, author="holder1",
                  body="Faut-il joindre le devis ?", file=("devis.pdf", SAMPLE_PDF))  # fmt: skip
    messages.post(fact.engine, dossier, side=messages.STAFF, author="staff",
                  body="Oui, merci.")  # fmt: skip
    thread = messages.thread(dossiers.get_dossier(fact.engine, dossier_id))
    assert [(m.side, m.body) for m in thread] == [
        ("holder", "Faut-il joindre le devis ?"), ("staff", "Oui, merci.")]  # fmt: skip
    stored = fact.engine.documents.get(dossier.id, thread[0].file["document"])[1]
    assert stored == SAMPLE_PDF and thread[0].file["filename"] == "devis.pdf"
    to_staff, to_holder = fact.mails("message_received")
    assert to_staff.recipient == dossier.variables["staff_email"]
    assert to_holder.recipient == dossier.variables["holder_email"]
    mail = render_mail(to_staff.payload, base_url="https://concerto.test")
    assert f"https://concerto.test/instruction/dossiers/{dossier_id}#messages" in mail.text
    assert "Faut-il joindre le devis ?" in mail.text and "Fichier joint : devis.pdf" in mail.text
    mail = render_mail(to_holder.payload, base_url="https://concerto.test")
    assert f"https://concerto.test/dossiers/{dossier_id}" in mail.text
    assert mail.subject.endswith(f"Message de la Mission Fact sur votre dossier {dossier_id}")


def test_a_refused_message_stores_nothing_and_messages_sent_at_once_are_all_kept(
    fact: FactCall,
) -> None:
    dossier_id = fact.draft()
    dossier = dossiers.get_dossier(fact.engine, dossier_id)
    for body, file, field in (
        ("   ", None, "body"),
        ("x" * 5001, None, "body"),
        ("Avec un fichier", ("script.pdf", b"#!/bin/sh\nrm -rf /"), "file"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            messages.post(fact.engine, dossier, side=messages.HOLDER, author="holder1",
                          body=body, file=file)  # fmt: skip
        assert refused.value.field == field
    assert messages.thread(dossiers.get_dossier(fact.engine, dossier_id)) == []
    assert fact.mails("message_received") == []
    start = threading.Barrier(4)

    def send(n: int) -> None:
        start.wait()
        messages.post(fact.engine, dossier, side=messages.HOLDER, author="holder1",
                      body=f"Message {n}")  # fmt: skip

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    bodies = {m.body for m in messages.thread(dossiers.get_dossier(fact.engine, dossier_id))}
    assert bodies == {f"Message {n}" for n in range(4)}
    assert len(fact.mails("message_received")) == 4
