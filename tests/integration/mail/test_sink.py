"""The local SMTP sink keeps every mail; the staff page "Courriels" lists and shows them."""

from __future__ import annotations

from pathlib import Path

from handlers.mailsink import read_sink, start_sink
from handlers.smtp import SmtpSettings, YagmailMailer, build_message
from web import create_app

from .conftest import _free_port
from .test_smtp import RECEIPT


def test_sink_keeps_mails_and_staff_reads_them_on_the_page(tmp_path: Path) -> None:
    maildir, port = tmp_path / "mails", _free_port()
    sink = start_sink(maildir, port=port)
    try:
        mailer = YagmailMailer(SmtpSettings(port=port, mail_from="fact@anact.test"))
        message = build_message(
            RECEIPT, sender="fact@anact.test", recipients=[RECEIPT.to], message_id="<k1@anact.test>"
        )
        mailer.send(message)
        mailer.close()
    finally:
        sink.stop()
    [kept] = read_sink(maildir)
    assert kept.subject == RECEIPT.subject and kept.text().strip() == RECEIPT.text
    assert ("recu.pdf", "application/pdf", len(b"%PDF-1.7 fake")) in kept.attachments()

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "SECRET_KEY": "t", "MAILDIR": maildir}
    )
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    engine.identity.create_user("staff", "mot-de-passe-1", roles=["staff"], email="s@x.fr")
    engine.identity.create_user("ana", "mot-de-passe-1", roles=["applicant"], email="a@x.fr")
    for username, status in (("staff", 200), ("ana", 403)):
        client = app.test_client()
        with client.session_transaction() as session:  # as signing in leaves it
            session["_user_id"] = username
            session["sid"] = engine.sessions.open(username)
        listing = client.get("/courriels")
        assert listing.status_code == status
        if status == 200:
            assert RECEIPT.subject in listing.text
            page = client.get(f"/courriels/{kept.key}")
            assert "k1@anact.test" in page.text and "recu.pdf" in page.text
            assert client.get("/courriels/nope").status_code == 404
    assert app.test_client().get("/courriels").status_code == 302  # to the sign-in page
