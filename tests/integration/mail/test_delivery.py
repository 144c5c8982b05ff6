"""Milestone mails through the outbox, a worker and yagmail, to a real SMTP server."""

from __future__ import annotations

import io
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

import workflows
from engine import Engine, FrozenClock
from engine.worker import Worker, WorkerSettings
from workflows.fact import calls, dossiers
from workflows.fact.bots import attach_pieces, deposit_form

from .conftest import SmtpServer

PUBLISHED = datetime(2020, 2, 19, 8, 0, 1, tzinfo=UTC)


def _engine(tmp_path: Path, smtp: SmtpServer, clock: FrozenClock) -> Engine:
    engine = workflows.build_engine(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'mail.sqlite'}",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "MAIL_FROM": "fact@anact.test",
            "RETRY_BASE_DELAY": "60",
        },
        clock=clock,
    )
    engine.management.create_schema()
    calls.deploy(engine)
    calls.open_call(engine, {}, actor="staff")
    clock.set(PUBLISHED + timedelta(days=1))
    engine.timers.fire_due()
    return engine


def _deposited(engine: Engine, n: int = 1) -> str:
    dossier = dossiers.create_draft(
        engine, "2020-01", holder_user=f"h{n}", holder_email=f"porteur{n}@example.org",
        track="entreprise", actor=f"h{n}",
    ).business_key  # fmt: skip
    attach_pieces(engine, dossier, actor=f"h{n}")
    dossiers.deposit(engine, dossier, deposit_form(n), actor=f"h{n}")
    return dossier or ""


def test_delivery_milestone_mails_with_receipt_pdf_and_invitation(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    clock = FrozenClock(PUBLISHED - timedelta(days=1))
    engine = _engine(tmp_path, smtp, clock)
    dossier = _deposited(engine)
    sent, failed = engine.outbox.dispatch("w1")
    # publication, draft created, receipt; and the deposit task given to the holder, of which
    # the draft-created mail already told them (no mail of its own)
    assert failed == 0 and sent == 4 and len(smtp.inbox.messages) == 3
    by_subject = {m["Subject"]: m for m in smtp.inbox.messages}
    receipt = next(m for s, m in by_subject.items() if "réception" in s.lower())
    assert receipt["To"] == "porteur1@example.org" and dossier in receipt["Subject"]
    text = receipt.get_body(("plain",)).get_content()
    assert "<" not in text and "heure de Paris" in text and "infofact@anact.fr" in text
    [pdf] = [p for p in receipt.iter_attachments() if p.get_content_type() == "application/pdf"]
    pdf_text = PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages[0].extract_text()
    assert dossier in pdf_text and "infofact@anact.fr" in pdf_text
    draft = next(m for s, m in by_subject.items() if "brouillon" in s.lower())
    [invitation] = list(draft.iter_attachments())
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_content_disposition() == "attachment"
    assert "brouillon n'est pas un dépôt" in draft.get_body(("plain",)).get_content().lower()
    assert all(m.status == "sent" for m in engine.outbox.list())


def test_delivery_server_down_keeps_mails_then_each_once_with_its_message_id(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    clock = FrozenClock(PUBLISHED - timedelta(days=1))
    engine = _engine(tmp_path, smtp, clock)
    smtp.stop()
    _deposited(engine)
    assert engine.outbox.dispatch("w1") == (1, 3)  # the task notice needs no mail
    pending = engine.outbox.list(status="pending")
    assert len(pending) == 3 and {m.attempts for m in pending} == {1}
    assert engine.outbox.dispatch("w1") == (0, 0)  # backing off: nothing retried yet
    smtp.start()
    clock.advance(timedelta(minutes=2))
    assert engine.outbox.dispatch("w1") == (3, 0)
    assert engine.outbox.dispatch("w1") == (0, 0)
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    expected = {f"<{m.instance_id}.{m.id}@anact.test>" for m in engine.outbox.list(topic="email")}
    assert len(ids) == 3 and set(ids) == expected


def test_delivery_two_workers_never_send_a_mail_twice(tmp_path: Path, smtp: SmtpServer) -> None:
    clock = FrozenClock(PUBLISHED - timedelta(days=1))
    engine = _engine(tmp_path, smtp, clock)
    for n in range(1, 21):
        _deposited(engine, n)
    total = len(engine.outbox.list(topic="email"))
    settings = WorkerSettings(poll_interval=0.1, outbox_batch=5)
    workers = [Worker(engine, settings, worker_id=f"w{n}") for n in (1, 2)]
    start = threading.Barrier(2)

    def run(worker: Worker) -> None:
        start.wait()
        worker.tick()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(m["Message-ID"] for m in smtp.inbox.messages)
    assert len(counts) == total and set(counts.values()) == {1}


def test_delivery_reviewer_is_told_of_the_task_given_to_them(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    clock = FrozenClock(PUBLISHED - timedelta(days=1))
    engine = _engine(tmp_path, smtp, clock)
    engine.identity.create_user("rev1", "mot-de-passe-1", roles=["reviewer"], email="rev1@x.fr")
    dossier = _deposited(engine)
    for form_key, data in (
        ("eligibility", {"eligible": True, "eligibility_reason": "Conforme"}),
        ("assignment", {"reviewers": ["rev1", "someone-without-account"]}),
    ):
        task = dossiers.open_task(engine, dossier, form_key)
        engine.tasks.complete(task.id, data, actor="staff")
    while any(engine.outbox.dispatch("w1")):
        pass
    told = [m for m in smtp.inbox.messages if m["X-Concerto-Kind"] == "task_assigned"]
    assert [m["To"] for m in told] == ["rev1@x.fr"]
    assert dossier in told[0].get_body(("plain",)).get_content()
    assert engine.outbox.list(status="pending") == []


def test_delivery_every_milestone_of_a_funded_dossier_reaches_its_recipient(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    clock = FrozenClock(PUBLISHED - timedelta(days=1))
    engine = _engine(tmp_path, smtp, clock)
    dossier = _deposited(engine)
    steps = [
        ("eligibility", {"eligible": True, "eligibility_reason": "Conforme"}, "staff"),
        ("assignment", {"reviewers": ["rev1"]}, "staff"),
    ]
    for form_key, data, actor in steps:
        engine.tasks.complete(dossiers.open_task(engine, dossier, form_key).id, data, actor=actor)
    review = {"conflict_of_interest": False, "scores": {}, "comments": {}}
    engine.tasks.complete(
        dossiers.open_task(engine, dossier, "review").id, {"review": review}, actor="rev1"
    )
    clock.set(datetime(2020, 5, 5, 7, 31, tzinfo=UTC))
    engine.timers.fire_due()
    session = engine.tasks.query().form_key("commission").one()
    decisions = [
        {"dossier": dossier, "decision": "partial", "amount": 40_000, "motivation": "Motivée."}
    ]
    engine.tasks.complete(session.id, {"decisions": decisions}, actor="president")
    for form_key, data, actor in (
        ("decision_notice", {"notified": True}, "staff"),
        (
            "convention_countersignature",
            {"staff_signed": True, "countersignatory_name": "M. Fact"},
            "staff",
        ),
    ):
        if form_key == "convention_countersignature":  # the holder signs in the browser's way
            signed = {
                "holder_signed": True,
                "signatory_name": "Camille Martin",
                "signatory_role": "Gérante",
            }
            dossiers.sign_convention(engine, dossier, signed, actor="h1")
        engine.tasks.complete(dossiers.open_task(engine, dossier, form_key).id, data, actor=actor)
    while any(engine.outbox.dispatch("w1")):
        pass
    holder = "porteur1@example.org"
    received = {m["X-Concerto-Kind"]: m for m in smtp.inbox.messages}
    for kind in (
        "draft_created", "receipt", "eligibility_result", "decision",
        "convention_ready", "convention_countersigned",
    ):  # fmt: skip
        mail = received[kind]
        assert mail["To"] == holder and mail["Subject"].startswith("[FACT 2020-01]"), kind
        text = mail.get_body(("plain",)).get_content()
        assert "<p>" not in text and dossier in text, kind
    assert received["call_published"]["To"] == "infofact@anact.fr"
    assert "40\u202f000 €" in received["decision"].get_body(("plain",)).get_content()
    [convention] = [
        p for p in received["convention_ready"].iter_attachments()
        if p.get_content_type() == "application/pdf"
    ]  # fmt: skip
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(convention.get_payload(decode=True))).pages
    )
    assert "Convention" in text and dossier in text
    [signed] = [p for p in received["convention_countersigned"].iter_attachments()
                if p.get_content_type() == "application/pdf"]  # fmt: skip
    assert signed.get_filename() == f"convention-{dossier}-2.pdf"
    text = " ".join("".join(
        page.extract_text() for page in PdfReader(io.BytesIO(signed.get_payload(decode=True))).pages
    ).split())  # fmt: skip
    assert "Signée par Camille Martin, Gérante, le 5 mai 2020" in text
    assert "Contresignée par M. Fact, à Lyon, le 5 mai 2020" in text
    [letter] = [p for p in received["decision"].iter_attachments()
                if p.get_content_type() == "application/pdf"]  # fmt: skip
    assert letter.get_filename() == f"decision-{dossier}.pdf"
    text = PdfReader(io.BytesIO(letter.get_payload(decode=True))).pages[0].extract_text()
    assert "Notification de décision" in " ".join(text.split()).replace(
        "NOTIFICATION", "Notification"
    )
    assert engine.outbox.list(status="pending") == []


def test_delivery_mails_lead_to_their_page_answers_reach_the_service_and_many_stay_private(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    clock = FrozenClock(PUBLISHED - timedelta(days=1))
    engine = workflows.build_engine(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'links.sqlite'}",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "MAIL_FROM": "ne-pas-repondre@anact.test",
            "BASE_URL": "https://concerto.anact.test/",
        },
        clock=clock,
    )
    engine.management.create_schema()
    calls.deploy(engine)
    calls.open_call(engine, {}, actor="staff")
    clock.set(PUBLISHED + timedelta(days=1))
    engine.timers.fire_due()
    first, second = _deposited(engine, 1), _deposited(engine, 2)
    clock.set(datetime(2020, 4, 14, 22, 0, tzinfo=UTC))  # deposits close: one mail to all
    engine.timers.fire_due()
    while any(engine.outbox.dispatch("w1")):
        pass
    by_kind: dict[str, list] = {}
    for message in smtp.inbox.messages:
        by_kind.setdefault(str(message["X-Concerto-Kind"]), []).append(message)
    receipt = by_kind["receipt"][0]
    text = " ".join(receipt.get_body(("plain",)).get_content().split())  # lines are wrapped
    dossier = first if "porteur1" in str(receipt["To"]) else second
    assert f"Voir votre dossier en ligne : https://concerto.anact.test/dossiers/{dossier}" in text
    assert (
        f'href="https://concerto.anact.test/dossiers/{dossier}"'
        in receipt.get_body(("html",)).get_content()
    )
    assert receipt["From"] == "ne-pas-repondre@anact.test"
    assert receipt["Reply-To"] == "infofact@anact.fr"  # the call's contact answers
    published = " ".join(by_kind["call_published"][0].get_body(("plain",)).get_content().split())
    assert "https://concerto.anact.test/appels/2020-01" in published
    (closed,) = by_kind["call_closed"]  # one mail, delivered to both holders
    assert str(closed["To"]) == "undisclosed-recipients:;" and closed["Bcc"] is None
    envelope = smtp.inbox.envelopes[smtp.inbox.messages.index(closed)]
    assert sorted(envelope) == ["porteur1@example.org", "porteur2@example.org"]
    assert "https://concerto.anact.test/mes-dossiers" in " ".join(
        closed.get_body(("plain",)).get_content().split()
    )
    engine.close()
